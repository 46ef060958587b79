#include <cmath>
#include <cstdio>

#include "doorstep/core/text_check.h"
#include "store/impl.h"

namespace doorstep {

const char* RecordStateName(RecordState s) {
  return s == RecordState::kFinalized ? "finalized" : "draft";
}

const char* SignatureStateName(SignatureState s) {
  switch (s) {
    case SignatureState::kValid: return "valid";
    case SignatureState::kStale: return "stale";
    case SignatureState::kMissing: return "missing";
  }
  return "missing";
}

const v1::Value* Record::Get(const std::string& path) const {
  auto it = std::lower_bound(values.begin(), values.end(), path,
                             [](const StoredValue& v, const std::string& p) { return v.path < p; });
  return it != values.end() && it->path == path ? &it->value : nullptr;
}

Edit Edit::Set(std::string path, v1::Value value) {
  Edit e;
  e.op = Op::kSet;
  e.path = std::move(path);
  e.value = std::move(value);
  return e;
}
Edit Edit::Clear(std::string path) {
  Edit e;
  e.op = Op::kClear;
  e.path = std::move(path);
  return e;
}
Edit Edit::AddInstance(std::string repeat_path, std::string instance_id) {
  Edit e;
  e.op = Op::kAddInstance;
  e.path = std::move(repeat_path);
  e.instance_id = std::move(instance_id);
  return e;
}
Edit Edit::RemoveInstance(std::string instance_path) {
  Edit e;
  e.op = Op::kRemoveInstance;
  e.path = std::move(instance_path);
  return e;
}
Edit Edit::Sign(std::string path, SignatureInput input) {
  Edit e;
  e.op = Op::kSign;
  e.path = std::move(path);
  e.signature = std::move(input);
  return e;
}

int32_t Store::Impl::TodayDays() const {
  return LocalToday(*options.clock);
}

Status Store::Impl::RequireAuthor() const {
  if (author_id == 0) {
    return Status(Code::kFailedPrecondition,
                  "no author set: a store needs its surveyor and device (SetAuthor) before "
                  "its first write");
  }
  return Status::Ok();
}

Status Store::Impl::PersistHlc() {
  DS_ASSIGN_OR_RETURN(auto st, db->Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('hlc', ?)"));
  return st.Bind(1, static_cast<int64_t>(hlc->last())).Run();
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.clock == nullptr || options.random == nullptr) {
    return Status(Code::kInvalidArgument, "StoreOptions needs a clock and a random source");
  }
  if (options.path.empty()) return Status(Code::kInvalidArgument, "StoreOptions.path is empty");
#ifdef DOORSTEP_TABLET_BUILD
  // ":memory:" never reaches the disk, so it needs no key.
  if (options.key.empty() && !options.allow_plain_for_tests && options.path != ":memory:") {
    return Status(Code::kFailedPrecondition, "a tablet store needs a key", options.path);
  }
#endif
  if (options.path != ":memory:") {
    // An existing empty file is not a new store: something truncated a store (or the path is
    // wrong). SQLite would silently make it one.
    if (std::FILE* f = std::fopen(options.path.c_str(), "rb")) {
      const bool empty = std::fgetc(f) == EOF && !std::ferror(f);
      std::fclose(f);
      if (empty) {
        return Status(Code::kFailedPrecondition,
                      "the file exists but is empty (0 bytes), so it is not a store; move it away "
                      "to create a new store there",
                      options.path);
      }
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  DS_ASSIGN_OR_RETURN(impl->db, store::Db::Open(options.path, options.key, {}));
  store::Db& db = *impl->db;
  // The first read proves the key (or that the file is a plain database at all).
  {
    DS_ASSIGN_OR_RETURN(auto probe, db.Prepare("SELECT count(*) FROM sqlite_master"));
    DS_ASSIGN_OR_RETURN(bool row, probe.Step());
    (void)row;
  }
  DS_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  {
    DS_ASSIGN_OR_RETURN(auto wal, db.Prepare("PRAGMA journal_mode = WAL"));
    DS_ASSIGN_OR_RETURN(bool row, wal.Step());
    // ":memory:" is a private in-memory store (validation and reports on a server: nothing of it
    // reaches the disk); SQLite keeps its journal in memory then.
    const bool in_memory = options.path == ":memory:";
    if (!row || wal.Text(0) != (in_memory ? "memory" : "wal")) {
      return Status(Code::kIo, "the store could not switch to WAL journaling", options.path);
    }
  }
  DS_RETURN_IF_ERROR(db.Exec(options.durability == Durability::kFull     ? "PRAGMA synchronous = FULL"
                             : options.durability == Durability::kNormal ? "PRAGMA synchronous = NORMAL"
                                                                         : "PRAGMA synchronous = OFF"));
  DS_RETURN_IF_ERROR(MigrateSchema(db));

  HlcTimestamp last = 0;
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT key, value FROM meta WHERE key IN ('hlc', 'author')"));
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      if (st.Text(0) == "hlc") last = static_cast<HlcTimestamp>(st.Int(1));
      if (st.Text(0) == "author") impl->author_id = st.Int(1);
    }
  }
  impl->hlc = std::make_unique<Hlc>(*options.clock, last);
  if (impl->author_id != 0) {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT surveyor, device FROM author WHERE id = ?"));
    st.Bind(1, impl->author_id);
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status(Code::kCorruption, "meta.author names a missing author row");
    impl->author = {std::string(st.Text(0)), std::string(st.Text(1))};
  }
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT max(coalesce((SELECT max(seq) FROM outbox), 0), coalesce((SELECT max(pending) FROM value WHERE record_id IN (SELECT record_id FROM outbox)), 0))"));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    impl->next_outbox_seq = (row ? st.Int(0) : 0) + 1;
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

namespace {
constexpr size_t kMaxAuthorIdBytes = 128;
}  // namespace

Status Store::SetAuthor(const Author& author) {
  if (author.surveyor_id.empty() || author.device_id.empty()) {
    return Status(Code::kInvalidArgument, "surveyor id and device id must not be empty",
                  author.surveyor_id.empty() ? "surveyor" : "device");
  }
  // Both travel in every change set as protobuf strings: invalid UTF-8 would make every push
  // of the store undecodable.
  struct Id {
    const std::string& text;
    const char* where;
    const char* what;
  };
  for (const Id& id : {Id{author.surveyor_id, "surveyor", "surveyor id"},
                       Id{author.device_id, "device", "device id"}}) {
    if (id.text.size() > kMaxAuthorIdBytes) {
      return Status(Code::kInvalidArgument,
                    std::string(id.what) + " longer than " + std::to_string(kMaxAuthorIdBytes) +
                        " bytes",
                    id.where);
    }
    DS_RETURN_IF_ERROR(CheckText(id.text, id.where, id.what, false));
  }
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  {
    DS_ASSIGN_OR_RETURN(auto ins, db.Prepare("INSERT OR IGNORE INTO author(surveyor, device) VALUES(?, ?)"));
    DS_RETURN_IF_ERROR(ins.Bind(1, author.surveyor_id).Bind(2, author.device_id).Run());
  }
  int64_t id = 0;
  {
    DS_ASSIGN_OR_RETURN(auto sel, db.Prepare("SELECT id FROM author WHERE surveyor = ? AND device = ?"));
    sel.Bind(1, author.surveyor_id).Bind(2, author.device_id);
    DS_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (!row) return Status(Code::kInternal, "author row missing after insert");
    id = sel.Int(0);
  }
  {
    DS_ASSIGN_OR_RETURN(auto meta, db.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('author', ?)"));
    DS_RETURN_IF_ERROR(meta.Bind(1, id).Run());
  }
  DS_RETURN_IF_ERROR(txn->Commit());
  impl_->author = author;
  impl_->author_id = id;
  return Status::Ok();
}

const Author& Store::author() const { return impl_->author; }

Status Store::InstallForm(const v1::FormDef& def) { return InstallForms({def}); }

Status Store::InstallForms(const std::vector<v1::FormDef>& defs) {
  std::vector<std::shared_ptr<const CompiledForm>> compiled;
  compiled.reserve(defs.size());
  for (const auto& def : defs) {
    auto c = CompiledForm::Compile(def);
    if (!c.ok()) return c.status();  // its `where` names the form version
    compiled.push_back(std::move(c).value());
  }
  auto& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  int64_t seq = 1;
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT coalesce(max(install_seq), 0) + 1 FROM form"));
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) seq = st.Int(0);
  }
  for (size_t i = 0; i < defs.size(); ++i) {
    const v1::FormDef& def = defs[i];
    std::string bytes;
    def.SerializeToString(&bytes);
    DS_ASSIGN_OR_RETURN(auto sel, db.Prepare("SELECT def FROM form WHERE form_id = ? AND version = ?"));
    sel.Bind(1, def.form_id()).Bind(2, def.version());
    DS_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (row) {
      v1::FormDef existing;
      std::string_view blob = sel.Blob(0);
      existing.ParseFromArray(blob.data(), static_cast<int>(blob.size()));
      if (existing.SerializeAsString() == bytes) continue;  // identical: no-op
      return Status(Code::kAlreadyExists,
                    "a different definition of this form version is already installed; give the "
                    "changed form a new version",
                    compiled[i]->key());
    }
    DS_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT INTO form(form_id, version, def, installed_ms, install_seq) VALUES(?, ?, ?, ?, ?)"));
    DS_RETURN_IF_ERROR(ins.Bind(1, def.form_id())
                           .Bind(2, def.version())
                           .BindBlob(3, bytes)
                           .Bind(4, impl_->options.clock->NowMs())
                           .Bind(5, seq++)
                           .Run());
  }
  DS_RETURN_IF_ERROR(txn->Commit());
  for (auto& c : compiled) impl_->forms[c->key()] = c;
  return Status::Ok();
}

Result<std::shared_ptr<const CompiledForm>> Store::Impl::Form(const std::string& form_id,
                                                              const std::string& version) {
  std::string key = form_id + "@" + version;
  auto it = forms.find(key);
  if (it != forms.end()) return it->second;
  DS_ASSIGN_OR_RETURN(auto sel, db->Prepare("SELECT def FROM form WHERE form_id = ? AND version = ?"));
  sel.Bind(1, form_id).Bind(2, version);
  DS_ASSIGN_OR_RETURN(bool row, sel.Step());
  if (!row) return Status(Code::kNotFound, "form version not installed", key);
  v1::FormDef def;
  std::string_view blob = sel.Blob(0);
  if (!def.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return Status(Code::kCorruption, "stored form definition does not decode", key);
  }
  DS_ASSIGN_OR_RETURN(auto compiled, CompiledForm::Compile(std::move(def)));
  forms[key] = compiled;
  return compiled;
}

Result<std::shared_ptr<const CompiledForm>> Store::GetForm(const std::string& form_id,
                                                           const std::string& version) {
  return impl_->Form(form_id, version);
}

Result<std::string> Store::LatestVersion(const std::string& form_id) {
  DS_ASSIGN_OR_RETURN(auto sel, impl_->db->Prepare(
      "SELECT version FROM form WHERE form_id = ? ORDER BY install_seq DESC LIMIT 1"));
  sel.Bind(1, form_id);
  DS_ASSIGN_OR_RETURN(bool row, sel.Step());
  if (!row) return Status(Code::kNotFound, "no version of this form is installed", form_id);
  return std::string(sel.Text(0));
}

Result<std::vector<FormSummary>> Store::ListForms() {
  DS_ASSIGN_OR_RETURN(auto sel, impl_->db->Prepare(
      "SELECT f.form_id, f.version, f.def, f.installed_ms, "
      "(SELECT count(*) FROM record r WHERE r.form_id = f.form_id AND r.form_version = f.version "
      "AND r.deleted = 0) FROM form f ORDER BY f.form_id, f.install_seq"));
  std::vector<FormSummary> out;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (!row) break;
    FormSummary s;
    s.form_id = sel.Text(0);
    s.version = sel.Text(1);
    v1::FormDef def;
    std::string_view blob = sel.Blob(2);
    if (def.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) s.title = def.title();
    s.installed_ms = sel.Int(3);
    s.record_count = sel.Int(4);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::string> Store::IntegrityCheck() {
  DS_ASSIGN_OR_RETURN(auto st, impl_->db->Prepare("PRAGMA integrity_check"));
  std::string out;
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (!out.empty()) out += "\n";
    out += st.Text(0);
  }
  DS_ASSIGN_OR_RETURN(auto fk, impl_->db->Prepare("PRAGMA foreign_key_check"));
  DS_ASSIGN_OR_RETURN(bool bad, fk.Step());
  if (bad) out += "\nforeign key violation in table " + std::string(fk.Text(0));
  return out;
}

}  // namespace doorstep
