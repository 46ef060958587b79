// The embedded server store: one SQLite file (or SQLCipher, when the build links it).
//
// WAL journal, foreign keys on, synchronous=FULL (an acknowledged push survives a power cut: the
// tablet stops resending it), schema migrations to kServerSchemaVersion in one transaction. Write
// transactions are BEGIN IMMEDIATE, so pushes serialise on the file and versions become visible in
// order; reads (pulls, checksums, listings) run in their own read transactions alongside a writer.
// The SQL runs on SQLite >= 3.15 (no UPSERT, RETURNING or window functions).
//
// Thread rules: safe to share between threads. Each call or transaction leases one of a small pool
// of connections (a connection is never used by two threads at once); a call waits for a free
// connection when all are leased. Open one SqliteServerStore per file per process; several
// processes on one file also work (SQLite's file locks serialise their writers).
#pragma once

#include <memory>
#include <string>

#include "doorstep/core/status.h"
#include "doorstep/sync/server/store.h"

namespace doorstep::sync::server {

// Schema version of the server file (PRAGMA user_version).
inline constexpr int kServerSchemaVersion = 2;

struct SqliteStoreOptions {
  std::string path;         // file to open or create (not ":memory:": the pool needs one file)
  std::string key;          // SQLCipher key; must be empty in a plain build
  int connections = 4;      // pool size (>= 1)
  int busy_timeout_ms = 10000;
  // WAL pages after which a commit copies the log back into the database (SQLite's
  // wal_autocheckpoint; its default is 1,000). A push of ~11,000 fields writes ~2,000 pages: fewer,
  // larger checkpoints copy each index page once for several batches (docs/benchmarks.md).
  int checkpoint_pages = 10000;
  bool create = true;       // false: the file must already exist (kNotFound otherwise)
};

class SqliteServerStore final : public ServerStore {
 public:
  // Opens or creates the file and migrates it. kSchemaTooNew for a newer file, kWrongKey when a
  // key does not open it, kIo for I/O errors.
  static Result<std::unique_ptr<SqliteServerStore>> Open(const SqliteStoreOptions& options);
  ~SqliteServerStore() override;
  SqliteServerStore(const SqliteServerStore&) = delete;
  SqliteServerStore& operator=(const SqliteServerStore&) = delete;

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

  // "ok" or SQLite's list of problems.
  Result<std::string> IntegrityCheck();

  class Impl;

 private:
  explicit SqliteServerStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace doorstep::sync::server
