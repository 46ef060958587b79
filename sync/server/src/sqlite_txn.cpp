// SqliteServerStore's write transaction: BEGIN IMMEDIATE on a leased connection, so writers
// serialise on the file (versions become visible in order, and GetRecord needs no row lock).
#include <map>
#include <utility>

#include "sqlite_store_impl.h"

namespace doorstep::sync::server {
namespace {

using sqlite_rows::DigestBytes;

std::string ValueBlob(const FieldRow& f) { return f.cleared ? std::string() : f.value.SerializeAsString(); }

class SqliteTxn final : public ServerTxn {
 public:
  explicit SqliteTxn(std::unique_ptr<sqlite::Transaction> txn) : txn_(std::move(txn)) {}

  // The version counter counts on in memory (BEGIN IMMEDIATE: no other writer until COMMIT) and
  // is written back once, here.
  Status Commit() override {
    if (stored_version_ >= 0 && version_ > stored_version_) {
      DS_ASSIGN_OR_RETURN(auto up, db().Prepare(
          "UPDATE meta SET value = ? WHERE key = 'last_version'"));
      DS_RETURN_IF_ERROR(up.Bind(1, version_).Run());
    }
    return txn_->Commit();
  }

  Result<std::optional<BatchRow>> GetBatch(const std::string& device_id, uint64_t seq) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "SELECT body_sha256, result, received_ms FROM batch WHERE device_id = ? AND seq = ?"));
    st.Bind(1, device_id).Bind(2, static_cast<int64_t>(seq));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<BatchRow>();
    BatchRow b;
    b.device_id = device_id;
    b.batch_seq = seq;
    b.body_sha256 = sqlite_rows::ToDigest(st.Blob(0));
    b.result = st.Blob(1);
    b.received_ms = st.Int(2);
    return std::optional<BatchRow>(std::move(b));
  }

  Status PutBatch(const BatchRow& b) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "INSERT INTO batch(device_id, seq, body_sha256, result, received_ms) VALUES(?, ?, ?, ?, ?)"));
    return st.Bind(1, b.device_id)
        .Bind(2, static_cast<int64_t>(b.batch_seq))
        .BindBlob(3, DigestBytes(b.body_sha256))
        .BindBlob(4, b.result)
        .Bind(5, b.received_ms)
        .Run();
  }

  Result<std::optional<RecordRow>> GetRecord(const RecordId& id) override {
    DS_ASSIGN_OR_RETURN(auto st,
                        db().Prepare("SELECT " DS_RECORD_COLUMNS " FROM record WHERE id = ?"));
    st.BindBlob(1, id.AsBytes());
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<RecordRow>();
    DS_ASSIGN_OR_RETURN(RecordRow r, sqlite_rows::ReadRecord(st));
    return std::optional<RecordRow>(std::move(r));
  }

  Status PutRecord(const RecordRow& r) override {
    {
      DS_ASSIGN_OR_RETURN(auto up, db().Prepare(
          "UPDATE record SET form_id = ?, form_version = ?, scope = ?, max_version = ? WHERE id = ?"));
      DS_RETURN_IF_ERROR(up.Bind(1, r.form_id)
                             .Bind(2, r.form_version)
                             .Bind(3, r.scope)
                             .Bind(4, r.max_version)
                             .BindBlob(5, r.id.AsBytes())
                             .Run());
    }
    if (db().Changes() > 0) return Status::Ok();
    DS_ASSIGN_OR_RETURN(auto ins, db().Prepare(
        "INSERT INTO record(" DS_RECORD_COLUMNS ") VALUES(?, ?, ?, ?, ?, ?)"));
    return ins.BindBlob(1, r.id.AsBytes())
        .Bind(2, r.form_id)
        .Bind(3, r.form_version)
        .Bind(4, r.scope)
        .Bind(5, r.max_version)
        .Bind(6, r.created_ms)
        .Run();
  }

  Result<std::optional<FieldRow>> GetField(const RecordId& id, const std::string& path) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "SELECT " DS_FIELD_COLUMNS " FROM field f JOIN author a ON a.id = f.author "
        "WHERE f.record_id = ? AND f.path = ?"));
    st.BindBlobView(1, id.AsBytes()).BindView(2, path);
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<FieldRow>();
    DS_ASSIGN_OR_RETURN(FieldRow f, sqlite_rows::ReadField(st));
    return std::optional<FieldRow>(std::move(f));
  }

  Result<std::vector<FieldRow>> GetRecordFields(const RecordId& id) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "SELECT " DS_FIELD_COLUMNS " FROM field f JOIN author a ON a.id = f.author "
        "WHERE f.record_id = ? ORDER BY f.path"));
    st.BindBlob(1, id.AsBytes());
    std::vector<FieldRow> out;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      DS_ASSIGN_OR_RETURN(FieldRow f, sqlite_rows::ReadField(st));
      out.push_back(std::move(f));
    }
    return out;
  }

  Status PutField(const FieldRow& f) override {
    DS_ASSIGN_OR_RETURN(int64_t author, AuthorId(f.author));
    {
      // The superseded row, if any, moves to the history.
      DS_ASSIGN_OR_RETURN(auto hist, db().Prepare(
          "INSERT INTO field_history(record_id, path, version, value, hlc, author, received_ms, "
          "superseded_by) SELECT record_id, path, version, value, hlc, author, received_ms, ? "
          "FROM field WHERE record_id = ? AND path = ?"));
      DS_RETURN_IF_ERROR(hist.Bind(1, f.version).BindBlob(2, f.record_id.AsBytes()).Bind(3, f.path).Run());
    }
    std::string blob = ValueBlob(f);
    {
      DS_ASSIGN_OR_RETURN(auto up, db().Prepare(
          "UPDATE field SET scope = ?, value = ?, version = ?, hlc = ?, author = ?, received_ms = ?, "
          "pushed_by = ? WHERE record_id = ? AND path = ?"));
      up.Bind(1, f.scope);
      if (f.cleared) {
        up.BindNull(2);
      } else {
        up.BindBlob(2, blob);
      }
      DS_RETURN_IF_ERROR(up.Bind(3, f.version)
                             .Bind(4, static_cast<int64_t>(f.hlc))
                             .Bind(5, author)
                             .Bind(6, f.received_ms)
                             .Bind(7, f.pushed_by)
                             .BindBlob(8, f.record_id.AsBytes())
                             .Bind(9, f.path)
                             .Run());
    }
    if (db().Changes() > 0) return Status::Ok();
    return Insert(f, author, blob);
  }

  Status InsertField(const FieldRow& f) override {
    DS_ASSIGN_OR_RETURN(int64_t author, AuthorId(f.author));
    return Insert(f, author, ValueBlob(f));
  }

  Result<int64_t> NextVersion() override {
    if (stored_version_ < 0) {
      DS_ASSIGN_OR_RETURN(auto st,
                          db().Prepare("SELECT value FROM meta WHERE key = 'last_version'"));
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status(Code::kCorruption, "version counter missing", "meta");
      version_ = stored_version_ = st.Int(0);
    }
    return ++version_;
  }

  Result<std::optional<v1::Conflict>> GetConflict(int64_t id) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare("SELECT id, body FROM conflict WHERE id = ?"));
    st.Bind(1, id);
    return OneConflict(st);
  }

  Result<std::optional<v1::Conflict>> GetOpenConflict(const RecordId& id,
                                                      const std::string& path) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "SELECT id, body FROM conflict WHERE record_id = ? AND path = ? AND open = 1"));
    st.BindBlob(1, id.AsBytes()).Bind(2, path);
    return OneConflict(st);
  }

  Result<std::vector<v1::Conflict>> GetRecordConflicts(const RecordId& id) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "SELECT id, body FROM conflict WHERE record_id = ? AND open = 1 ORDER BY id"));
    st.BindBlob(1, id.AsBytes());
    std::vector<v1::Conflict> out;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      DS_ASSIGN_OR_RETURN(v1::Conflict c, sqlite_rows::ReadConflict(st));
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<int64_t> AddConflict(const v1::Conflict& c) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "INSERT INTO conflict(record_id, path, scope, open, body) VALUES(?, ?, ?, ?, ?)"));
    DS_RETURN_IF_ERROR(st.BindBlob(1, c.record_id())
                           .Bind(2, c.path())
                           .Bind(3, c.scope())
                           .Bind(4, c.resolved() ? 0 : 1)
                           .BindBlob(5, c.SerializeAsString())
                           .Run());
    return db().LastInsertRowid();
  }

  Status UpdateConflict(const v1::Conflict& c) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "UPDATE conflict SET scope = ?, open = ?, body = ? WHERE id = ?"));
    DS_RETURN_IF_ERROR(st.Bind(1, c.scope())
                           .Bind(2, c.resolved() ? 0 : 1)
                           .BindBlob(3, c.SerializeAsString())
                           .Bind(4, c.id())
                           .Run());
    if (db().Changes() == 0) {
      return Status(Code::kNotFound, "no such conflict", "conflict " + std::to_string(c.id()));
    }
    return Status::Ok();
  }

  Result<int64_t> AddQuarantine(const QuarantineRow& q) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "INSERT INTO quarantine(device_id, batch_seq, record_id, path, reason, received_ms, change) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)"));
    DS_RETURN_IF_ERROR(st.Bind(1, q.entry.device_id())
                           .Bind(2, static_cast<int64_t>(q.entry.batch_seq()))
                           .BindBlob(3, q.entry.record_id())
                           .Bind(4, q.entry.path())
                           .Bind(5, q.entry.reason())
                           .Bind(6, q.entry.received_ms())
                           .BindBlob(7, q.change)
                           .Run());
    return db().LastInsertRowid();
  }

  Result<std::optional<DeviceRow>> GetDevice(const std::string& id) override {
    DS_ASSIGN_OR_RETURN(auto st,
                        db().Prepare("SELECT " DS_DEVICE_COLUMNS " FROM device WHERE id = ?"));
    st.Bind(1, id);
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<DeviceRow>();
    DS_ASSIGN_OR_RETURN(DeviceRow d, sqlite_rows::ReadDevice(st));
    return std::optional<DeviceRow>(std::move(d));
  }

  Status PutDevice(const DeviceRow& d) override {
    // UPDATE, then INSERT: INSERT OR REPLACE would delete the row batches refer to.
    {
      DS_ASSIGN_OR_RETURN(auto up, db().Prepare(
          "UPDATE device SET name = ?2, team = ?3, villages = ?4, reviewer = ?5, "
          "credential_sha256 = ?6, enrolled_ms = ?7, last_seen_ms = ?8, clock_skew_ms = ?9, "
          "future_hlc_count = ?10, max_future_hlc_ms = ?11 WHERE id = ?1"));
      DS_RETURN_IF_ERROR(BindDevice(up, d).Run());
    }
    if (db().Changes() > 0) return Status::Ok();
    DS_ASSIGN_OR_RETURN(auto ins, db().Prepare(
        "INSERT INTO device(" DS_DEVICE_COLUMNS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    return BindDevice(ins, d).Run();
  }

  Result<std::optional<TokenRow>> GetToken(const Digest& sha) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "SELECT team, villages, reviewer, created_ms, used_by, used_ms FROM token WHERE sha256 = ?"));
    st.BindBlob(1, DigestBytes(sha));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<TokenRow>();
    TokenRow t;
    t.token_sha256 = sha;
    t.team = st.Text(0);
    t.villages = sqlite_rows::SplitVillages(st.Text(1));
    t.reviewer = st.Int(2) != 0;
    t.created_ms = st.Int(3);
    t.used_by = st.Text(4);
    t.used_ms = st.Int(5);
    return std::optional<TokenRow>(std::move(t));
  }

  Status PutToken(const TokenRow& t) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "INSERT OR REPLACE INTO token(sha256, team, villages, reviewer, created_ms, used_by, used_ms) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)"));
    st.BindBlob(1, DigestBytes(t.token_sha256))
        .Bind(2, t.team)
        .Bind(3, sqlite_rows::JoinVillages(t.villages))
        .Bind(4, t.reviewer ? 1 : 0)
        .Bind(5, t.created_ms);
    if (t.used_by.empty()) {
      st.BindNull(6).BindNull(7);
    } else {
      st.Bind(6, t.used_by).Bind(7, t.used_ms);
    }
    return st.Run();
  }

  Result<std::optional<v1::FormDef>> GetForm(const std::string& form_id,
                                             const std::string& version) override {
    DS_ASSIGN_OR_RETURN(auto st,
                        db().Prepare("SELECT def FROM form WHERE form_id = ? AND version = ?"));
    st.Bind(1, form_id).Bind(2, version);
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<v1::FormDef>();
    DS_ASSIGN_OR_RETURN(v1::FormDef def, sqlite_rows::ParseForm(st.Blob(0)));
    return std::optional<v1::FormDef>(std::move(def));
  }

  Status PutForm(const v1::FormDef& def, int64_t installed_ms) override {
    DS_ASSIGN_OR_RETURN(auto st, db().Prepare(
        "INSERT INTO form(form_id, version, def, installed_ms, install_seq) "
        "VALUES(?, ?, ?, ?, (SELECT coalesce(max(install_seq), 0) + 1 FROM form))"));
    return st.Bind(1, def.form_id())
        .Bind(2, def.version())
        .BindBlob(3, def.SerializeAsString())
        .Bind(4, installed_ms)
        .Run();
  }

 private:
  sqlite::Conn& db() { return txn_->conn(); }

  Status Insert(const FieldRow& f, int64_t author, const std::string& blob) {
    DS_ASSIGN_OR_RETURN(auto ins, db().Prepare(
        "INSERT INTO field(record_id, path, scope, value, version, hlc, author, received_ms, "
        "pushed_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    // `f` and `blob` outlive the statement's run: bound without copies.
    ins.BindBlobView(1, f.record_id.AsBytes()).BindView(2, f.path).BindView(3, f.scope);
    if (f.cleared) {
      ins.BindNull(4);
    } else {
      ins.BindBlobView(4, blob);
    }
    return ins.Bind(5, f.version)
        .Bind(6, static_cast<int64_t>(f.hlc))
        .Bind(7, author)
        .Bind(8, f.received_ms)
        .BindView(9, f.pushed_by)
        .Run();
  }

  // Author ids looked up or created by this transaction (a rolled-back insert must not outlive
  // it, so the cache is the transaction's).
  Result<int64_t> AuthorId(const Author& a) {
    auto key = std::make_pair(a.surveyor_id, a.device_id);
    if (auto it = authors_.find(key); it != authors_.end()) return it->second;
    DS_ASSIGN_OR_RETURN(int64_t id, sqlite_rows::AuthorId(db(), a));
    authors_.emplace(std::move(key), id);
    return id;
  }

  static sqlite::Stmt& BindDevice(sqlite::Stmt& st, const DeviceRow& d) {
    return st.Bind(1, d.device_id)
        .Bind(2, d.name)
        .Bind(3, d.team)
        .Bind(4, sqlite_rows::JoinVillages(d.villages))
        .Bind(5, d.reviewer ? 1 : 0)
        .BindBlob(6, DigestBytes(d.credential_sha256))
        .Bind(7, d.enrolled_ms)
        .Bind(8, d.last_seen_ms)
        .Bind(9, d.clock_skew_ms)
        .Bind(10, d.future_hlc_count)
        .Bind(11, d.max_future_hlc_ms);
  }

  static Result<std::optional<v1::Conflict>> OneConflict(sqlite::Stmt& st) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<v1::Conflict>();
    DS_ASSIGN_OR_RETURN(v1::Conflict c, sqlite_rows::ReadConflict(st));
    return std::optional<v1::Conflict>(std::move(c));
  }

  std::unique_ptr<sqlite::Transaction> txn_;
  int64_t version_ = 0;          // the last version handed out
  int64_t stored_version_ = -1;  // the counter as the database holds it (-1: not read yet)
  std::map<std::pair<std::string, std::string>, int64_t> authors_;
};

}  // namespace

std::unique_ptr<ServerTxn> MakeSqliteTxn(std::unique_ptr<sqlite::Transaction> txn) {
  return std::make_unique<SqliteTxn>(std::move(txn));
}

}  // namespace doorstep::sync::server
