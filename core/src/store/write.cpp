// The write path. Every public write runs as: BEGIN IMMEDIATE; load the record; apply edits in
// memory with type checks; recompute calculations (and validate when finalizing); write each
// changed value with its outbox and audit entries; update the record row; COMMIT. Any failure
// returns before COMMIT and the transaction rolls back, so the file never holds half a write.
#include "store/impl.h"

#include "doorstep/core/values.h"
#include "record/values.h"
#include "store/edit_session.h"

namespace doorstep {
namespace {

constexpr size_t kMaxEditsPerCall = 100000;

}  // namespace

Status Store::Impl::WriteValue(LoadedRecord& rec, const std::string& path,
                               const v1::Value* old_value, const v1::Value* value,
                               HlcTimestamp ts, bool derived) {
  std::string_view rid = rec.id.AsBytes();
  auto row = rec.rows.find(path);
  const bool exists = row != rec.rows.end();
  if (derived) {
    // Calculated values: stored for readers, never pushed or audited (every side recomputes).
    if (value == nullptr) {
      if (!exists) return Status::Ok();
      DS_ASSIGN_OR_RETURN(auto del, db->Prepare("DELETE FROM value WHERE record_id = ? AND path = ?"));
      DS_RETURN_IF_ERROR(del.BindBlob(1, rid).Bind(2, path).Run());
      rec.rows.erase(row);
      return Status::Ok();
    }
  }
  std::string bytes = value != nullptr ? value->SerializeAsString() : std::string();
  if (exists) {
    if (!derived) {
      // Keep the version being replaced (a cleared row is a version too: who cleared it, when).
      DS_ASSIGN_OR_RETURN(auto audit, db->Prepare(
          "INSERT INTO audit(record_id, seq, path, value, hlc, author) VALUES(?, ?, ?, ?, ?, ?)"));
      DS_RETURN_IF_ERROR(audit.BindBlob(1, rid)
                             .Bind(2, rec.next_audit_seq++)
                             .Bind(3, path)
                             .BindBlob(4, old_value ? old_value->SerializeAsString() : std::string())
                             .Bind(5, static_cast<int64_t>(row->second.hlc))
                             .Bind(6, row->second.author)
                             .Run());
    }
    DS_ASSIGN_OR_RETURN(auto upd, db->Prepare(
        "UPDATE value SET value = ?, hlc = ?, author = ?, pending = coalesce(pending, ?) "
        "WHERE record_id = ? AND path = ?"));
    upd.BindBlob(1, bytes).Bind(2, static_cast<int64_t>(ts)).Bind(3, author_id);
    if (derived) {
      upd.BindNull(4);
    } else {
      upd.Bind(4, next_outbox_seq++);
    }
    DS_RETURN_IF_ERROR(upd.BindBlob(5, rid).Bind(6, path).Run());
  } else {
    DS_ASSIGN_OR_RETURN(auto ins, db->Prepare(
        "INSERT INTO value(record_id, path, value, version, hlc, author, pending) "
        "VALUES(?, ?, ?, 0, ?, ?, ?)"));
    ins.BindBlob(1, rid).Bind(2, path).BindBlob(3, bytes).Bind(4, static_cast<int64_t>(ts));
    ins.Bind(5, author_id);
    if (derived) {
      ins.BindNull(6);
    } else {
      ins.Bind(6, next_outbox_seq++);
    }
    DS_RETURN_IF_ERROR(ins.Run());
  }
  if (!derived && !rec.in_outbox) {
    DS_ASSIGN_OR_RETURN(auto ob, db->Prepare(
        "INSERT OR IGNORE INTO outbox(record_id, seq) VALUES(?, ?)"));
    DS_RETURN_IF_ERROR(ob.BindBlob(1, rid).Bind(2, next_outbox_seq - 1).Run());
    rec.in_outbox = true;
  }
  auto& r = rec.rows[path];
  r.hlc = ts;
  r.author = author_id;
  r.cleared = value == nullptr;
  return Status::Ok();
}

namespace {

// Whether a stored path holds a calculated field's value (stored, never pushed or audited).
bool IsDerivedPath(const CompiledForm& form, const std::string& path) {
  if (path[0] == '@') return false;
  auto parsed = FieldPath::Parse(path);
  const FieldInfo* fi = parsed.ok() ? form.Find(parsed->leaf()) : nullptr;
  return fi != nullptr && fi->calculate.has_value() && !parsed->is_instance();
}

}  // namespace

// Persist phase: writes every value that differs from what was loaded, then the record row and
// the clock.
Status Store::Impl::PersistEdits(LoadedRecord& rec,
                                 const std::map<std::string, std::optional<v1::Value>>& originals,
                                 HlcTimestamp now) {
  for (const auto& [path, original] : originals) {
    auto it = rec.values.find(path);
    const v1::Value* now_value = it == rec.values.end() ? nullptr : &it->second;
    const v1::Value* old_value = original ? &*original : nullptr;
    if (now_value == nullptr && old_value == nullptr) continue;
    if (now_value && old_value && record::SameValue(*now_value, *old_value)) continue;
    DS_RETURN_IF_ERROR(WriteValue(rec, path, old_value, now_value, now,
                                  IsDerivedPath(*rec.form, path)));
  }
  DS_ASSIGN_OR_RETURN(auto upd, db->Prepare(
      "UPDATE record SET state = ?, deleted = ?, updated_hlc = ? WHERE id = ?"));
  DS_RETURN_IF_ERROR(upd.Bind(1, rec.state == RecordState::kFinalized ? 1 : 0)
                         .Bind(2, rec.deleted ? 1 : 0)
                         .Bind(3, static_cast<int64_t>(now))
                         .BindBlob(4, rec.id.AsBytes())
                         .Run());
  rec.updated = now;
  return PersistHlc();
}

Result<std::vector<std::string>> Store::Impl::ApplyEdits(
    LoadedRecord& rec, const std::vector<Edit>& edits, bool finalize, ValidationReport* report,
    const std::vector<std::pair<std::string, v1::Value>>& metadata) {
  DS_RETURN_IF_ERROR(RequireAuthor());
  if (edits.size() > kMaxEditsPerCall) {
    return Status(Code::kResourceExhausted, "too many edits in one call");
  }
  const HlcTimestamp now = hlc->Now();
  EditSession session(rec, options, TodayDays());
  session.SetMetadata(metadata);
  for (size_t i = 0; i < edits.size(); ++i) {
    DS_ASSIGN_OR_RETURN(FieldPath path, FieldPath::Parse(edits[i].path));
    Status s = edits[i].op == Edit::Op::kSet && edits[i].value.has_attachment()
                   ? RequireBlob(edits[i].value.attachment(), edits[i].path)
                   : Status::Ok();
    if (s.ok()) s = session.Apply(edits[i], path);
    if (!s.ok()) {
      if (edits.size() > 1) s.WithContext("edit " + std::to_string(i + 1));
      return s;
    }
  }
  DS_RETURN_IF_ERROR(session.Recompute(finalize, report));
  DS_RETURN_IF_ERROR(PersistEdits(rec, session.originals(), now));
  return session.TakeAdded();
}

Status Store::Impl::RequireBlob(const v1::Attachment& attachment, const std::string& path) {
  // A reference to a photo this store does not hold would reach the server and every tablet
  // pointing at nothing: a value set here names a blob added with AddAttachment / Attach first.
  // (Pulled values may name photos not fetched yet; they do not pass here.)
  if (attachment.sha256().size() != 32) return Status::Ok();  // the value check names it
  DS_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT 1 FROM blob WHERE sha256 = ?"));
  st.BindBlob(1, attachment.sha256());
  DS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) return Status::Ok();
  return Status(Code::kFailedPrecondition,
                "the photo this value refers to is not in this store; attach the file with "
                "`doorstep attach ID FIELD FILE`",
                path);
}

Status Store::Impl::RecomputeDerived(LoadedRecord& rec) {
  if (rec.form->calculation_order().empty()) return Status::Ok();
  record::RecordModel model(*rec.form, rec.values, TodayDays());
  model.Evaluate();
  HlcTimestamp ts = 0;
  for (const auto& [path, value] : model.calculated()) {
    auto it = rec.values.find(path);
    bool same = value ? (it != rec.values.end() && record::SameValue(it->second, *value))
                      : it == rec.values.end();
    if (same) continue;
    if (ts == 0) ts = hlc->Now();
    DS_RETURN_IF_ERROR(WriteValue(rec, path, it == rec.values.end() ? nullptr : &it->second,
                                  value ? &*value : nullptr, ts, /*derived=*/true));
  }
  // Keep the in-memory values in step with what was written.
  for (const auto& [path, value] : model.calculated()) {
    if (value) {
      rec.values[path] = *value;
    } else {
      rec.values.erase(path);
    }
  }
  return Status::Ok();
}

// ---- public write API ----

namespace {

Status RequireDraft(const LoadedRecord& rec) {
  if (rec.deleted) {
    return Status(Code::kFailedPrecondition, "record is deleted", rec.id.ToString());
  }
  if (rec.state == RecordState::kFinalized) {
    return Status(Code::kFailedPrecondition,
                  "record is finalized; reopen it to make a correction", rec.id.ToString());
  }
  return Status::Ok();
}

}  // namespace

Result<RecordId> Store::CreateRecord(const std::string& form_id, const std::string& version,
                                     const std::vector<Edit>& edits, bool finalize) {
  DS_RETURN_IF_ERROR(impl_->RequireAuthor());
  std::string v = version;
  if (v.empty()) {
    DS_ASSIGN_OR_RETURN(v, LatestVersion(form_id));
  }
  DS_ASSIGN_OR_RETURN(auto form, impl_->Form(form_id, v));
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  LoadedRecord rec;
  rec.form = form;
  HlcTimestamp created = impl_->hlc->Now();
  DS_ASSIGN_OR_RETURN(rec.id, Uuid::GenerateTimeOrdered(HlcMillis(created), *impl_->options.random));
  rec.created = created;
  {
    DS_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT INTO record(id, form_id, form_version, state, deleted, created_hlc, updated_hlc) "
        "VALUES(?, ?, ?, 0, 0, ?, ?)"));
    DS_RETURN_IF_ERROR(ins.BindBlob(1, rec.id.AsBytes())
                           .Bind(2, form_id)
                           .Bind(3, v)
                           .Bind(4, static_cast<int64_t>(created))
                           .Bind(5, static_cast<int64_t>(created))
                           .Run());
  }
  ValidationReport report;
  auto applied = impl_->ApplyEdits(rec, edits, finalize, &report,
                                   {{std::string(kMetaForm), values::Text(form->key())},
                                    {std::string(kMetaState), values::Text("draft")}});
  if (!applied.ok()) return applied.status();
  DS_RETURN_IF_ERROR(txn->Commit());
  return rec.id;
}

Result<std::vector<std::string>> Store::Apply(const RecordId& id, const std::vector<Edit>& edits) {
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  DS_RETURN_IF_ERROR(RequireDraft(rec));
  ValidationReport unused;
  DS_ASSIGN_OR_RETURN(auto added, impl_->ApplyEdits(rec, edits, false, &unused));
  DS_RETURN_IF_ERROR(txn->Commit());
  return added;
}

Status Store::SetValue(const RecordId& id, const std::string& path, const v1::Value& value) {
  return Apply(id, {Edit::Set(path, value)}).status();
}

Status Store::ClearValue(const RecordId& id, const std::string& path) {
  return Apply(id, {Edit::Clear(path)}).status();
}

Result<std::string> Store::AddInstance(const RecordId& id, const std::string& repeat_path) {
  DS_ASSIGN_OR_RETURN(auto added, Apply(id, {Edit::AddInstance(repeat_path)}));
  return added.front();
}

Status Store::RemoveInstance(const RecordId& id, const std::string& instance_path) {
  return Apply(id, {Edit::RemoveInstance(instance_path)}).status();
}

Status Store::Sign(const RecordId& id, const std::string& path, const SignatureInput& input) {
  return Apply(id, {Edit::Sign(path, input)}).status();
}

Result<ValidationReport> Store::Finalize(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  DS_RETURN_IF_ERROR(RequireDraft(rec));
  ValidationReport report;
  auto applied = impl_->ApplyEdits(rec, {}, true, &report);
  if (!applied.ok()) {
    if (applied.status().code() == Code::kValidation) return report;  // rolled back
    return applied.status();
  }
  DS_RETURN_IF_ERROR(txn->Commit());
  return report;
}

Status Store::Reopen(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  if (rec.deleted) return Status(Code::kFailedPrecondition, "record is deleted", id.ToString());
  if (rec.state != RecordState::kFinalized) {
    return Status(Code::kFailedPrecondition, "record is not finalized", id.ToString());
  }
  rec.state = RecordState::kDraft;
  ValidationReport unused;
  DS_RETURN_IF_ERROR(
      impl_->ApplyEdits(rec, {}, false, &unused, {{std::string(kMetaState), values::Text("draft")}})
          .status());
  return txn->Commit();
}

Result<std::vector<ValidationReport>> Store::Amend(const std::vector<RecordEdits>& writes) {
  DS_RETURN_IF_ERROR(impl_->RequireAuthor());
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  std::vector<ValidationReport> reports(writes.size());
  bool invalid = false;
  for (size_t i = 0; i < writes.size(); ++i) {
    DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(writes[i].id));
    if (rec.deleted) {
      return Status(Code::kFailedPrecondition, "record is deleted", writes[i].id.ToString());
    }
    const bool finalized = rec.state == RecordState::kFinalized;
    auto applied = impl_->ApplyEdits(rec, writes[i].edits, finalized, &reports[i]);
    if (!applied.ok()) {
      if (applied.status().code() != Code::kValidation) return applied.status();  // rolled back
      invalid = true;  // go on: every record's report at once
    }
  }
  if (invalid) return reports;  // rolled back
  DS_RETURN_IF_ERROR(txn->Commit());
  return reports;
}

Status Store::DeleteRecord(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  if (rec.deleted) return Status::Ok();
  rec.deleted = true;
  v1::Value flag;
  flag.set_flag(true);
  ValidationReport unused;
  DS_RETURN_IF_ERROR(
      impl_->ApplyEdits(rec, {}, false, &unused, {{std::string(kMetaDeleted), flag}}).status());
  return txn->Commit();
}

}  // namespace doorstep
