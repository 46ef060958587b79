// The libpqxx layer of PgServerStore (pg_db.h): pool, errors, bytea and array text.
#include "pg_db.h"

#include <poll.h>

namespace doorstep::sync::server::pg {
namespace {

// PostgreSQL's primary message: the first line, without "ERROR:  " (the DETAIL line that follows
// may quote key values, e.g. of a unique violation).
std::string FirstLine(const char* what) {
  std::string_view s(what);
  s = s.substr(0, s.find('\n'));
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
    if (s.substr(0, prefix.size()) == prefix) s.remove_prefix(prefix.size());
  }
  return std::string(s);
}

// Whether an idle pooled connection is still usable. An idle connection has nothing to read, so a
// readable socket means the server said something: usually that it ended the session (restart,
// pg_terminate_backend), followed by EOF. Reading it then tells; a dead connection is dropped here
// instead of failing the next request (and libpqxx 6.4 leaks a result on a statement sent over a
// broken connection).
bool Alive(pqxx::connection& conn) {
  // A few rounds: the first read takes the server's goodbye message, the next one meets EOF.
  for (int round = 0; round < 4; ++round) {
    if (!conn.is_open()) return false;
    pollfd p{conn.sock(), POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return true;
    try {
      conn.get_notifs();  // consumes what arrived; throws once the connection is found closed
    } catch (const std::exception&) {
      return false;
    }
  }
  return false;  // still talking while idle: not a state to hand out
}

}  // namespace

Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

Pool::Pool(std::string conninfo, std::string schema, int size)
    : conninfo_(std::move(conninfo)), schema_(std::move(schema)), size_(size) {}

Result<std::unique_ptr<pqxx::connection>> Pool::Connect(const std::string& conninfo,
                                                        const std::string& schema) {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    conn->set_variable("search_path", QuoteIdent(schema));
    // Names the store in pg_stat_activity (schema names are letters, digits and '_').
    conn->set_variable("application_name", "'doorstep:" + schema + "'");
    return conn;
  } catch (const std::exception& e) {
    return Status(Code::kUnavailable, "cannot connect to PostgreSQL: " + FirstLine(e.what()),
                  "conninfo");
  }
}

Result<Lease> Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (idle_.empty()) break;
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    if (Alive(*conn->conn)) return Lease(this, std::move(conn));
    conn.reset();  // closed; its slot is free for a new connection
    --open_;
  }
  ++open_;
  lock.unlock();  // connecting takes a round trip or more: not under the lock
  auto made = Connect(conninfo_, schema_);
  if (!made.ok()) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return made.status();
  }
  auto conn = std::make_unique<Conn>();
  conn->conn = std::move(made).value();
  return Lease(this, std::move(conn));
}

void Pool::Release(std::unique_ptr<Conn> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->broken) {
    conn.reset();
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

bool BreaksConnection(const std::exception& e) {
  return dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
         dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr;
}

Status FromException(const std::exception& e, const std::string& what) {
  const std::string message = FirstLine(e.what());
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    // 40001 serialization failure, 40P01 deadlock: another transaction won; run again.
    return Status(Code::kUnavailable, "concurrent transaction, retry: " + message, what);
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    // Two transactions inserted the same key (a batch, a new record, an author, a form): the
    // loser runs again and then finds the row.
    return Status(Code::kUnavailable, "concurrent insert of the same key, retry: " + message,
                  what);
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return Status(Code::kIo, "the connection was lost during COMMIT; the outcome is unknown",
                  what);
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Status(Code::kUnavailable, "lost the connection to PostgreSQL: " + message, what);
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    return Status(Code::kInternal, "PostgreSQL error " + sql->sqlstate() + ": " + message, what);
  }
  return Status(Code::kInternal, "PostgreSQL client error: " + message, what);
}

bool ValidSchemaName(std::string_view name) {
  if (name.empty() || name.size() > 63 || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string BytesOf(const pqxx::field& f) {
  if (f.is_null()) return {};
  return pqxx::binarystring(f).str();  // results come in text form: bytea as "\x<hex>"
}

ArrayText& ArrayText::Text(std::string_view s) {
  Sep();
  text_ += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') text_ += '\\';
    text_ += c;
  }
  text_ += '"';
  return *this;
}

ArrayText& ArrayText::Bytes(std::string_view b) {
  static const char kHex[] = "0123456789abcdef";
  Sep();
  text_ += "\"\\\\x";  // "\\x: the element's backslash, escaped inside the quoted element
  for (char c : b) {
    const auto u = static_cast<unsigned char>(c);
    text_ += kHex[u >> 4];
    text_ += kHex[u & 15];
  }
  text_ += '"';
  return *this;
}

ArrayText& ArrayText::Int(int64_t v) {
  Sep();
  text_ += std::to_string(v);
  return *this;
}

ArrayText& ArrayText::Null() {
  Sep();
  text_ += "NULL";
  return *this;
}

}  // namespace doorstep::sync::server::pg
