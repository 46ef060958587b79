// SqliteServerStore: opening, and the read queries (each in its own read transaction, so it sees
// one committed state while a push may be writing).
#include <algorithm>
#include <set>
#include <utility>

#include "sqlite_store_impl.h"

namespace doorstep::sync::server {
namespace {

// Runs `fn` in a read transaction on a leased connection.
template <typename Fn>
auto WithRead(SqliteServerStore::Impl& impl, Fn fn) -> decltype(fn(std::declval<sqlite::Conn&>())) {
  DS_ASSIGN_OR_RETURN(auto txn, sqlite::Transaction::Begin(impl.pool.Acquire(), false));
  auto result = fn(txn->conn());
  if (result.ok()) DS_RETURN_IF_ERROR(txn->Commit());
  return result;
}

Result<std::vector<FieldRow>> ReadFields(sqlite::Stmt& st) {
  std::vector<FieldRow> out;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DS_ASSIGN_OR_RETURN(FieldRow f, sqlite_rows::ReadField(st));
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<v1::Conflict>> ReadConflicts(sqlite::Stmt& st) {
  std::vector<v1::Conflict> out;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DS_ASSIGN_OR_RETURN(v1::Conflict c, sqlite_rows::ReadConflict(st));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

SqliteServerStore::SqliteServerStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteServerStore::~SqliteServerStore() = default;

Result<std::unique_ptr<SqliteServerStore>> SqliteServerStore::Open(
    const SqliteStoreOptions& options) {
  if (options.path.empty() || options.path == ":memory:" || options.path.rfind("file:", 0) == 0) {
    return Status(Code::kInvalidArgument, "the server database must be a file path", "path");
  }
  if (options.connections < 1) {
    return Status(Code::kInvalidArgument, "at least one connection is needed", "connections");
  }
  if (options.checkpoint_pages < 1) {
    return Status(Code::kInvalidArgument, "checkpoint_pages must be at least 1",
                  "checkpoint_pages");
  }
  auto open = [&](bool create) -> Result<std::unique_ptr<sqlite::Conn>> {
    doorstep::sqlite::OpenOptions open_options;
    open_options.what = "server database";
    open_options.create = create;
    open_options.no_mutex = true;  // the pool leases a connection to one thread at a time
    open_options.busy_timeout_ms = options.busy_timeout_ms;
    open_options.busy_code = Code::kUnavailable;  // a retry may succeed
    DS_ASSIGN_OR_RETURN(auto c, sqlite::Conn::Open(options.path, options.key, open_options));
    // The first statement that reads the file: a wrong key or a foreign file fails here.
    DS_RETURN_IF_ERROR(c->Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"));
    std::string pragma =
        "PRAGMA wal_autocheckpoint = " + std::to_string(options.checkpoint_pages) + ";";
    // Pages of 8 KiB for a new file (an existing one keeps its size): a field row is a cell of
    // the (record, path) index and a signature value (~1.5 KB) overflowed 4 KiB pages' ~1,000-byte
    // cells; with 8 KiB the apply rate went from ~100,000 to ~125,000 changes/s
    // (docs/benchmarks.md). Encrypted files keep SQLCipher's page size, which every later open
    // would otherwise have to repeat.
    if (options.key.empty()) pragma += " PRAGMA page_size = 8192;";
    DS_RETURN_IF_ERROR(c->Exec(pragma.c_str()));
    return c;
  };
  std::vector<std::unique_ptr<sqlite::Conn>> conns;
  DS_ASSIGN_OR_RETURN(auto first, open(options.create));
  {
    DS_ASSIGN_OR_RETURN(auto st, first->Prepare("PRAGMA journal_mode = WAL"));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.Text(0) != "wal") {
      return Status(Code::kIo, "cannot switch the server database to WAL mode", options.path);
    }
  }
  DS_RETURN_IF_ERROR(sqlite_rows::Migrate(*first));
  conns.push_back(std::move(first));
  for (int i = 1; i < options.connections; ++i) {
    DS_ASSIGN_OR_RETURN(auto c, open(false));
    conns.push_back(std::move(c));
  }
  return std::unique_ptr<SqliteServerStore>(
      new SqliteServerStore(std::make_unique<Impl>(std::move(conns))));
}

Result<std::unique_ptr<ServerTxn>> SqliteServerStore::Begin() {
  DS_ASSIGN_OR_RETURN(auto txn, sqlite::Transaction::Begin(impl_->pool.Acquire(), true));
  return MakeSqliteTxn(std::move(txn));
}

Result<std::optional<DeviceRow>> SqliteServerStore::FindDeviceByCredential(const Digest& sha256) {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::optional<DeviceRow>> {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT " DS_DEVICE_COLUMNS " FROM device WHERE credential_sha256 = ?"));
    st.BindBlob(1, sqlite_rows::DigestBytes(sha256));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<DeviceRow>();
    DS_ASSIGN_OR_RETURN(DeviceRow d, sqlite_rows::ReadDevice(st));
    return std::optional<DeviceRow>(std::move(d));
  });
}

Result<std::optional<v1::FormDef>> SqliteServerStore::GetForm(const std::string& form_id,
                                                              const std::string& version) {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::optional<v1::FormDef>> {
    DS_ASSIGN_OR_RETURN(auto st,
                        db.Prepare("SELECT def FROM form WHERE form_id = ? AND version = ?"));
    st.Bind(1, form_id).Bind(2, version);
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<v1::FormDef>();
    DS_ASSIGN_OR_RETURN(v1::FormDef def, sqlite_rows::ParseForm(st.Blob(0)));
    return std::optional<v1::FormDef>(std::move(def));
  });
}

Result<std::vector<v1::FormDef>> SqliteServerStore::ListForms() {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::vector<v1::FormDef>> {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT def FROM form ORDER BY install_seq"));
    std::vector<v1::FormDef> out;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      DS_ASSIGN_OR_RETURN(v1::FormDef def, sqlite_rows::ParseForm(st.Blob(0)));
      out.push_back(std::move(def));
    }
    return out;
  });
}

Result<PullRows> SqliteServerStore::Pull(const PullQuery& q) {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<PullRows> {
    const auto fetch = static_cast<int64_t>(q.limit) + 1;  // one more, to know whether more exist
    std::vector<FieldRow> rows;
    if (q.all_scopes) {
      DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "SELECT " DS_FIELD_COLUMNS " FROM field f JOIN author a ON a.id = f.author "
          "WHERE f.version > ?1 AND (?3 = '' OR f.pushed_by <> ?3) ORDER BY f.version LIMIT ?2"));
      st.Bind(1, q.cursor).Bind(2, fetch).Bind(3, q.skip_pushed_by);
      DS_ASSIGN_OR_RETURN(rows, ReadFields(st));
    } else {
      // One index range per scope (scope, version > cursor), merged here: each query reads at
      // most `fetch` rows, so a page costs what the device's villages changed.
      std::set<std::string> scopes(q.scopes.begin(), q.scopes.end());
      for (const auto& scope : scopes) {
        DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
            "SELECT " DS_FIELD_COLUMNS " FROM field f JOIN author a ON a.id = f.author "
            "WHERE f.scope = ?1 AND f.version > ?2 AND (?4 = '' OR f.pushed_by <> ?4) "
            "ORDER BY f.version LIMIT ?3"));
        st.Bind(1, scope).Bind(2, q.cursor).Bind(3, fetch).Bind(4, q.skip_pushed_by);
        DS_ASSIGN_OR_RETURN(auto part, ReadFields(st));
        for (auto& f : part) rows.push_back(std::move(f));
      }
      std::sort(rows.begin(), rows.end(),
                [](const FieldRow& a, const FieldRow& b) { return a.version < b.version; });
    }
    PullRows out;
    out.more = rows.size() > q.limit;
    if (out.more) rows.resize(q.limit);
    out.fields = std::move(rows);
    if (out.more) {
      out.scanned_to = out.fields.back().version;
    } else {
      DS_ASSIGN_OR_RETURN(auto last,
                          db.Prepare("SELECT value FROM meta WHERE key = 'last_version'"));
      DS_ASSIGN_OR_RETURN(bool row, last.Step());
      out.head = row ? last.Int(0) : int64_t{0};
      out.scanned_to = std::max(q.cursor, out.head);
    }
    std::set<RecordId> seen;
    for (const auto& f : out.fields) {
      if (!seen.insert(f.record_id).second) continue;
      DS_ASSIGN_OR_RETURN(auto st,
                          db.Prepare("SELECT " DS_RECORD_COLUMNS " FROM record WHERE id = ?"));
      st.BindBlob(1, f.record_id.AsBytes());
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status(Code::kCorruption, "field of a missing record", f.record_id.ToString());
      DS_ASSIGN_OR_RETURN(RecordRow r, sqlite_rows::ReadRecord(st));
      out.records.push_back(std::move(r));
    }
    return out;
  });
}

Result<std::vector<v1::Conflict>> SqliteServerStore::ListConflicts(const ConflictQuery& q) {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::vector<v1::Conflict>> {
    const int64_t min_open = q.open_only ? 1 : 0;
    if (q.all_scopes) {
      DS_ASSIGN_OR_RETURN(auto st,
                          db.Prepare("SELECT id, body FROM conflict WHERE open >= ? ORDER BY id"));
      st.Bind(1, min_open);
      return ReadConflicts(st);
    }
    std::vector<v1::Conflict> out;
    std::set<std::string> scopes(q.scopes.begin(), q.scopes.end());
    for (const auto& scope : scopes) {
      DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
          "SELECT id, body FROM conflict WHERE scope = ? AND open >= ? ORDER BY id"));
      st.Bind(1, scope).Bind(2, min_open);
      DS_ASSIGN_OR_RETURN(auto part, ReadConflicts(st));
      for (auto& c : part) out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(),
              [](const v1::Conflict& a, const v1::Conflict& b) { return a.id() < b.id(); });
    return out;
  });
}

Result<std::vector<QuarantineRow>> SqliteServerStore::ListQuarantine() {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::vector<QuarantineRow>> {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT id, device_id, batch_seq, record_id, path, reason, received_ms, change "
        "FROM quarantine ORDER BY id"));
    std::vector<QuarantineRow> out;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      QuarantineRow q;
      q.entry.set_id(st.Int(0));
      q.entry.set_device_id(std::string(st.Text(1)));
      q.entry.set_batch_seq(static_cast<uint64_t>(st.Int(2)));
      q.entry.set_record_id(std::string(st.Blob(3)));
      q.entry.set_path(std::string(st.Text(4)));
      q.entry.set_reason(std::string(st.Text(5)));
      q.entry.set_received_ms(st.Int(6));
      q.change = st.Blob(7);
      out.push_back(std::move(q));
    }
    return out;
  });
}

Result<std::vector<DeviceRow>> SqliteServerStore::ListDevices() {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::vector<DeviceRow>> {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT " DS_DEVICE_COLUMNS " FROM device ORDER BY enrolled_ms, id"));
    std::vector<DeviceRow> out;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      DS_ASSIGN_OR_RETURN(DeviceRow d, sqlite_rows::ReadDevice(st));
      out.push_back(std::move(d));
    }
    return out;
  });
}

Result<std::vector<std::string>> SqliteServerStore::ListScopes() {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::vector<std::string>> {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT DISTINCT scope FROM record ORDER BY scope"));
    std::vector<std::string> out;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.emplace_back(st.Text(0));
    }
    return out;
  });
}

Status SqliteServerStore::ForEachLiveField(const std::string& scope,
                                           const std::function<void(const FieldRow&)>& fn) {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Status {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT record_id, path, value FROM field WHERE scope = ? AND value IS NOT NULL"));
    st.Bind(1, scope);
    FieldRow f;
    f.scope = scope;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string_view id = st.Blob(0);
      if (id.size() != 16) return Status(Code::kCorruption, "field row: record id is not 16 bytes");
      f.record_id = Uuid::FromBytes(id.data());
      f.path = st.Text(1);
      std::string_view bytes = st.Blob(2);
      if (!f.value.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        return Status(Code::kCorruption, "field row: value does not decode", f.path);
      }
      fn(f);
    }
    return Status::Ok();
  });
}

Result<std::string> SqliteServerStore::IntegrityCheck() {
  return WithRead(*impl_, [&](sqlite::Conn& db) -> Result<std::string> {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("PRAGMA integrity_check"));
    std::string out;
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      if (!out.empty()) out += '\n';
      out += st.Text(0);
    }
    return out;
  });
}

}  // namespace doorstep::sync::server
