// One SyncClient::Sync call: the phases (forms, push, pull, checksums, attachments) and their
// shared state.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "doorstep/sync/client/sync_client.h"
#include "rpc.h"

namespace doorstep::sync::client {

// Reads the stored server URL and credential into an Rpc (kFailedPrecondition when not enrolled).
// `server_override` (normalized) replaces the stored URL when not empty.
Result<std::unique_ptr<Rpc>> OpenRpc(Store& store, HttpTransport& transport,
                                     const std::string& server_override = {},
                                     Encoding encoding = Encoding::kZstd);

// GET /v1/forms and install every version; returns how many were new to the store.
// `conditional`: with If-None-Match, the ETag of the last installed answer (sync value
// "forms_etag"); a 304 installs nothing.
// When the answer carries the device's scope and it differs from the stored one, the new scope
// is applied (ApplyScope) and described in `*scope`. Without `scope` (forms fetched again in the
// middle of a pull) the scope is left for the next sync and the answer's ETag is not stored.
struct ScopeChange {
  bool changed = false;
  bool gained = false;  // a village (or the reviewer's every village) this device did not hold
  std::vector<std::string> villages;
  bool reviewer = false;
  Store::PurgeResult purged;
};
Result<size_t> InstallServerForms(Store& store, Rpc& rpc, CallStats* stats = nullptr,
                                  bool conditional = true, ScopeChange* scope = nullptr);

// A scope from the server (GET /v1/forms) that differs from the stored one: the pull cursor goes
// back to 0 when a village was gained (its history is pulled whole), the records of villages lost
// are purged (Store::PurgeOutOfScope: never unpushed work), then the new scope is stored. Each
// step is its own transaction and the scope is stored last, so an interruption repeats the
// steps at the next sync.
Result<ScopeChange> ApplyScope(Store& store, const v1::DeviceScope& scope);

// Local checksums against the server's (`server`: those of `villages`, or every village when
// `all`).
Result<std::vector<ScopeCheck>> CompareChecksums(
    Store& store, const std::vector<std::string>& villages, bool all,
    const google::protobuf::RepeatedPtrField<v1::ScopeChecksum>& server);

// Local checksums against POST /v1/checksum for `villages` (every village when `all`).
Result<std::vector<ScopeCheck>> CompareWithServer(Store& store, Rpc& rpc,
                                                  const std::vector<std::string>& villages,
                                                  bool all, CallStats* stats = nullptr);

// Logs at `level` when a logger is set.
void LogTo(Logger* logger, LogLevel level, const std::string& message);

class SyncClient::Run {
 public:
  Run(SyncClient& client, const SyncOptions& options, const ProgressFn& progress,
      const std::atomic<bool>* cancel)
      : client_(client),
        store_(client.store_),
        options_(options),
        progress_(progress),
        cancel_(cancel) {}

  SyncResult Execute();

 private:
  // Execute's steps, in order
  // Reads the enrollment and opens the Rpc; `moved_to`: the new server address when
  // options.server_url names another one (stored by Finish once that server answered).
  Status Open(std::string* moved_to);
  void RecordPhases();  // forms, push, pull, each as the options ask and the earlier ones allow
  // Whether the records are in step for a checksum comparison: every phase ran and succeeded,
  // after one more push and pull when the pull made local edits pushable, and nothing is pending.
  bool CatchUp();
  void AttachmentPhase();  // uploads photos (or marks them skipped) and counts what is left
  // Stores a moved server address, then the overall status, counts and final progress.
  void Finish(const std::string& moved_to);
  // phases
  Status Forms();
  Status Push();
  Status Pull();
  // Compares with the server's checksums: those of the last pull page when it carried them,
  // else asked for (POST /v1/checksum) when ChecksumWanted; else nothing moved since the last
  // match (checksums_unchanged).
  Status Checksums(int64_t cursor);
  Status Attachments();  // attachments.cpp
  // push helpers
  // Moves the entries of the device's villages to `in_scope` (their records to `records`) and
  // counts the others per record in `out_of_scope` (their scope in `scopes`); returns how many
  // moved.
  size_t SplitByScope(std::vector<OutboxEntry> entries, std::vector<OutboxEntry>* in_scope,
                      std::set<RecordId>* records, std::map<RecordId, size_t>* out_of_scope,
                      std::map<RecordId, std::string>* scopes);
  // Batches `in_scope` from the stored batch number and sends them; unless `last`, the final
  // (partly filled) batch's entries go back to `carry` instead.
  Status PushEntries(std::vector<OutboxEntry> in_scope, bool last,
                     std::vector<OutboxEntry>* carry);
  Status ResendInflight(uint64_t batch_seq);
  Status SendBatch(const v1::ChangeSet& set, const std::string& body, Encoding encoding);
  // Sends one batch whose bytes are in flight: true when acknowledged, false when the server
  // refused it without applying it (4xx other than 401 and 409, the body intact; `refusal`).
  Result<bool> TrySend(const v1::ChangeSet& set, const std::string& body, Encoding encoding,
                       Status* refusal);
  // After a refusal of `set`: quarantines here the change the refusal names (with its record's
  // other changes for a 403), or halves the batch until the refused changes stand alone, and
  // pushes everything else, so one bad change never blocks the outbox.
  Status IsolateRefused(v1::ChangeSet set, Status refusal);
  Status QuarantineHere(const std::vector<PushAck>& refused);
  Status AcknowledgeResult(const v1::ChangeSet& set, const v1::PushResult& answer);
  void FillWinnerAuthors(const std::map<size_t, int64_t>& adopted, std::vector<PushAck>* acks);
  Result<PullApplyStats> ApplyPage(const v1::PullPage& page, int64_t next_cursor,
                                   bool* forms_refreshed);
  // attachment helpers (attachments.cpp)
  Status UploadAttachment(const BlobInfo& blob);
  Status AttachmentRefused(const BlobInfo& blob, const Status& refusal);

  // Whether this sync should compare checksums at `cursor`: something was pushed, or the cursor
  // is not where the last comparison matched.
  bool ChecksumWanted(int64_t cursor) const;
  void LogMismatches();

  bool InScope(const std::string& scope) const;
  Result<size_t> PushableInScope();
  bool cancelled() const { return cancel_ != nullptr && cancel_->load(); }
  Status CancelledStatus(const char* phase) const;
  void SetPhase(SyncPhase phase);
  void Report();
  // Adds a finished call's bytes to the totals.
  void Count(const CallStats& stats);

  SyncClient& client_;
  Store& store_;
  const SyncOptions& options_;
  const ProgressFn& progress_;
  const std::atomic<bool>* cancel_;

  Enrollment enrollment_;
  std::unique_ptr<Rpc> rpc_;
  SyncProgress progress_state_;
  SyncResult result_;
  uint64_t done_sent_ = 0;  // bytes of finished calls
  uint64_t done_received_ = 0;
  std::set<RecordId> records_pushed_;
  std::set<RecordId> records_pulled_;
  bool auth_refused_ = false;  // a call was answered 401: stop
  bool answered_ = false;      // some call got an HTTP answer
  bool unreachable_ = false;   // the first call got no answer after every retry
  std::string verified_cursor_;  // kKeyVerifiedCursor at the start of the sync
  int64_t cursor_ = 0;           // the pull cursor after the last pull
  // The checksums the last page of the last pull carried (want_checksums), if it did.
  std::optional<google::protobuf::RepeatedPtrField<v1::ScopeChecksum>> final_page_checksums_;
};

}  // namespace doorstep::sync::client
