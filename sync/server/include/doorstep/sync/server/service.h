// The township server's protocol logic (docs/sync.md), written once over ServerStore so every
// storage backend behaves the same. The HTTP layer only decodes bodies, authenticates and maps
// Status codes to HTTP statuses; everything the protocol promises happens here.
//
//   Enroll        a one-time token (printed by `doorstep-server enroll`) -> device id + credential.
//                 Tokens and credentials are stored only as SHA-256.
//   Push          one transaction per batch, idempotent by (device, batch_seq); scope checked for
//                 every record before anything is applied (403 for the whole batch); changes the
//                 server cannot place are quarantined; every change goes through sync::Merge.
//   Pull          current values of the fields changed after the cursor in the device's villages.
//   Checksums     per village, over live fields, with sync::ChecksumBuilder.
//   Conflicts / Resolve / Quarantine  for reviewers (a reviewer device sees every village).
//
// Deletion ("@deleted") versus edit: a deletion made without seeing a later edit of the record,
// or an edit arriving for a record deleted by a change its device had not seen, never wins by
// rule. The server opens a conflict on the record's "@deleted" field with both candidates
// ("deleted" = flag true, "kept" = flag false, each with its HLC and author), and while it is open
// the record stays alive (no household disappears from the field without a person deciding). A
// reviewer's choice is written as a new version of "@deleted".
//
// Errors (Status codes, mapped to HTTP by HttpServer): kInvalidArgument / kParse (400),
// kNotFound for an unknown token or credential (the HTTP layer answers 401), kPermissionDenied
// (403), kNotFound (404), kConflict (409: batch number reused with other content, conflict
// already resolved), kResourceExhausted (413), kUnavailable (503, after retries of a busy store).
//
// Thread rules: one SyncService serves every request thread; its methods may run concurrently.
// It holds no per-request state: the store's transactions keep concurrent pushes apart, and the
// compiled-form cache is guarded by a mutex (forms are immutable once installed).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/form.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/ports.h"
#include "doorstep/core/status.h"
#include "doorstep/sync.pb.h"
#include "doorstep/sync/server/store.h"

namespace doorstep::sync::server {

// An authenticated device.
struct DeviceInfo {
  std::string device_id;
  std::string name;  // as enrolled (EnrollRequest.device_name): the tablet's author device label
  std::string team;
  std::vector<std::string> villages;
  bool reviewer = false;

  bool InScope(const std::string& scope) const;
  // The township office's own tools (the command line): a reviewer with no device.
  static DeviceInfo Admin();
};

struct ServiceOptions {
  Clock* clock = nullptr;    // required
  Random* random = nullptr;  // required (device ids, credentials, tokens)
  Logger* logger = nullptr;  // optional; never receives values
  // HLCs further ahead of the server clock are stored under the server's clock (Restamp).
  int64_t max_future_ms = 24 * 3600 * 1000;
  uint32_t default_page = 1000;
  uint32_t max_page = 5000;
  // A pull page also ends once its changes hold this many bytes (values, paths, ids; always at
  // least one change), so a page of large values (signatures of up to 20,000 points, 16 KB texts)
  // stays far below the 1 MiB a client accepts on the wire, compressed or not.
  size_t page_bytes = 512 * 1024;
  int max_attempts = 5;  // a transaction failing with kUnavailable is retried this many times
  // An enrollment token not used within this long is refused (a token printed and forgotten, or
  // photographed off a desk, must not enroll a device weeks later).
  int64_t token_valid_ms = 7LL * 24 * 3600 * 1000;
};

struct EnrollmentToken {
  std::string token;  // shown once; only its SHA-256 is stored
  std::string team;
  std::vector<std::string> villages;
  bool reviewer = false;
};

class SyncService {
 public:
  SyncService(ServerStore* store, ServiceOptions options);

  // --- administration (command line) ---
  // A new one-time enrollment token for a team and its villages (at least one unless reviewer).
  Result<EnrollmentToken> CreateEnrollmentToken(const std::string& team,
                                                const std::vector<std::string>& villages,
                                                bool reviewer);
  // Compiles and installs form versions in one transaction: all or nothing. Reinstalling an
  // identical definition is a no-op; a different one under an installed version is
  // kAlreadyExists. Returns how many were new.
  Result<size_t> InstallForms(const std::vector<v1::FormDef>& defs);

  // --- protocol ---
  Result<v1::EnrollResponse> Enroll(const v1::EnrollRequest& request);
  // kNotFound for a missing or unknown credential.
  Result<DeviceInfo> Authenticate(std::string_view credential);
  // The form pack and the device's scope (team, villages, reviewer) as it is now.
  Result<v1::FormList> Forms(const DeviceInfo& device);
  Result<v1::PushResult> Push(const DeviceInfo& device, const v1::ChangeSet& set);
  Result<v1::PullPage> Pull(const DeviceInfo& device, const v1::PullRequest& request);
  Result<v1::ChecksumResponse> Checksums(const DeviceInfo& device,
                                         const v1::ChecksumRequest& request);
  // Conflicts in the device's villages (every village for a reviewer), oldest first.
  Result<v1::ConflictList> Conflicts(const DeviceInfo& device, bool open_only = true);
  // Reviewer only: writes the chosen candidate as a new version of the field (so it reaches every
  // device on its next pull) and marks the conflict resolved.
  Result<v1::Conflict> Resolve(const DeviceInfo& reviewer, int64_t conflict_id,
                               const v1::ResolveRequest& request);
  Result<v1::QuarantineList> Quarantine(const DeviceInfo& reviewer);
  // A lost or stolen tablet: its credential stops working at its next request (401); what it
  // synced before stays. Returns the device as it is now; kNotFound for an unknown id. To bring
  // the tablet back, enroll it again with a new token.
  Result<DeviceRow> RevokeDevice(const std::string& device_id);
  // Gives a device other villages (a team moved, a village handed to another team). Its next sync
  // learns them from GET /v1/forms: it pulls what it gained and purges the records of villages it
  // lost, except those with changes it has not pushed yet. At least one village unless the
  // device is a reviewer; every name checked like an enrollment's. kNotFound for an unknown id,
  // kFailedPrecondition for a revoked device.
  Result<DeviceRow> RescopeDevice(const std::string& device_id,
                                  const std::vector<std::string>& villages);

  // The compiled form for a version (cached), or nullptr when it is not installed. Inside a
  // transaction pass it as `txn`: a cache miss then reads through it instead of taking a second
  // store connection while one is held (a pool of N connections would run dry under N pushes).
  Result<std::shared_ptr<const CompiledForm>> Form(const std::string& form_id,
                                                   const std::string& version,
                                                   ServerTxn* txn = nullptr);

  // An HLC under the server's clock for a change whose own HLC was too far ahead: at `now_ms`,
  // and strictly greater than every one given before, so two re-stamped writes of one device
  // never look like a retry of each other (the merge rule's duplicate test).
  HlcTimestamp Restamp(int64_t now_ms);

  ServerStore& store() { return *store_; }
  Clock& clock() { return *options_.clock; }
  const ServiceOptions& options() const { return options_; }

 private:
  void Log(LogLevel level, const std::string& message);
  Result<std::string> RandomHex(size_t bytes);

  ServerStore* store_;
  ServiceOptions options_;
  std::atomic<uint64_t> last_restamp_{0};
  std::mutex forms_mu_;
  std::map<std::string, std::shared_ptr<const CompiledForm>> forms_;  // "form_id@version"
};

}  // namespace doorstep::sync::server
