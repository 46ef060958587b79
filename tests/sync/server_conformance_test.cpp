// The storage-primitive half of the conformance suite (server_conformance.h), and the SQLite
// store's run of both halves.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <fstream>

#include "server_conformance.h"
#include "server_harness.h"

namespace doorstep::testing::srv {
namespace {

namespace ss = sync::server;

template <typename T>
T Must(Result<T> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}
void Must(const Status& s) {
  INFO(s.ToString());
  REQUIRE(s.ok());
}

std::unique_ptr<ss::ServerTxn> Begin(ss::ServerStore& store) { return Must(store.Begin()); }

ss::FieldRow Field(const RecordId& id, const std::string& path, const std::string& scope,
                   int64_t version, const std::string& text, bool cleared = false) {
  ss::FieldRow f;
  f.record_id = id;
  f.path = path;
  f.scope = scope;
  f.cleared = cleared;
  if (!cleared) f.value = Text(text);
  f.version = version;
  f.hlc = MakeHlc(1795399200000 + version, 0);
  f.author = Author{"s1", "d1"};
  f.received_ms = 1795399200000;
  return f;
}

ss::RecordRow Record(const RecordId& id, const std::string& scope) {
  ss::RecordRow r;
  r.id = id;
  r.form_id = "tiny";
  r.form_version = "1";
  r.scope = scope;
  r.created_ms = 1795399200000;
  return r;
}

// Writes one record with `n` fields in `scope`, each at a new version; returns the versions.
std::vector<int64_t> WriteRecord(ss::ServerTxn& txn, const RecordId& id, const std::string& scope,
                                 int n) {
  ss::RecordRow r = Record(id, scope);
  Must(txn.PutRecord(r));
  std::vector<int64_t> versions;
  for (int i = 0; i < n; ++i) {
    int64_t v = Must(txn.NextVersion());
    Must(txn.PutField(Field(id, "f" + std::to_string(i), scope, v, "x")));
    versions.push_back(v);
    r.max_version = v;
  }
  Must(txn.PutRecord(r));
  return versions;
}

}  // namespace

void RunServerStoreConformance(const StoreFactory& open) {
  auto store = open();
  REQUIRE(store != nullptr);
  {
    auto txn = Begin(*store);
    Must(txn->PutForm(TinyForm(), 1));
    Must(txn->Commit());
  }

  SECTION("versions increase, and an uncommitted transaction leaves nothing") {
    int64_t v1 = 0, v2 = 0;
    {
      auto txn = Begin(*store);
      v1 = Must(txn->NextVersion());
      v2 = Must(txn->NextVersion());
      Must(txn->Commit());
    }
    CHECK(v1 > 0);
    CHECK(v2 > v1);
    {
      auto txn = Begin(*store);
      WriteRecord(*txn, Rid(1), "A", 2);
      Must(txn->PutForm(TinyForm("2"), 2));
    }  // rolled back
    {
      auto txn = Begin(*store);
      CHECK(Must(txn->NextVersion()) > v2);
      CHECK_FALSE(Must(txn->GetRecord(Rid(1))).has_value());
    }
    CHECK_FALSE(Must(store->GetForm("tiny", "2")).has_value());
    CHECK(Must(store->Pull({true, {}, 0, 10, {}})).fields.empty());
  }

  SECTION("records and fields: insert, replace, clear, list") {
    auto txn = Begin(*store);
    ss::RecordRow r = Record(Rid(2), "A");
    Must(txn->PutRecord(r));
    int64_t v1 = Must(txn->NextVersion());
    Must(txn->PutField(Field(Rid(2), "note", "A", v1, "first")));
    int64_t v2 = Must(txn->NextVersion());
    Must(txn->PutField(Field(Rid(2), "count", "A", v2, "", true)));
    int64_t v3 = Must(txn->NextVersion());
    Must(txn->PutField(Field(Rid(2), "note", "A", v3, "second")));
    r.max_version = v3;
    r.form_version = "1";
    Must(txn->PutRecord(r));
    Must(txn->Commit());

    auto txn2 = Begin(*store);
    auto got = Must(txn2->GetRecord(Rid(2)));
    REQUIRE(got.has_value());
    CHECK(got->max_version == v3);
    CHECK(got->scope == "A");
    auto note = Must(txn2->GetField(Rid(2), "note"));
    REQUIRE(note.has_value());
    CHECK(note->value.text() == "second");
    CHECK(note->version == v3);
    CHECK(note->author == Author{"s1", "d1"});
    CHECK(note->hlc == MakeHlc(1795399200000 + v3, 0));
    auto count = Must(txn2->GetField(Rid(2), "count"));
    REQUIRE(count.has_value());
    CHECK(count->cleared);
    CHECK_FALSE(Must(txn2->GetField(Rid(2), "absent")).has_value());
    auto all = Must(txn2->GetRecordFields(Rid(2)));
    REQUIRE(all.size() == 2);
    CHECK(all[0].path == "count");
    CHECK(all[1].path == "note");
  }

  SECTION("pull: by scope, after the cursor, in version order, bounded, with headers") {
    std::vector<int64_t> a1, b1, a2;
    {
      auto txn = Begin(*store);
      a1 = WriteRecord(*txn, Rid(10), "A", 3);
      b1 = WriteRecord(*txn, Rid(11), "B", 2);
      a2 = WriteRecord(*txn, Rid(12), "A", 2);
      Must(txn->Commit());
    }
    auto page = Must(store->Pull({false, {"A"}, 0, 4, {}}));
    REQUIRE(page.fields.size() == 4);
    CHECK(page.more);
    CHECK(page.fields[0].version == a1[0]);
    CHECK(page.fields[3].version == a2[0]);
    for (const auto& f : page.fields) CHECK(f.scope == "A");
    REQUIRE(page.records.size() == 2);
    auto rest = Must(store->Pull({false, {"A"}, page.fields.back().version, 4, {}}));
    REQUIRE(rest.fields.size() == 1);
    CHECK(rest.fields[0].version == a2[1]);
    CHECK_FALSE(rest.more);
    REQUIRE(rest.records.size() == 1);
    CHECK(rest.records[0].id == Rid(12));
    CHECK(rest.records[0].form_id == "tiny");

    auto both = Must(store->Pull({false, {"B", "A"}, 0, 100, {}}));
    CHECK(both.fields.size() == 7);
    for (size_t i = 1; i < both.fields.size(); ++i) {
      CHECK(both.fields[i - 1].version < both.fields[i].version);
    }
    auto everything = Must(store->Pull({true, {}, a1[2], 100, {}}));
    CHECK(everything.fields.size() == 4);
    CHECK(Must(store->Pull({false, {"C"}, 0, 100, {}})).fields.empty());

    CHECK(Must(store->ListScopes()) == std::vector<std::string>{"A", "B"});
  }

  SECTION("pull: a device's own pushed rows left out, the scan still reported") {
    std::vector<int64_t> mine, theirs, server;
    {
      auto txn = Begin(*store);
      ss::RecordRow r = Record(Rid(20), "A");
      Must(txn->PutRecord(r));
      auto put = [&](const std::string& path, const std::string& pusher) {
        const int64_t v = Must(txn->NextVersion());
        ss::FieldRow f = Field(Rid(20), path, "A", v, "x");
        f.pushed_by = pusher;
        Must(txn->PutField(f));
        r.max_version = v;
        return v;
      };
      mine.push_back(put("m0", "dev-1"));
      mine.push_back(put("m1", "dev-1"));
      theirs.push_back(put("t0", "dev-2"));
      mine.push_back(put("m2", "dev-1"));
      server.push_back(put("s0", ""));  // written by the server itself: nobody's own
      mine.push_back(put("m3", "dev-1"));
      Must(txn->PutRecord(r));
      Must(txn->Commit());
    }
    ss::PullQuery q{false, {"A"}, 0, 100, "dev-1"};
    auto page = Must(store->Pull(q));
    REQUIRE(page.fields.size() == 2);
    CHECK(page.fields[0].version == theirs[0]);
    CHECK(page.fields[0].pushed_by == "dev-2");
    CHECK(page.fields[1].version == server[0]);
    CHECK(page.fields[1].pushed_by.empty());
    CHECK_FALSE(page.more);
    CHECK(page.scanned_to == mine.back());  // the last version of the store: past m3
    REQUIRE(page.records.size() == 1);

    q.limit = 1;
    auto first = Must(store->Pull(q));
    REQUIRE(first.fields.size() == 1);
    CHECK(first.more);
    CHECK(first.scanned_to == theirs[0]);

    // Only own rows after the cursor: nothing comes, the scan reaches the end.
    q.cursor = server[0];
    q.limit = 100;
    auto none = Must(store->Pull(q));
    CHECK(none.fields.empty());
    CHECK(none.records.empty());
    CHECK(none.scanned_to == mine.back());

    // Without skipping, every row comes, with who pushed it.
    auto all = Must(store->Pull({false, {"A"}, 0, 100, {}}));
    CHECK(all.fields.size() == 6);
    CHECK(all.fields[0].pushed_by == "dev-1");
  }

  SECTION("live fields of a scope skip cleared ones and other scopes") {
    {
      auto txn = Begin(*store);
      WriteRecord(*txn, Rid(20), "A", 2);
      WriteRecord(*txn, Rid(21), "B", 1);
      int64_t v = Must(txn->NextVersion());
      Must(txn->PutField(Field(Rid(20), "gone", "A", v, "", true)));
      Must(txn->Commit());
    }
    std::vector<std::string> seen;
    Must(store->ForEachLiveField("A", [&](const ss::FieldRow& f) {
      seen.push_back(f.record_id.ToString() + "/" + f.path + "=" + f.value.text());
    }));
    std::sort(seen.begin(), seen.end());
    CHECK(seen == std::vector<std::string>{Rid(20).ToString() + "/f0=x",
                                           Rid(20).ToString() + "/f1=x"});
  }

  SECTION("batches are recorded per device and sequence") {
    auto txn = Begin(*store);
    ss::DeviceRow d;
    d.device_id = "dev-1";
    d.team = "t";
    d.villages = {"A"};
    d.credential_sha256 = Sha256Of("c1");
    Must(txn->PutDevice(d));
    CHECK_FALSE(Must(txn->GetBatch("dev-1", 1)).has_value());
    ss::BatchRow b{"dev-1", 1, Sha256Of("body"), "result-bytes", 5};
    Must(txn->PutBatch(b));
    auto got = Must(txn->GetBatch("dev-1", 1));
    REQUIRE(got.has_value());
    CHECK(got->body_sha256 == Sha256Of("body"));
    CHECK(got->result == "result-bytes");
    CHECK_FALSE(Must(txn->GetBatch("dev-1", 2)).has_value());
    // A device row referenced by batches can still be updated.
    d.last_seen_ms = 99;
    Must(txn->PutDevice(d));
    Must(txn->Commit());
    auto found = Must(store->FindDeviceByCredential(Sha256Of("c1")));
    REQUIRE(found.has_value());
    CHECK(found->last_seen_ms == 99);
  }

  SECTION("conflicts: open per field, listed by scope, resolved") {
    int64_t id1 = 0, id2 = 0;
    {
      auto txn = Begin(*store);
      WriteRecord(*txn, Rid(30), "A", 1);
      WriteRecord(*txn, Rid(31), "B", 1);
      v1::Conflict c;
      c.set_record_id(std::string(Rid(30).AsBytes()));
      c.set_path("f0");
      c.set_scope("A");
      c.add_candidates()->mutable_value()->set_text("one");
      c.add_candidates()->mutable_value()->set_text("two");
      id1 = Must(txn->AddConflict(c));
      c.set_record_id(std::string(Rid(31).AsBytes()));
      c.set_scope("B");
      id2 = Must(txn->AddConflict(c));
      Must(txn->Commit());
    }
    CHECK(id1 != id2);
    {
      auto txn = Begin(*store);
      auto found = Must(txn->GetOpenConflict(Rid(30), "f0"));
      REQUIRE(found.has_value());
      CHECK(found->id() == id1);
      CHECK(found->candidates_size() == 2);
      CHECK(Must(txn->GetRecordConflicts(Rid(30))).size() == 1);
      v1::Conflict c = *found;
      c.set_resolved(true);
      c.set_resolution(1);
      Must(txn->UpdateConflict(c));
      CHECK_FALSE(Must(txn->GetOpenConflict(Rid(30), "f0")).has_value());
      auto again = Must(txn->GetConflict(id1));
      REQUIRE(again.has_value());
      CHECK(again->resolved());
      Must(txn->Commit());
    }
    CHECK(Must(store->ListConflicts({false, {"A"}, true})).empty());
    CHECK(Must(store->ListConflicts({false, {"A"}, false})).size() == 1);
    CHECK(Must(store->ListConflicts({false, {"B"}, true})).size() == 1);
    auto all = Must(store->ListConflicts({true, {}, false}));
    REQUIRE(all.size() == 2);
    CHECK(all[0].id() == id1);
  }

  SECTION("quarantine keeps the whole change") {
    {
      auto txn = Begin(*store);
      ss::QuarantineRow q;
      q.entry.set_device_id("dev-1");
      q.entry.set_batch_seq(3);
      q.entry.set_record_id(std::string(Rid(40).AsBytes()));
      q.entry.set_path("note");
      q.entry.set_reason("form tiny@9 is not installed");
      q.entry.set_received_ms(7);
      q.change = "change-bytes";
      CHECK(Must(txn->AddQuarantine(q)) > 0);
      q.entry.set_path("count");
      Must(txn->AddQuarantine(q).status());
      Must(txn->Commit());
    }
    auto rows = Must(store->ListQuarantine());
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].entry.path() == "note");
    CHECK(rows[0].entry.batch_seq() == 3);
    CHECK(rows[0].entry.reason() == "form tiny@9 is not installed");
    CHECK(rows[0].change == "change-bytes");
    CHECK(rows[0].entry.id() < rows[1].entry.id());
  }

  SECTION("tokens, devices and forms") {
    {
      auto txn = Begin(*store);
      ss::TokenRow t;
      t.token_sha256 = Sha256Of("tok");
      t.team = "队";
      t.villages = {"A", "B"};
      Must(txn->PutToken(t));
      auto got = Must(txn->GetToken(Sha256Of("tok")));
      REQUIRE(got.has_value());
      CHECK(got->villages == std::vector<std::string>{"A", "B"});
      CHECK(got->used_by.empty());
      t.used_by = "dev-9";
      t.used_ms = 5;
      Must(txn->PutToken(t));
      CHECK(Must(txn->GetToken(Sha256Of("tok")))->used_by == "dev-9");
      CHECK_FALSE(Must(txn->GetToken(Sha256Of("other"))).has_value());
      ss::DeviceRow d;
      d.device_id = "dev-9";
      d.team = "队";
      d.villages = {"A"};
      d.reviewer = true;
      d.credential_sha256 = Sha256Of("cred");
      Must(txn->PutDevice(d));
      Must(txn->PutForm(TinyForm("2"), 2));
      Must(txn->Commit());
    }
    auto dev = Must(store->FindDeviceByCredential(Sha256Of("cred")));
    REQUIRE(dev.has_value());
    CHECK(dev->device_id == "dev-9");
    CHECK(dev->reviewer);
    CHECK_FALSE(Must(store->FindDeviceByCredential(Sha256Of("nope"))).has_value());
    CHECK(Must(store->ListDevices()).size() == 1);
    auto forms = Must(store->ListForms());
    REQUIRE(forms.size() == 2);
    CHECK(forms[0].version() == "1");
    CHECK(forms[1].version() == "2");
  }
}

TEST_CASE("SQLite server store passes the store conformance suite", "[sync][server]") {
  std::vector<std::unique_ptr<TempDir>> dirs;
  RunServerStoreConformance([&]() -> std::unique_ptr<ss::ServerStore> {
    dirs.push_back(std::make_unique<TempDir>());
    ss::SqliteStoreOptions o;
    o.path = dirs.back()->File("server.db");
    o.key = EncryptionKey();
    return Must(ss::SqliteServerStore::Open(o));
  });
}

TEST_CASE("SQLite server store passes the sync service conformance suite", "[sync][server]") {
  std::vector<std::unique_ptr<TempDir>> dirs;
  RunSyncServiceConformance([&]() -> std::unique_ptr<ss::ServerStore> {
    dirs.push_back(std::make_unique<TempDir>());
    ss::SqliteStoreOptions o;
    o.path = dirs.back()->File("server.db");
    o.key = EncryptionKey();
    return Must(ss::SqliteServerStore::Open(o));
  });
}

TEST_CASE("SQLite server store: schema, reopen, refusals", "[sync][server]") {
  TempDir dir;
  ss::SqliteStoreOptions o;
  o.path = dir.File("server.db");
  o.key = EncryptionKey();
  {
    auto store = Must(ss::SqliteServerStore::Open(o));
    CHECK(Must(store->IntegrityCheck()) == "ok");
    auto txn = Must(store->Begin());
    Must(txn->PutForm(TinyForm(), 1));
    Must(txn->Commit());
  }
  auto reopened = Must(ss::SqliteServerStore::Open(o));
  CHECK(Must(reopened->ListForms()).size() == 1);
  if (!EncryptionEnabled()) {
    // A new plain file has 8 KiB pages (header bytes 16-17, big-endian); SQLCipher files keep
    // their cipher's page size and an encrypted header.
    std::ifstream file(o.path, std::ios::binary);
    std::array<unsigned char, 18> header{};
    file.read(reinterpret_cast<char*>(header.data()), header.size());
    REQUIRE(file.good());
    CHECK((header[16] << 8 | header[17]) == 8192);
  }

  ss::SqliteStoreOptions no_checkpoints = o;
  no_checkpoints.checkpoint_pages = 0;
  CHECK(ss::SqliteServerStore::Open(no_checkpoints).status().where() == "checkpoint_pages");

  ss::SqliteStoreOptions missing = o;
  missing.path = dir.File("absent.db");
  missing.create = false;
  auto r = ss::SqliteServerStore::Open(missing);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kNotFound);

  ss::SqliteStoreOptions memory = o;
  memory.path = ":memory:";
  CHECK(ss::SqliteServerStore::Open(memory).status().code() == Code::kInvalidArgument);
}

}  // namespace doorstep::testing::srv
