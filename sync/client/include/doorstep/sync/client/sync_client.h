// The tablet side of sync (docs/sync.md): enrollment, form refresh, push, pull, checksums, and the
// conflict calls of the township office, over a doorstep::Store and an HttpTransport.
//
// Bookkeeping lives in the store's sync values (Store::Get/SetSyncValue):
//   server      base URL ("http://10.0.0.2:8080")      device_id   id given at enrollment
//   credential  bearer secret (never logged or printed) team        team name
//   villages    the device's villages, one per line     reviewer    "1" for a township reviewer
//   batch_seq   next push batch number (AcknowledgePush advances it)
//   inflight    the batch sent and not yet acknowledged (base64 of its encoded body), resent
//               as is by the next sync so a retry after a lost answer is byte-identical and the
//               server replays it
//   cursor      pull cursor (ApplyPulled advances it)
//   pull_whole  "1" until a pull from cursor 0 has finished that must also bring back this
//               device's own writes (it purged some when the township took a village away, and
//               may get that village back)
//
// A sync: (1) refreshes forms, (2) pushes pending changes of the device's villages in batches,
// (3) pulls until the server has nothing more (even when the push failed, unless the credential
// was refused or the sync was cancelled: uploads never block downloads), then pushes again when
// the pull made pending edits pushable (a record edited here before its village arrived), and
// (4) compares per-village checksums with the server after a complete sync with nothing left
// pending in the device's villages, then (5) uploads the photos (attachments) the live values
// refer to, chunk by chunk, resuming where the server stands: after the records, so a record
// never waits on its photos, and an upload failure is reported apart (attachments_status) without
// failing the sync. When the forms request gets no answer at all after every retry, the server is
// unreachable and the sync stops there.
//
// Logs name endpoints, record ids, paths and counts, never values or the credential.
//
// Thread rules: a SyncClient and its store are used by one thread at a time; the cancel flag may
// be set from any thread, and the progress callback runs on the syncing thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "doorstep/core/ports.h"
#include "doorstep/core/status.h"
#include "doorstep/core/store.h"
#include "doorstep/sync.pb.h"
#include "doorstep/sync/client/transport.h"
#include "doorstep/sync/codec.h"

namespace doorstep::sync::client {

// Keys of the store's sync values.
inline constexpr char kKeyServer[] = "server";
inline constexpr char kKeyDeviceId[] = "device_id";
inline constexpr char kKeyCredential[] = "credential";
inline constexpr char kKeyTeam[] = "team";
inline constexpr char kKeyVillages[] = "villages";
inline constexpr char kKeyReviewer[] = "reviewer";
inline constexpr char kKeyBatchSeq[] = "batch_seq";
inline constexpr char kKeyInflight[] = "inflight";
inline constexpr char kKeyCursor[] = "cursor";
inline constexpr char kKeyPullWhole[] = "pull_whole";
// The pull cursor at which the last checksum comparison matched ("" after a mismatch).
inline constexpr char kKeyVerifiedCursor[] = "verified_cursor";
// The ETag of the last form pack installed from the server (GET /v1/forms, If-None-Match).
inline constexpr char kKeyFormsEtag[] = "forms_etag";

// What enrollment gave this store.
struct Enrollment {
  std::string server;
  std::string device_id;
  std::string team;
  std::vector<std::string> villages;
  bool reviewer = false;
  size_t forms_installed = 0;  // form versions new to the store
};

// The enrollment stored in `store` (kFailedPrecondition "not enrolled" when there is none).
// The credential is not part of it.
Result<Enrollment> ReadEnrollment(Store& store);

inline constexpr size_t kDefaultAttachmentChunkBytes = 256 * 1024;
inline constexpr size_t kMaxAttachmentChunkBytes = 1024 * 1024;

struct SyncOptions {
  // Empty: the enrolled server. Else this URL is used, and stored for later syncs once the
  // server there answered (the township server moved to a new address).
  std::string server_url;
  bool refresh_forms = true;
  bool push = true;
  bool pull = true;
  bool verify_checksums = true;
  size_t batch_bytes = kDefaultBatchBytes;  // compressed size target of one push batch
  uint32_t page_size = 1000;                // changes per pull page (the server caps it)
  Encoding encoding = Encoding::kZstd;      // of request bodies
  // Attachments (photos): uploaded after the records (when `push` is set) in chunks of this size
  // (at most 1 MiB, the server's limit); each acknowledged chunk is recorded, so an interrupted
  // upload resumes there.
  bool upload_attachments = true;
  size_t attachment_chunk_bytes = kDefaultAttachmentChunkBytes;
};

enum class SyncPhase { kForms, kPush, kPull, kChecksum, kAttachments, kDone };
// "forms", "push", "pull", "checksum", "attachments", "done"
const char* SyncPhaseName(SyncPhase phase);

struct SyncProgress {
  SyncPhase phase = SyncPhase::kForms;
  size_t changes_to_push = 0;  // pending changes of the device's villages at the start of the push
  size_t records_to_push = 0;
  size_t changes_pushed = 0;  // acknowledged by the server
  size_t records_pushed = 0;
  size_t changes_pulled = 0;  // received in pull pages
  size_t records_pulled = 0;  // record headers received (a record may come in several pages)
  size_t pages_pulled = 0;
  uint64_t bytes_sent = 0;  // body bytes on the wire in this sync, the transfer in flight included
  uint64_t bytes_received = 0;
  // photos (attachments), apart from the records
  size_t attachments_to_upload = 0;  // not yet complete on the server at the start of the phase
  size_t attachments_uploaded = 0;   // complete on the server since (sent, or already there)
  uint64_t attachment_bytes_total = 0;  // sizes of those attachments
  uint64_t attachment_bytes_held = 0;   // of which the server acknowledged holding
};
using ProgressFn = std::function<void(const SyncProgress&)>;

// A conflict the push met (every value is kept on the server for a reviewer).
struct ConflictSeen {
  int64_t conflict_id = 0;
  RecordId record_id;
  std::string path;
  bool local_value_won = false;  // false: the store adopted the winner
};

struct QuarantinedChange {
  RecordId record_id;
  std::string path;
  std::string reason;
  // true: the server refused the change (or it could not be encoded), so it never left this
  // device; false: the server holds it for a reviewer. Either way it is no longer pending and
  // Store::Quarantined() keeps it with the reason.
  bool refused_here = false;
};

// Records with pending changes outside the device's villages: not pushed, still pending.
struct OutOfScope {
  RecordId record_id;
  std::string scope;
  size_t changes = 0;
};

struct ScopeCheck {
  std::string scope;
  std::string local_sha256;   // hex; empty when the side has no field in the scope
  std::string server_sha256;  // hex
  uint64_t local_fields = 0;
  uint64_t server_fields = 0;
  // Equal field counts and digests (a village with no field on either side matches).
  bool match() const {
    return local_fields == server_fields && (local_fields == 0 || local_sha256 == server_sha256);
  }
};

struct SyncResult {
  std::string server;  // the URL this sync used
  Status status;       // the first error (ok when every phase that ran succeeded)
  Status forms_status;
  Status push_status;
  Status pull_status;
  Status checksum_status;
  // Photo uploads: never part of `status` (records never wait on photos); the first error.
  Status attachments_status;
  bool push_skipped = false;  // credential refused or server unreachable before the push
  bool pull_skipped = false;  // credential refused, server unreachable, or cancelled

  size_t forms_installed = 0;
  // The township changed this device's villages (doorstep-server devices rescope): the new
  // scope is stored, villages gained are pulled whole, and the records of villages lost were
  // removed (records_purged; photos_purged of theirs), except records with unpushed changes
  // (purge_kept_unpushed: they stay until pushed, reported in out_of_scope).
  bool scope_changed = false;
  size_t records_purged = 0;
  size_t photos_purged = 0;
  size_t purge_kept_unpushed = 0;
  // push
  size_t batches_sent = 0;
  size_t batches_replayed = 0;  // the server had applied the batch before (a lost answer)
  size_t changes_pushed = 0;    // acknowledged
  size_t accepted = 0;
  size_t duplicates = 0;
  size_t conflicts = 0;
  size_t quarantined = 0;     // by the server (kept there for a reviewer)
  size_t refused = 0;         // quarantined here: refused by the server or not encodable
  size_t clock_restamped = 0;  // accepted under the server's clock: this device's is far ahead
  std::vector<ConflictSeen> conflicts_seen;
  std::vector<QuarantinedChange> quarantined_changes;
  std::vector<OutOfScope> out_of_scope;
  size_t still_pending = 0;  // pending changes left after the sync (all villages)
  // pull
  size_t pages_pulled = 0;
  // The server was behind this device's pull cursor (restored from an older backup): the pull
  // started again from 0.
  bool cursor_reset = false;
  size_t values_repushed = 0;  // values the server lost, pending again (pushed at the next sync)
  size_t changes_pulled = 0;
  size_t values_applied = 0;
  size_t kept_local = 0;
  size_t records_created = 0;
  // checksums (empty when not verified: a phase failed or verify_checksums was false)
  std::vector<ScopeCheck> checksums;
  bool checksums_verified = false;
  // Not compared: nothing was pushed and the cursor is where the last comparison matched.
  bool checksums_unchanged = false;
  bool checksums_match() const;

  // attachments (photos)
  bool attachments_skipped = false;  // not attempted (option or push off, unreachable, 401...)
  size_t attachments_pending = 0;      // to upload at the start of the phase
  size_t attachments_uploaded = 0;     // completed by this sync's chunks
  size_t attachments_already_there = 0;  // complete on the server already (another device's)
  size_t attachments_remaining = 0;    // still not complete on the server after the sync
  size_t attachment_chunks_sent = 0;   // chunks the server acknowledged
  uint64_t attachment_bytes_sent = 0;  // attachment bytes in those chunks
  // Body bytes of the attachment phase on the wire (included in bytes_sent / bytes_received).
  uint64_t attachment_wire_bytes_sent = 0;
  uint64_t attachment_wire_bytes_received = 0;

  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

class SyncClient {
 public:
  // `logger` is optional.
  SyncClient(Store& store, HttpTransport& transport, Logger* logger = nullptr);

  // Enrolls this store with the server using a one-time token: stores the server URL, device id,
  // credential and villages, then installs every form version the server has. Enrolling again
  // on the same server (a new token) replaces the enrollment and restarts the pull from the
  // beginning; a store enrolled with another server is refused (kFailedPrecondition).
  Result<Enrollment> Enroll(const std::string& server_url, const std::string& token,
                            const std::string& device_name);

  // A full sync; see the file comment. Never throws; the result's status is the first error.
  // kCancelled when `cancel` was set (what was acknowledged before stays acknowledged).
  SyncResult Sync(const SyncOptions& options = {}, const ProgressFn& progress = {},
                  const std::atomic<bool>* cancel = nullptr);

  // Installs every form version of GET /v1/forms; returns how many were new.
  Result<size_t> RefreshForms(const std::atomic<bool>* cancel = nullptr);

  // Per-village checksums: local (Store::ForEachSyncedField + ChecksumBuilder) against
  // POST /v1/checksum, for the device's villages (every village for a reviewer).
  Result<std::vector<ScopeCheck>> CompareChecksums(const std::atomic<bool>* cancel = nullptr);

  // GET /v1/conflicts (open ones unless `all`).
  Result<v1::ConflictList> ListConflicts(bool all = false);
  // POST /v1/conflicts/{id}/resolve (reviewer credential).
  Result<v1::Conflict> Resolve(int64_t conflict_id, uint32_t candidate, const std::string& note);
  // GET /v1/quarantine (reviewer credential).
  Result<v1::QuarantineList> ListQuarantine();
  // The bytes of an attachment: from the store when it holds them, else downloaded from the
  // server (reviewer credential; GET /v1/attachments/<hex>/data in chunks), verified against the
  // SHA-256 and kept in the store (Store::SaveFetchedBlob).
  Result<std::string> FetchAttachment(const v1::Attachment& attachment,
                                      const std::atomic<bool>* cancel = nullptr);

 private:
  class Run;
  Store& store_;
  HttpTransport& transport_;
  Logger* logger_;
};

// Local checksums of the store: one entry per scope of `scopes` (every scope when empty).
Result<std::vector<v1::ScopeChecksum>> LocalChecksums(Store& store,
                                                      const std::vector<std::string>& scopes);

// "http://host:port" from user input: adds "http://" when no scheme is given, drops trailing '/'.
// kInvalidArgument for an empty URL or a scheme other than http/https.
Result<std::string> NormalizeServerUrl(const std::string& url);

}  // namespace doorstep::sync::client
