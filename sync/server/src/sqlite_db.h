// A thin RAII layer over SQLite for the server store (the core's wrapper is private to the core):
// connections with cached prepared statements, and a pool that leases one connection to one
// thread at a time.
//
// Error mapping: SQLITE_BUSY / SQLITE_LOCKED -> kUnavailable (a retry may succeed), SQLITE_NOTADB
// -> kWrongKey, SQLITE_CORRUPT -> kCorruption, I/O errors -> kIo, everything else -> kInternal.
//
// Thread rules: a Conn and its statements are used by one thread at a time (the Pool guarantees
// it); the Pool itself is thread-safe.
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

namespace doorstep::sync::server::sqlite {

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
  Stmt& Bind(int i, std::string_view text);       // TEXT
  Stmt& BindBlob(int i, std::string_view bytes);  // BLOB (never NULL, even when empty)
  Stmt& BindNull(int i);
  // Not copied: the bytes must stay valid until the statement is stepped to completion or
  // destroyed (hot paths binding a caller's strings).
  Stmt& BindView(int i, std::string_view text);
  Stmt& BindBlobView(int i, std::string_view bytes);

  // Steps once: true when a row is available, false when done.
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

class Conn {
 public:
  // Opens the file (creating it when `create`), keys it (SQLCipher builds), sets the busy timeout,
  // foreign keys and synchronous=FULL. Does not touch the schema.
  static Result<std::unique_ptr<Conn>> Open(const std::string& path, const std::string& key,
                                            int busy_timeout_ms, bool create);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Status Exec(const char* sql);
  // A cached prepared statement for `sql`, which must be a string literal (the cache is keyed by
  // its address).
  Result<Stmt> Prepare(const char* sql);
  int64_t Changes() const { return sqlite3_changes(db_); }
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  Status Error(int rc, std::string_view context) const;

 private:
  explicit Conn(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<const char*, sqlite3_stmt*> cache_;
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

// BEGIN (IMMEDIATE for writers, DEFERRED for readers) on a leased connection; ROLLBACK on
// destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Pool::Lease lease, bool write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Commit();
  Conn& conn() { return *lease_; }

 private:
  explicit Transaction(Pool::Lease lease) : lease_(std::move(lease)) {}
  Pool::Lease lease_;
  bool done_ = false;
};

}  // namespace doorstep::sync::server::sqlite
