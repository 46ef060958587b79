#include "store/sqlite.h"

namespace doorstep::store {

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
  // A zero-length blob must still be a blob, not NULL.
  static const char kEmpty = 0;
  sqlite3_bind_blob(stmt_, i, bytes.empty() ? &kEmpty : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
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
  return db_->Error(rc, sqlite3_sql(stmt_));
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

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const std::string& key) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           nullptr);
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) {
    return Status(Code::kIo, std::string("cannot open store: ") +
                                 (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                  path);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  if (!key.empty()) {
#ifdef DOORSTEP_SQLCIPHER
    rc = sqlite3_key(raw, key.data(), static_cast<int>(key.size()));
    if (rc != SQLITE_OK) return db->Error(rc, "setting the encryption key");
#else
    return Status(Code::kInvalidArgument,
                  "this build has no encryption (configure with -DDOORSTEP_SQLCIPHER=ON) but a "
                  "key was given",
                  path);
#endif
  }
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Db::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Status s = Error(rc, sql);
  return Status(s.code(), msg, s.where());
}

Result<Stmt> Db::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  cache_.emplace(sql, stmt);
  return Stmt(this, stmt);
}

Status Db::Error(int rc, std::string_view context) const {
  int primary = rc & 0xff;
  std::string msg = sqlite3_errmsg(db_);
  std::string where(context.substr(0, 80));
  switch (primary) {
    case SQLITE_NOTADB:
      return Status(Code::kWrongKey,
                    "the store cannot be read: wrong encryption key, missing key, or not a "
                    "Doorstep store",
                    where);
    case SQLITE_CORRUPT:
      return Status(Code::kCorruption, msg, where);
    case SQLITE_CONSTRAINT:
      return Status(Code::kInternal, "constraint violated: " + msg, where);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(Code::kIo, msg, where);
    default:
      return Status(Code::kInternal, msg, where);
  }
}

Result<std::unique_ptr<Txn>> Txn::Begin(Db& db) {
  DS_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<Txn>(new Txn(db));
}

Txn::~Txn() {
  if (!done_) db_.Exec("ROLLBACK");
}

Status Txn::Commit() {
  Status s = db_.Exec("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

}  // namespace doorstep::store
