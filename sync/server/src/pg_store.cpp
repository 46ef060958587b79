// PgServerStore: opening, and the read queries. Single-statement reads run outside a transaction
// block (one statement sees one snapshot); reads of several statements run in a REPEATABLE READ
// READ ONLY transaction so they see one committed state while pushes write.
#include <algorithm>
#include <set>
#include <utility>

#include "pg_store_impl.h"

namespace doorstep::sync::server {
namespace {

using ReadTxn = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// Runs `fn(lease)` on a leased connection, exceptions turned into a Status naming `what`.
template <typename Fn>
auto WithConn(PgServerStore::Impl& impl, const std::string& what, Fn fn)
    -> decltype(fn(std::declval<pg::Lease&>())) {
  DS_ASSIGN_OR_RETURN(pg::Lease lease, impl.pool.Acquire());
  return pg::Guard(&lease, what, [&] { return fn(lease); });
}

Result<std::vector<v1::Conflict>> ReadConflicts(const pqxx::result& rows) {
  std::vector<v1::Conflict> out;
  for (const auto& row : rows) {
    DS_ASSIGN_OR_RETURN(v1::Conflict c, pg_rows::ReadConflict(row));
    out.push_back(std::move(c));
  }
  return out;
}

// A pull reads, per scope, the index range (scope, version > cursor) up to the limit (LATERAL),
// so a page costs what the device's villages changed, however large the database.
const pg::Sql kPullScopes{"pull_scopes",
    "SELECT " DS_PG_FIELD_COLUMNS " FROM unnest($1::text[]) AS s(scope) "
    "CROSS JOIN LATERAL (SELECT * FROM field g WHERE g.scope = s.scope AND g.version > $2 "
    "AND ($4 = '' OR g.pushed_by <> $4) ORDER BY g.version LIMIT $3) f "
    "JOIN author a ON a.id = f.author ORDER BY f.version LIMIT $3"};
const pg::Sql kPullAll{"pull_all",
    "SELECT " DS_PG_FIELD_COLUMNS " FROM field f JOIN author a ON a.id = f.author "
    "WHERE f.version > $1 AND ($3 = '' OR f.pushed_by <> $3) ORDER BY f.version LIMIT $2"};
const pg::Sql kPullLastVersion{"pull_last_version",
    "SELECT value FROM meta WHERE key = 'last_version'"};
const pg::Sql kPullRecords{"pull_records",
    "SELECT " DS_PG_RECORD_COLUMNS " FROM record WHERE id = ANY($1::bytea[])"};
// The live fields of a scope in version order, one page after `version` at a time.
const pg::Sql kLiveFields{"live_fields",
    "SELECT record_id, path, value, version FROM field WHERE scope = $1 AND version > $2 "
    "AND value IS NOT NULL ORDER BY version LIMIT $3"};
// Distinct scopes by skipping through the index (one probe per scope, not one per record).
const pg::Sql kScopes{"list_scopes",
    "WITH RECURSIVE s(scope) AS (SELECT min(scope) FROM record UNION ALL "
    "SELECT (SELECT min(scope) FROM record WHERE scope > s.scope) FROM s WHERE s.scope IS NOT NULL)"
    " SELECT scope FROM s WHERE scope IS NOT NULL"};

}  // namespace

PgServerStore::PgServerStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgServerStore::~PgServerStore() = default;

Result<std::unique_ptr<PgServerStore>> PgServerStore::Open(const PgStoreOptions& options) {
  if (options.conninfo.empty()) {
    return Status(Code::kInvalidArgument, "a PostgreSQL connection string is required",
                  "conninfo");
  }
  if (!pg::ValidSchemaName(options.schema)) {
    return Status(Code::kInvalidArgument,
                  "schema name must be 1 to 63 letters, digits or '_', not starting with a digit",
                  "schema");
  }
  if (options.connections < 1) {
    return Status(Code::kInvalidArgument, "at least one connection is needed", "connections");
  }
  auto impl = std::make_unique<Impl>(options);
  {
    auto lease = impl->pool.Acquire();
    if (!lease.ok()) return Status(Code::kIo, lease.status().message(), "conninfo");
    DS_RETURN_IF_ERROR(pg_rows::Migrate(lease->conn(), options.schema, options.create));
  }
  return std::unique_ptr<PgServerStore>(new PgServerStore(std::move(impl)));
}

Status PgServerStore::DropSchema(const PgStoreOptions& options) {
  if (!pg::ValidSchemaName(options.schema)) {
    return Status(Code::kInvalidArgument, "invalid schema name", "schema");
  }
  DS_ASSIGN_OR_RETURN(auto conn, pg::Pool::Connect(options.conninfo, options.schema));
  return pg::Guard(nullptr, "schema " + options.schema, [&]() -> Status {
    pqxx::work w(*conn);
    w.exec0("DROP SCHEMA IF EXISTS " + pg::QuoteIdent(options.schema) + " CASCADE");
    w.commit();
    return Status::Ok();
  });
}

Result<std::unique_ptr<ServerTxn>> PgServerStore::Begin() {
  DS_ASSIGN_OR_RETURN(pg::Lease lease, impl_->pool.Acquire());
  return MakePgTxn(impl_.get(), std::move(lease));
}

Result<std::optional<DeviceRow>> PgServerStore::FindDeviceByCredential(const Digest& sha256) {
  static const pg::Sql kSql{
      "device_by_credential",
      "SELECT " DS_PG_DEVICE_COLUMNS " FROM device WHERE credential_sha256 = $1"};
  return WithConn(*impl_, "device", [&](pg::Lease& c) -> Result<std::optional<DeviceRow>> {
    pqxx::nontransaction tx(c.conn());
    auto r = c.Exec(tx, kSql, pg::Bytes(pg_rows::DigestBytes(sha256)));
    if (r.empty()) return std::optional<DeviceRow>();
    return std::optional<DeviceRow>(pg_rows::ReadDevice(r[0]));
  });
}

Result<std::optional<v1::FormDef>> PgServerStore::GetForm(const std::string& form_id,
                                                          const std::string& version) {
  static const pg::Sql kSql{"store_get_form",
                            "SELECT def FROM form WHERE form_id = $1 AND version = $2"};
  return WithConn(*impl_, "form", [&](pg::Lease& c) -> Result<std::optional<v1::FormDef>> {
    pqxx::nontransaction tx(c.conn());
    auto r = c.Exec(tx, kSql, form_id, version);
    if (r.empty()) return std::optional<v1::FormDef>();
    DS_ASSIGN_OR_RETURN(v1::FormDef def, pg_rows::ParseForm(pg::BytesOf(r[0][0])));
    return std::optional<v1::FormDef>(std::move(def));
  });
}

Result<std::vector<v1::FormDef>> PgServerStore::ListForms() {
  static const pg::Sql kSql{"list_forms", "SELECT def FROM form ORDER BY install_seq"};
  return WithConn(*impl_, "form", [&](pg::Lease& c) -> Result<std::vector<v1::FormDef>> {
    pqxx::nontransaction tx(c.conn());
    std::vector<v1::FormDef> out;
    for (const auto& row : c.Exec(tx, kSql)) {
      DS_ASSIGN_OR_RETURN(v1::FormDef def, pg_rows::ParseForm(pg::BytesOf(row[0])));
      out.push_back(std::move(def));
    }
    return out;
  });
}

Result<PullRows> PgServerStore::Pull(const PullQuery& q) {
  return WithConn(*impl_, "pull", [&](pg::Lease& c) -> Result<PullRows> {
    const auto fetch = static_cast<int64_t>(q.limit) + 1;  // one more, to know whether more exist
    ReadTxn tx(c.conn());
    pqxx::result rows;
    if (q.all_scopes) {
      rows = c.Exec(tx, kPullAll, q.cursor, fetch, q.skip_pushed_by);
    } else {
      pg::ArrayText scopes;
      for (const auto& s : std::set<std::string>(q.scopes.begin(), q.scopes.end())) scopes.Text(s);
      rows = c.Exec(tx, kPullScopes, scopes.Finish(), q.cursor, fetch, q.skip_pushed_by);
    }
    PullRows out;
    for (const auto& row : rows) {
      DS_ASSIGN_OR_RETURN(FieldRow f, pg_rows::ReadField(row));
      out.fields.push_back(std::move(f));
    }
    out.more = out.fields.size() > q.limit;
    if (out.more) out.fields.resize(q.limit);
    if (out.more) {
      out.scanned_to = out.fields.back().version;
    } else {
      // The same snapshot (repeatable read): a version taken by a transaction not yet committed
      // is not counted here either (the counter row commits with it).
      auto last = c.Exec(tx, kPullLastVersion);
      out.head = last.empty() ? int64_t{0} : last[0][0].as<int64_t>();
      out.scanned_to = std::max(q.cursor, out.head);
    }
    // The headers, in the order their records first appear in the page.
    std::vector<RecordId> order;
    std::set<RecordId> seen;
    pg::ArrayText ids;
    for (const auto& f : out.fields) {
      if (!seen.insert(f.record_id).second) continue;
      order.push_back(f.record_id);
      ids.Bytes(f.record_id.AsBytes());
    }
    if (!order.empty()) {
      std::map<RecordId, RecordRow> headers;
      for (const auto& row : c.Exec(tx, kPullRecords, ids.Finish())) {
        DS_ASSIGN_OR_RETURN(RecordRow r, pg_rows::ReadRecord(row));
        headers.emplace(r.id, std::move(r));
      }
      for (const auto& id : order) {
        auto it = headers.find(id);
        if (it == headers.end()) {
          return Status(Code::kCorruption, "field of a missing record", id.ToString());
        }
        out.records.push_back(std::move(it->second));
      }
    }
    tx.commit();
    return out;
  });
}

Result<std::vector<v1::Conflict>> PgServerStore::ListConflicts(const ConflictQuery& q) {
  static const pg::Sql kAll{"conflicts_all",
                            "SELECT id, body FROM conflict WHERE open OR NOT $1 ORDER BY id"};
  static const pg::Sql kScoped{"conflicts_scoped",
                               "SELECT id, body FROM conflict WHERE scope = ANY($1::text[]) "
                               "AND (open OR NOT $2) ORDER BY id"};
  return WithConn(*impl_, "conflict", [&](pg::Lease& c) -> Result<std::vector<v1::Conflict>> {
    pqxx::nontransaction tx(c.conn());
    if (q.all_scopes) return ReadConflicts(c.Exec(tx, kAll, q.open_only));
    pg::ArrayText scopes;
    for (const auto& s : q.scopes) scopes.Text(s);
    return ReadConflicts(c.Exec(tx, kScoped, scopes.Finish(), q.open_only));
  });
}

Result<std::vector<QuarantineRow>> PgServerStore::ListQuarantine() {
  static const pg::Sql kSql{"list_quarantine",
      "SELECT id, device_id, batch_seq, record_id, path, reason, received_ms, change "
      "FROM quarantine ORDER BY id"};
  return WithConn(*impl_, "quarantine", [&](pg::Lease& c) -> Result<std::vector<QuarantineRow>> {
    pqxx::nontransaction tx(c.conn());
    std::vector<QuarantineRow> out;
    for (const auto& row : c.Exec(tx, kSql)) {
      QuarantineRow q;
      q.entry.set_id(row[0].as<int64_t>());
      q.entry.set_device_id(row[1].as<std::string>());
      q.entry.set_batch_seq(static_cast<uint64_t>(row[2].as<int64_t>()));
      q.entry.set_record_id(pg::BytesOf(row[3]));
      q.entry.set_path(row[4].as<std::string>());
      q.entry.set_reason(row[5].as<std::string>());
      q.entry.set_received_ms(row[6].as<int64_t>());
      q.change = pg::BytesOf(row[7]);
      out.push_back(std::move(q));
    }
    return out;
  });
}

Result<std::vector<DeviceRow>> PgServerStore::ListDevices() {
  static const pg::Sql kSql{"list_devices",
      "SELECT " DS_PG_DEVICE_COLUMNS " FROM device ORDER BY enrolled_ms, id"};
  return WithConn(*impl_, "device", [&](pg::Lease& c) -> Result<std::vector<DeviceRow>> {
    pqxx::nontransaction tx(c.conn());
    std::vector<DeviceRow> out;
    for (const auto& row : c.Exec(tx, kSql)) out.push_back(pg_rows::ReadDevice(row));
    return out;
  });
}

Result<std::vector<std::string>> PgServerStore::ListScopes() {
  return WithConn(*impl_, "record", [&](pg::Lease& c) -> Result<std::vector<std::string>> {
    pqxx::nontransaction tx(c.conn());
    std::vector<std::string> out;
    for (const auto& row : c.Exec(tx, kScopes)) out.push_back(row[0].as<std::string>());
    return out;
  });
}

Status PgServerStore::ForEachLiveField(const std::string& scope,
                                       const std::function<void(const FieldRow&)>& fn) {
  constexpr int64_t kPage = 5000;  // bounded memory however large the village
  return WithConn(*impl_, "field", [&](pg::Lease& c) -> Status {
    ReadTxn tx(c.conn());
    FieldRow f;
    f.scope = scope;
    int64_t after = 0;
    for (;;) {
      auto rows = c.Exec(tx, kLiveFields, scope, after, kPage);
      for (const auto& row : rows) {
        DS_ASSIGN_OR_RETURN(f.record_id, pg_rows::ToRecordId(pg::BytesOf(row[0]), "field row"));
        f.path = row[1].as<std::string>();
        if (!f.value.ParseFromString(pg::BytesOf(row[2]))) {
          return Status(Code::kCorruption, "field row: value does not decode", f.path);
        }
        f.version = after = row[3].as<int64_t>();
        fn(f);
      }
      if (static_cast<int64_t>(rows.size()) < kPage) break;
    }
    tx.commit();
    return Status::Ok();
  });
}

}  // namespace doorstep::sync::server
