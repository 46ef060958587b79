// Conflicts end to end (libcurl client, HTTP server, SQLite on both sides): concurrent edits keep
// every value, delete against edit, quarantine, and a reviewer's resolution reaching every tablet.
#include <catch2/catch.hpp>

#include "client_harness.h"

namespace doorstep::testing {
namespace {

struct Village {
  TempDir dir;
  TestServer server{dir.path().string()};
  Tablet a{dir.path().string(), "TAB-A"};
  Tablet b{dir.path().string(), "TAB-B"};
  Tablet office{dir.path().string(), "OFFICE"};
  RecordId id;

  // A captures a household; both tablets hold it after a sync.
  Village() {
    a.Enroll(server.url(), server.Token({kVillage}));
    b.Enroll(server.url(), server.Token({kVillage}));
    auto reviewer = office.Enroll(server.url(), server.Token({}, /*reviewer=*/true));
    REQUIRE(reviewer.reviewer);
    auto created = a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
    REQUIRE(created.ok());
    id = *created;
    a.SyncOk();
    b.SyncOk();
  }

  void AllSyncTwice() {
    for (int i = 0; i < 2; ++i) {
      a.SyncOk();
      b.SyncOk();
    }
    CHECK(a.Checksum(kVillage) == server.Checksum(kVillage));
    CHECK(b.Checksum(kVillage) == server.Checksum(kVillage));
  }
};

const v1::Conflict* FindConflict(const std::vector<v1::Conflict>& all, const std::string& path) {
  for (const auto& c : all) {
    if (c.path() == path) return &c;
  }
  return nullptr;
}

TEST_CASE("concurrent edits of one field keep every value in a conflict", "[sync][client]") {
  Village v;
  v.a.clock().now_ms += 60000;
  v.b.clock().now_ms += 120000;  // B's edit is later: it wins by rule
  REQUIRE(v.a.store().SetValue(v.id, "head_name", Text("王秀兰")).ok());
  REQUIRE(v.a.store().SetValue(v.id, "phone", Text("13800000001")).ok());  // no conflict
  REQUIRE(v.b.store().SetValue(v.id, "head_name", Text("王秀云")).ok());
  REQUIRE(v.b.store().SetValue(v.id, "wage_income", Dec(15000)).ok());  // no conflict

  auto ra = v.a.SyncOk();
  CHECK(ra.conflicts == 0);
  auto rb = v.b.SyncOk();
  REQUIRE(rb.conflicts == 1);
  REQUIRE(rb.conflicts_seen.size() == 1);
  CHECK(rb.conflicts_seen[0].path == "head_name");
  CHECK(rb.conflicts_seen[0].local_value_won);
  v.AllSyncTwice();

  CHECK(TextOf(v.a.store(), v.id, "head_name") == "王秀云");
  CHECK(TextOf(v.b.store(), v.id, "head_name") == "王秀云");
  CHECK(TextOf(v.b.store(), v.id, "phone") == "13800000001");
  auto conflicts = v.server.Conflicts();
  REQUIRE(conflicts.size() == 1);
  const auto& c = conflicts[0];
  CHECK(c.path() == "head_name");
  CHECK(c.scope() == kVillage);
  REQUIRE(c.candidates_size() == 2);
  CHECK(c.candidates(0).value().text() == "王秀兰");
  CHECK(c.candidates(0).author().device_id() == "TAB-A");
  CHECK(c.candidates(1).value().text() == "王秀云");
  CHECK(c.candidates(1).author().device_id() == "TAB-B");
  CHECK(c.winner() == 1);

  // The tablets list it too (their own villages), with every value.
  auto listed = v.a.client().ListConflicts();
  REQUIRE(listed.ok());
  REQUIRE(listed->conflicts_size() == 1);
  CHECK(listed->conflicts(0).candidates_size() == 2);
}

TEST_CASE("the losing tablet adopts the winner with its author", "[sync][client]") {
  Village v;
  v.a.clock().now_ms += 120000;  // A's edit is later: it wins by rule, B pushes second and loses
  v.b.clock().now_ms += 60000;
  REQUIRE(v.a.store().SetValue(v.id, "head_name", Text("王秀兰")).ok());
  REQUIRE(v.b.store().SetValue(v.id, "head_name", Text("王秀云")).ok());
  v.a.SyncOk();
  auto rb = v.b.SyncOk();
  REQUIRE(rb.conflicts_seen.size() == 1);
  CHECK_FALSE(rb.conflicts_seen[0].local_value_won);
  CHECK(TextOf(v.b.store(), v.id, "head_name") == "王秀兰");
  auto rec = v.b.store().GetRecord(v.id);
  REQUIRE(rec.ok());
  auto audit = v.b.store().AuditTrail(v.id);
  REQUIRE(audit.ok());
  bool adopted = false;
  for (const auto& e : *audit) {
    if (e.path == "head_name" && e.new_value && e.new_value->text() == "王秀兰") {
      adopted = true;
      CHECK(e.author.device_id == "TAB-A");
    }
  }
  CHECK(adopted);
  v.AllSyncTwice();
}

TEST_CASE("a reviewer's resolution reaches every tablet", "[sync][client]") {
  Village v;
  v.a.clock().now_ms += 60000;
  v.b.clock().now_ms += 120000;
  REQUIRE(v.a.store().SetValue(v.id, "wage_income", Dec(12500)).ok());
  REQUIRE(v.b.store().SetValue(v.id, "wage_income", Dec(21000)).ok());
  v.AllSyncTwice();
  auto open = v.office.client().ListConflicts();
  REQUIRE(open.ok());
  REQUIRE(open->conflicts_size() == 1);
  const auto& c = open->conflicts(0);
  CHECK(c.candidates(static_cast<int>(c.winner())).value().decimal() == 21000);

  // A tablet credential may not resolve.
  auto refused = v.a.client().Resolve(c.id(), 0, "");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kPermissionDenied);
  CHECK_THAT(refused.status().message(), Catch::Contains("HTTP 403"));

  uint32_t loser = c.winner() == 0 ? 1 : 0;
  auto resolved = v.office.client().Resolve(c.id(), loser, "checked the wage slip");
  INFO(resolved.status().ToString());
  REQUIRE(resolved.ok());
  CHECK(resolved->resolved());
  CHECK(resolved->resolution() == loser);
  v.AllSyncTwice();
  auto a = v.a.store().GetRecord(v.id);
  auto b = v.b.store().GetRecord(v.id);
  CHECK(a->Get("wage_income")->decimal() == 12500);
  CHECK(b->Get("wage_income")->decimal() == 12500);
  auto still_open = v.office.client().ListConflicts();
  REQUIRE(still_open.ok());
  CHECK(still_open->conflicts_size() == 0);
  auto all = v.office.client().ListConflicts(/*all=*/true);
  REQUIRE(all.ok());
  CHECK(all->conflicts_size() == 1);
}

TEST_CASE("a deletion meeting a concurrent edit becomes a conflict, the record stays alive",
          "[sync][client]") {
  Village v;
  REQUIRE(v.a.store().DeleteRecord(v.id).ok());
  REQUIRE(v.b.store().SetValue(v.id, "phone", Text("13800000002")).ok());

  SECTION("the edit arrives first") {
    v.b.SyncOk();
    auto ra = v.a.SyncOk();
    CHECK(ra.conflicts == 1);
  }
  SECTION("the deletion arrives first") {
    v.a.SyncOk();
    auto rb = v.b.SyncOk();
    (void)rb;
  }
  v.AllSyncTwice();
  const auto conflicts = v.server.Conflicts();
  auto deleted = FindConflict(conflicts, "@deleted");
  REQUIRE(deleted != nullptr);
  CHECK(deleted->candidates_size() == 2);
  auto a = v.a.store().GetRecord(v.id);
  auto b = v.b.store().GetRecord(v.id);
  REQUIRE((a.ok() && b.ok()));
  CHECK_FALSE(a->deleted);
  CHECK_FALSE(b->deleted);
  CHECK(TextOf(v.a.store(), v.id, "phone") == "13800000002");

  // The reviewer decides for the deletion: it reaches both tablets.
  uint32_t deletion = 0;
  for (int i = 0; i < deleted->candidates_size(); ++i) {
    if (deleted->candidates(i).value().flag()) deletion = static_cast<uint32_t>(i);
  }
  auto resolved = v.office.client().Resolve(deleted->id(), deletion, "household moved away");
  INFO(resolved.status().ToString());
  REQUIRE(resolved.ok());
  v.AllSyncTwice();
  CHECK(v.a.store().GetRecord(v.id)->deleted);
  CHECK(v.b.store().GetRecord(v.id)->deleted);
}

TEST_CASE("changes the server cannot place are quarantined, not lost", "[sync][client]") {
  Village v;
  // A form version the server does not have (installed on the tablet only).
  v1::FormDef future = HouseholdForm("2024.1");
  future.set_version("2099.1");
  REQUIRE(v.a.store().InstallForm(future).ok());
  auto id = v.a.store().CreateRecord("household", "2099.1", SmallHousehold(kVillage, "赵军"));
  REQUIRE(id.ok());
  const size_t pending = v.a.Pending();
  auto r = v.a.Sync();
  INFO(r.status.ToString());
  REQUIRE(r.push_status.ok());
  CHECK(r.quarantined == pending);
  REQUIRE(r.quarantined_changes.size() == pending);
  CHECK(r.quarantined_changes[0].record_id == *id);
  CHECK_FALSE(r.quarantined_changes[0].reason.empty());
  CHECK(v.a.Pending() == 0);  // kept by the server, no longer pending here

  auto q = v.office.client().ListQuarantine();
  INFO(q.status().ToString());
  REQUIRE(q.ok());
  CHECK(static_cast<size_t>(q->entries_size()) == pending);
  auto refused = v.a.client().ListQuarantine();
  CHECK(refused.status().code() == Code::kPermissionDenied);
}

}  // namespace
}  // namespace doorstep::testing
