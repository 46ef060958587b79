// One bad change never blocks a tablet (libcurl client, HTTP server on 127.0.0.1, SQLite on both
// sides): a change the server refuses is isolated, kept on the tablet with its reason, and every
// other change is pushed; so is a change the tablet cannot even encode.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "client_harness.h"

namespace doorstep::testing {
namespace {

size_t ServerRecords(TestServer& server, const std::string& village) {
  return server.Checksum(village).second;  // fields; 0 when the village holds nothing
}

bool HasRecord(Store& store, const RecordId& id) { return store.GetRecord(id).ok(); }

}  // namespace

TEST_CASE("a change refused by the server is kept on the tablet and the others are pushed",
          "[sync][client][bad-input]") {
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet a(dir.path().string(), "TAB-A");
  Tablet office(dir.path().string(), "OFFICE");
  a.Enroll(server.url(), server.Token({kVillage}));
  office.Enroll(server.url(), server.Token({}, /*reviewer=*/true));

  auto moved = a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
  REQUIRE(moved.ok());
  a.SyncOk();
  office.SyncOk();
  // The office moves the household to another village; tablet A has not heard of it yet.
  REQUIRE(office.store().SetValue(*moved, "village", Text(kOtherVillage)).ok());
  office.SyncOk();

  // A edits the moved household and captures new ones: one batch, one record it may no longer
  // write (403 for the whole batch before this fix, every sync after).
  REQUIRE(a.store().SetValue(*moved, "phone", Text("13800000000")).ok());
  std::vector<RecordId> fresh;
  for (int i = 0; i < 3; ++i) {
    auto id = a.store().CreateRecord("household", "",
                                     SmallHousehold(kVillage, "新户" + std::to_string(i)));
    REQUIRE(id.ok());
    fresh.push_back(*id);
  }
  const size_t fields_before = ServerRecords(server, kVillage);
  auto r = a.Sync();
  INFO(r.push_status.ToString());
  CHECK(r.push_status.ok());
  CHECK(r.refused == 1);
  for (const auto& q : r.quarantined_changes) UNSCOPED_INFO(q.path << ": " << q.reason);
  REQUIRE(r.quarantined_changes.size() == 1);
  CHECK(r.quarantined_changes[0].refused_here);
  CHECK(r.quarantined_changes[0].record_id == *moved);
  CHECK(r.quarantined_changes[0].path == "phone");
  CHECK_THAT(r.quarantined_changes[0].reason, Catch::Contains("village"));
  CHECK(r.batches_sent >= 1);
  // The new households reached the server.
  CHECK(ServerRecords(server, kVillage) > fields_before);
  office.SyncOk();
  for (const auto& id : fresh) CHECK(HasRecord(office.store(), id));
  CHECK(TextOf(office.store(), *moved, "phone").empty());
  // Kept on the tablet: the value, and the reason in the quarantine list; nothing pending.
  CHECK(TextOf(a.store(), *moved, "phone") == "13800000000");
  CHECK(a.Pending() == 0);
  auto q = a.store().Quarantined();
  REQUIRE(q.ok());
  REQUIRE(q->size() == 1);
  CHECK(q->at(0).path == "phone");
  CHECK_FALSE(q->at(0).by_server);
  CHECK_THAT(q->at(0).reason, Catch::StartsWith("refused by the server: "));
  // The next sync pushes nothing again and fails nothing.
  auto again = a.Sync();
  CHECK(again.push_status.ok());
  CHECK(again.batches_sent == 0);
  CHECK(again.refused == 0);
}

TEST_CASE("a stored value the tablet cannot encode is quarantined and the rest is pushed",
          "[sync][client][bad-input]") {
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet a(dir.path().string(), "TAB-A");
  Tablet office(dir.path().string(), "OFFICE");
  a.Enroll(server.url(), server.Token({kVillage}));
  office.Enroll(server.url(), server.Token({}, /*reviewer=*/true));
  auto bad = a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
  auto good = a.store().CreateRecord("household", "", SmallHousehold(kVillage, "李四"));
  REQUIRE(bad.ok());
  REQUIRE(good.ok());
  // As an older build could leave it: head_name holds bytes that are not UTF-8 (the write path
  // refuses them now, so the file is edited directly: a fault that cannot be caused otherwise).
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir.path() / "TAB-A.db").string().c_str(), &db) == SQLITE_OK);
#ifdef DOORSTEP_HAS_ENCRYPTION
    sqlite3_exec(db, ("PRAGMA key = '" + EncryptionKey() + "'").c_str(), nullptr, nullptr,
                 nullptr);
#endif
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "UPDATE value SET value = x'0a01ff' WHERE path = 'head_name' "
                               "AND record_id = ?",
                               -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_blob(st, 1, bad->AsBytes().data(), 16, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    REQUIRE(sqlite3_changes(db) == 1);
    sqlite3_close(db);
  }
  auto r = a.Sync();
  INFO(r.push_status.ToString());
  CHECK(r.push_status.ok());
  CHECK(r.refused == 1);
  REQUIRE(r.quarantined_changes.size() == 1);
  CHECK(r.quarantined_changes[0].path == "head_name");
  CHECK_THAT(r.quarantined_changes[0].reason, Catch::Contains("does not decode"));
  CHECK(a.Pending() == 0);
  office.SyncOk();
  CHECK(TextOf(office.store(), *good, "head_name") == "李四");
  CHECK(TextOf(office.store(), *bad, "household_no") == "5226310020300001");
  CHECK(TextOf(office.store(), *bad, "head_name").empty());
}

TEST_CASE("a change quarantined by the server is listed on the tablet with its reason",
          "[sync][client][bad-input]") {
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet a(dir.path().string(), "TAB-A");
  a.Enroll(server.url(), server.Token({kVillage}));
  v1::FormDef unknown = HouseholdForm();
  unknown.set_version("2099.1");  // not installed on the server
  REQUIRE(a.store().InstallForm(unknown).ok());
  auto id = a.store().CreateRecord("household", "2099.1", SmallHousehold(kVillage, "王秀英"));
  REQUIRE(id.ok());
  auto r = a.Sync();
  CHECK(r.push_status.ok());
  CHECK(r.quarantined > 0);
  CHECK(r.refused == 0);
  auto q = a.store().Quarantined();
  REQUIRE(q.ok());
  REQUIRE(q->size() == r.quarantined);
  CHECK(q->at(0).by_server);
  CHECK(q->at(0).reason == "form household@2099.1 is not installed");
}

}  // namespace doorstep::testing
