// The PostgreSQL server store: one database (one schema of it) shared by several stateless
// `doorstep-server` processes, for a county or province where one SQLite file is not enough.
//
// Same model and the same conformance suite as SqliteServerStore (store.h); how its transaction
// rules are kept on PostgreSQL (docs/server.md, "PostgreSQL store"):
//   1. versions: NextVersion() takes the one-row counter with UPDATE ... RETURNING; its row lock is
//      held until commit, so writers of versions commit in version order. Later calls in the same
//      transaction count on locally (nobody else can touch the row) and the final value is written
//      back before COMMIT.
//   2. records: write transactions run READ COMMITTED; GetRecord() is SELECT ... FOR UPDATE, and a
//      new record is a plain INSERT. While the record is locked the transaction caches its fields
//      (nobody else may write them); header and field writes are buffered and sent in one burst
//      before the transaction's next other statement or at commit.
//   3. contention: serialization failure (40001), deadlock (40P01), unique violation (23505, two
//      transactions creating the same batch, record, author or form) and a lost connection are
//      Code::kUnavailable, which SyncService retries.
// Reads of several statements (pulls, checksums) run in a REPEATABLE READ READ ONLY transaction,
// one snapshot; single-statement reads (listings, lookups) outside a transaction block.
// The schema is created and migrated on open in one transaction under an advisory lock (several
// processes may start at once), with its version in the `meta` table.
//
// Thread rules: safe to share between threads. Each call or transaction leases one connection from
// a pool (opened on demand, at most `connections`); a call waits when all are leased. A connection
// the server ended while idle is replaced when leased; one that breaks during a call fails that
// call (kUnavailable) and is dropped. Any number of processes may open the same database and
// schema.
#pragma once

#include <memory>
#include <string>

#include "doorstep/core/status.h"
#include "doorstep/sync/server/store.h"

namespace doorstep::sync::server {

// Schema version of the PostgreSQL store (row 'schema_version' of <schema>.meta).
inline constexpr int kPgSchemaVersion = 3;

struct PgStoreOptions {
  // libpq connection string, e.g. "host=127.0.0.1 port=5432 dbname=doorstep user=postgres".
  std::string conninfo;
  // The schema holding the tables (set as search_path on every connection): one database can hold
  // several independent stores, e.g. one per test. Letters, digits and '_' only.
  std::string schema = "doorstep";
  int connections = 8;  // pool size (>= 1)
  bool create = true;   // false: the schema must already hold a store (kNotFound otherwise)
};

class PgServerStore final : public ServerStore {
 public:
  // Connects, creates or migrates the schema. kInvalidArgument for a bad schema name, kIo when the
  // database cannot be reached (the message names the server), kSchemaTooNew for a newer schema.
  static Result<std::unique_ptr<PgServerStore>> Open(const PgStoreOptions& options);
  // Drops the schema and everything in it (tests; an administrator's reset). No store may be open
  // on it.
  static Status DropSchema(const PgStoreOptions& options);
  ~PgServerStore() override;
  PgServerStore(const PgServerStore&) = delete;
  PgServerStore& operator=(const PgServerStore&) = delete;

  Result<std::unique_ptr<ServerTxn>> Begin() override;
  Result<std::optional<DeviceRow>> FindDeviceByCredential(const Digest& sha256) override;
  Result<std::optional<v1::FormDef>> GetForm(const std::string& form_id,
                                             const std::string& version) override;
  Result<std::vector<v1::FormDef>> ListForms() override;
  Result<PullRows> Pull(const PullQuery& query) override;
  Result<std::vector<v1::Conflict>> ListConflicts(const ConflictQuery& query) override;
  Result<std::vector<QuarantineRow>> ListQuarantine() override;
  Result<std::vector<DeviceRow>> ListDevices() override;
  Result<std::vector<std::string>> ListScopes() override;
  Status ForEachLiveField(const std::string& scope,
                          const std::function<void(const FieldRow&)>& fn) override;

  class Impl;

 private:
  explicit PgServerStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace doorstep::sync::server
