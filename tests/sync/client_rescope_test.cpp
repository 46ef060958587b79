// A device moved to other villages by the township (`doorstep-server devices rescope`): the
// tablet learns its new scope from GET /v1/forms at its next sync, pulls the villages it gained,
// and purges the records of villages it lost, except records with unpushed work. Real server on
// 127.0.0.1, libcurl, SQLite files on both sides.
#include <catch2/catch.hpp>

#include "client_harness.h"

namespace doorstep::testing {
namespace {

std::string DeviceId(Tablet& t) { return t.store().GetSyncValue(sc::kKeyDeviceId).value(); }

bool Holds(Tablet& t, const RecordId& id) { return t.store().GetRecord(id).ok(); }

TEST_CASE("rescope: the tablet purges the villages it lost and pulls those it gained",
          "[sync][client][rescope]") {
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet a(dir.path().string(), "TAB-A");
  Tablet b(dir.path().string(), "TAB-B");
  a.Enroll(server.url(), server.Token({kVillage, kOtherVillage}));
  b.Enroll(server.url(), server.Token({kOtherVillage}));

  auto mine = a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
  auto synced = a.store().CreateRecord("household", "", SmallHousehold(kOtherVillage, "李明"));
  REQUIRE((mine.ok() && synced.ok()));
  auto first = a.SyncOk();
  CHECK_FALSE(first.scope_changed);
  // Work in the other village that has not reached the server yet.
  auto unpushed = a.store().CreateRecord("household", "", SmallHousehold(kOtherVillage, "张三"));
  REQUIRE(unpushed.ok());
  // B (the other village's tablet) adds a household there.
  auto from_b = b.store().CreateRecord("household", "", SmallHousehold(kOtherVillage, "赵四"));
  REQUIRE(from_b.ok());
  b.SyncOk();

  // The office takes the other village away from A.
  auto row = server.service().RescopeDevice(DeviceId(a), {kVillage});
  INFO(row.status().ToString());
  REQUIRE(row.ok());
  CHECK(row->villages == std::vector<std::string>{kVillage});

  auto r = a.Sync();
  INFO(r.status.ToString());
  CHECK(r.scope_changed);
  CHECK(r.records_purged == 1);       // the synced household of the lost village
  CHECK(r.purge_kept_unpushed == 1);  // the one with changes the server has not got
  CHECK(Holds(a, *mine));
  CHECK_FALSE(Holds(a, *synced));
  CHECK(Holds(a, *unpushed));
  CHECK_FALSE(Holds(a, *from_b));  // never pulled: no longer A's village
  REQUIRE(r.out_of_scope.size() == 1);
  CHECK(r.out_of_scope[0].record_id == *unpushed);
  CHECK(a.store().GetSyncValue(sc::kKeyVillages).value() == kVillage);
  // What A synced before stays on the server.
  CHECK(server.Checksum(kOtherVillage).second > 0);
  CHECK(a.Checksum(kVillage) == server.Checksum(kVillage));

  // A sync with nothing new: the forms answer is unchanged (304), nothing purged.
  auto again = a.Sync();
  CHECK_FALSE(again.scope_changed);
  CHECK(again.records_purged == 0);

  // The village comes back: its whole history is pulled (the cursor went back to 0) and the
  // unpushed household is pushed.
  REQUIRE(server.service().RescopeDevice(DeviceId(a), {kVillage, kOtherVillage}).ok());
  auto back = a.SyncOk();
  CHECK(back.scope_changed);
  CHECK(back.records_purged == 0);
  CHECK(back.out_of_scope.empty());
  CHECK(Holds(a, *synced));
  CHECK(Holds(a, *from_b));
  CHECK(a.Pending() == 0);
  CHECK(a.Checksum(kOtherVillage) == server.Checksum(kOtherVillage));
}

TEST_CASE("rescope: refusals name the device or the village at fault", "[sync][client][rescope]") {
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet a(dir.path().string(), "TAB-A");
  a.Enroll(server.url(), server.Token({kVillage}));
  auto& service = server.service();
  auto unknown = service.RescopeDevice("no-such-device", {kVillage});
  CHECK(unknown.status().code() == Code::kNotFound);
  auto none = service.RescopeDevice(DeviceId(a), {});
  CHECK(none.status().code() == Code::kInvalidArgument);
  CHECK(none.status().where() == "villages");
  auto twice = service.RescopeDevice(DeviceId(a), {kVillage, kVillage});
  CHECK(twice.status().where() == "villages[1]");
  auto escape = service.RescopeDevice(DeviceId(a), {kVillage, "村\x1b[2J"});
  CHECK(escape.status().code() == Code::kInvalidArgument);
  CHECK(escape.status().where() == "villages[1]");
  auto bad_utf8 = service.RescopeDevice(DeviceId(a), {"\xff"});
  CHECK(bad_utf8.status().where() == "villages[0]");
  // Nothing of it was stored: the tablet still holds its village.
  auto r = a.SyncOk();
  CHECK_FALSE(r.scope_changed);
  REQUIRE(service.RevokeDevice(DeviceId(a)).ok());
  auto revoked = service.RescopeDevice(DeviceId(a), {kVillage});
  CHECK(revoked.status().code() == Code::kFailedPrecondition);
}

TEST_CASE("a pull cursor beyond the server's head pulls the villages again from the start",
          "[sync][client]") {
  // The township restored its database from an older backup: this tablet's cursor is past the
  // server's last version. It must not skip the versions the server writes from now on.
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet a(dir.path().string(), "TAB-A");
  Tablet b(dir.path().string(), "TAB-B");
  a.Enroll(server.url(), server.Token({kVillage}));
  b.Enroll(server.url(), server.Token({kVillage}));
  REQUIRE(b.store().CreateRecord("household", "", SmallHousehold(kVillage, "赵四")).ok());
  b.SyncOk();
  a.SyncOk();
  REQUIRE(a.store().SetSyncValue(sc::kKeyCursor, "900000").ok());
  auto from_b = b.store().CreateRecord("household", "", SmallHousehold(kVillage, "钱五"));
  REQUIRE(from_b.ok());
  b.SyncOk();
  auto r = a.SyncOk();
  CHECK(r.cursor_reset);
  CHECK(Holds(a, *from_b));
  CHECK(std::stoll(a.store().GetSyncValue(sc::kKeyCursor).value()) < 900000);
  CHECK(a.Checksum(kVillage) == server.Checksum(kVillage));
  CHECK_FALSE(a.SyncOk().cursor_reset);
}

}  // namespace
}  // namespace doorstep::testing
