// Field writes shared by push and resolution, record moves between villages, and conflict
// resolution.
#include <algorithm>

#include "doorstep/core/path.h"
#include "service_internal.h"

namespace doorstep::sync::server {
namespace internal {

std::string ScopeText(const v1::Value& value) {
  if (value.kind_case() == v1::Value::kText) return value.text();
  if (value.kind_case() == v1::Value::kSelectOne) return value.select_one();
  return {};
}

std::optional<std::pair<std::string, std::string>> SplitFormKey(const std::string& key) {
  size_t at = key.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == key.size()) return std::nullopt;
  return std::make_pair(key.substr(0, at), key.substr(at + 1));
}

v1::Conflict::Candidate CandidateOf(const FieldRow& row) {
  v1::Conflict::Candidate c;
  if (!row.cleared) *c.mutable_value() = row.value;
  c.set_cleared(row.cleared);
  c.set_hlc(row.hlc);
  c.mutable_author()->set_surveyor_id(row.author.surveyor_id);
  c.mutable_author()->set_device_id(row.author.device_id);
  c.set_received_version(row.version);
  return c;
}

Result<FieldRow> WriteField(ServerTxn& txn, RecordRow* record, const std::string& path,
                            bool cleared, const v1::Value& value, HlcTimestamp hlc,
                            const Author& author, int64_t now_ms, const std::string& pushed_by,
                            bool absent) {
  DS_ASSIGN_OR_RETURN(int64_t version, txn.NextVersion());
  FieldRow row;
  row.record_id = record->id;
  row.path = path;
  row.scope = record->scope;
  row.cleared = cleared;
  if (!cleared) row.value = value;
  row.version = version;
  row.hlc = hlc;
  row.author = author;
  row.received_ms = now_ms;
  row.pushed_by = pushed_by;
  DS_RETURN_IF_ERROR(absent ? txn.InsertField(row) : txn.PutField(row));
  record->max_version = std::max(record->max_version, version);
  return row;
}

Status RefreshRecord(ServerTxn& txn, RecordRow* record, const std::string& scope_field,
                     int64_t now_ms) {
  DS_ASSIGN_OR_RETURN(auto form, txn.GetField(record->id, std::string(kMetaForm)));
  if (form && !form->cleared) {
    auto key = SplitFormKey(form->value.text());
    if (key && key->first == record->form_id) record->form_version = key->second;
  }
  if (!scope_field.empty()) {
    DS_ASSIGN_OR_RETURN(auto scope_row, txn.GetField(record->id, scope_field));
    std::string scope = scope_row && !scope_row->cleared ? ScopeText(scope_row->value) : "";
    if (!scope.empty() && scope != record->scope) {
      // A move to another village: every field gets a new version under the new scope, so the
      // devices of that village (whose cursors are past the old versions) receive the record.
      record->scope = scope;
      DS_ASSIGN_OR_RETURN(auto fields, txn.GetRecordFields(record->id));
      for (const auto& f : fields) {
        DS_RETURN_IF_ERROR(
            WriteField(txn, record, f.path, f.cleared, f.value, f.hlc, f.author, now_ms).status());
      }
      DS_ASSIGN_OR_RETURN(auto conflicts, txn.GetRecordConflicts(record->id));
      for (auto& c : conflicts) {
        c.set_scope(scope);
        DS_RETURN_IF_ERROR(txn.UpdateConflict(c));
      }
    }
  }
  return txn.PutRecord(*record);
}

}  // namespace internal

Result<v1::Conflict> SyncService::Resolve(const DeviceInfo& reviewer, int64_t conflict_id,
                                          const v1::ResolveRequest& request) {
  if (!reviewer.reviewer) {
    return Status(Code::kPermissionDenied, "only a reviewer can resolve conflicts");
  }
  const std::string where = "conflict " + std::to_string(conflict_id);
  const int64_t now = clock().NowMs();
  auto result = internal::RunTxn<v1::Conflict>(
      *store_, options_.max_attempts, [&](ServerTxn& txn) -> Result<v1::Conflict> {
        DS_ASSIGN_OR_RETURN(auto found, txn.GetConflict(conflict_id));
        if (!found) return Status(Code::kNotFound, "no such conflict", where);
        // Lock the record, then read the conflict again under the lock.
        DS_ASSIGN_OR_RETURN(auto record, txn.GetRecord(Uuid::FromBytes(found->record_id().data())));
        if (!record) return Status(Code::kInternal, "conflict of a missing record", where);
        DS_ASSIGN_OR_RETURN(found, txn.GetConflict(conflict_id));
        v1::Conflict c = *found;
        if (c.resolved()) {
          return Status(Code::kConflict,
                        "conflict was already resolved by " + c.resolved_by(), where);
        }
        if (request.candidate() >= static_cast<uint32_t>(c.candidates_size())) {
          return Status(Code::kInvalidArgument,
                        "candidate " + std::to_string(request.candidate()) + " does not exist (" +
                            std::to_string(c.candidates_size()) + " candidates)",
                        "candidate");
        }
        const auto& chosen = c.candidates(static_cast<int>(request.candidate()));
        DS_ASSIGN_OR_RETURN(auto current, txn.GetField(record->id, c.path()));
        // The resolution orders after every value it replaces.
        HlcTimestamp hlc = MakeHlc(now, 0);
        for (const auto& cand : c.candidates()) hlc = std::max<HlcTimestamp>(hlc, cand.hlc() + 1);
        if (current) hlc = std::max<HlcTimestamp>(hlc, current->hlc + 1);
        Author author{reviewer.team, reviewer.device_id};
        DS_ASSIGN_OR_RETURN(FieldRow row,
                            internal::WriteField(txn, &*record, c.path(), chosen.cleared(),
                                                 chosen.value(), hlc, author, now));
        c.set_resolved(true);
        c.set_resolution(request.candidate());
        c.set_resolved_by(reviewer.device_id);
        c.set_resolved_version(row.version);
        DS_RETURN_IF_ERROR(txn.UpdateConflict(c));
        DS_ASSIGN_OR_RETURN(auto form, Form(record->form_id, record->form_version, &txn));
        DS_RETURN_IF_ERROR(internal::RefreshRecord(
            txn, &*record, form ? form->def().scope_field() : std::string(), now));
        c.set_scope(record->scope);
        return c;
      });
  if (result.ok()) {
    Log(LogLevel::kInfo, "conflict " + std::to_string(conflict_id) + " resolved by " +
                             reviewer.device_id + " (candidate " +
                             std::to_string(request.candidate()) + ")");
  }
  return result;
}

}  // namespace doorstep::sync::server
