// The server schema and row conversions of SqliteServerStore.
//
// Migrations: each entry upgrades from version i to i+1; all pending ones run in one transaction
// together with the user_version update, so a crash mid-migration leaves the old schema intact.
// SQL must run on SQLite >= 3.15 (SQLCipher 3.4): no UPSERT, RETURNING or window functions.
#include <iterator>

#include "sqlite_store_impl.h"

namespace doorstep::sync::server {
namespace {

const char* const kMigrations[] = {
    // 0 -> 1: the initial schema.
    R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES('last_version', 0);

CREATE TABLE form(
  form_id TEXT NOT NULL,
  version TEXT NOT NULL,
  def BLOB NOT NULL,
  installed_ms INTEGER NOT NULL,
  install_seq INTEGER NOT NULL,
  PRIMARY KEY(form_id, version)
) WITHOUT ROWID;

-- One-time enrollment tokens: only their SHA-256 is kept.
CREATE TABLE token(
  sha256 BLOB PRIMARY KEY,
  team TEXT NOT NULL,
  villages TEXT NOT NULL,
  reviewer INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  used_by TEXT,
  used_ms INTEGER
) WITHOUT ROWID;

-- Enrolled devices: only the SHA-256 of the credential is kept.
CREATE TABLE device(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  team TEXT NOT NULL,
  villages TEXT NOT NULL,
  reviewer INTEGER NOT NULL,
  credential_sha256 BLOB NOT NULL UNIQUE,
  enrolled_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL DEFAULT 0,
  clock_skew_ms INTEGER NOT NULL DEFAULT 0,
  future_hlc_count INTEGER NOT NULL DEFAULT 0,
  max_future_hlc_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The answer recorded for every applied batch (idempotent retries).
CREATE TABLE batch(
  device_id TEXT NOT NULL REFERENCES device(id),
  seq INTEGER NOT NULL,
  body_sha256 BLOB NOT NULL,
  result BLOB NOT NULL,
  received_ms INTEGER NOT NULL,
  PRIMARY KEY(device_id, seq)
) WITHOUT ROWID;

CREATE TABLE record(
  id BLOB PRIMARY KEY,
  form_id TEXT NOT NULL,
  form_version TEXT NOT NULL,
  scope TEXT NOT NULL,
  max_version INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  FOREIGN KEY(form_id, form_version) REFERENCES form(form_id, version)
) WITHOUT ROWID;
CREATE INDEX record_by_scope ON record(scope);

CREATE TABLE author(
  id INTEGER PRIMARY KEY,
  surveyor TEXT NOT NULL,
  device TEXT NOT NULL,
  UNIQUE(surveyor, device)
);

-- The current value of every field. `value` is a serialized v1::Value, NULL when cleared.
-- `version` is unique: one per write. `scope` is the record's, for the pull index.
CREATE TABLE field(
  record_id BLOB NOT NULL REFERENCES record(id),
  path TEXT NOT NULL,
  scope TEXT NOT NULL,
  value BLOB,
  version INTEGER NOT NULL UNIQUE,
  hlc INTEGER NOT NULL,
  author INTEGER NOT NULL REFERENCES author(id),
  received_ms INTEGER NOT NULL,
  PRIMARY KEY(record_id, path)
) WITHOUT ROWID;
CREATE INDEX field_by_scope ON field(scope, version);

-- Superseded field values: with the current row, who wrote what, when, replacing which value.
CREATE TABLE field_history(
  record_id BLOB NOT NULL,
  path TEXT NOT NULL,
  version INTEGER NOT NULL,
  value BLOB,
  hlc INTEGER NOT NULL,
  author INTEGER NOT NULL REFERENCES author(id),
  received_ms INTEGER NOT NULL,
  superseded_by INTEGER NOT NULL,
  PRIMARY KEY(record_id, path, version)
) WITHOUT ROWID;

-- Conflicts: `body` is a serialized v1::Conflict (its id is the row id). At most one open
-- conflict per field.
CREATE TABLE conflict(
  id INTEGER PRIMARY KEY,
  record_id BLOB NOT NULL REFERENCES record(id),
  path TEXT NOT NULL,
  scope TEXT NOT NULL,
  open INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE UNIQUE INDEX conflict_open_field ON conflict(record_id, path) WHERE open = 1;
CREATE INDEX conflict_by_scope ON conflict(scope, id);

-- Changes the server could not place, with the whole change (a one-change v1::ChangeSet).
CREATE TABLE quarantine(
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  batch_seq INTEGER NOT NULL,
  record_id BLOB NOT NULL,
  path TEXT NOT NULL,
  reason TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  change BLOB NOT NULL
);
)sql",
    // 1 -> 2: field.pushed_by, the enrolled device whose push wrote the value as sent ('' when
    // the server wrote it), so a pull can leave out what the requesting device holds already.
    R"sql(
ALTER TABLE field ADD COLUMN pushed_by TEXT NOT NULL DEFAULT '';
)sql",
};

}  // namespace

namespace sqlite_rows {

Status Migrate(sqlite::Conn& conn) {
  DS_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  auto migrate = [&]() -> Status {
    DS_RETURN_IF_ERROR(
        doorstep::sqlite::ClaimApplicationId(conn, doorstep::sqlite::kServerDbAppId, "device", "server database"));
    int version = 0;
    {
      DS_ASSIGN_OR_RETURN(auto st, conn.Prepare("PRAGMA user_version"));
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) version = static_cast<int>(st.Int(0));
    }
    if (version > kServerSchemaVersion) {
      return Status(Code::kSchemaTooNew,
                    "the server database has schema " + std::to_string(version) +
                        "; this doorstep-server knows up to " +
                        std::to_string(kServerSchemaVersion));
    }
    constexpr int kCount = static_cast<int>(std::size(kMigrations));
    static_assert(kCount == kServerSchemaVersion);
    for (int v = version; v < kCount; ++v) DS_RETURN_IF_ERROR(conn.Exec(kMigrations[v]));
    if (version != kServerSchemaVersion) {
      std::string pragma = "PRAGMA user_version = " + std::to_string(kServerSchemaVersion);
      DS_RETURN_IF_ERROR(conn.Exec(pragma.c_str()));
    }
    return Status::Ok();
  };
  Status s = migrate();
  if (!s.ok()) {
    (void)conn.Exec("ROLLBACK");
    return s;
  }
  return conn.Exec("COMMIT");
}

Result<int64_t> AuthorId(sqlite::Conn& conn, const Author& author) {
  {
    DS_ASSIGN_OR_RETURN(auto sel,
                        conn.Prepare("SELECT id FROM author WHERE surveyor = ? AND device = ?"));
    sel.Bind(1, author.surveyor_id).Bind(2, author.device_id);
    DS_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (row) return sel.Int(0);
  }
  DS_ASSIGN_OR_RETURN(auto ins, conn.Prepare("INSERT INTO author(surveyor, device) VALUES(?, ?)"));
  DS_RETURN_IF_ERROR(ins.Bind(1, author.surveyor_id).Bind(2, author.device_id).Run());
  return conn.LastInsertRowid();
}

Result<DeviceRow> ReadDevice(const sqlite::Stmt& st) {
  DeviceRow d;
  d.device_id = st.Text(0);
  d.name = st.Text(1);
  d.team = st.Text(2);
  d.villages = SplitVillages(st.Text(3));
  d.reviewer = st.Int(4) != 0;
  d.credential_sha256 = ToDigest(st.Blob(5));
  d.enrolled_ms = st.Int(6);
  d.last_seen_ms = st.Int(7);
  d.clock_skew_ms = st.Int(8);
  d.future_hlc_count = st.Int(9);
  d.max_future_hlc_ms = st.Int(10);
  return d;
}

Result<FieldRow> ReadField(const sqlite::Stmt& st) {
  FieldRow f;
  std::string_view id = st.Blob(0);
  if (id.size() != 16) return Status(Code::kCorruption, "field row: record id is not 16 bytes");
  f.record_id = Uuid::FromBytes(id.data());
  f.path = st.Text(1);
  f.scope = st.Text(2);
  f.cleared = st.IsNull(3);
  if (!f.cleared) {
    std::string_view bytes = st.Blob(3);
    if (!f.value.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Status(Code::kCorruption, "field row: value does not decode", f.path);
    }
  }
  f.version = st.Int(4);
  f.hlc = static_cast<HlcTimestamp>(st.Int(5));
  f.author.surveyor_id = st.Text(6);
  f.author.device_id = st.Text(7);
  f.received_ms = st.Int(8);
  f.pushed_by = st.Text(9);
  return f;
}

Result<RecordRow> ReadRecord(const sqlite::Stmt& st) {
  RecordRow r;
  std::string_view id = st.Blob(0);
  if (id.size() != 16) return Status(Code::kCorruption, "record row: id is not 16 bytes");
  r.id = Uuid::FromBytes(id.data());
  r.form_id = st.Text(1);
  r.form_version = st.Text(2);
  r.scope = st.Text(3);
  r.max_version = st.Int(4);
  r.created_ms = st.Int(5);
  return r;
}

Result<v1::Conflict> ReadConflict(const sqlite::Stmt& st) {
  v1::Conflict c;
  std::string_view body = st.Blob(1);
  if (!c.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return Status(Code::kCorruption, "conflict row does not decode",
                  "conflict " + std::to_string(st.Int(0)));
  }
  c.set_id(st.Int(0));
  return c;
}

Result<v1::FormDef> ParseForm(std::string_view bytes) {
  v1::FormDef def;
  if (!def.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status(Code::kCorruption, "stored form does not decode");
  }
  return def;
}

}  // namespace sqlite_rows
}  // namespace doorstep::sync::server
