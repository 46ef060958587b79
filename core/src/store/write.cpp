// The write path. Every public write runs as: BEGIN IMMEDIATE; load the record; apply edits in
// memory with type checks; recompute calculations (and validate when finalizing); write each
// changed value with its outbox and audit entries; update the record row; COMMIT. Any failure
// returns before COMMIT and the transaction rolls back, so the file never holds half a write.
#include "store/impl.h"

#include "record/values.h"

namespace doorstep {
namespace {

constexpr size_t kMaxSignaturePoints = 20000;
constexpr size_t kMaxEditsPerCall = 100000;

v1::Value TextValue(std::string s) {
  v1::Value v;
  v.set_text(std::move(s));
  return v;
}

// Resolves a data-field path: the field exists, its enclosing repeats match the path's instance
// segments and every enclosing instance exists in `vals`.
Result<const FieldInfo*> ResolveField(const CompiledForm& form, const record::ValueMap& vals,
                                      const FieldPath& path, const std::string& text) {
  if (path.is_instance()) {
    return Status(Code::kInvalidArgument, "path names a repeat instance, not a field", text);
  }
  const FieldInfo* fi = form.Find(path.leaf());
  if (fi == nullptr) {
    return Status(Code::kNotFound, "no field '" + path.leaf() + "' in form " + form.key(), text);
  }
  if (path.segments.size() != fi->repeats.size() + 1) {
    return Status(Code::kInvalidArgument,
                  fi->repeats.empty()
                      ? "field '" + fi->name + "' is not inside a repeat"
                      : "field '" + fi->name + "' is inside repeat '" + fi->repeats.back() +
                            "': use " + fi->repeats.back() + "[<instance id>]/" + fi->name,
                  text);
  }
  std::string prefix;
  for (size_t i = 0; i < fi->repeats.size(); ++i) {
    const auto& seg = path.segments[i];
    if (seg.name != fi->repeats[i] || seg.instance.empty()) {
      return Status(Code::kInvalidArgument,
                    "segment " + std::to_string(i + 1) + " must be " + fi->repeats[i] + "[<id>]",
                    text);
    }
    prefix += (i ? "/" : "") + seg.name + "[" + seg.instance + "]";
    if (!vals.count(prefix)) {
      return Status(Code::kNotFound, "no such repeat instance", prefix);
    }
  }
  return fi;
}

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

Result<std::vector<std::string>> Store::Impl::ApplyEdits(
    LoadedRecord& rec, const std::vector<Edit>& edits, bool finalize, ValidationReport* report,
    const std::vector<std::pair<std::string, v1::Value>>& metadata) {
  DS_RETURN_IF_ERROR(RequireAuthor());
  if (edits.size() > kMaxEditsPerCall) {
    return Status(Code::kResourceExhausted, "too many edits in one call");
  }
  const CompiledForm& form = *rec.form;
  record::ValueMap& vals = rec.values;
  std::map<std::string, std::optional<v1::Value>> originals;
  auto touch = [&](const std::string& path) {
    if (originals.count(path)) return;
    auto it = vals.find(path);
    originals.emplace(path, it == vals.end() ? std::nullopt : std::optional<v1::Value>(it->second));
  };
  const HlcTimestamp now = hlc->Now();
  const int32_t today = TodayDays();
  std::vector<std::string> added;

  for (const auto& [path, value] : metadata) {
    touch(path);
    vals[path] = value;
  }
  // Consecutive signature captures share one evaluation of the record: a signature changes no
  // covered content (unless the form's expressions read signatures).
  std::unique_ptr<record::RecordModel> sign_model;

  for (size_t i = 0; i < edits.size(); ++i) {
    const Edit& e = edits[i];
    auto fail = [&](Status s) {
      if (edits.size() > 1) s.WithContext("edit " + std::to_string(i + 1));
      return s;
    };
    DS_ASSIGN_OR_RETURN(FieldPath path, FieldPath::Parse(e.path));
    std::string ptext = path.ToString();
    if (!path.segments.empty() && path.segments[0].name[0] == '@') {
      return fail(Status(Code::kInvalidArgument, "metadata paths cannot be edited", ptext));
    }
    if (e.op != Edit::Op::kSign || form.signatures_referenced()) sign_model.reset();
    switch (e.op) {
      case Edit::Op::kSet:
      case Edit::Op::kClear: {
        auto fi = ResolveField(form, vals, path, ptext);
        if (!fi.ok()) return fail(fi.status());
        const FieldInfo& f = *fi.value();
        auto t = f.def->type();
        if (t == v1::GROUP || t == v1::REPEAT || t == v1::NOTE) {
          return fail(Status(Code::kInvalidArgument,
                             std::string("'") + f.name + "' is a " + record::TypeName(t) +
                                 " and holds no value",
                             ptext));
        }
        if (f.calculate) {
          return fail(Status(Code::kInvalidArgument,
                             "'" + f.name + "' is calculated and read-only", ptext));
        }
        if (e.op == Edit::Op::kClear) {
          touch(ptext);
          vals.erase(ptext);
          break;
        }
        if (t == v1::SIGNATURE) {
          return fail(Status(Code::kInvalidArgument,
                             "signatures are captured with Sign, not set", ptext));
        }
        Status ok = record::CheckValue(form, f, e.value, ptext);
        if (!ok.ok()) return fail(ok);
        touch(ptext);
        vals[ptext] = e.value;
        break;
      }
      case Edit::Op::kAddInstance: {
        if (path.is_instance()) {
          return fail(Status(Code::kInvalidArgument,
                             "give the repeat path ('members'), not an instance", ptext));
        }
        const FieldInfo* fi = form.Find(path.leaf());
        if (fi == nullptr || fi->def->type() != v1::REPEAT) {
          return fail(Status(Code::kInvalidArgument, "'" + path.leaf() + "' is not a repeat",
                             ptext));
        }
        // The enclosing instances must exist: check through ResolveField's rules.
        auto parent = ResolveField(form, vals, path, ptext);
        if (!parent.ok()) return fail(parent.status());
        std::string id;
        if (e.instance_id.empty()) {
          id = Uuid::Generate(*options.random).ToString();
        } else {
          auto parsed = Uuid::Parse(e.instance_id);
          if (!parsed.ok()) return fail(Status(Code::kInvalidArgument, "instance id is not a UUID", ptext));
          id = parsed->ToString();
        }
        std::string ipath = ptext + "[" + id + "]";
        if (vals.count(ipath)) {
          return fail(Status(Code::kAlreadyExists, "instance already exists", ipath));
        }
        int64_t ordinal = 0;
        std::string sibling_prefix = ptext + "[";
        for (auto it = vals.lower_bound(sibling_prefix);
             it != vals.end() && it->first.compare(0, sibling_prefix.size(), sibling_prefix) == 0;
             ++it) {
          if (it->second.kind_case() == v1::Value::kInstance) {
            ordinal = std::max(ordinal, it->second.instance().ordinal());
          }
        }
        v1::Value marker;
        marker.mutable_instance()->set_ordinal(ordinal + 1);
        touch(ipath);
        vals[ipath] = std::move(marker);
        added.push_back(id);
        break;
      }
      case Edit::Op::kRemoveInstance: {
        if (!path.is_instance() || !vals.count(ptext)) {
          return fail(Status(Code::kNotFound, "no such repeat instance", ptext));
        }
        std::string child_prefix = ptext + "/";
        touch(ptext);
        vals.erase(ptext);
        for (auto it = vals.lower_bound(child_prefix);
             it != vals.end() && it->first.compare(0, child_prefix.size(), child_prefix) == 0;) {
          touch(it->first);
          it = vals.erase(it);
        }
        break;
      }
      case Edit::Op::kSign: {
        auto fi = ResolveField(form, vals, path, ptext);
        if (!fi.ok()) return fail(fi.status());
        const FieldInfo& f = *fi.value();
        if (f.def->type() != v1::SIGNATURE) {
          return fail(Status(Code::kInvalidArgument, "'" + f.name + "' is not a signature field",
                             ptext));
        }
        const SignatureInput& in = e.signature;
        if (in.signer_name.empty()) {
          return fail(Status(Code::kInvalidArgument, "signer name is required", ptext));
        }
        if (!in.proxy_signer_name.empty() && !f.def->signature().allow_proxy()) {
          return fail(Status(Code::kInvalidArgument,
                             "this signature does not allow a proxy signer", ptext));
        }
        size_t points = 0;
        for (const auto& s : in.strokes) points += s.size();
        if (points == 0) return fail(Status(Code::kInvalidArgument, "signature has no points", ptext));
        if (points > kMaxSignaturePoints) {
          return fail(Status(Code::kResourceExhausted,
                             "signature has more than " + std::to_string(kMaxSignaturePoints) +
                                 " points",
                             ptext));
        }
        if (!sign_model) {
          sign_model = std::make_unique<record::RecordModel>(form, vals, today);
          sign_model->Evaluate();
        }
        record::RecordModel& model = *sign_model;
        if (!model.IsRelevant(ptext)) {
          return fail(Status(Code::kFailedPrecondition,
                             "this signature is not relevant for the record as filled", ptext));
        }
        v1::Value v;
        v1::Signature* sig = v.mutable_signature();
        sig->set_role(f.def->signature().role());
        sig->set_signer_name(in.signer_name);
        sig->set_proxy_signer_name(in.proxy_signer_name);
        sig->set_signed_at_ms(options.clock->NowMs());
        sig->set_canvas_width(in.canvas_width);
        sig->set_canvas_height(in.canvas_height);
        for (const auto& stroke : in.strokes) {
          if (!stroke.empty()) *sig->add_strokes() = EncodeStroke(stroke);
        }
        Digest d = model.CoveredDigest(f);
        sig->set_content_sha256(d.data(), d.size());
        touch(ptext);
        vals[ptext] = std::move(v);
        model.SignatureWritten(ptext);
        break;
      }
    }
  }

  // Recompute calculations (and, when finalizing, validate) over the edited values. When the
  // last edits were signatures, their evaluation is still current.
  std::unique_ptr<record::RecordModel> final_model = std::move(sign_model);
  if (!final_model) {
    final_model = std::make_unique<record::RecordModel>(form, vals, today);
    final_model->Evaluate();
  }
  record::RecordModel& model = *final_model;
  for (const auto& [path, value] : model.calculated()) {
    auto it = vals.find(path);
    if (value) {
      if (it == vals.end() || !record::SameValue(it->second, *value)) {
        touch(path);
        vals[path] = *value;
      }
    } else if (it != vals.end()) {
      touch(path);
      vals.erase(it);
    }
  }
  if (finalize) {
    report->errors = model.Validate();
    if (!report->ok()) {
      const auto& first = report->errors.front();
      return Status(Code::kValidation,
                    std::to_string(report->errors.size()) + " validation error(s); first: " +
                        first.code + ": " + first.message,
                    first.path);
    }
    // As XLSForm does: values of fields that are not relevant are not part of the record.
    for (auto it = vals.begin(); it != vals.end();) {
      if (it->first[0] != '@' && !model.IsRelevant(it->first)) {
        touch(it->first);
        it = vals.erase(it);
      } else {
        ++it;
      }
    }
    touch(std::string(kMetaState));
    vals[std::string(kMetaState)] = TextValue("finalized");
    rec.state = RecordState::kFinalized;
  }

  // Persist every value that differs from what was loaded.
  for (const auto& [path, original] : originals) {
    auto it = vals.find(path);
    const v1::Value* now_value = it == vals.end() ? nullptr : &it->second;
    const v1::Value* old_value = original ? &*original : nullptr;
    if (now_value == nullptr && old_value == nullptr) continue;
    if (now_value && old_value && record::SameValue(*now_value, *old_value)) continue;
    bool derived = false;
    if (path[0] != '@') {
      auto parsed = FieldPath::Parse(path);
      const FieldInfo* fi = parsed.ok() ? form.Find(parsed->leaf()) : nullptr;
      derived = fi != nullptr && fi->calculate.has_value() && !parsed->is_instance();
    }
    DS_RETURN_IF_ERROR(WriteValue(rec, path, old_value, now_value, now, derived));
  }
  DS_ASSIGN_OR_RETURN(auto upd, db->Prepare(
      "UPDATE record SET state = ?, deleted = ?, updated_hlc = ? WHERE id = ?"));
  DS_RETURN_IF_ERROR(upd.Bind(1, rec.state == RecordState::kFinalized ? 1 : 0)
                         .Bind(2, rec.deleted ? 1 : 0)
                         .Bind(3, static_cast<int64_t>(now))
                         .BindBlob(4, rec.id.AsBytes())
                         .Run());
  rec.updated = now;
  DS_RETURN_IF_ERROR(PersistHlc());
  return added;
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
  rec.id = Uuid::GenerateTimeOrdered(HlcMillis(created), *impl_->options.random);
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
                                   {{std::string(kMetaForm), TextValue(form->key())},
                                    {std::string(kMetaState), TextValue("draft")}});
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
      impl_->ApplyEdits(rec, {}, false, &unused, {{std::string(kMetaState), TextValue("draft")}})
          .status());
  return txn->Commit();
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
