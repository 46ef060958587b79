// Schema migrations. Each entry upgrades from version i to i+1; all pending ones run in one
// transaction together with the user_version update, so a crash mid-migration leaves the old
// schema intact. SQL must run on SQLite >= 3.15 (SQLCipher 3.4).
#include <iterator>

#include "store/impl.h"

namespace doorstep {
namespace {

const char* const kMigrations[] = {
    // 0 -> 1: the initial schema.
    R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value BLOB
) WITHOUT ROWID;

CREATE TABLE author(
  id INTEGER PRIMARY KEY,
  surveyor TEXT NOT NULL,
  device TEXT NOT NULL,
  UNIQUE(surveyor, device)
);

CREATE TABLE form(
  form_id TEXT NOT NULL,
  version TEXT NOT NULL,
  def BLOB NOT NULL,
  installed_ms INTEGER NOT NULL,
  install_seq INTEGER NOT NULL,
  PRIMARY KEY(form_id, version)
) WITHOUT ROWID;

CREATE TABLE record(
  id BLOB PRIMARY KEY,
  form_id TEXT NOT NULL,
  form_version TEXT NOT NULL,
  state INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_hlc INTEGER NOT NULL,
  updated_hlc INTEGER NOT NULL,
  FOREIGN KEY(form_id, form_version) REFERENCES form(form_id, version)
) WITHOUT ROWID;
CREATE INDEX record_by_form ON record(form_id, form_version);

-- One row per field value, metadata paths start with '@'. `value` is a serialized v1::Value; an
-- empty blob is a cleared field (kept so the clear syncs and the audit knows who cleared it).
-- `version` is the server version last seen. `pending` holds an outbox sequence number while the
-- change waits for the server: repeated edits of a field before a sync keep one pending change by
-- construction, and the value pushed is always the one stored.
CREATE TABLE value(
  record_id BLOB NOT NULL REFERENCES record(id),
  path TEXT NOT NULL,
  value BLOB NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  hlc INTEGER NOT NULL,
  author INTEGER NOT NULL REFERENCES author(id),
  pending INTEGER,
  PRIMARY KEY(record_id, path)
) WITHOUT ROWID;

-- The outbox: one row per record with pending changes (its first pending sequence), so the
-- change log costs ~30 bytes per edited record instead of an index entry per field. Pending
-- changes are read by joining it with the value rows whose `pending` is set.
CREATE TABLE outbox(
  record_id BLOB PRIMARY KEY,
  seq INTEGER NOT NULL
) WITHOUT ROWID;

-- The audit trail: every superseded version of a value row (its value, when and by whom it was
-- written). With the current row this gives who changed what, when, from which value to which;
-- a first save writes nothing here.
CREATE TABLE audit(
  record_id BLOB NOT NULL,
  seq INTEGER NOT NULL,
  path TEXT NOT NULL,
  value BLOB NOT NULL,
  hlc INTEGER NOT NULL,
  author INTEGER NOT NULL REFERENCES author(id),
  PRIMARY KEY(record_id, seq)
) WITHOUT ROWID;
)sql",
    // 1 -> 2: attachments (photos), content-addressed by SHA-256. The bytes live in the store file
    // so they share its encryption and transactions. `uploaded` is how many bytes the server
    // acknowledged holding (an interrupted upload resumes there), `complete` that the server
    // verified the hash and holds the whole blob. A rowid table (not WITHOUT ROWID) so a chunk is
    // read with incremental blob I/O instead of loading the photo; `data` last so reading the
    // bookkeeping columns never touches its overflow pages.
    R"sql(
CREATE TABLE blob(
  sha256 BLOB PRIMARY KEY,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  uploaded INTEGER NOT NULL DEFAULT 0,
  complete INTEGER NOT NULL DEFAULT 0,
  added_hlc INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX blob_pending ON blob(added_hlc) WHERE complete = 0;
)sql",
    // 2 -> 3: changes taken out of the outbox: refused by the server or unencodable here
    // (by_server 0), or quarantined by the server for a reviewer (by_server 1). The value stays
    // in `value`; this keeps what was pushed and why, for the user to see.
    R"sql(
CREATE TABLE quarantine(
  id INTEGER PRIMARY KEY,
  record_id BLOB NOT NULL,
  path TEXT NOT NULL,
  hlc INTEGER NOT NULL,
  by_server INTEGER NOT NULL,
  reason TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
)sql",
};

constexpr int kLatest = static_cast<int>(std::size(kMigrations));
static_assert(kLatest == kStoreSchemaVersion, "add a migration when bumping the schema");

Result<int> UserVersion(store::Db& db) {
  DS_ASSIGN_OR_RETURN(auto stmt, db.Prepare("PRAGMA user_version"));
  DS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status(Code::kInternal, "PRAGMA user_version returned nothing");
  return static_cast<int>(stmt.Int(0));
}

}  // namespace

Status MigrateSchema(store::Db& db) {
  // Checked on every open (a header read) before anything else: a township server database or
  // another application's file is never taken for a store.
  int64_t app_id = 0;
  {
    // Its own scope: the statement cache is keyed by the SQL's address, and identical literals
    // of two files may share one, so the statement must be reset before another use of it.
    DS_ASSIGN_OR_RETURN(auto app, db.Prepare("PRAGMA application_id"));
    DS_ASSIGN_OR_RETURN(bool row, app.Step());
    if (row) app_id = app.Int(0);
  }
  if (app_id != sqlite::kTabletStoreAppId) {
    DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
    DS_RETURN_IF_ERROR(
        sqlite::ClaimApplicationId(db, sqlite::kTabletStoreAppId, "outbox", "store"));
    DS_RETURN_IF_ERROR(txn->Commit());
  }
  DS_ASSIGN_OR_RETURN(int current, UserVersion(db));
  if (current > kLatest) {
    return Status(Code::kSchemaTooNew,
                  "this store was written by a newer Doorstep (schema " + std::to_string(current) +
                      ", this build knows " + std::to_string(kLatest) +
                      "); update the app instead of opening it with an old one");
  }
  if (current == kLatest) return Status::Ok();
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  // Re-read inside the transaction: another process may have migrated meanwhile.
  DS_ASSIGN_OR_RETURN(current, UserVersion(db));
  for (int v = current; v < kLatest; ++v) {
    Status s = db.Exec(kMigrations[v]);
    if (!s.ok()) return s.WithContext("migration " + std::to_string(v) + "->" + std::to_string(v + 1));
  }
  std::string set = "PRAGMA user_version = " + std::to_string(kLatest);
  DS_RETURN_IF_ERROR(db.Exec(set.c_str()));
  return txn->Commit();
}

}  // namespace doorstep
