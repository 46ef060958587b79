// The schema and row conversions of PgServerStore.
//
// The tables mirror the SQLite store's (sqlite_schema.cpp); what differs is how PostgreSQL is
// asked for the same guarantees: identity columns for ids, a partial unique index for "one open
// conflict per field", and an index on field(scope, version) so a pull of one village reads
// that village's changes after the cursor and nothing else.
//
// Migrations: each entry upgrades from version i to i+1. All pending ones run in one transaction
// with the version update, under a transaction-scoped advisory lock keyed by the schema name, so
// two processes starting at once do not both create the tables, and a failed migration leaves the
// old schema intact.
#include <iterator>

#include "pg_store_impl.h"

namespace doorstep::sync::server {
namespace {

const char* const kMigrations[] = {
    // 0 -> 1: the initial schema.
    R"sql(
CREATE TABLE meta(
  key text PRIMARY KEY,
  value bigint NOT NULL
);
-- 'last_version' is the version counter: NextVersion() updates this one row, and its row lock,
-- held until commit, makes transactions that take versions commit in version order.
INSERT INTO meta(key, value) VALUES('last_version', 0), ('schema_version', 0);

CREATE TABLE form(
  form_id text NOT NULL,
  version text NOT NULL,
  def bytea NOT NULL,
  installed_ms bigint NOT NULL,
  install_seq bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY(form_id, version)
);

-- One-time enrollment tokens: only their SHA-256 is kept. used_by is '' while unused.
CREATE TABLE token(
  sha256 bytea PRIMARY KEY,
  team text NOT NULL,
  villages text NOT NULL,
  reviewer boolean NOT NULL,
  created_ms bigint NOT NULL,
  used_by text NOT NULL,
  used_ms bigint NOT NULL
);

-- Enrolled devices: only the SHA-256 of the credential is kept.
CREATE TABLE device(
  id text PRIMARY KEY,
  name text NOT NULL,
  team text NOT NULL,
  villages text NOT NULL,
  reviewer boolean NOT NULL,
  credential_sha256 bytea NOT NULL UNIQUE,
  enrolled_ms bigint NOT NULL,
  last_seen_ms bigint NOT NULL,
  clock_skew_ms bigint NOT NULL,
  future_hlc_count bigint NOT NULL,
  max_future_hlc_ms bigint NOT NULL
);

-- The answer recorded for every applied batch (idempotent retries).
CREATE TABLE batch(
  device_id text NOT NULL REFERENCES device(id),
  seq bigint NOT NULL,
  body_sha256 bytea NOT NULL,
  result bytea NOT NULL,
  received_ms bigint NOT NULL,
  PRIMARY KEY(device_id, seq)
);

CREATE TABLE record(
  id bytea PRIMARY KEY,
  form_id text NOT NULL,
  form_version text NOT NULL,
  scope text NOT NULL,
  max_version bigint NOT NULL,
  created_ms bigint NOT NULL,
  FOREIGN KEY(form_id, form_version) REFERENCES form(form_id, version)
);
CREATE INDEX record_by_scope ON record(scope);

CREATE TABLE author(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  surveyor text NOT NULL,
  device text NOT NULL,
  UNIQUE(surveyor, device)
);

-- The current value of every field: `value` is a serialized v1::Value, NULL when cleared;
-- `version` is unique (one per write); `scope` is the record's, for the pull index.
CREATE TABLE field(
  record_id bytea NOT NULL REFERENCES record(id),
  path text NOT NULL,
  scope text NOT NULL,
  value bytea,
  version bigint NOT NULL UNIQUE,
  hlc bigint NOT NULL,
  author bigint NOT NULL REFERENCES author(id),
  received_ms bigint NOT NULL,
  PRIMARY KEY(record_id, path)
);
CREATE INDEX field_by_scope ON field(scope, version);

-- Superseded field values: with the current row, who wrote what, when, replacing which value.
CREATE TABLE field_history(
  record_id bytea NOT NULL,
  path text NOT NULL,
  version bigint NOT NULL,
  value bytea,
  hlc bigint NOT NULL,
  author bigint NOT NULL REFERENCES author(id),
  received_ms bigint NOT NULL,
  superseded_by bigint NOT NULL,
  PRIMARY KEY(record_id, path, version)
);

-- Conflicts: `body` is a serialized v1::Conflict (its id is the row id). At most one open
-- conflict per field.
CREATE TABLE conflict(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  record_id bytea NOT NULL REFERENCES record(id),
  path text NOT NULL,
  scope text NOT NULL,
  open boolean NOT NULL,
  body bytea NOT NULL
);
CREATE UNIQUE INDEX conflict_open_field ON conflict(record_id, path) WHERE open;
CREATE INDEX conflict_by_record ON conflict(record_id) WHERE open;
CREATE INDEX conflict_by_scope ON conflict(scope, id);

-- Changes the server could not place, with the whole change (a one-change v1::ChangeSet).
CREATE TABLE quarantine(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id text NOT NULL,
  batch_seq bigint NOT NULL,
  record_id bytea NOT NULL,
  path text NOT NULL,
  reason text NOT NULL,
  received_ms bigint NOT NULL,
  change bytea NOT NULL
);
)sql",
    // 1 -> 2: field.pushed_by, the enrolled device whose push wrote the value as sent ('' when
    // the server wrote it), so a pull can leave out what the requesting device holds already.
    R"sql(
ALTER TABLE field ADD COLUMN pushed_by text NOT NULL DEFAULT '';
)sql",
    // 2 -> 3: no foreign keys on the field tables. PostgreSQL checks each one with a query per
    // inserted row, which doubled the cost of a push (docs/server.md); the one write path
    // (SyncService, record row and author id first, in the same transaction) keeps them true, and
    // the SQLite store, where the check is cheap, still enforces them.
    R"sql(
ALTER TABLE field DROP CONSTRAINT IF EXISTS field_record_id_fkey;
ALTER TABLE field DROP CONSTRAINT IF EXISTS field_author_fkey;
ALTER TABLE field_history DROP CONSTRAINT IF EXISTS field_history_author_fkey;
)sql",
};

}  // namespace

namespace pg_rows {

Status Migrate(pqxx::connection& conn, const std::string& schema, bool create) {
  return pg::Guard(nullptr, "schema " + schema, [&]() -> Status {
    pqxx::work w(conn);
    w.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "doorstep-schema:" + schema);
    const bool has_schema =
        !w.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema).empty();
    const bool has_meta =
        has_schema && !w.exec_params("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND "
                                     "tablename = 'meta'", schema).empty();
    if (!has_meta && !create) {
      return Status(Code::kNotFound, "the database holds no doorstep store in schema " + schema,
                    "schema");
    }
    if (!has_schema) w.exec0("CREATE SCHEMA " + pg::QuoteIdent(schema));
    int version = 0;
    if (has_meta) {
      auto r = w.exec("SELECT value FROM meta WHERE key = 'schema_version'");
      if (r.size() != 1) {
        return Status(Code::kCorruption, "meta has no schema_version row", "schema " + schema);
      }
      version = r[0][0].as<int>();
    }
    if (version > kPgSchemaVersion) {
      return Status(Code::kSchemaTooNew,
                    "the PostgreSQL store has schema " + std::to_string(version) +
                        "; this doorstep-server knows up to " + std::to_string(kPgSchemaVersion),
                    "schema " + schema);
    }
    constexpr int kCount = static_cast<int>(std::size(kMigrations));
    static_assert(kCount == kPgSchemaVersion);
    if (version == kPgSchemaVersion) return Status::Ok();  // the work rolls back: nothing to do
    for (int v = version; v < kCount; ++v) w.exec0(kMigrations[v]);
    w.exec_params0("UPDATE meta SET value = $1 WHERE key = 'schema_version'", kPgSchemaVersion);
    w.commit();
    return Status::Ok();
  });
}

Result<RecordId> ToRecordId(std::string_view bytes, const char* what) {
  if (bytes.size() != 16) {
    return Status(Code::kCorruption, std::string(what) + ": record id is not 16 bytes");
  }
  return Uuid::FromBytes(bytes.data());
}

DeviceRow ReadDevice(const pqxx::row& r) {
  DeviceRow d;
  d.device_id = r[0].as<std::string>();
  d.name = r[1].as<std::string>();
  d.team = r[2].as<std::string>();
  d.villages = SplitVillages(r[3].as<std::string>());
  d.reviewer = r[4].as<bool>();
  d.credential_sha256 = ToDigest(pg::BytesOf(r[5]));
  d.enrolled_ms = r[6].as<int64_t>();
  d.last_seen_ms = r[7].as<int64_t>();
  d.clock_skew_ms = r[8].as<int64_t>();
  d.future_hlc_count = r[9].as<int64_t>();
  d.max_future_hlc_ms = r[10].as<int64_t>();
  return d;
}

Result<FieldRow> ReadField(const pqxx::row& r) {
  FieldRow f;
  DS_ASSIGN_OR_RETURN(f.record_id, ToRecordId(pg::BytesOf(r[0]), "field row"));
  f.path = r[1].as<std::string>();
  f.scope = r[2].as<std::string>();
  f.cleared = r[3].is_null();
  if (!f.cleared) {
    const std::string bytes = pg::BytesOf(r[3]);
    if (!f.value.ParseFromString(bytes)) {
      return Status(Code::kCorruption, "field row: value does not decode", f.path);
    }
  }
  f.version = r[4].as<int64_t>();
  f.hlc = HlcFromDb(r[5].as<int64_t>());
  f.author.surveyor_id = r[6].as<std::string>();
  f.author.device_id = r[7].as<std::string>();
  f.received_ms = r[8].as<int64_t>();
  f.pushed_by = r[9].as<std::string>();
  return f;
}

Result<RecordRow> ReadRecord(const pqxx::row& r) {
  RecordRow out;
  DS_ASSIGN_OR_RETURN(out.id, ToRecordId(pg::BytesOf(r[0]), "record row"));
  out.form_id = r[1].as<std::string>();
  out.form_version = r[2].as<std::string>();
  out.scope = r[3].as<std::string>();
  out.max_version = r[4].as<int64_t>();
  out.created_ms = r[5].as<int64_t>();
  return out;
}

Result<v1::Conflict> ReadConflict(const pqxx::row& r) {
  v1::Conflict c;
  const int64_t id = r[0].as<int64_t>();
  if (!c.ParseFromString(pg::BytesOf(r[1]))) {
    return Status(Code::kCorruption, "conflict row does not decode",
                  "conflict " + std::to_string(id));
  }
  c.set_id(id);
  return c;
}

Result<v1::FormDef> ParseForm(std::string_view bytes) {
  v1::FormDef def;
  if (!def.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status(Code::kCorruption, "stored form does not decode");
  }
  return def;
}

}  // namespace pg_rows
}  // namespace doorstep::sync::server
