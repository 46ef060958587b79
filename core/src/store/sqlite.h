// Thin RAII layer over SQLite (or SQLCipher): a connection, cached prepared statements and
// transactions. Private to the core.
//
// The SQL used through this layer must run on SQLite >= 3.15 (SQLCipher 3.4 in Debian): no
// UPSERT, no RETURNING, no window functions.
//
// Thread rules: a Db and its statements are used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "doorstep/core/status.h"

namespace doorstep::store {

class Db;

// A prepared statement borrowed from the Db's cache; reset and unbound when it goes out of scope.
class Stmt {
 public:
  Stmt(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Stmt();
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, std::string_view text);        // TEXT
  Stmt& BindBlob(int i, std::string_view bytes);   // BLOB
  Stmt& BindNull(int i);

  // Steps once: true when a row is available, false when done. Errors -> Status.
  Result<bool> Step();
  // Steps to completion (for statements without rows).
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string_view Text(int col) const;
  std::string_view Blob(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  // Opens (creating if needed) the file. With a non-empty key the connection is keyed first
  // (SQLCipher builds only). Does not touch the schema.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, const std::string& key);
  ~Db();

  // Runs one or more statements without results.
  Status Exec(const char* sql);
  // A cached prepared statement for `sql` (a string literal or otherwise stable text).
  Result<Stmt> Prepare(const char* sql);
  int64_t Changes() const { return sqlite3_changes(db_); }

  // Converts the connection's last error into a Status.
  Status Error(int rc, std::string_view context) const;
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded.
class Txn {
 public:
  static Result<std::unique_ptr<Txn>> Begin(Db& db);
  ~Txn();
  Status Commit();

 private:
  explicit Txn(Db& db) : db_(db) {}
  Db& db_;
  bool done_ = false;
};

}  // namespace doorstep::store
