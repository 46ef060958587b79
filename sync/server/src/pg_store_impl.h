// Internals of PgServerStore shared by its source files: the pool, the committed-author cache, the
// schema, and row <-> SQL conversions. Not part of the public API.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doorstep/sync/server/pg_store.h"
#include "pg_db.h"
#include "row_text.h"

namespace doorstep::sync::server {

class PgServerStore::Impl {
 public:
  explicit Impl(const PgStoreOptions& opts)
      : options(opts), pool(opts.conninfo, opts.schema, opts.connections) {}

  // The interned id of an author, if a committed transaction has used it.
  std::optional<int64_t> CachedAuthor(const Author& author) {
    std::lock_guard<std::mutex> lock(authors_mu);
    auto it = authors.find({author.surveyor_id, author.device_id});
    if (it == authors.end()) return std::nullopt;
    return it->second;
  }
  // Called after a commit with the authors that transaction resolved.
  void RememberAuthors(const std::map<std::pair<std::string, std::string>, int64_t>& resolved) {
    std::lock_guard<std::mutex> lock(authors_mu);
    // Bounded: an author is one surveyor on one device, a few thousand in a province.
    if (authors.size() > 100000) authors.clear();
    authors.insert(resolved.begin(), resolved.end());
  }

  const PgStoreOptions options;
  pg::Pool pool;

 private:
  std::mutex authors_mu;
  std::map<std::pair<std::string, std::string>, int64_t> authors;
};

namespace pg_rows {

// Creates the schema if needed and applies every pending migration, in one transaction under an
// advisory lock (several processes may open the store at once). kNotFound when `create` is false
// and the schema holds no store; kSchemaTooNew for a newer schema.
Status Migrate(pqxx::connection& conn, const std::string& schema, bool create);

using rows::DigestBytes;
using rows::JoinVillages;
using rows::SplitVillages;
using rows::ToDigest;

// HLCs are unsigned 64-bit; PostgreSQL's bigint is signed. Stored bit for bit.
inline HlcTimestamp HlcFromDb(int64_t v) { return static_cast<HlcTimestamp>(v); }

// Column lists and their readers.
#define DS_PG_DEVICE_COLUMNS                                                                \
  "id, name, team, villages, reviewer, credential_sha256, enrolled_ms, last_seen_ms, "      \
  "clock_skew_ms, future_hlc_count, max_future_hlc_ms"
DeviceRow ReadDevice(const pqxx::row& r);

// Field f joined with author a.
#define DS_PG_FIELD_COLUMNS \
  "f.record_id, f.path, f.scope, f.value, f.version, f.hlc, a.surveyor, a.device, f.received_ms, " \
  "f.pushed_by"
Result<FieldRow> ReadField(const pqxx::row& r);

#define DS_PG_RECORD_COLUMNS "id, form_id, form_version, scope, max_version, created_ms"
Result<RecordRow> ReadRecord(const pqxx::row& r);

Result<v1::Conflict> ReadConflict(const pqxx::row& r);  // columns: id, body
Result<v1::FormDef> ParseForm(std::string_view bytes);
Result<RecordId> ToRecordId(std::string_view bytes, const char* what);

}  // namespace pg_rows

// The write transaction (pg_txn.cpp).
Result<std::unique_ptr<ServerTxn>> MakePgTxn(PgServerStore::Impl* impl, pg::Lease lease);

}  // namespace doorstep::sync::server
