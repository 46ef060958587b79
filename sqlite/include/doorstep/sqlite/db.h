// The one thin RAII layer over SQLite (or SQLCipher) for every Doorstep database: the tablet store
// (core/src/store) and the township server's SQLite store (sync/server). Private to those two: it
// never appears in a public header.
//
//   Conn       one connection with cached prepared statements
//   Stmt       a statement borrowed from the cache; reset and unbound when it goes out of scope
//   Txn        BEGIN [IMMEDIATE] on construction, ROLLBACK on destruction unless committed
//   Pool       a fixed set of connections to one file, leased to one thread at a time
//   PooledTxn  a Txn on a leased connection, the lease held as long as the transaction
//
// The SQL used through this layer must run on SQLite >= 3.15 (SQLCipher 3.4 in Debian): no
// UPSERT, no RETURNING, no window functions.
//
// Error mapping (Conn::Error): SQLITE_NOTADB -> kWrongKey, SQLITE_CORRUPT -> kCorruption,
// SQLITE_BUSY / SQLITE_LOCKED -> OpenOptions::busy_code, I/O errors -> kIo, everything else ->
// kInternal; `where` is the start of the SQL (never a bound value: values may be personal data).
//
// Thread rules: a Conn and its statements are used by one thread at a time (a Pool guarantees it
// for its connections); a Pool itself is thread-safe.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/status.h"

namespace doorstep::sqlite {

class Conn;

// A prepared statement borrowed from the connection's cache; reset and unbound on destruction.
class Stmt {
 public:
  Stmt(Conn* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  ~Stmt();
  Stmt(Stmt&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;

  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, std::string_view text);       // TEXT (copied)
  Stmt& BindBlob(int i, std::string_view bytes);  // BLOB (copied; never NULL, even when empty)
  // Not copied: the bytes must stay valid until the statement is stepped to completion or
  // destroyed (hot paths binding a caller's strings).
  Stmt& BindView(int i, std::string_view text);
  Stmt& BindBlobView(int i, std::string_view bytes);
  Stmt& BindNull(int i);

  // Steps once: true when a row is available, false when done. Errors -> Status.
  Result<bool> Step();
  // Steps to completion (statements without rows).
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string_view Text(int col) const;
  std::string_view Blob(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  Conn* conn_;
  sqlite3_stmt* stmt_;
};

struct OpenOptions {
  // What the file is, for messages: "store" (a tablet) or "server database".
  std::string what = "store";
  bool create = true;             // create the file when missing (else kNotFound)
  bool no_mutex = false;          // SQLITE_OPEN_NOMUTEX: the caller guarantees one thread at a time
  int busy_timeout_ms = 5000;
  Code busy_code = Code::kIo;     // what SQLITE_BUSY / SQLITE_LOCKED become
};

// The kinds of Doorstep SQLite files, in their header (PRAGMA application_id), so a tablet store
// opened as a server database (or the reverse, or any other SQLite file) gets a clear error
// instead of "no such table".
inline constexpr int32_t kTabletStoreAppId = 0x44535431;  // "DST1"
inline constexpr int32_t kServerDbAppId = 0x44535331;     // "DSS1"

// Inside the caller's write transaction: checks the file's application_id is `id` and claims an
// empty file, or one of this kind written before the id existed (it holds `marker_table`).
// kFailedPrecondition naming what the file is otherwise.
Status ClaimApplicationId(Conn& conn, int32_t id, const char* marker_table,
                          const std::string& what);

class Conn {
 public:
  // Opens the file (creating it when options.create), turns on extended result codes, sets the
  // busy timeout and, with a non-empty key, keys the connection (SQLCipher builds only; other
  // builds refuse a key). Does not read the file: a wrong key shows on the first statement.
  static Result<std::unique_ptr<Conn>> Open(const std::string& path, const std::string& key,
                                            const OpenOptions& options);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs one or more statements without results.
  Status Exec(const char* sql);
  // A cached prepared statement for `sql`, which must be a string literal or otherwise stable
  // text (the cache is keyed by its address).
  Result<Stmt> Prepare(const char* sql);
  int64_t Changes() const { return sqlite3_changes(db_); }
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

  // Converts the connection's last error (rc) into a Status; `context` becomes its `where`.
  Status Error(int rc, std::string_view context) const;
  sqlite3* raw() { return db_; }

 private:
  Conn(sqlite3* db, OpenOptions options) : db_(db), options_(std::move(options)) {}
  sqlite3* db_;
  OpenOptions options_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE (writers) or BEGIN (readers) on construction; ROLLBACK on destruction unless
// Commit() succeeded.
class Txn {
 public:
  static Result<std::unique_ptr<Txn>> Begin(Conn& conn, bool write = true);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  Status Commit();
  Conn& conn() { return conn_; }

 private:
  explicit Txn(Conn& conn) : conn_(conn) {}
  Conn& conn_;
  bool done_ = false;
};

// A fixed set of connections to one file.
class Pool {
 public:
  explicit Pool(std::vector<std::unique_ptr<Conn>> conns);

  // A connection for the holder's exclusive use; returned to the pool on destruction.
  class Lease {
   public:
    Lease(Pool* pool, Conn* conn) : pool_(pool), conn_(conn) {}
    ~Lease();
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_) { other.conn_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_; }

   private:
    Pool* pool_;
    Conn* conn_;
  };

  // Waits until a connection is free.
  Lease Acquire();

 private:
  void Release(Conn* conn);
  std::vector<std::unique_ptr<Conn>> all_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Conn*> free_;
};

// A transaction on a leased connection; the lease is returned after the transaction ends.
class PooledTxn {
 public:
  static Result<std::unique_ptr<PooledTxn>> Begin(Pool::Lease lease, bool write);
  Status Commit() { return txn_->Commit(); }
  Conn& conn() { return *lease_; }

 private:
  PooledTxn(Pool::Lease lease, std::unique_ptr<Txn> txn)
      : lease_(std::move(lease)), txn_(std::move(txn)) {}
  Pool::Lease lease_;          // declared first: destroyed after txn_ has rolled back
  std::unique_ptr<Txn> txn_;
};

}  // namespace doorstep::sqlite
