// `doorstep transition`: a status review recorded in the status_review form is checked against
// its evidence and procedure and, when complete, moves the household record to its new status in
// one write, without making the visit's signatures stale.
#include <catch2/catch.hpp>

#include <sstream>
#include <variant>

#include "doorstep/registry/commands.h"
#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/records.h"
#include "test_support.h"

namespace doorstep::registry {
namespace {

using doorstep::testing::Day;
using doorstep::testing::Int;
using doorstep::testing::One;
using doorstep::testing::StoreFixture;
using doorstep::testing::Text;

struct Fixture {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  Household household;
  RecordId household_id;

  Fixture() {
    auto pack = LoadFormPack(doorstep::testing::SourcePath("forms/registry"));
    REQUIRE(pack.ok());
    for (const auto& def : pack.value()) REQUIRE(store->InstallForm(def).ok());
    std::vector<Status> errors;
    auto rows = ParseJsonLines(
        doorstep::testing::ReadFileBytes(
            doorstep::testing::SourcePath("tests/data/registry_export_3.jsonl")),
        &errors);
    household = std::get<Household>(rows[0].row);  // poor, income far above 4000, all guarantees
    const int64_t now = fx.clock.now_ms;
    auto id = CreateHouseholdRecord(
        *store, household, kPackVersion, [&](int64_t ms) { fx.clock.now_ms = ms; }, now);
    REQUIRE(id.ok());
    household_id = id.value();
    auto report = store->Finalize(household_id);
    REQUIRE(report.ok());
    REQUIRE(report.value().ok());
  }

  // An exit review with its whole procedure; `notice_days` between the notice and the
  // announcement (7 is the rule).
  RecordId ExitReview(int notice_days) {
    const int32_t notice = ParseIsoDay("2026-10-02").value();
    std::vector<Edit> edits = {
        Edit::Set("household_ref", Text(household_id.ToString())),
        Edit::Set("household_no", Text(household.household_no)),
        Edit::Set("head_name", Text(household.head_name)),
        Edit::Set("village", Text(household.village)),
        Edit::Set("transition", One("exit")),
        Edit::Set("review_year", Int(2026)),
        Edit::Set("assessment1_date", Day(2026, 10, 1)),
        Edit::Set("assessment1_outcome", One("approved")),
        Edit::Set("notice1_start", Day(2026, 10, 2)),
        Edit::Set("notice1_objection", One("no")),
    };
    v1::Value announcement;
    announcement.set_date(notice + notice_days);
    edits.push_back(Edit::Set("announcement_start", announcement));
    v1::Value done;
    done.set_date(notice + notice_days + 5);
    edits.push_back(Edit::Set("notification_date", done));
    edits.push_back(Edit::Set("completed_date", done));
    edits.push_back(Edit::Sign("sig_team_leader", doorstep::testing::TestSignature("蒋玉林")));
    auto id = store->CreateRecord(kStatusReviewForm, kPackVersion, edits);
    REQUIRE(id.ok());
    return id.value();
  }

  std::string Run(const RecordId& review, bool* applied, bool dry_run = false) {
    TransitionRequest request;
    request.review_id = review.ToString();
    request.today = ParseIsoDay("2026-11-23").value();
    request.dry_run = dry_run;
    std::ostringstream out;
    auto r = RunTransition(*store, request, out);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    *applied = r.value();
    return out.str();
  }
};

}  // namespace

TEST_CASE("transition: a complete exit review lifts the household and keeps its signatures valid",
          "[transition]") {
  Fixture f;
  const RecordId review = f.ExitReview(7);
  bool applied = false;
  const std::string dry = f.Run(review, &applied, /*dry_run=*/true);
  CHECK(applied);
  CHECK(ReadHousehold(*f.store, f.household_id).value().status == "poor");  // dry run: unchanged
  const std::string out = f.Run(review, &applied);
  INFO(out);
  CHECK(applied);
  CHECK(out.find("已办理") != std::string::npos);
  auto after = ReadHousehold(*f.store, f.household_id);
  REQUIRE(after.ok());
  CHECK(after.value().status == "lifted");
  CHECK(after.value().status_year == 2026);
  CHECK(after.value().lifted_year == 2026);
  CHECK(after.value().finalized);
  for (const auto& s : after.value().signatures) {
    if (s.role == "vice_team_leader") continue;
    INFO(s.role);
    CHECK(s.state == SignatureState::kValid);
  }
}

TEST_CASE("transition: a notice shorter than 7 days is refused and changes nothing",
          "[transition]") {
  Fixture f;
  const RecordId review = f.ExitReview(6);
  bool applied = true;
  const std::string out = f.Run(review, &applied);
  CHECK_FALSE(applied);
  CHECK(out.find("不能办理") != std::string::npos);
  auto after = ReadHousehold(*f.store, f.household_id);
  REQUIRE(after.ok());
  CHECK(after.value().status == "poor");
  CHECK(after.value().lifted_year == 0);
  CHECK(after.value().finalized);  // not even reopened
  auto audit = f.store->AuditTrail(f.household_id);
  REQUIRE(audit.ok());
  for (const auto& e : audit.value()) {
    if (e.path == "poverty_status") CHECK_FALSE(e.old_value.has_value());  // set once, never changed
  }
}

TEST_CASE("transition: a record that is not a status review is refused by name", "[transition]") {
  Fixture f;
  TransitionRequest request;
  request.review_id = f.household_id.ToString();
  request.today = ParseIsoDay("2026-11-23").value();
  std::ostringstream out;
  auto r = RunTransition(*f.store, request, out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("not a status review") != std::string::npos);
}

}  // namespace doorstep::registry
