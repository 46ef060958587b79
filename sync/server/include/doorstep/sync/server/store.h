// The township server's storage interface: a small set of primitives that the protocol logic
// (SyncService, written once) runs on, so the embedded SQLite store and a PostgreSQL store shared by
// several server processes behave the same and pass the same conformance suite.
//
// Model (see docs/server.md):
//   record     one row per record: form version, scope (village), highest field version
//   field      one row per (record, path): the current value (or cleared), its server version,
//              HLC and author. Every write of a field takes a new, globally unique version from
//              NextVersion(); the previous row is kept in the history (the audit of who wrote what
//              when). Rows carry the record's scope so a pull reads an index on (scope, version)
//              and costs what the village changed, not what the township holds.
//   conflict   every concurrent value of one field (v1::Conflict), open until a reviewer resolves
//   quarantine changes the server could not place (unknown form version, no scope), with the full
//              change bytes; never dropped
//   batch      the recorded answer to each (device, batch_seq), for idempotent retries
//   device, enrollment token, form
//
// Transactions. Every write happens in a ServerTxn (Begin() ... Commit(); destroying an uncommitted
// transaction rolls it back). The rules an implementation must keep, whatever its database:
//   1. Versions become visible in increasing order. A reader that sees version v must already see
//      every committed version < v, or a device's pull cursor would pass a version that commits
//      later, and that change would never reach it. SQLite: BEGIN IMMEDIATE serialises writers.
//      PostgreSQL: NextVersion() increments a one-row counter (UPDATE ... RETURNING), whose row
//      lock is held until commit, so transactions that write versions commit in version order.
//   2. GetRecord() locks the record for the rest of the transaction (PostgreSQL: SELECT ... FOR
//      UPDATE): every write of a record's fields, conflicts and header happens after it, so two
//      processes never interleave on one record. Two transactions creating the same new record
//      collide on its primary key; the loser fails with kUnavailable.
//   3. Contention that a retry can cure (SQLITE_BUSY after the busy timeout, a PostgreSQL
//      serialization failure, deadlock or unique violation on batch/record keys) is reported as
//      Code::kUnavailable; SyncService then retries the whole transaction from the start.
//
// Thread rules: a ServerStore is shared by every request thread; its methods may be called
// concurrently (implementations protect themselves: SqliteServerStore hands each call or
// transaction its own pooled connection). A ServerTxn belongs to the thread that began it, and
// that thread makes no other ServerStore call until the transaction ends (SyncService keeps this
// rule): with a pool of N connections, N transactions each waiting for a second connection would
// wait forever.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/hlc.h"
#include "doorstep/core/sha256.h"
#include "doorstep/core/status.h"
#include "doorstep/core/store.h"
#include "doorstep/core/uuid.h"
#include "doorstep/form.pb.h"
#include "doorstep/sync.pb.h"
#include "doorstep/value.pb.h"

namespace doorstep::sync::server {

// The current state of one field.
struct FieldRow {
  RecordId record_id;
  std::string path;
  std::string scope;     // the record's scope, copied here for the (scope, version) index
  bool cleared = false;  // the field was cleared (or the repeat instance removed)
  v1::Value value;       // meaningful when !cleared
  int64_t version = 0;   // unique across the server
  HlcTimestamp hlc = 0;
  Author author;          // surveyor and device that wrote the value
  int64_t received_ms = 0;  // server time of the write
  // The enrolled device whose push wrote this value as it sent it, at this version (the push
  // answer told it the version). Empty for a value the server wrote itself: a record moved to
  // another village, a record kept alive, a resolution. A pull leaves out the requesting device's
  // own rows: it holds them.
  std::string pushed_by;
};

struct RecordRow {
  RecordId id;
  std::string form_id;
  std::string form_version;
  std::string scope;        // never empty for a stored record
  int64_t max_version = 0;  // highest version of any field of the record
  int64_t created_ms = 0;
};

// The recorded answer to one pushed batch.
struct BatchRow {
  std::string device_id;
  uint64_t batch_seq = 0;
  Digest body_sha256{};  // of the ChangeSet as sent (device_clock_ms left out)
  std::string result;    // serialized v1::PushResult
  int64_t received_ms = 0;
};

struct DeviceRow {
  std::string device_id;
  std::string name;
  std::string team;
  std::vector<std::string> villages;
  bool reviewer = false;
  Digest credential_sha256{};  // the credential itself is never stored
  int64_t enrolled_ms = 0;
  int64_t last_seen_ms = 0;       // last push
  int64_t clock_skew_ms = 0;      // device clock minus server clock at the last push
  int64_t future_hlc_count = 0;   // changes received with an HLC more than 24 h ahead
  int64_t max_future_hlc_ms = 0;  // the largest such lead seen
  // Revoked (SyncService::RevokeDevice): the credential digest is all zero, which no
  // credential hashes to.
  bool revoked() const { return credential_sha256 == Digest{}; }
};

struct TokenRow {
  Digest token_sha256{};
  std::string team;
  std::vector<std::string> villages;
  bool reviewer = false;
  int64_t created_ms = 0;
  std::string used_by;  // device id once used; empty while the token is still valid
  int64_t used_ms = 0;
};

struct QuarantineRow {
  v1::QuarantineEntry entry;  // entry.id is assigned by AddQuarantine
  std::string change;  // serialized v1::ChangeSet holding just this change (its path and author)
};

struct PullQuery {
  bool all_scopes = false;          // a reviewer: every scope
  std::vector<std::string> scopes;  // otherwise: these scopes
  int64_t cursor = 0;               // versions greater than this
  size_t limit = 1000;
  // Not empty: leave out the rows whose pushed_by is this device (it holds them), in the query
  // itself, so skipping a device's own initial push reads index entries, not values.
  std::string skip_pushed_by;
};

struct PullRows {
  std::vector<FieldRow> fields;     // ordered by version, at most `limit`
  std::vector<RecordRow> records;   // the header of every record in `fields`
  bool more = false;                // more rows exist after the last one
  // Every row of the scopes up to this version was considered (returned or skipped): the last
  // row's version when `more`, else the server's last version in the same read. A device's
  // cursor may move here even when every row was skipped.
  int64_t scanned_to = 0;
  // When not `more`: the server's last version in the same read (0 for an empty store).
  int64_t head = 0;
};

struct ConflictQuery {
  bool all_scopes = false;
  std::vector<std::string> scopes;
  bool open_only = true;
};

class ServerTxn {
 public:
  virtual ~ServerTxn() = default;  // rolls back unless Commit() succeeded
  virtual Status Commit() = 0;

  // --- idempotency ---
  virtual Result<std::optional<BatchRow>> GetBatch(const std::string& device_id,
                                                   uint64_t batch_seq) = 0;
  virtual Status PutBatch(const BatchRow& batch) = 0;  // insert; the pair must be new

  // --- records and fields ---
  // Reads (and locks, see rule 2) a record header.
  virtual Result<std::optional<RecordRow>> GetRecord(const RecordId& id) = 0;
  // GetRecord of several records, `ids` in increasing order (the order records are locked in, so
  // two transactions do not deadlock); one answer per id. The default asks one by one.
  virtual Result<std::vector<std::optional<RecordRow>>> GetRecords(
      const std::vector<RecordId>& ids) {
    std::vector<std::optional<RecordRow>> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
      DS_ASSIGN_OR_RETURN(auto row, GetRecord(id));
      out.push_back(std::move(row));
    }
    return out;
  }
  virtual Status PutRecord(const RecordRow& record) = 0;  // insert or replace
  virtual Result<std::optional<FieldRow>> GetField(const RecordId& id, const std::string& path) = 0;
  virtual Result<std::vector<FieldRow>> GetRecordFields(const RecordId& id) = 0;  // by path
  // Insert or replace; a replaced row moves to the history. The record row must exist.
  virtual Status PutField(const FieldRow& field) = 0;
  // PutField of a field known to have no current row (this transaction read it as absent, or
  // created its record): skips the look for a row to move to the history. The default is PutField.
  virtual Status InsertField(const FieldRow& field) { return PutField(field); }
  // The next server version (see rule 1).
  virtual Result<int64_t> NextVersion() = 0;

  // --- conflicts ---
  virtual Result<std::optional<v1::Conflict>> GetConflict(int64_t id) = 0;
  // The open conflict of one field, if any (at most one is open per field).
  virtual Result<std::optional<v1::Conflict>> GetOpenConflict(const RecordId& id,
                                                              const std::string& path) = 0;
  // The open conflicts of one record (a record moved to another village takes them along).
  virtual Result<std::vector<v1::Conflict>> GetRecordConflicts(const RecordId& id) = 0;
  virtual Result<int64_t> AddConflict(const v1::Conflict& conflict) = 0;  // assigns the id
  virtual Status UpdateConflict(const v1::Conflict& conflict) = 0;        // by conflict.id()

  // --- quarantine ---
  virtual Result<int64_t> AddQuarantine(const QuarantineRow& row) = 0;  // assigns the id

  // --- devices and enrollment ---
  virtual Result<std::optional<DeviceRow>> GetDevice(const std::string& device_id) = 0;
  virtual Status PutDevice(const DeviceRow& device) = 0;  // insert or replace
  virtual Result<std::optional<TokenRow>> GetToken(const Digest& token_sha256) = 0;
  virtual Status PutToken(const TokenRow& token) = 0;  // insert or replace

  // --- forms ---
  virtual Result<std::optional<v1::FormDef>> GetForm(const std::string& form_id,
                                                     const std::string& version) = 0;
  virtual Status PutForm(const v1::FormDef& def, int64_t installed_ms) = 0;  // insert
};

class ServerStore {
 public:
  virtual ~ServerStore() = default;

  // Starts a write transaction.
  virtual Result<std::unique_ptr<ServerTxn>> Begin() = 0;

  // Read queries: each sees one consistent, committed state.
  virtual Result<std::optional<DeviceRow>> FindDeviceByCredential(const Digest& sha256) = 0;
  virtual Result<std::optional<v1::FormDef>> GetForm(const std::string& form_id,
                                                     const std::string& version) = 0;
  virtual Result<std::vector<v1::FormDef>> ListForms() = 0;  // install order
  virtual Result<PullRows> Pull(const PullQuery& query) = 0;
  virtual Result<std::vector<v1::Conflict>> ListConflicts(const ConflictQuery& query) = 0;  // by id
  virtual Result<std::vector<QuarantineRow>> ListQuarantine() = 0;                          // by id
  virtual Result<std::vector<DeviceRow>> ListDevices() = 0;
  // Every scope that holds at least one record.
  virtual Result<std::vector<std::string>> ListScopes() = 0;
  // Calls `fn` for every live (not cleared) field of the records in `scope`, in no set order.
  virtual Status ForEachLiveField(const std::string& scope,
                                  const std::function<void(const FieldRow&)>& fn) = 0;
};

}  // namespace doorstep::sync::server
