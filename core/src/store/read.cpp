// Reading: records, validation, signature states, the outbox and the audit trail.
#include "doorstep/core/text_check.h"
#include "store/impl.h"

namespace doorstep {
namespace {

Status Decode(std::string_view blob, v1::Value* out, const std::string& where) {
  if (!out->ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return Status(Code::kCorruption, "stored value does not decode", where);
  }
  return Status::Ok();
}

}  // namespace

Result<LoadedRecord> Store::Impl::Load(const RecordId& id) {
  LoadedRecord rec;
  rec.id = id;
  std::string form_id, version;
  {
    DS_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT form_id, form_version, state, deleted, created_hlc, updated_hlc FROM record "
        "WHERE id = ?"));
    st.BindBlob(1, id.AsBytes());
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status(Code::kNotFound, "no such record", id.ToString());
    form_id = st.Text(0);
    version = st.Text(1);
    rec.state = st.Int(2) == 1 ? RecordState::kFinalized : RecordState::kDraft;
    rec.deleted = st.Int(3) != 0;
    rec.created = static_cast<HlcTimestamp>(st.Int(4));
    rec.updated = static_cast<HlcTimestamp>(st.Int(5));
  }
  DS_ASSIGN_OR_RETURN(rec.form, Form(form_id, version));
  {
    DS_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT path, value, version, hlc, author FROM value WHERE record_id = ?"));
    st.BindBlob(1, id.AsBytes());
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string path(st.Text(0));
      LoadedRecord::Row meta;
      meta.version = st.Int(2);
      meta.hlc = static_cast<HlcTimestamp>(st.Int(3));
      meta.author = st.Int(4);
      std::string_view blob = st.Blob(1);
      meta.cleared = blob.empty();
      if (!meta.cleared) {
        v1::Value v;
        DS_RETURN_IF_ERROR(Decode(blob, &v, id.ToString() + "/" + path));
        rec.values.emplace_hint(rec.values.end(), path, std::move(v));
      }
      rec.rows.emplace_hint(rec.rows.end(), std::move(path), meta);
    }
  }
  {
    DS_ASSIGN_OR_RETURN(auto st, db->Prepare(
        "SELECT coalesce(max(seq), 0) + 1, EXISTS(SELECT 1 FROM outbox WHERE record_id = ?1) "
        "FROM audit WHERE record_id = ?1"));
    st.BindBlob(1, id.AsBytes());
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      rec.next_audit_seq = st.Int(0);
      rec.in_outbox = st.Int(1) != 0;
    }
  }
  return rec;
}

namespace {

Record ToRecord(const LoadedRecord& rec, const record::RecordModel* relevant_only) {
  Record r;
  r.id = rec.id;
  r.form_id = rec.form->form_id();
  r.form_version = rec.form->version();
  r.state = rec.state;
  r.deleted = rec.deleted;
  r.created = rec.created;
  r.updated = rec.updated;
  for (const auto& [path, value] : rec.values) {
    if (path[0] == '@') continue;
    if (relevant_only && !relevant_only->IsRelevant(path)) continue;
    StoredValue sv;
    sv.path = path;
    sv.value = value;
    auto row = rec.rows.find(path);
    if (row != rec.rows.end()) {
      sv.hlc = row->second.hlc;
      sv.version = row->second.version;
    }
    r.values.push_back(std::move(sv));
  }
  return r;
}

}  // namespace

Result<Record> Store::GetRecord(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  return ToRecord(rec, nullptr);
}

Result<Record> Store::GetRelevantRecord(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  record::RecordModel model(*rec.form, rec.values, impl_->TodayDays());
  model.Evaluate();
  return ToRecord(rec, &model);
}

Result<std::vector<RecordSummary>> Store::ListRecords(const std::string& form_id) {
  DS_ASSIGN_OR_RETURN(auto st, impl_->db->Prepare(
      "SELECT id, form_id, form_version, state, created_hlc, updated_hlc FROM record "
      "WHERE deleted = 0 AND (?1 = '' OR form_id = ?1) ORDER BY created_hlc"));
  st.Bind(1, form_id);
  std::vector<RecordSummary> out;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string_view id = st.Blob(0);
    if (id.size() != 16) return Status(Code::kCorruption, "record id is not 16 bytes");
    RecordSummary s;
    s.id = Uuid::FromBytes(id.data());
    s.form_id = st.Text(1);
    s.form_version = st.Text(2);
    s.state = st.Int(3) == 1 ? RecordState::kFinalized : RecordState::kDraft;
    s.created = static_cast<HlcTimestamp>(st.Int(4));
    s.updated = static_cast<HlcTimestamp>(st.Int(5));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> Store::Instances(const RecordId& id,
                                                  const std::string& repeat_path) {
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  std::string prefix = repeat_path + "[";
  std::vector<std::pair<int64_t, std::string>> found;
  for (auto it = rec.values.lower_bound(prefix);
       it != rec.values.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (it->second.kind_case() != v1::Value::kInstance) continue;
    // Only direct instances: "members[<36>]" with nothing after.
    if (it->first.size() != prefix.size() + 37 || it->first.back() != ']') continue;
    found.emplace_back(it->second.instance().ordinal(), it->first.substr(prefix.size(), 36));
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

Result<ValidationReport> Store::Validate(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  record::RecordModel model(*rec.form, rec.values, impl_->TodayDays());
  model.Evaluate();
  ValidationReport report;
  report.errors = model.Validate();
  return report;
}

Result<std::vector<SignatureStatus>> Store::Signatures(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  record::RecordModel model(*rec.form, rec.values, impl_->TodayDays());
  model.Evaluate();
  std::vector<SignatureStatus> out;
  for (const auto& slot : model.Signatures()) {
    SignatureStatus s;
    s.path = slot.path;
    s.role = slot.field->def->signature().role();
    s.required = slot.required;
    if (slot.value == nullptr || !slot.relevant) {
      s.state = SignatureState::kMissing;
    } else {
      const auto& sig = slot.value->signature();
      s.signer_name = sig.signer_name();
      s.proxy_signer_name = sig.proxy_signer_name();
      s.signed_at_ms = sig.signed_at_ms();
      Digest d = model.CoveredDigest(*slot.field);
      bool same = sig.content_sha256().size() == d.size() &&
                  std::equal(d.begin(), d.end(), sig.content_sha256().begin(),
                             [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); });
      s.state = same ? SignatureState::kValid : SignatureState::kStale;
    }
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

Result<Author> AuthorById(store::Db& db, int64_t id, std::map<int64_t, Author>* cache) {
  auto it = cache->find(id);
  if (it != cache->end()) return it->second;
  DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT surveyor, device FROM author WHERE id = ?"));
  st.Bind(1, id);
  DS_ASSIGN_OR_RETURN(bool row, st.Step());
  Author a;
  if (row) a = {std::string(st.Text(0)), std::string(st.Text(1))};
  (*cache)[id] = a;
  return a;
}

}  // namespace

namespace {

// Rows of (v.pending, v.record_id, v.path, v.version, v.hlc, v.author, v.value, o.seq).
Result<std::vector<OutboxEntry>> ReadPending(store::Db& db, store::Stmt& st) {
  std::vector<OutboxEntry> out;
  std::vector<int64_t> author_ids;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    OutboxEntry e;
    e.seq = st.Int(0);
    std::string_view rid = st.Blob(1);
    if (rid.size() != 16) return Status(Code::kCorruption, "outbox record id is not 16 bytes");
    e.record_id = Uuid::FromBytes(rid.data());
    e.path = st.Text(2);
    e.base_version = st.Int(3);
    e.hlc = static_cast<HlcTimestamp>(st.Int(4));
    author_ids.push_back(st.Int(5));
    if (!st.Blob(6).empty()) {
      // One undecodable value (invalid UTF-8 written by an older build, a damaged page) must not
      // block the outbox: the entry carries the problem and the sync client quarantines it.
      v1::Value v;
      if (Decode(st.Blob(6), &v, e.path).ok()) {
        e.value = std::move(v);
      } else {
        e.problem = "the stored value does not decode (not valid UTF-8, or damaged)";
      }
    }
    e.outbox_seq = st.Int(7);
    out.push_back(std::move(e));
  }
  std::map<int64_t, Author> cache;
  for (size_t i = 0; i < out.size(); ++i) {
    DS_ASSIGN_OR_RETURN(out[i].author, AuthorById(db, author_ids[i], &cache));
    if (!out[i].problem.empty()) continue;
    for (const std::string* id : {&out[i].author.surveyor_id, &out[i].author.device_id}) {
      if (InvalidUtf8At(*id) != kTextOk) {
        out[i].problem = "the author's surveyor or device id is not valid UTF-8";
      }
    }
  }
  return out;
}

}  // namespace

Result<std::vector<OutboxEntry>> Store::PendingChanges(size_t limit) {
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT v.pending, v.record_id, v.path, v.version, v.hlc, v.author, v.value, o.seq "
      "FROM outbox o JOIN value v ON v.record_id = o.record_id "
      "WHERE v.pending IS NOT NULL ORDER BY o.seq, v.pending LIMIT ?"));
  st.Bind(1, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
  return ReadPending(db, st);
}

Result<std::vector<OutboxEntry>> Store::Impl::PendingWindow(int64_t after_outbox_seq,
                                                            size_t max_records) {
  DS_ASSIGN_OR_RETURN(auto st, db->Prepare(
      "SELECT v.pending, v.record_id, v.path, v.version, v.hlc, v.author, v.value, o.seq "
      "FROM (SELECT record_id, seq FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?) o "
      "JOIN value v ON v.record_id = o.record_id "
      "WHERE v.pending IS NOT NULL ORDER BY o.seq, v.pending"));
  st.Bind(1, after_outbox_seq).Bind(2, static_cast<int64_t>(max_records));
  return ReadPending(*db, st);
}

Result<int64_t> Store::OutboxSize() {
  DS_ASSIGN_OR_RETURN(auto st, impl_->db->Prepare(
      "SELECT count(*) FROM outbox o JOIN value v ON v.record_id = o.record_id "
      "WHERE v.pending IS NOT NULL"));
  DS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

Result<std::vector<AuditEntry>> Store::AuditTrail(const RecordId& id) {
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  // Versions of each path: the superseded ones (audit, oldest first), then the current row.
  struct Version {
    int64_t order;
    std::optional<v1::Value> value;
    HlcTimestamp hlc;
    int64_t author;
  };
  std::map<std::string, std::vector<Version>> versions;
  DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT seq, path, value, hlc, author FROM audit WHERE record_id = ? ORDER BY seq"));
  st.BindBlob(1, id.AsBytes());
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Version v{st.Int(0), std::nullopt, static_cast<HlcTimestamp>(st.Int(3)), st.Int(4)};
    std::string path(st.Text(1));
    if (!st.Blob(2).empty()) {
      v1::Value value;
      DS_RETURN_IF_ERROR(Decode(st.Blob(2), &value, path));
      v.value = std::move(value);
    }
    versions[path].push_back(std::move(v));
  }
  for (const auto& [path, row] : rec.rows) {
    auto live = rec.values.find(path);
    Version v{INT64_MAX, std::nullopt, row.hlc, row.author};
    if (live != rec.values.end()) v.value = live->second;
    // Calculated values are derived, not audited.
    auto parsed = FieldPath::Parse(path);
    const FieldInfo* fi = parsed.ok() ? rec.form->Find(parsed->leaf()) : nullptr;
    if (fi && fi->calculate && !parsed->is_instance()) continue;
    versions[path].push_back(std::move(v));
  }
  std::vector<AuditEntry> out;
  std::vector<int64_t> author_ids;
  for (auto& [path, list] : versions) {
    for (size_t i = 0; i < list.size(); ++i) {
      AuditEntry e;
      e.record_id = id;
      e.path = path;
      if (i > 0) e.old_value = list[i - 1].value;
      e.new_value = list[i].value;
      e.hlc = list[i].hlc;
      out.push_back(std::move(e));
      author_ids.push_back(list[i].author);
    }
  }
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return out[a].hlc < out[b].hlc; });
  std::vector<AuditEntry> sorted;
  std::map<int64_t, Author> cache;
  for (size_t i = 0; i < order.size(); ++i) {
    AuditEntry e = std::move(out[order[i]]);
    e.seq = static_cast<int64_t>(i + 1);
    DS_ASSIGN_OR_RETURN(e.author, AuthorById(db, author_ids[order[i]], &cache));
    sorted.push_back(std::move(e));
  }
  return sorted;
}

}  // namespace doorstep
