// Internals shared by the SyncService source files: the transaction retry loop and the field
// writes every path (push, resolution, record moves) goes through. Not part of the public API.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/store.h"

namespace doorstep::sync::server::internal {

// Runs `fn(txn)` in a write transaction and commits it. A kUnavailable failure (busy store,
// serialization failure) rolls back and runs `fn` again in a new transaction, up to `attempts`
// times; `fn` must therefore keep all its effects inside the transaction.
template <typename T, typename Fn>
Result<T> RunTxn(ServerStore& store, int attempts, Fn&& fn) {
  Status last(Code::kUnavailable, "no attempt made");
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    auto txn = store.Begin();
    if (!txn.ok()) {
      last = txn.status();
      if (last.code() == Code::kUnavailable) continue;
      return last;
    }
    Result<T> r = fn(**txn);
    if (r.ok()) {
      Status committed = (*txn)->Commit();
      if (committed.ok()) return r;
      last = committed;
    } else {
      last = r.status();
    }
    if (last.code() != Code::kUnavailable) return last;
  }
  return last;
}

// The scope text of a scope-field value: text or a select_one choice; "" for anything else.
std::string ScopeText(const v1::Value& value);

// "form_id@version" -> (form_id, version); nullopt when malformed.
std::optional<std::pair<std::string, std::string>> SplitFormKey(const std::string& key);

v1::Conflict::Candidate CandidateOf(const FieldRow& row);

// Writes a new version of one field of `record` (whose row must exist): takes the next version,
// stores the row with the record's scope, raises record->max_version. Returns the new row.
// `absent`: the field has no current row (ServerTxn::InsertField).
Result<FieldRow> WriteField(ServerTxn& txn, RecordRow* record, const std::string& path,
                            bool cleared, const v1::Value& value, HlcTimestamp hlc,
                            const Author& author, int64_t now_ms,
                            const std::string& pushed_by = {}, bool absent = false);

// After a record's fields changed: re-derives its form version (from "@form") and scope (from the
// scope field). A new scope re-versions every field of the record under the new scope (devices of
// the new village have cursors past the old versions) and moves its open conflicts along. Then
// stores the header.
Status RefreshRecord(ServerTxn& txn, RecordRow* record, const std::string& scope_field,
                     int64_t now_ms);

}  // namespace doorstep::sync::server::internal
