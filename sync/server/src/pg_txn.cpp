// PgServerStore's write transaction: READ COMMITTED on a leased connection, with the locks of
// store.h's rules (see pg_store.h).
//
// Round trips are the cost on PostgreSQL, so the transaction keeps what its locks make safe to
// keep:
//   - the version counter: the first NextVersion() takes the row (UPDATE ... RETURNING); later
//     ones count on locally, and the last value is written back before COMMIT;
//   - the fields of a record it has locked (GetRecord: SELECT ... FOR UPDATE) or created: read
//     once, then answered from memory, since no other transaction may write them meanwhile;
//   - writes of record headers and fields: buffered (pg_writes.h) and sent in one burst before
//     the next statement of any other kind, or at commit.
// A failed statement aborts the PostgreSQL transaction, so after the first error every call
// returns that error again.
#include <map>
#include <utility>

#include "pg_writes.h"
#include "pg_store_impl.h"

namespace doorstep::sync::server {
namespace {

using pg_rows::DigestBytes;

const pg::Sql kGetBatch{"t_get_batch",
    "SELECT body_sha256, result, received_ms FROM batch WHERE device_id = $1 AND seq = $2"};
const pg::Sql kPutBatch{"t_put_batch",
    "INSERT INTO batch(device_id, seq, body_sha256, result, received_ms) "
    "VALUES($1, $2, $3, $4, $5)"};
const pg::Sql kLockRecord{"t_lock_record",
    "SELECT " DS_PG_RECORD_COLUMNS " FROM record WHERE id = $1 FOR UPDATE"};
const pg::Sql kLockRecords{"t_lock_records",
    "SELECT " DS_PG_RECORD_COLUMNS " FROM record WHERE id = ANY($1::bytea[]) ORDER BY id "
    "FOR UPDATE"};
const pg::Sql kUpdateRecord{"t_update_record",
    "UPDATE record SET form_id = $2, form_version = $3, scope = $4, max_version = $5 "
    "WHERE id = $1"};
const pg::Sql kRecordFields{"t_record_fields",
    "SELECT " DS_PG_FIELD_COLUMNS " FROM field f JOIN author a ON a.id = f.author "
    "WHERE f.record_id = $1 ORDER BY f.path"};
const pg::Sql kGetField{"t_get_field",
    "SELECT " DS_PG_FIELD_COLUMNS " FROM field f JOIN author a ON a.id = f.author "
    "WHERE f.record_id = $1 AND f.path = $2"};
const pg::Sql kTakeVersion{"t_take_version",
    "UPDATE meta SET value = value + 1 WHERE key = 'last_version' RETURNING value"};
const pg::Sql kStoreVersion{"t_store_version",
    "UPDATE meta SET value = $1 WHERE key = 'last_version'"};
const pg::Sql kInsertAuthor{"t_insert_author",
    "INSERT INTO author(surveyor, device) VALUES($1, $2) ON CONFLICT DO NOTHING RETURNING id"};
const pg::Sql kFindAuthor{"t_find_author",
    "SELECT id FROM author WHERE surveyor = $1 AND device = $2"};
const pg::Sql kGetConflict{"t_get_conflict",
    "SELECT id, body FROM conflict WHERE id = $1 FOR UPDATE"};
const pg::Sql kOpenConflict{"t_open_conflict",
    "SELECT id, body FROM conflict WHERE record_id = $1 AND path = $2 AND open"};
const pg::Sql kRecordConflicts{"t_record_conflicts",
    "SELECT id, body FROM conflict WHERE record_id = $1 AND open ORDER BY id"};
const pg::Sql kAddConflict{"t_add_conflict",
    "INSERT INTO conflict(record_id, path, scope, open, body) VALUES($1, $2, $3, $4, $5) "
    "RETURNING id"};
const pg::Sql kUpdateConflict{"t_update_conflict",
    "UPDATE conflict SET scope = $1, open = $2, body = $3 WHERE id = $4"};
const pg::Sql kAddQuarantine{"t_add_quarantine",
    "INSERT INTO quarantine(device_id, batch_seq, record_id, path, reason, received_ms, change) "
    "VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
const pg::Sql kGetDevice{"t_get_device",
    "SELECT " DS_PG_DEVICE_COLUMNS " FROM device WHERE id = $1 FOR UPDATE"};
const pg::Sql kPutDevice{"t_put_device",
    "INSERT INTO device(" DS_PG_DEVICE_COLUMNS ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, team = EXCLUDED.team, "
    "villages = EXCLUDED.villages, reviewer = EXCLUDED.reviewer, "
    "credential_sha256 = EXCLUDED.credential_sha256, enrolled_ms = EXCLUDED.enrolled_ms, "
    "last_seen_ms = EXCLUDED.last_seen_ms, clock_skew_ms = EXCLUDED.clock_skew_ms, "
    "future_hlc_count = EXCLUDED.future_hlc_count, max_future_hlc_ms = EXCLUDED.max_future_hlc_ms"};
const pg::Sql kGetToken{"t_get_token",
    "SELECT team, villages, reviewer, created_ms, used_by, used_ms FROM token WHERE sha256 = $1 "
    "FOR UPDATE"};
const pg::Sql kPutToken{"t_put_token",
    "INSERT INTO token(sha256, team, villages, reviewer, created_ms, used_by, used_ms) "
    "VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO UPDATE SET team = EXCLUDED.team, "
    "villages = EXCLUDED.villages, reviewer = EXCLUDED.reviewer, created_ms = EXCLUDED.created_ms, "
    "used_by = EXCLUDED.used_by, used_ms = EXCLUDED.used_ms"};
const pg::Sql kGetForm{"t_get_form", "SELECT def FROM form WHERE form_id = $1 AND version = $2"};
const pg::Sql kPutForm{"t_put_form",
    "INSERT INTO form(form_id, version, def, installed_ms) VALUES($1, $2, $3, $4)"};

struct RecordState {
  bool exists = false;         // the row is in the database (as this transaction sees it)
  bool locked = false;         // locked by GetRecord, or written by this transaction
  bool fields_loaded = false;  // `fields` holds every current field of the record
  std::map<std::string, FieldRow> fields;
};

class PgTxn final : public ServerTxn {
 public:
  PgTxn(PgServerStore::Impl* impl, pg::Lease lease) : impl_(impl), lease_(std::move(lease)) {}
  ~PgTxn() override { work_.reset(); }  // ROLLBACK unless committed, before the lease returns

  Status Start() {
    return Run("begin", [&]() -> Status {
      work_ = std::make_unique<pqxx::work>(lease_.conn());
      return Status::Ok();
    });
  }

  Status Commit() override {
    return Run("commit", [&]() -> Status {
      writes_.Flush(lease_, *work_);
      if (version_ > stored_version_) Exec(kStoreVersion, version_);
      work_->commit();
      committed_ = true;
      impl_->RememberAuthors(new_authors_);
      return Status::Ok();
    });
  }

  Result<std::optional<BatchRow>> GetBatch(const std::string& device_id, uint64_t seq) override {
    return Run("batch", [&]() -> Result<std::optional<BatchRow>> {
      auto r = Exec(kGetBatch, device_id, static_cast<int64_t>(seq));
      if (r.empty()) return std::optional<BatchRow>();
      BatchRow b{device_id, seq, pg_rows::ToDigest(pg::BytesOf(r[0][0])), pg::BytesOf(r[0][1]),
                 r[0][2].as<int64_t>()};
      return std::optional<BatchRow>(std::move(b));
    });
  }

  Status PutBatch(const BatchRow& b) override {
    return Run("batch", [&]() -> Status {
      Exec(kPutBatch, b.device_id, static_cast<int64_t>(b.batch_seq),
           pg::Bytes(DigestBytes(b.body_sha256)), pg::Bytes(b.result), b.received_ms);
      return Status::Ok();
    });
  }

  Result<std::optional<RecordRow>> GetRecord(const RecordId& id) override {
    return Run("record", [&]() -> Result<std::optional<RecordRow>> {
      auto r = Exec(kLockRecord, pg::Bytes(id.AsBytes()));
      RecordState& st = records_[id];
      if (r.empty()) {
        st = RecordState{};
        st.fields_loaded = true;  // no record, no fields; creating it collides (rule 2)
        return std::optional<RecordRow>();
      }
      if (!st.exists) st = RecordState{};  // another transaction created it since: read afresh
      st.exists = st.locked = true;
      DS_ASSIGN_OR_RETURN(RecordRow row, pg_rows::ReadRecord(r[0]));
      return std::optional<RecordRow>(std::move(row));
    });
  }

  // One round trip for a push's records (ORDER BY id: locked in id order, as one by one).
  Result<std::vector<std::optional<RecordRow>>> GetRecords(
      const std::vector<RecordId>& ids) override {
    return Run("record", [&]() -> Result<std::vector<std::optional<RecordRow>>> {
      pg::ArrayText array;
      for (const auto& id : ids) array.Bytes(id.AsBytes());
      std::map<RecordId, RecordRow> found;
      for (const auto& row : Exec(kLockRecords, array.Finish())) {
        DS_ASSIGN_OR_RETURN(RecordRow r, pg_rows::ReadRecord(row));
        RecordId id = r.id;
        found.emplace(id, std::move(r));
      }
      std::vector<std::optional<RecordRow>> out;
      out.reserve(ids.size());
      for (const auto& id : ids) {
        RecordState& st = records_[id];
        auto it = found.find(id);
        if (it == found.end()) {
          st = RecordState{};
          st.fields_loaded = true;  // as GetRecord: no record, no fields
          out.emplace_back();
          continue;
        }
        if (!st.exists) st = RecordState{};
        st.exists = st.locked = true;
        out.emplace_back(std::move(it->second));
      }
      return out;
    });
  }

  Status PutRecord(const RecordRow& r) override {
    return Run("record", [&]() -> Status {
      auto it = records_.find(r.id);
      const bool known = it != records_.end();
      if (known && it->second.exists) {
        writes_.UpdateRecord(r);  // locked (or created) by this transaction
        return Status::Ok();
      }
      // Not seen (PutRecord without GetRecord): an existing row is updated now, and now locked.
      if (!known && Exec(kUpdateRecord, pg::Bytes(r.id.AsBytes()), r.form_id, r.form_version,
                         r.scope, r.max_version).affected_rows() > 0) {
        RecordState& st = records_[r.id];
        st.exists = st.locked = true;
        return Status::Ok();
      }
      // New: inserted (buffered) with a plain INSERT, so a concurrent creation of the same record
      // fails one of the two with a unique violation (kUnavailable) instead of merging them.
      writes_.InsertRecord(r);
      RecordState& st = records_[r.id];
      st = RecordState{};
      st.exists = st.locked = st.fields_loaded = true;
      return Status::Ok();
    });
  }

  Result<std::optional<FieldRow>> GetField(const RecordId& id, const std::string& path) override {
    return Run("field", [&]() -> Result<std::optional<FieldRow>> {
      RecordState* st = Cached(id);
      if (st == nullptr) {
        auto r = Exec(kGetField, pg::Bytes(id.AsBytes()), path);
        if (r.empty()) return std::optional<FieldRow>();
        DS_ASSIGN_OR_RETURN(FieldRow f, pg_rows::ReadField(r[0]));
        return std::optional<FieldRow>(std::move(f));
      }
      DS_RETURN_IF_ERROR(Load(id, st));
      auto f = st->fields.find(path);
      if (f == st->fields.end()) return std::optional<FieldRow>();
      return std::optional<FieldRow>(f->second);
    });
  }

  Result<std::vector<FieldRow>> GetRecordFields(const RecordId& id) override {
    return Run("field", [&]() -> Result<std::vector<FieldRow>> {
      std::vector<FieldRow> out;
      RecordState* st = Cached(id);
      if (st == nullptr) {
        for (const auto& row : Exec(kRecordFields, pg::Bytes(id.AsBytes()))) {
          DS_ASSIGN_OR_RETURN(FieldRow f, pg_rows::ReadField(row));
          out.push_back(std::move(f));
        }
        return out;
      }
      DS_RETURN_IF_ERROR(Load(id, st));
      for (const auto& [path, f] : st->fields) out.push_back(f);  // by path, as the map orders
      return out;
    });
  }

  Status PutField(const FieldRow& f) override { return WriteField(f, false); }
  Status InsertField(const FieldRow& f) override { return WriteField(f, true); }

  Status WriteField(const FieldRow& f, bool absent) {
    return Run("field", [&]() -> Status {
      DS_ASSIGN_OR_RETURN(int64_t author, AuthorId(f.author));
      writes_.AddField(f, author, absent);
      auto st = records_.find(f.record_id);
      if (st != records_.end() && st->second.fields_loaded) st->second.fields[f.path] = f;
      if (writes_.full()) writes_.Flush(lease_, *work_);
      return Status::Ok();
    });
  }

  Result<int64_t> NextVersion() override {
    return Run("version", [&]() -> Result<int64_t> {
      if (stored_version_ == 0) {
        auto r = Exec(kTakeVersion);
        if (r.size() != 1) return Status(Code::kCorruption, "version counter missing", "meta");
        version_ = stored_version_ = r[0][0].as<int64_t>();
      } else {
        ++version_;  // the counter row stays locked by this transaction until it ends
      }
      return version_;
    });
  }

  Result<std::optional<v1::Conflict>> GetConflict(int64_t id) override {
    return Run("conflict", [&] { return OneConflict(Exec(kGetConflict, id)); });
  }

  Result<std::optional<v1::Conflict>> GetOpenConflict(const RecordId& id,
                                                      const std::string& path) override {
    return Run("conflict",
               [&] { return OneConflict(Exec(kOpenConflict, pg::Bytes(id.AsBytes()), path)); });
  }

  Result<std::vector<v1::Conflict>> GetRecordConflicts(const RecordId& id) override {
    return Run("conflict", [&]() -> Result<std::vector<v1::Conflict>> {
      std::vector<v1::Conflict> out;
      for (const auto& row : Exec(kRecordConflicts, pg::Bytes(id.AsBytes()))) {
        DS_ASSIGN_OR_RETURN(v1::Conflict c, pg_rows::ReadConflict(row));
        out.push_back(std::move(c));
      }
      return out;
    });
  }

  Result<int64_t> AddConflict(const v1::Conflict& c) override {
    return Run("conflict", [&]() -> Result<int64_t> {
      auto r = Exec(kAddConflict, pg::Bytes(c.record_id()), c.path(), c.scope(), !c.resolved(),
                    pg::Bytes(c.SerializeAsString()));
      return r[0][0].as<int64_t>();
    });
  }

  Status UpdateConflict(const v1::Conflict& c) override {
    return Run("conflict", [&]() -> Status {
      auto r = Exec(kUpdateConflict, c.scope(), !c.resolved(), pg::Bytes(c.SerializeAsString()),
                    c.id());
      if (r.affected_rows() == 0) {
        return Status(Code::kNotFound, "no such conflict", "conflict " + std::to_string(c.id()));
      }
      return Status::Ok();
    });
  }

  Result<int64_t> AddQuarantine(const QuarantineRow& q) override {
    return Run("quarantine", [&]() -> Result<int64_t> {
      auto r = Exec(kAddQuarantine, q.entry.device_id(), static_cast<int64_t>(q.entry.batch_seq()),
                    pg::Bytes(q.entry.record_id()), q.entry.path(), q.entry.reason(),
                    q.entry.received_ms(), pg::Bytes(q.change));
      return r[0][0].as<int64_t>();
    });
  }

  Result<std::optional<DeviceRow>> GetDevice(const std::string& id) override {
    return Run("device", [&]() -> Result<std::optional<DeviceRow>> {
      auto r = Exec(kGetDevice, id);
      if (r.empty()) return std::optional<DeviceRow>();
      return std::optional<DeviceRow>(pg_rows::ReadDevice(r[0]));
    });
  }

  Status PutDevice(const DeviceRow& d) override {
    return Run("device", [&]() -> Status {
      Exec(kPutDevice, d.device_id, d.name, d.team, pg_rows::JoinVillages(d.villages), d.reviewer,
           pg::Bytes(DigestBytes(d.credential_sha256)), d.enrolled_ms, d.last_seen_ms,
           d.clock_skew_ms, d.future_hlc_count, d.max_future_hlc_ms);
      return Status::Ok();
    });
  }

  Result<std::optional<TokenRow>> GetToken(const Digest& sha) override {
    return Run("token", [&]() -> Result<std::optional<TokenRow>> {
      auto r = Exec(kGetToken, pg::Bytes(DigestBytes(sha)));
      if (r.empty()) return std::optional<TokenRow>();
      TokenRow t;
      t.token_sha256 = sha;
      t.team = r[0][0].as<std::string>();
      t.villages = pg_rows::SplitVillages(r[0][1].as<std::string>());
      t.reviewer = r[0][2].as<bool>();
      t.created_ms = r[0][3].as<int64_t>();
      t.used_by = r[0][4].as<std::string>();
      t.used_ms = r[0][5].as<int64_t>();
      return std::optional<TokenRow>(std::move(t));
    });
  }

  Status PutToken(const TokenRow& t) override {
    return Run("token", [&]() -> Status {
      Exec(kPutToken, pg::Bytes(DigestBytes(t.token_sha256)), t.team,
           pg_rows::JoinVillages(t.villages), t.reviewer, t.created_ms, t.used_by,
           t.used_by.empty() ? int64_t{0} : t.used_ms);
      return Status::Ok();
    });
  }

  Result<std::optional<v1::FormDef>> GetForm(const std::string& form_id,
                                             const std::string& version) override {
    return Run("form", [&]() -> Result<std::optional<v1::FormDef>> {
      auto r = Exec(kGetForm, form_id, version);
      if (r.empty()) return std::optional<v1::FormDef>();
      DS_ASSIGN_OR_RETURN(v1::FormDef def, pg_rows::ParseForm(pg::BytesOf(r[0][0])));
      return std::optional<v1::FormDef>(std::move(def));
    });
  }

  Status PutForm(const v1::FormDef& def, int64_t installed_ms) override {
    return Run("form", [&]() -> Status {
      Exec(kPutForm, def.form_id(), def.version(), pg::Bytes(def.SerializeAsString()),
           installed_ms);
      return Status::Ok();
    });
  }

 private:
  // Runs one operation; an exception becomes the transaction's failure, returned from then on.
  template <typename Fn>
  auto Run(const char* what, Fn fn) -> decltype(fn()) {
    if (!failed_.ok()) return failed_;
    if (committed_) return Status(Code::kFailedPrecondition, "transaction already committed", what);
    try {
      return fn();
    } catch (const std::exception& e) {
      if (pg::BreaksConnection(e)) lease_.MarkBroken();
      failed_ = pg::FromException(e, what);
      return failed_;
    }
  }

  // Every statement goes through here: buffered field writes are sent first, so the statement
  // sees them.
  template <typename... Args>
  pqxx::result Exec(const pg::Sql& sql, Args&&... args) {
    writes_.Flush(lease_, *work_);
    return lease_.Exec(*work_, sql, std::forward<Args>(args)...);
  }

  // The cached state of a record whose fields this transaction may keep, else nullptr.
  RecordState* Cached(const RecordId& id) {
    auto it = records_.find(id);
    if (it == records_.end() || !(it->second.fields_loaded || it->second.locked)) return nullptr;
    return &it->second;
  }

  Status Load(const RecordId& id, RecordState* st) {
    if (st->fields_loaded) return Status::Ok();
    st->fields.clear();
    for (const auto& row : Exec(kRecordFields, pg::Bytes(id.AsBytes()))) {
      DS_ASSIGN_OR_RETURN(FieldRow f, pg_rows::ReadField(row));
      std::string path = f.path;
      st->fields.emplace(std::move(path), std::move(f));
    }
    st->fields_loaded = true;
    return Status::Ok();
  }

  Result<int64_t> AuthorId(const Author& a) {
    auto key = std::make_pair(a.surveyor_id, a.device_id);
    if (auto it = new_authors_.find(key); it != new_authors_.end()) return it->second;
    if (auto id = impl_->CachedAuthor(a)) return *id;
    auto r = Exec(kInsertAuthor, a.surveyor_id, a.device_id);
    if (r.empty()) r = Exec(kFindAuthor, a.surveyor_id, a.device_id);  // someone else's insert
    if (r.empty()) return Status(Code::kInternal, "author row neither inserted nor found");
    const int64_t id = r[0][0].as<int64_t>();
    new_authors_.emplace(std::move(key), id);
    return id;
  }

  static Result<std::optional<v1::Conflict>> OneConflict(const pqxx::result& r) {
    if (r.empty()) return std::optional<v1::Conflict>();
    DS_ASSIGN_OR_RETURN(v1::Conflict c, pg_rows::ReadConflict(r[0]));
    return std::optional<v1::Conflict>(std::move(c));
  }

  PgServerStore::Impl* impl_;
  pg::Lease lease_;
  std::unique_ptr<pqxx::work> work_;  // declared after the lease: destroyed (rolled back) first
  Status failed_;
  bool committed_ = false;
  int64_t version_ = 0;         // the last version handed out
  int64_t stored_version_ = 0;  // the counter as written to the database (0: not taken yet)
  std::map<RecordId, RecordState> records_;
  pg::WriteBuffer writes_;
  std::map<std::pair<std::string, std::string>, int64_t> new_authors_;
};

}  // namespace

Result<std::unique_ptr<ServerTxn>> MakePgTxn(PgServerStore::Impl* impl, pg::Lease lease) {
  auto txn = std::make_unique<PgTxn>(impl, std::move(lease));
  DS_RETURN_IF_ERROR(txn->Start());
  return std::unique_ptr<ServerTxn>(std::move(txn));
}

}  // namespace doorstep::sync::server
