// What a change of the server's view does to the store: the records of villages the device no
// longer holds (Store::PurgeOutOfScope, after `doorstep-server devices rescope`) and the values a
// server restored from an older backup lost (Store::RepushAbove). See store.h.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/impl.h"

namespace doorstep {

Result<Store::PurgeResult> Store::PurgeOutOfScope(const std::vector<std::string>& keep) {
  auto& db = *impl_->db;
  const std::set<std::string> keep_set(keep.begin(), keep.end());
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  PurgeResult result;
  std::vector<std::string> doomed;  // record ids (bytes)
  {
    // Records with unpushed work are never purged: a pending change (outbox) or a change
    // quarantined here (by_server 0: the server never took it).
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT r.id, EXISTS(SELECT 1 FROM outbox o WHERE o.record_id = r.id) OR "
        "EXISTS(SELECT 1 FROM quarantine q WHERE q.record_id = r.id AND q.by_server = 0) "
        "FROM record r"));
    std::vector<std::pair<std::string, bool>> all;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      all.emplace_back(std::string(st.Blob(0)), st.Int(1) != 0);
    }
    for (const auto& [id, unpushed] : all) {
      if (id.size() != 16) return Status(Code::kCorruption, "record id is not 16 bytes");
      DS_ASSIGN_OR_RETURN(auto scope, impl_->ScopeOfId(Uuid::FromBytes(id.data())));
      if (scope.empty() || keep_set.count(scope) != 0) continue;
      if (unpushed) {
        ++result.kept_unpushed;
        continue;
      }
      doomed.push_back(id);
    }
  }
  if (doomed.empty()) {
    DS_RETURN_IF_ERROR(txn->Commit());
    return result;
  }
  // Photos the doomed records refer to (an attachment value starts with the tag 0x4A).
  std::set<std::string> photos;
  for (const auto& id : doomed) {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT value FROM value WHERE record_id = ? AND substr(value, 1, 1) = x'4A'"));
    st.BindBlob(1, id);
    DS_RETURN_IF_ERROR(Impl::CollectAttachmentHashes(st, &photos));
  }
  for (const char* sql : {"DELETE FROM audit WHERE record_id = ?",
                          "DELETE FROM value WHERE record_id = ?",
                          "DELETE FROM quarantine WHERE record_id = ?",
                          "DELETE FROM record WHERE id = ?"}) {
    for (const auto& id : doomed) {
      DS_ASSIGN_OR_RETURN(auto del, db.Prepare(sql));
      DS_RETURN_IF_ERROR(del.BindBlob(1, id).Run());
    }
  }
  result.records = doomed.size();
  if (!photos.empty()) {
    // Still referred to by a record that stays (the same photo in two households)?
    std::set<std::string> referenced;
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT value FROM value WHERE substr(value, 1, 1) = x'4A'"));
    DS_RETURN_IF_ERROR(Impl::CollectAttachmentHashes(st, &referenced));
    for (const auto& sha : photos) {
      if (referenced.count(sha) != 0) continue;
      DS_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM blob WHERE sha256 = ? AND complete = 1"));
      DS_RETURN_IF_ERROR(del.BindBlob(1, sha).Run());
      result.blobs += static_cast<size_t>(db.Changes());
    }
  }
  DS_RETURN_IF_ERROR(txn->Commit());
  return result;
}

Result<size_t> Store::RepushAbove(int64_t head) {
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  std::vector<std::pair<std::string, std::string>> rows;  // record id bytes, path
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT record_id, path FROM value WHERE version > ? ORDER BY record_id, path"));
    st.Bind(1, head);
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      rows.emplace_back(std::string(st.Blob(0)), std::string(st.Text(1)));
    }
  }
  for (const auto& [rid, path] : rows) {
    DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
        "UPDATE value SET version = 0, pending = coalesce(pending, ?) "
        "WHERE record_id = ? AND path = ?"));
    DS_RETURN_IF_ERROR(upd.Bind(1, impl_->next_outbox_seq).BindBlob(2, rid).Bind(3, path).Run());
    DS_ASSIGN_OR_RETURN(auto ob, db.Prepare(
        "INSERT OR IGNORE INTO outbox(record_id, seq) VALUES(?, ?)"));
    DS_RETURN_IF_ERROR(ob.BindBlob(1, rid).Bind(2, impl_->next_outbox_seq).Run());
    ++impl_->next_outbox_seq;
  }
  DS_RETURN_IF_ERROR(txn->Commit());
  return rows.size();
}

}  // namespace doorstep
