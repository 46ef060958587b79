// The store's side of sync: what to push, applying the server's answers and pulled pages, and the
// synced state for checksums. Every call is one transaction (see docs/sync.md).
#include <set>

#include "record/values.h"
#include "store/impl.h"

namespace doorstep {
namespace {

bool IsDerived(const CompiledForm& form, const std::string& path) {
  if (path.empty() || path[0] == '@') return false;
  auto parsed = FieldPath::Parse(path);
  if (!parsed.ok() || parsed->is_instance()) return false;
  const FieldInfo* fi = form.Find(parsed->leaf());
  return fi != nullptr && fi->calculate.has_value();
}

// Keeps the record row's state / deleted / form version in step with its metadata fields.
Status SyncRecordRow(store::Db& db, Store::Impl& impl, LoadedRecord& rec) {
  auto state = rec.values.find(std::string(kMetaState));
  rec.state = state != rec.values.end() && state->second.text() == "finalized"
                  ? RecordState::kFinalized
                  : RecordState::kDraft;
  auto deleted = rec.values.find(std::string(kMetaDeleted));
  rec.deleted = deleted != rec.values.end() && deleted->second.flag();
  auto form = rec.values.find(std::string(kMetaForm));
  if (form != rec.values.end()) {
    const std::string& key = form->second.text();
    auto at = key.find('@');
    if (at != std::string::npos && key.substr(at + 1) != rec.form->version()) {
      DS_ASSIGN_OR_RETURN(rec.form, impl.Form(key.substr(0, at), key.substr(at + 1)));
    }
  }
  DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
      "UPDATE record SET state = ?, deleted = ?, form_version = ?, updated_hlc = ? WHERE id = ?"));
  return upd.Bind(1, rec.state == RecordState::kFinalized ? 1 : 0)
      .Bind(2, rec.deleted ? 1 : 0)
      .Bind(3, rec.form->version())
      .Bind(4, static_cast<int64_t>(rec.updated))
      .BindBlob(5, rec.id.AsBytes())
      .Run();
}

}  // namespace

Result<int64_t> Store::Impl::AuthorId(const Author& a) {
  if (a == author && author_id != 0) return author_id;
  DS_ASSIGN_OR_RETURN(auto ins, db->Prepare("INSERT OR IGNORE INTO author(surveyor, device) VALUES(?, ?)"));
  DS_RETURN_IF_ERROR(ins.Bind(1, a.surveyor_id).Bind(2, a.device_id).Run());
  DS_ASSIGN_OR_RETURN(auto sel, db->Prepare("SELECT id FROM author WHERE surveyor = ? AND device = ?"));
  sel.Bind(1, a.surveyor_id).Bind(2, a.device_id);
  DS_ASSIGN_OR_RETURN(bool row, sel.Step());
  if (!row) return Status(Code::kInternal, "author row missing after insert");
  return sel.Int(0);
}

namespace {

// The scope (village) a scope-field value names: its text or select_one choice, "" otherwise.
std::string ScopeText(const v1::Value& value) {
  if (value.kind_case() == v1::Value::kText) return value.text();
  if (value.kind_case() == v1::Value::kSelectOne) return value.select_one();
  return {};
}

}  // namespace

std::string Store::Impl::ScopeOf(const LoadedRecord& rec) const {
  const std::string& field = rec.form->def().scope_field();
  if (field.empty()) return {};
  auto it = rec.values.find(field);
  return it == rec.values.end() ? std::string() : ScopeText(it->second);
}

Status Store::Impl::SetMeta(const std::string& key, const std::string& value) {
  DS_ASSIGN_OR_RETURN(auto st, db->Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)"));
  return st.Bind(1, key).Bind(2, value).Run();
}

Result<std::string> Store::GetSyncValue(const std::string& key) {
  DS_ASSIGN_OR_RETURN(auto st, impl_->db->Prepare("SELECT value FROM meta WHERE key = ?"));
  st.Bind(1, "sync." + key);
  DS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::string();
  return std::string(st.Text(0));
}

Status Store::SetSyncValue(const std::string& key, const std::string& value) {
  return impl_->SetMeta("sync." + key, value);
}

Result<std::vector<OutboxEntry>> Store::PushableChanges(size_t limit) {
  DS_ASSIGN_OR_RETURN(auto pending, PendingChanges(0));
  return impl_->Pushable(std::move(pending), limit);
}

Result<std::vector<OutboxEntry>> Store::PushableWindow(int64_t after_outbox_seq,
                                                       size_t max_records, int64_t* scanned_to) {
  DS_ASSIGN_OR_RETURN(auto pending, impl_->PendingWindow(after_outbox_seq, max_records));
  *scanned_to = pending.empty() ? 0 : pending.back().outbox_seq;
  return impl_->Pushable(std::move(pending), 0);
}

Result<std::vector<OutboxEntry>> Store::Impl::Pushable(std::vector<OutboxEntry> pending,
                                                       size_t limit) {
  // Filtered in place: a second vector of the window's entries would double its memory.
  size_t kept = 0;
  std::map<std::string, std::pair<bool, std::string>> scopes;  // record bytes -> (pushable, scope)
  for (auto& e : pending) {
    std::string key(e.record_id.AsBytes());
    auto it = scopes.find(key);
    if (it == scopes.end()) {
      DS_ASSIGN_OR_RETURN(auto scope, PushScope(e.record_id));
      it = scopes.emplace(key, std::move(scope)).first;
    }
    if (!it->second.first) continue;
    e.scope = it->second.second;
    if (e.path == kMetaDeleted) {
      DS_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT coalesce(max(version), 0) FROM value WHERE record_id = ?"));
      st.BindBlob(1, e.record_id.AsBytes());
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) e.base_version = st.Int(0);
    }
    if (&pending[kept] != &e) pending[kept] = std::move(e);
    ++kept;
    if (limit != 0 && kept == limit) break;
  }
  pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(kept), pending.end());
  return pending;
}

Result<std::string> Store::Impl::ScopeOfId(const RecordId& id) {
  DS_ASSIGN_OR_RETURN(auto scope, PushScope(id));
  return std::move(scope.second);
}

Result<std::pair<bool, std::string>> Store::Impl::PushScope(const RecordId& id) {
  // What ScopeOf(Load(id)) gives, from two rows: the record's form, then its scope field's value.
  std::string form_id, version;
  {
    DS_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT form_id, form_version FROM record WHERE id = ?"));
    st.BindBlob(1, id.AsBytes());
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status(Code::kNotFound, "no such record", id.ToString());
    form_id = st.Text(0);
    version = st.Text(1);
  }
  DS_ASSIGN_OR_RETURN(auto form, Form(form_id, version));
  const std::string& field = form->def().scope_field();
  if (field.empty()) return std::make_pair(true, std::string());
  DS_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT value FROM value WHERE record_id = ? AND path = ?"));
  st.BindBlob(1, id.AsBytes()).Bind(2, field);
  DS_ASSIGN_OR_RETURN(bool row, st.Step());
  std::string scope;
  if (row && !st.Blob(0).empty()) {  // an empty blob is a cleared field
    v1::Value v;
    std::string_view blob = st.Blob(0);
    if (!v.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
      return Status(Code::kCorruption, "stored value does not decode", id.ToString() + "/" + field);
    }
    scope = ScopeText(v);
  }
  const bool pushable = !scope.empty();
  return std::make_pair(pushable, std::move(scope));
}

Result<std::map<std::string, size_t>> Store::PushableCountByScope() {
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT o.record_id, count(*) FROM outbox o JOIN value v ON v.record_id = o.record_id "
      "WHERE v.pending IS NOT NULL GROUP BY o.record_id"));
  std::map<std::string, size_t> counts;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string_view bytes = st.Blob(0);
    if (bytes.size() != 16) return Status(Code::kCorruption, "outbox record id is not 16 bytes");
    DS_ASSIGN_OR_RETURN(auto scope, impl_->PushScope(Uuid::FromBytes(bytes.data())));
    if (scope.first) counts[scope.second] += static_cast<size_t>(st.Int(1));
  }
  return counts;
}

namespace {

// Keeps, in the audit trail, the local version of `path` that a server value replaces: `live`
// (nullptr when cleared) as written at `row`'s HLC by `row`'s author.
Status AuditReplaced(store::Db& db, LoadedRecord& rec, const std::string& rid,
                     const std::string& path, const v1::Value* live, const LoadedRecord::Row& row) {
  DS_ASSIGN_OR_RETURN(auto audit, db.Prepare(
      "INSERT INTO audit(record_id, seq, path, value, hlc, author) VALUES(?, ?, ?, ?, ?, ?)"));
  return audit.BindBlob(1, rid)
      .Bind(2, rec.next_audit_seq++)
      .Bind(3, path)
      .BindBlob(4, live != nullptr ? live->SerializeAsString() : std::string())
      .Bind(5, static_cast<int64_t>(row.hlc))
      .Bind(6, row.author)
      .Run();
}

// The local value of a pushed path lost a conflict: keep it in the audit trail, take the winner.
Status AdoptServerValue(Store::Impl& impl, LoadedRecord& rec, const std::string& rid,
                        const PushAck& ack) {
  auto& db = *impl.db;
  auto row_meta = rec.rows.find(ack.path);
  auto live = rec.values.find(ack.path);
  DS_RETURN_IF_ERROR(AuditReplaced(db, rec, rid, ack.path,
                                   live != rec.values.end() ? &live->second : nullptr,
                                   row_meta->second));
  DS_ASSIGN_OR_RETURN(int64_t author, impl.AuthorId(ack.value_author));
  DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
      "UPDATE value SET value = ?, hlc = ?, author = ?, version = ?, pending = NULL "
      "WHERE record_id = ? AND path = ?"));
  DS_RETURN_IF_ERROR(upd.BindBlob(1, ack.value ? ack.value->SerializeAsString() : std::string())
                         .Bind(2, static_cast<int64_t>(ack.value_hlc))
                         .Bind(3, author)
                         .Bind(4, ack.version)
                         .BindBlob(5, rid)
                         .Bind(6, ack.path)
                         .Run());
  impl.hlc->Observe(ack.value_hlc);
  if (ack.value) {
    rec.values[ack.path] = *ack.value;
  } else {
    rec.values.erase(ack.path);
  }
  row_meta->second.hlc = ack.value_hlc;
  row_meta->second.author = author;
  row_meta->second.cleared = !ack.value;
  return Status::Ok();
}

// Applies the server's answer for one pushed value. Records whose values it replaces are loaded
// into `adopted` (record bytes -> record) for their calculations to be recomputed.
Status AcknowledgeValue(Store::Impl& impl, std::map<std::string, LoadedRecord>& adopted,
                        const std::string& rid, const PushAck& ack) {
  auto& db = *impl.db;
  DS_ASSIGN_OR_RETURN(auto sel, db.Prepare(
      "SELECT hlc, value, author FROM value WHERE record_id = ? AND path = ? AND pending IS NOT NULL"));
  sel.BindBlob(1, rid).Bind(2, ack.path);
  DS_ASSIGN_OR_RETURN(bool row, sel.Step());
  if (!row) return Status::Ok();  // already acknowledged (a replayed answer)
  const bool unchanged = static_cast<HlcTimestamp>(sel.Int(0)) == ack.pushed_hlc;
  if (!unchanged) {
    // Edited again during the push: stays pending, on top of the version the server now has.
    DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
        "UPDATE value SET version = ? WHERE record_id = ? AND path = ?"));
    return upd.Bind(1, ack.version).BindBlob(2, rid).Bind(3, ack.path).Run();
  }
  if (ack.adopt && !ack.quarantined) {
    auto it = adopted.find(rid);
    if (it == adopted.end()) {
      DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl.Load(ack.record_id));
      it = adopted.emplace(rid, std::move(rec)).first;
    }
    return AdoptServerValue(impl, it->second, rid, ack);
  }
  DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
      "UPDATE value SET version = ?, pending = NULL WHERE record_id = ? AND path = ?"));
  return upd.Bind(1, ack.quarantined ? int64_t{0} : ack.version)
      .BindBlob(2, rid)
      .Bind(3, ack.path)
      .Run();
}

}  // namespace

Status Store::AcknowledgePush(const std::vector<PushAck>& acks, uint64_t next_batch_seq) {
  DS_RETURN_IF_ERROR(impl_->RequireAuthor());
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  std::map<std::string, LoadedRecord> adopted;  // records whose values changed: recompute derived
  std::set<std::string> touched;
  for (const auto& ack : acks) {
    std::string rid(ack.record_id.AsBytes());
    touched.insert(rid);
    DS_RETURN_IF_ERROR(AcknowledgeValue(*impl_, adopted, rid, ack));
  }
  for (auto& [rid, rec] : adopted) {
    DS_RETURN_IF_ERROR(impl_->RecomputeDerived(rec));
    DS_RETURN_IF_ERROR(SyncRecordRow(db, *impl_, rec));
  }
  // Records with nothing pending leave the outbox.
  for (const auto& rid : touched) {
    DS_ASSIGN_OR_RETURN(auto del, db.Prepare(
        "DELETE FROM outbox WHERE record_id = ?1 AND NOT EXISTS "
        "(SELECT 1 FROM value WHERE record_id = ?1 AND pending IS NOT NULL)"));
    DS_RETURN_IF_ERROR(del.BindBlob(1, rid).Run());
  }
  for (const auto& ack : acks) {
    if (ack.quarantined) DS_RETURN_IF_ERROR(impl_->AddQuarantine(ack, true));
  }
  DS_RETURN_IF_ERROR(impl_->SetMeta("sync.batch_seq", std::to_string(next_batch_seq)));
  DS_RETURN_IF_ERROR(impl_->PersistHlc());
  return txn->Commit();
}

Status Store::Impl::AddQuarantine(const PushAck& ack, bool by_server) {
  DS_ASSIGN_OR_RETURN(auto ins, db->Prepare(
      "INSERT INTO quarantine(record_id, path, hlc, by_server, reason, at_ms) "
      "VALUES(?, ?, ?, ?, ?, ?)"));
  return ins.BindBlob(1, ack.record_id.AsBytes())
      .Bind(2, ack.path)
      .Bind(3, static_cast<int64_t>(ack.pushed_hlc))
      .Bind(4, int64_t{by_server ? 1 : 0})
      .Bind(5, ack.reason)
      .Bind(6, options.clock->NowMs())
      .Run();
}

Status Store::QuarantineRefused(const std::vector<PushAck>& refused) {
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  std::set<std::string> touched;
  for (const auto& ack : refused) {
    std::string rid(ack.record_id.AsBytes());
    DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
        "UPDATE value SET pending = NULL WHERE record_id = ? AND path = ? AND hlc = ? "
        "AND pending IS NOT NULL"));
    DS_RETURN_IF_ERROR(upd.BindBlob(1, rid)
                           .Bind(2, ack.path)
                           .Bind(3, static_cast<int64_t>(ack.pushed_hlc))
                           .Run());
    if (db.Changes() == 0) continue;  // edited since (a new change) or no longer pending
    touched.insert(rid);
    DS_RETURN_IF_ERROR(impl_->AddQuarantine(ack, false));
  }
  for (const auto& rid : touched) {
    DS_ASSIGN_OR_RETURN(auto del, db.Prepare(
        "DELETE FROM outbox WHERE record_id = ?1 AND NOT EXISTS "
        "(SELECT 1 FROM value WHERE record_id = ?1 AND pending IS NOT NULL)"));
    DS_RETURN_IF_ERROR(del.BindBlob(1, rid).Run());
  }
  return txn->Commit();
}

Result<std::vector<QuarantineEntry>> Store::Quarantined() {
  DS_ASSIGN_OR_RETURN(auto st, impl_->db->Prepare(
      "SELECT id, record_id, path, hlc, by_server, reason, at_ms FROM quarantine "
      "ORDER BY id DESC"));
  std::vector<QuarantineEntry> out;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string_view rid = st.Blob(1);
    if (rid.size() != 16) return Status(Code::kCorruption, "quarantine record id is not 16 bytes");
    QuarantineEntry q;
    q.id = st.Int(0);
    q.record_id = Uuid::FromBytes(rid.data());
    q.path = st.Text(2);
    q.hlc = static_cast<HlcTimestamp>(st.Int(3));
    q.by_server = st.Int(4) != 0;
    q.reason = st.Text(5);
    q.at_ms = st.Int(6);
    out.push_back(std::move(q));
  }
  return out;
}

namespace {

// Inserts the header of each pulled record this device does not hold yet; its form must be
// installed.
Status CreatePulledRecords(Store::Impl& impl, const std::vector<RemoteRecord>& records,
                           HlcTimestamp now, PullApplyStats* stats) {
  auto& db = *impl.db;
  for (const auto& r : records) {
    DS_ASSIGN_OR_RETURN(auto sel, db.Prepare("SELECT 1 FROM record WHERE id = ?"));
    sel.BindBlob(1, r.id.AsBytes());
    DS_ASSIGN_OR_RETURN(bool exists, sel.Step());
    if (exists) continue;
    auto form = impl.Form(r.form_id, r.form_version);
    if (!form.ok()) {
      return Status(Code::kFailedPrecondition,
                    "pulled record uses form " + r.form_id + "@" + r.form_version +
                        ", which is not installed on this device (sync forms first)",
                    r.id.ToString());
    }
    DS_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT INTO record(id, form_id, form_version, state, deleted, created_hlc, updated_hlc) "
        "VALUES(?, ?, ?, 0, 0, ?, ?)"));
    DS_RETURN_IF_ERROR(ins.BindBlob(1, r.id.AsBytes())
                           .Bind(2, r.form_id)
                           .Bind(3, r.form_version)
                           .Bind(4, static_cast<int64_t>(now))
                           .Bind(5, static_cast<int64_t>(now))
                           .Run());
    ++stats->records_created;
  }
  return Status::Ok();
}

// The record a pulled change belongs to, loaded into `touched` (record bytes -> record) on first
// use.
Result<LoadedRecord*> PulledChangeRecord(Store::Impl& impl,
                                         std::map<std::string, LoadedRecord>& touched,
                                         const std::string& rid, const RemoteChange& c) {
  auto it = touched.find(rid);
  if (it == touched.end()) {
    auto rec = impl.Load(c.record_id);
    if (!rec.ok()) {
      return Status(rec.status().code(),
                    "pulled change for a record without header: " + rec.status().message(),
                    c.record_id.ToString() + "/" + c.path);
    }
    it = touched.emplace(rid, std::move(rec).value()).first;
  }
  return &it->second;
}

// For a pulled change to a path stored here (`row`): false, counted in `stats`, when a local edit
// is pending, the change is not newer, or it carries the value already held (its version is then
// recorded); otherwise the local version goes to the audit trail and the change is to be applied.
Result<bool> SupersedesLocal(store::Db& db, LoadedRecord& rec, const std::string& rid,
                             const RemoteChange& c, LoadedRecord::Row& row,
                             PullApplyStats* stats) {
  DS_ASSIGN_OR_RETURN(auto sel, db.Prepare(
      "SELECT pending FROM value WHERE record_id = ? AND path = ?"));
  sel.BindBlob(1, rid).Bind(2, c.path);
  DS_ASSIGN_OR_RETURN(bool found, sel.Step());
  if (found && !sel.IsNull(0)) {
    ++stats->kept_local;  // the local edit will meet the merge rule on push
    return false;
  }
  if (row.version >= c.version) {
    ++stats->unchanged;
    return false;
  }
  auto live = rec.values.find(c.path);
  bool same = row.hlc == c.hlc &&
              (c.value ? live != rec.values.end() && record::SameValue(live->second, *c.value)
                       : live == rec.values.end());
  if (same) {
    DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
        "UPDATE value SET version = ? WHERE record_id = ? AND path = ?"));
    DS_RETURN_IF_ERROR(upd.Bind(1, c.version).BindBlob(2, rid).Bind(3, c.path).Run());
    row.version = c.version;
    ++stats->unchanged;
    return false;
  }
  // Superseded local version goes to the audit trail.
  DS_RETURN_IF_ERROR(AuditReplaced(db, rec, rid, c.path,
                                   live != rec.values.end() ? &live->second : nullptr, row));
  return true;
}

// Writes a pulled value (UPDATE when the path has a row here, INSERT otherwise), not pending, and
// mirrors it in `rec`.
Status WritePulledValue(Store::Impl& impl, LoadedRecord& rec, const std::string& rid,
                        const RemoteChange& c, bool stored) {
  auto& db = *impl.db;
  DS_ASSIGN_OR_RETURN(int64_t author, impl.AuthorId(c.author));
  std::string bytes = c.value ? c.value->SerializeAsString() : std::string();
  if (stored) {
    DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
        "UPDATE value SET value = ?, hlc = ?, author = ?, version = ? "
        "WHERE record_id = ? AND path = ?"));
    DS_RETURN_IF_ERROR(upd.BindBlob(1, bytes)
                           .Bind(2, static_cast<int64_t>(c.hlc))
                           .Bind(3, author)
                           .Bind(4, c.version)
                           .BindBlob(5, rid)
                           .Bind(6, c.path)
                           .Run());
  } else {
    DS_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT INTO value(record_id, path, value, version, hlc, author, pending) "
        "VALUES(?, ?, ?, ?, ?, ?, NULL)"));
    DS_RETURN_IF_ERROR(ins.BindBlob(1, rid)
                           .Bind(2, c.path)
                           .BindBlob(3, bytes)
                           .Bind(4, c.version)
                           .Bind(5, static_cast<int64_t>(c.hlc))
                           .Bind(6, author)
                           .Run());
  }
  auto& meta = rec.rows[c.path];
  meta.version = c.version;
  meta.hlc = c.hlc;
  meta.author = author;
  meta.cleared = !c.value;
  if (c.value) {
    rec.values[c.path] = *c.value;
  } else {
    rec.values.erase(c.path);
  }
  rec.updated = std::max(rec.updated, c.hlc);
  return Status::Ok();
}

// Applies one pulled change to its loaded record, counting the outcome in `stats`.
Status ApplyPulledChange(Store::Impl& impl, LoadedRecord& rec, const std::string& rid,
                         const RemoteChange& c, PullApplyStats* stats) {
  impl.hlc->Observe(c.hlc);
  auto row = rec.rows.find(c.path);
  const bool stored = row != rec.rows.end();
  if (stored) {
    DS_ASSIGN_OR_RETURN(bool supersedes,
                        SupersedesLocal(*impl.db, rec, rid, c, row->second, stats));
    if (!supersedes) return Status::Ok();
  }
  DS_RETURN_IF_ERROR(WritePulledValue(impl, rec, rid, c, stored));
  ++stats->applied;
  return Status::Ok();
}

}  // namespace

Result<PullApplyStats> Store::ApplyPulled(const std::vector<RemoteRecord>& records,
                                          const std::vector<RemoteChange>& changes,
                                          int64_t next_cursor) {
  DS_RETURN_IF_ERROR(impl_->RequireAuthor());
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  PullApplyStats stats;
  HlcTimestamp now = impl_->hlc->Now();
  DS_RETURN_IF_ERROR(CreatePulledRecords(*impl_, records, now, &stats));
  std::map<std::string, LoadedRecord> touched;
  for (const auto& c : changes) {
    std::string rid(c.record_id.AsBytes());
    DS_ASSIGN_OR_RETURN(LoadedRecord * rec, PulledChangeRecord(*impl_, touched, rid, c));
    DS_RETURN_IF_ERROR(ApplyPulledChange(*impl_, *rec, rid, c, &stats));
  }
  for (auto& [rid, rec] : touched) {
    DS_RETURN_IF_ERROR(SyncRecordRow(db, *impl_, rec));
    DS_RETURN_IF_ERROR(impl_->RecomputeDerived(rec));
  }
  DS_RETURN_IF_ERROR(impl_->SetMeta("sync.cursor", std::to_string(next_cursor)));
  DS_RETURN_IF_ERROR(impl_->PersistHlc());
  DS_RETURN_IF_ERROR(txn->Commit());
  return stats;
}

Status Store::ForEachSyncedField(const std::vector<std::string>& scopes,
                                 const std::function<void(const SyncedField&)>& fn) {
  auto& db = *impl_->db;
  std::vector<RecordId> ids;
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM record ORDER BY id"));
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string_view id = st.Blob(0);
      if (id.size() != 16) return Status(Code::kCorruption, "record id is not 16 bytes");
      ids.push_back(Uuid::FromBytes(id.data()));
    }
  }
  std::set<std::string> wanted(scopes.begin(), scopes.end());
  for (const auto& id : ids) {
    DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
    std::string scope = impl_->ScopeOf(rec);
    if (!wanted.empty() && !wanted.count(scope)) continue;
    for (const auto& [path, value] : rec.values) {
      if (IsDerived(*rec.form, path)) continue;
      fn(SyncedField{id, scope, path, &value});
    }
  }
  return Status::Ok();
}

}  // namespace doorstep
