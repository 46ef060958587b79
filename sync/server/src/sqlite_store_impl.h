// Internals of SqliteServerStore shared by its source files: the connection pool, the schema, and
// row <-> SQL conversions. Not part of the public API.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/sync/server/sqlite_store.h"
#include "row_text.h"
#include "sqlite_db.h"

namespace doorstep::sync::server {

class SqliteServerStore::Impl {
 public:
  explicit Impl(std::vector<std::unique_ptr<sqlite::Conn>> conns) : pool(std::move(conns)) {}
  sqlite::Pool pool;
};

namespace sqlite_rows {

// Applies every pending migration in one transaction (kSchemaTooNew for a newer file).
Status Migrate(sqlite::Conn& conn);

using rows::DigestBytes;
using rows::JoinVillages;
using rows::SplitVillages;
using rows::ToDigest;

// The interned author id (inserted when new).
Result<int64_t> AuthorId(sqlite::Conn& conn, const Author& author);

// Column lists (string literals, so statements stay cacheable literals) and their readers.
#define DS_DEVICE_COLUMNS                                                                    \
  "id, name, team, villages, reviewer, credential_sha256, enrolled_ms, last_seen_ms, "       \
  "clock_skew_ms, future_hlc_count, max_future_hlc_ms"
Result<DeviceRow> ReadDevice(const sqlite::Stmt& st);

// Field f joined with author a.
#define DS_FIELD_COLUMNS \
  "f.record_id, f.path, f.scope, f.value, f.version, f.hlc, a.surveyor, a.device, f.received_ms, " \
  "f.pushed_by"
Result<FieldRow> ReadField(const sqlite::Stmt& st);

#define DS_RECORD_COLUMNS "id, form_id, form_version, scope, max_version, created_ms"
Result<RecordRow> ReadRecord(const sqlite::Stmt& st);

Result<v1::Conflict> ReadConflict(const sqlite::Stmt& st);  // columns: id, body
Result<v1::FormDef> ParseForm(std::string_view bytes);

}  // namespace sqlite_rows

// The write transaction (sqlite_txn.cpp).
std::unique_ptr<ServerTxn> MakeSqliteTxn(std::unique_ptr<sqlite::Transaction> txn);

}  // namespace doorstep::sync::server
