// A small layer over libpqxx for PgServerStore: the connection pool, prepared statements by
// name, PostgreSQL errors as Status, and the text forms of bytea values and arrays that unnest()
// reads (libpqxx 6.4 has no array parameters).
//
// Thread rules: Pool is thread-safe. A Lease, and the connection in it, belongs to one thread at
// a time; it goes back to the pool when destroyed (or is closed when marked broken).
#pragma once

#include <pqxx/pqxx>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doorstep/core/status.h"

namespace doorstep::sync::server::pg {

// A statement prepared (once per connection, lazily) under a fixed name.
struct Sql {
  const char* name;
  const char* text;
};

// One pooled connection with the names it has prepared.
struct Conn {
  std::unique_ptr<pqxx::connection> conn;
  std::set<std::string> prepared;
  bool broken = false;  // set on an error that leaves the connection unusable
};

class Pool;

// A leased connection; returns it to the pool when destroyed.
class Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  pqxx::connection& conn() { return *conn_->conn; }
  // Marks the connection unusable (it is closed instead of returned).
  void MarkBroken() { conn_->broken = true; }

  // Executes a prepared statement (preparing it on this connection first if needed).
  template <typename... Args>
  pqxx::result Exec(pqxx::transaction_base& tx, const Sql& sql, Args&&... args) {
    if (conn_->prepared.insert(sql.name).second) conn_->conn->prepare(sql.name, sql.text);
    return tx.exec_prepared(sql.name, std::forward<Args>(args)...);
  }

 private:
  Pool* pool_;
  std::unique_ptr<Conn> conn_;
};

class Pool {
 public:
  // `schema` is set as the search_path of every connection (and restored by libpqxx if it
  // reconnects).
  Pool(std::string conninfo, std::string schema, int size);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A free connection, a new one when fewer than `size` are open, else waits for one.
  // kUnavailable when a new connection cannot be made (the message says why).
  Result<Lease> Acquire();

  // Opens one connection outside the pool (schema creation and removal).
  static Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& conninfo,
                                                           const std::string& schema);

 private:
  friend class Lease;
  void Release(std::unique_ptr<Conn> conn);

  const std::string conninfo_;
  const std::string schema_;
  const int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int open_ = 0;
};

// The Status for an exception thrown by libpqxx (or anything else) while doing `what`:
// serialization failure, deadlock, unique violation and a lost connection are kUnavailable (a
// retry can succeed); a commit whose outcome is unknown is kIo; anything else kInternal. Only the
// first line of PostgreSQL's message is kept: its DETAIL line may quote stored values.
Status FromException(const std::exception& e, const std::string& what);
// Whether the exception leaves the connection unusable.
bool BreaksConnection(const std::exception& e);

// Runs `fn` (returning Status or Result<T>), turning exceptions into a Status; marks the lease
// broken when the connection is lost.
template <typename Fn>
auto Guard(Lease* lease, const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    if (lease != nullptr && BreaksConnection(e)) lease->MarkBroken();
    return FromException(e, what);
  }
}

// Quotes an identifier ("name"); schema names are checked to be letters, digits and '_'.
std::string QuoteIdent(std::string_view name);
bool ValidSchemaName(std::string_view name);

// A bytea parameter (passed in binary form).
inline pqxx::binarystring Bytes(std::string_view b) {
  return pqxx::binarystring(b.data(), b.size());
}
// A bytea column as raw bytes (empty for NULL).
std::string BytesOf(const pqxx::field& f);

// Builds the text form of a one-dimensional array ('{...}') for a $n::type[] parameter.
class ArrayText {
 public:
  ArrayText& Text(std::string_view s);   // a text element, quoted and escaped
  ArrayText& Bytes(std::string_view b);  // a bytea element in hex form
  ArrayText& Int(int64_t v);
  ArrayText& Null();
  std::string Finish() const { return text_ + "}"; }
  bool empty() const { return text_.size() == 1; }

 private:
  void Sep() {
    if (text_.size() > 1) text_ += ',';
  }
  std::string text_ = "{";
};

}  // namespace doorstep::sync::server::pg
