#include "doorstep/sqlite/db.h"

#include <utility>

namespace doorstep::sqlite {

namespace {
// A zero-length blob must still be a blob, not NULL.
const char kEmpty = 0;
}  // namespace

Stmt::~Stmt() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Stmt& Stmt::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindBlob(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.empty() ? &kEmpty : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindView(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::BindBlobView(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.empty() ? &kEmpty : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->Error(rc, sqlite3_sql(stmt_));
}

Status Stmt::Run() {
  for (;;) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!r.value()) return Status::Ok();
  }
}

std::string_view Stmt::Text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string_view();
}

std::string_view Stmt::Blob(int col) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string_view();
}

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& path, const std::string& key,
                                         const OpenOptions& options) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0) |
              (options.no_mutex ? SQLITE_OPEN_NOMUTEX : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Conn> conn(new Conn(raw, options));
  if (rc != SQLITE_OK) {
    if (!options.create && (rc & 0xff) == SQLITE_CANTOPEN) {
      return Status(Code::kNotFound, "no " + options.what + " at this path", path);
    }
    return Status(Code::kIo,
                  "cannot open " + options.what + ": " +
                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                  path);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  if (!key.empty()) {
#ifdef DOORSTEP_SQLCIPHER
    rc = sqlite3_key(raw, key.data(), static_cast<int>(key.size()));
    if (rc != SQLITE_OK) return conn->Error(rc, "setting the encryption key");
#else
    return Status(Code::kInvalidArgument,
                  "this build has no encryption (configure with -DDOORSTEP_SQLCIPHER=ON) but a "
                  "key was given",
                  path);
#endif
  }
  return conn;
}

Status ClaimApplicationId(Conn& conn, int32_t id, const char* marker_table,
                          const std::string& what) {
  int64_t current = 0;
  {
    DS_ASSIGN_OR_RETURN(auto st, conn.Prepare("PRAGMA application_id"));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) current = st.Int(0);
  }
  if (current == id) return Status::Ok();
  auto describe = [](int64_t app) -> std::string {
    if (app == kTabletStoreAppId) return "a tablet store";
    if (app == kServerDbAppId) return "a township server database";
    return "another application's SQLite database";
  };
  if (current != 0) {
    return Status(Code::kFailedPrecondition,
                  "this file is " + describe(current) + ", not a Doorstep " + what);
  }
  int64_t tables = 0;
  bool marked = false;
  {
    DS_ASSIGN_OR_RETURN(auto st, conn.Prepare(
        "SELECT count(*), coalesce(sum(name = ?), 0) FROM sqlite_master WHERE type = 'table'"));
    st.Bind(1, std::string_view(marker_table));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      tables = st.Int(0);
      marked = st.Int(1) > 0;
    }
  }
  if (tables > 0 && !marked) {
    return Status(Code::kFailedPrecondition,
                  "this file is an SQLite database but not a Doorstep " + what +
                      " (it has tables, none of them Doorstep's)");
  }
  const std::string pragma = "PRAGMA application_id = " + std::to_string(id);
  return conn.Exec(pragma.c_str());
}

Conn::~Conn() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Conn::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Status s = Error(rc, sql);
  return Status(s.code(), msg, s.where());
}

Result<Stmt> Conn::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  cache_.emplace(sql, stmt);
  return Stmt(this, stmt);
}

Status Conn::Error(int rc, std::string_view context) const {
  std::string msg = sqlite3_errmsg(db_);
  std::string where(context.substr(0, 80));
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
#ifdef DOORSTEP_SQLCIPHER
      return Status(Code::kWrongKey,
                    "the " + options_.what +
                        " cannot be read: wrong encryption key, missing key, or not a Doorstep " +
                        options_.what,
                    where);
#else
      // No encryption in this build: the file is simply not an SQLite database (or its header
      // is damaged).
      return Status(Code::kCorruption,
                    "the file is not a Doorstep " + options_.what +
                        ": not an SQLite database, or its header is damaged",
                    where);
#endif
    case SQLITE_CORRUPT:
      return Status(Code::kCorruption, msg, where);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(options_.busy_code, "database busy: " + msg, where);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Status(Code::kIo, msg, where);
    case SQLITE_CONSTRAINT:
      return Status(Code::kInternal, "constraint violated: " + msg, where);
    default:
      return Status(Code::kInternal, msg, where);
  }
}

Result<std::unique_ptr<Txn>> Txn::Begin(Conn& conn, bool write) {
  DS_RETURN_IF_ERROR(conn.Exec(write ? "BEGIN IMMEDIATE" : "BEGIN"));
  return std::unique_ptr<Txn>(new Txn(conn));
}

Txn::~Txn() {
  if (!done_) (void)conn_.Exec("ROLLBACK");
}

Status Txn::Commit() {
  DS_RETURN_IF_ERROR(conn_.Exec("COMMIT"));
  done_ = true;
  return Status::Ok();
}

Pool::Pool(std::vector<std::unique_ptr<Conn>> conns) : all_(std::move(conns)) {
  for (auto& c : all_) free_.push_back(c.get());
}

Pool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(conn_);
}

Pool::Lease Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty(); });
  Conn* c = free_.back();
  free_.pop_back();
  return Lease(this, c);
}

void Pool::Release(Conn* conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(conn);
  }
  cv_.notify_one();
}

Result<std::unique_ptr<PooledTxn>> PooledTxn::Begin(Pool::Lease lease, bool write) {
  DS_ASSIGN_OR_RETURN(auto txn, Txn::Begin(*lease, write));
  return std::unique_ptr<PooledTxn>(new PooledTxn(std::move(lease), std::move(txn)));
}

}  // namespace doorstep::sqlite
