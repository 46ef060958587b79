// The local store: one SQLite file holding forms, records, the outbox and the audit trail.
//
// Data model (see docs/design.md): records are stored field by field, value(record, path, value,
// version, hlc, author). Repeat instances (household members) are keyed by UUID. Every write is one
// SQLite transaction that also (a) appends to the outbox (the change log to push; repeated edits
// of one field before a sync collapse to one entry), (b) appends to the audit trail (who changed
// what, when, from which value to which), and (c) recomputes calculated fields. A failing write
// leaves the file exactly as it was.
//
// Encryption: when built with DOORSTEP_SQLCIPHER the file is encrypted with `key`; a wrong key
// fails with Code::kWrongKey and changes nothing. In a plain build a non-empty key is refused. In
// the tablet build (DOORSTEP_TABLET) a store without a key is refused (kFailedPrecondition) unless
// `allow_plain_for_tests` is set; the key comes from the app's KeyStore port (ports.h).
//
// Thread rules: a Store is used by one thread at a time (callers serialise); open one Store per
// file per process. Open() may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/form.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/path.h"
#include "doorstep/core/ports.h"
#include "doorstep/core/signature.h"
#include "doorstep/core/status.h"
#include "doorstep/core/uuid.h"
#include "doorstep/value.pb.h"

namespace doorstep {

// Current schema version of the store file (PRAGMA user_version).
inline constexpr int kStoreSchemaVersion = 3;

struct Author {
  std::string surveyor_id;
  std::string device_id;
  bool operator==(const Author&) const = default;
};

// How hard a commit works to survive power loss (PRAGMA synchronous in WAL mode).
enum class Durability {
  kFull,    // default: every commit is fsynced; a committed survey survives a power cut
  kNormal,  // commits survive an app crash; the last ones may be lost on power loss
  kOff,     // benchmarks and tests of CPU cost only
};

struct StoreOptions {
  std::string path;      // file to open or create; ":memory:" = a private in-memory store
  std::string key;       // encryption key (SQLCipher builds); empty = plain file
  Clock* clock = nullptr;    // required
  Random* random = nullptr;  // required
  Logger* logger = nullptr;  // optional; never receives personal data
  Durability durability = Durability::kFull;
  // Tablet build only: open a store without a key (tests of plain-file behaviour). Never in apps.
  bool allow_plain_for_tests = false;
};

enum class RecordState { kDraft, kFinalized };
const char* RecordStateName(RecordState s);  // "draft" / "finalized"

// Input of a signature capture.
struct SignatureInput {
  std::string signer_name;
  std::string proxy_signer_name;  // empty unless someone signs for the signer
  uint32_t canvas_width = 0;
  uint32_t canvas_height = 0;
  StrokeList strokes;
};

// One edit of a record, applied in order within one transaction.
struct Edit {
  enum class Op { kSet, kClear, kAddInstance, kRemoveInstance, kSign };
  Op op = Op::kSet;
  std::string path;  // field path; for kAddInstance the repeat name path ("members" or
                     // "visits[..]/items"); the new instance id goes to `instance_id` if set
  v1::Value value;   // kSet
  std::string instance_id;  // kAddInstance: UUID to use (empty = generate)
  SignatureInput signature;  // kSign

  static Edit Set(std::string path, v1::Value value);
  static Edit Clear(std::string path);
  static Edit AddInstance(std::string repeat_path, std::string instance_id = {});
  static Edit RemoveInstance(std::string instance_path);
  static Edit Sign(std::string path, SignatureInput input);
};

struct ValidationError {
  std::string path;     // "members[..]/id_number", or "members" for repeat counts
  std::string code;     // required | constraint | type | choice | repeat_min | repeat_max |
                        // signature_stale (a missing required signature is "required")
  std::string message;  // Chinese message from the form when it has one, else a generated one
};

struct ValidationReport {
  std::vector<ValidationError> errors;
  bool ok() const { return errors.empty(); }
};

struct StoredValue {
  std::string path;
  v1::Value value;
  HlcTimestamp hlc = 0;
  int64_t version = 0;  // server version the device last saw (0 = never synced)
};

// A record as stored: every value, relevant or not.
struct Record {
  RecordId id;
  std::string form_id;
  std::string form_version;
  RecordState state = RecordState::kDraft;
  bool deleted = false;
  HlcTimestamp created = 0;
  HlcTimestamp updated = 0;
  std::vector<StoredValue> values;  // sorted by path; metadata ("@...") excluded

  const v1::Value* Get(const std::string& path) const;
};

struct RecordSummary {
  RecordId id;
  std::string form_id;
  std::string form_version;
  RecordState state = RecordState::kDraft;
  HlcTimestamp created = 0;
  HlcTimestamp updated = 0;
};

struct FormSummary {
  std::string form_id;
  std::string version;
  v1::Label title;
  int64_t installed_ms = 0;
  int64_t record_count = 0;
};

enum class SignatureState { kValid, kStale, kMissing };
const char* SignatureStateName(SignatureState s);  // "valid" / "stale" / "missing"

struct SignatureStatus {
  std::string path;
  std::string role;
  SignatureState state = SignatureState::kMissing;
  std::string signer_name;
  std::string proxy_signer_name;
  int64_t signed_at_ms = 0;
  bool required = false;  // the field's required expression is true and it is relevant
};

// What a draft migration could not carry over.
struct MigrationIssue {
  std::string path;
  std::string reason;  // "field removed", "type changed from integer to text", "choice 'x' removed"
};

struct MigrationReport {
  std::string from_version;
  std::string to_version;
  size_t carried = 0;
  std::vector<MigrationIssue> dropped;
};

// One pending change of the outbox (what a sync will push). `value` is the field's current value
// (nullopt: the field was cleared).
struct OutboxEntry {
  int64_t seq = 0;
  RecordId record_id;
  std::string scope;  // PushableChanges only: the record's scope (village)
  int64_t outbox_seq = 0;  // the record's place in the outbox (PushableWindow's cursor)
  std::string path;
  std::optional<v1::Value> value;
  int64_t base_version = 0;
  HlcTimestamp hlc = 0;
  Author author;
  // Non-empty: the change cannot be pushed as stored (its value does not decode, or its author is
  // not valid UTF-8, e.g. written by an older build); the sync client quarantines it here.
  std::string problem;
};

// A change taken out of the outbox, kept with its value and the reason (Store::Quarantined).
struct QuarantineEntry {
  int64_t id = 0;
  RecordId record_id;
  std::string path;
  HlcTimestamp hlc = 0;   // the HLC of the value as pushed
  bool by_server = false;  // true: the server keeps it for a reviewer; false: it never left here
  std::string reason;
  int64_t at_ms = 0;  // when it was quarantined (device clock)
};

// --- sync support (used by doorstep_sync's client; see docs/sync.md) ---

// The server's answer for one pushed change.
struct PushAck {
  RecordId record_id;
  std::string path;
  HlcTimestamp pushed_hlc = 0;  // the HLC of the value that was pushed
  int64_t version = 0;          // the field's server version now
  // The server's current value differs from the pushed one (a conflict this change lost):
  // adopt it unless the field was edited again locally since the push.
  bool adopt = false;
  std::optional<v1::Value> value;  // adopt: nullopt = cleared
  HlcTimestamp value_hlc = 0;
  Author value_author;
  bool quarantined = false;  // kept by the server for a reviewer; no longer pending here
  std::string reason;        // quarantined: why (shown to the user, kept in Quarantined())
};

// A record header from a pull page.
struct RemoteRecord {
  RecordId id;
  std::string form_id;
  std::string form_version;
};

// A field value from a pull page.
struct RemoteChange {
  RecordId record_id;
  std::string path;
  std::optional<v1::Value> value;  // nullopt = cleared
  int64_t version = 0;
  HlcTimestamp hlc = 0;
  Author author;
};

struct PullApplyStats {
  size_t applied = 0;          // values written
  size_t kept_local = 0;       // skipped: the field has a pending local edit
  size_t records_created = 0;  // records first seen in this page
  size_t unchanged = 0;        // already held (e.g. the device's own pushed value)
};

// One synced field for checksums: live, not calculated.
struct SyncedField {
  RecordId record_id;
  std::string scope;  // value of the form's scope field; empty when unset
  std::string path;
  const v1::Value* value = nullptr;
};

struct AuditEntry {
  int64_t seq = 0;
  RecordId record_id;
  std::string path;
  std::optional<v1::Value> old_value;
  std::optional<v1::Value> new_value;
  HlcTimestamp hlc = 0;
  Author author;
};

// --- attachments (photos; see docs/sync.md "Attachments") -----------------------------------
// Content-addressed blobs (SHA-256) kept in the store file itself, so they share its encryption
// and its transactions. A field of type ATTACHMENT holds a v1::Value of kind attachment
// (sha256, media type, size, file name); the bytes are in the blob table, uploaded to the server
// after the records, chunk by chunk, by the sync client.

// The largest attachment a store (and the server) accepts: 20 MiB.
inline constexpr uint64_t kMaxAttachmentBytes = uint64_t{20} << 20;

struct BlobInfo {
  std::string sha256;  // 32 raw bytes
  std::string media_type;
  uint64_t size = 0;
  uint64_t uploaded = 0;  // bytes the server acknowledged holding (a resumed upload starts there)
  bool complete = false;  // the server verified the SHA-256 and holds the whole blob
  HlcTimestamp added = 0;
};
// --- end of attachments ---------------------------------------------------------------------

class Store {
 public:
  // Opens or creates the store at options.path: WAL, foreign keys, migrations to
  // kStoreSchemaVersion in one transaction. Fails with kSchemaTooNew for a file of a newer schema,
  // kWrongKey for a wrong key or an encrypted file opened without one, kIo for I/O errors.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Identity written into every change. Persisted; until set, writes fail with kFailedPrecondition.
  Status SetAuthor(const Author& author);
  const Author& author() const;

  // --- forms ---
  // Compiles and installs a form version. Installing an identical definition again is a no-op;
  // a different definition under an installed (form_id, version) fails with kAlreadyExists.
  Status InstallForm(const v1::FormDef& def);
  // Installs every definition or none (one transaction; all compiled before anything is
  // written). The same rules as InstallForm for each.
  Status InstallForms(const std::vector<v1::FormDef>& defs);
  Result<std::vector<FormSummary>> ListForms();
  Result<std::shared_ptr<const CompiledForm>> GetForm(const std::string& form_id,
                                                      const std::string& version);
  // The most recently installed version of a form.
  Result<std::string> LatestVersion(const std::string& form_id);

  // --- records ---
  // Creates a draft bound to (form_id, version) (empty version = latest) and applies `edits` in
  // the same transaction; with finalize = true the record is also validated and finalized there
  // (on validation errors nothing is written and the report is returned as kValidation).
  Result<RecordId> CreateRecord(const std::string& form_id, const std::string& version = {},
                                const std::vector<Edit>& edits = {}, bool finalize = false);
  // Applies edits to a draft in one transaction (all or nothing). Type and choice checks happen
  // here (kInvalidArgument naming the path); constraints and required wait for Validate/Finalize.
  // Returns the ids of instances added, in order.
  Result<std::vector<std::string>> Apply(const RecordId& id, const std::vector<Edit>& edits);
  Status SetValue(const RecordId& id, const std::string& path, const v1::Value& value);
  Status ClearValue(const RecordId& id, const std::string& path);
  Result<std::string> AddInstance(const RecordId& id, const std::string& repeat_path);
  Status RemoveInstance(const RecordId& id, const std::string& instance_path);
  Status Sign(const RecordId& id, const std::string& path, const SignatureInput& input);

  Result<Record> GetRecord(const RecordId& id);
  // The record as it would be submitted: non-relevant values left out.
  Result<Record> GetRelevantRecord(const RecordId& id);
  Result<std::vector<RecordSummary>> ListRecords(const std::string& form_id = {});
  // Instance ids of a repeat in display order.
  Result<std::vector<std::string>> Instances(const RecordId& id, const std::string& repeat_path);

  // Every error at once; never changes the store.
  Result<ValidationReport> Validate(const RecordId& id);
  // Validates; when valid, removes non-relevant values and marks the record finalized (one
  // transaction) and returns an empty report. When invalid, changes nothing and returns the report.
  Result<ValidationReport> Finalize(const RecordId& id);
  // Finalized -> draft, for a correction.
  Status Reopen(const RecordId& id);
  // Edits of several records in ONE transaction, each record keeping its state: a draft gets its
  // edits as Apply does; a finalized record is validated again with them, as Finalize does, and
  // stays finalized (Reopen + Apply + Finalize, atomic: an interruption never leaves it a draft
  // or half the records written). When a finalized record fails validation nothing is written and
  // the reports (one per write, in order) say why; any other refusal (a deleted record, a refused
  // edit) is returned as the error and nothing is written either.
  struct RecordEdits {
    RecordId id;
    std::vector<Edit> edits;
  };
  Result<std::vector<ValidationReport>> Amend(const std::vector<RecordEdits>& writes);
  // Marks the record deleted (a tombstone that syncs).
  Status DeleteRecord(const RecordId& id);

  Result<std::vector<SignatureStatus>> Signatures(const RecordId& id);

  // Moves a draft to another installed version of its form. Values whose field is gone, whose
  // type changed, or whose choice disappeared are dropped and reported. dry_run reports only.
  Result<MigrationReport> MigrateRecord(const RecordId& id, const std::string& to_version,
                                        bool dry_run = false);

  // --- change log ---
  Result<std::vector<OutboxEntry>> PendingChanges(size_t limit = 0);  // 0 = all, oldest first
  Result<int64_t> OutboxSize();
  Result<std::vector<AuditEntry>> AuditTrail(const RecordId& id);

  // --- sync ---
  // Pending changes ready to push, oldest first, with each record's scope. Records whose scope
  // field is not filled in yet are left out (they wait until the village is known). For "@deleted"
  // the base_version is the highest server version seen of any field of the record.
  Result<std::vector<OutboxEntry>> PushableChanges(size_t limit = 0);
  // The same for a window of the outbox: the pending changes of at most `max_records` records
  // whose outbox place is after `after_outbox_seq` (records in outbox order, each whole). The
  // sync client pushes window by window, so memory follows the window, not the outbox. The next
  // window starts after the last entry's outbox_seq; `*scanned_to` is the outbox place of the
  // last record read (also of a record left out for want of its village), 0 when none was.
  Result<std::vector<OutboxEntry>> PushableWindow(int64_t after_outbox_seq, size_t max_records,
                                                  int64_t* scanned_to);
  // How many changes PushableChanges would return, by scope (village), counted without reading
  // their values: memory follows the number of villages, not the outbox.
  Result<std::map<std::string, size_t>> PushableCountByScope();
  // Applies the server's answers to a push in one transaction: `pending` is cleared where the HLC
  // is still the one pushed (an edit made during the push stays pending), server versions are
  // recorded, lost conflicts adopt the winner. The sync value "batch_seq" is set to
  // `next_batch_seq` in the same transaction, so an acknowledged batch number is never reused.
  Status AcknowledgePush(const std::vector<PushAck>& acks, uint64_t next_batch_seq);
  // Takes changes the server refused (or that cannot be encoded) out of the outbox, in one
  // transaction, so one bad change never blocks the others: each is kept in Quarantined() with
  // its `reason` (by_server false) and its value stays in the record; `pending` is cleared where
  // the HLC is still `pushed_hlc` (an edit made since is a new change and is pushed). Editing the
  // field again makes a new change. Only record_id, path, pushed_hlc and reason are read.
  Status QuarantineRefused(const std::vector<PushAck>& refused);
  // Every change quarantined on this device or by the server, newest first.
  Result<std::vector<QuarantineEntry>> Quarantined();
  // The records this device may no longer hold, removed in one transaction (the township moved
  // it to other villages: `doorstep-server devices rescope`). A record goes when its scope
  // (village) is set and not in `keep`, and it holds nothing the server lacks: no pending change
  // and no change quarantined here. Its values, audit trail and server quarantine notes go with
  // it, and the photos only it referred to once the server holds them. Records of forms without a
  // scope field stay. `kept_unpushed` counts out-of-scope records kept for unpushed work.
  struct PurgeResult {
    size_t records = 0;
    size_t blobs = 0;
    size_t kept_unpushed = 0;
  };
  Result<PurgeResult> PurgeOutOfScope(const std::vector<std::string>& keep);
  // The server's history ends at `head` (its database was restored from an older backup): every
  // value this store holds at a server version above it is one the server lost. In one
  // transaction, each such value forgets its version and becomes pending again, so the next push
  // gives it back to the server (where a later write of the same field meets it as a conflict).
  // Returns how many values. Idempotent.
  Result<size_t> RepushAbove(int64_t head);
  // Applies one pull page in one transaction and stores `next_cursor` as the pull cursor in the
  // same transaction. Records are created from `records` when first seen (their form version must
  // be installed: kFailedPrecondition otherwise, and nothing is applied). A field with a pending
  // local edit keeps the local value. Calculated fields of touched records are recomputed.
  Result<PullApplyStats> ApplyPulled(const std::vector<RemoteRecord>& records,
                                     const std::vector<RemoteChange>& changes,
                                     int64_t next_cursor);
  // Every synced field (live, not calculated), for checksums. `scopes` empty = all.
  Status ForEachSyncedField(const std::vector<std::string>& scopes,
                            const std::function<void(const SyncedField&)>& fn);
  // Sync bookkeeping in the store's meta table (server URL, device id, credential, pull cursor,
  // next batch sequence...). Keys are prefixed "sync." internally. Missing key: empty string.
  Result<std::string> GetSyncValue(const std::string& key);
  Status SetSyncValue(const std::string& key, const std::string& value);

  // --- attachments (photos) ---
  // Stores `bytes` as a blob (kept once per SHA-256: a second copy is a no-op) and returns the
  // value to set on an ATTACHMENT field. kInvalidArgument for an empty file, a media type that is
  // not "type/subtype" or a file name over 255 bytes; kResourceExhausted over kMaxAttachmentBytes.
  Result<v1::Value> AddAttachment(std::string_view bytes, const std::string& media_type,
                                  const std::string& file_name);
  // AddAttachment and SetValue(id, path, value) in one transaction (a draft; the field must be
  // of type ATTACHMENT). Returns the value set.
  Result<v1::Value> Attach(const RecordId& id, const std::string& path, std::string_view bytes,
                           const std::string& media_type, const std::string& file_name);
  // The blob's bookkeeping, or nullopt when the store does not hold it.
  Result<std::optional<BlobInfo>> GetBlobInfo(const std::string& sha256);
  // Blobs not yet complete on the server that a live field value (of a record not deleted)
  // refers to, oldest first. A photo replaced before it was uploaded is not uploaded.
  Result<std::vector<BlobInfo>> PendingUploads();
  // Up to `length` bytes of a blob from `offset` (fewer at its end; offset == size gives none).
  // kNotFound when the store does not hold it, kInvalidArgument for an offset past its end.
  Result<std::string> ReadBlob(const std::string& sha256, uint64_t offset, size_t length);
  // Records how much of a blob the server acknowledged (complete: verified and held whole;
  // `uploaded` is then its size). kInvalidArgument when `uploaded` exceeds the size.
  Status SetUploaded(const std::string& sha256, uint64_t uploaded, bool complete);
  // Stores a blob fetched from the server (a reviewer's copy of a photo): its SHA-256 must be
  // `sha256` (kCorruption otherwise, nothing stored); it is marked complete.
  Status SaveFetchedBlob(const std::string& sha256, std::string_view bytes,
                         const std::string& media_type);
  // --- end of attachments ---

  // "ok" or SQLite's list of problems.
  Result<std::string> IntegrityCheck();

  class Impl;

 private:
  friend class FormSession;  // a session re-reads its record and evaluates it with the store's clock
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace doorstep
