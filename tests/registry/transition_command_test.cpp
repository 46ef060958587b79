// `doorstep transition`: a finalized, signed status review recorded in the status_review form is
// checked against its evidence (with the store's exit verifications) and procedure and, when
// complete, records that it was applied and moves the household record to its new status,
// without making the visit's or the review's signatures stale.
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
using doorstep::testing::Dec;
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

  // An exit review with its whole procedure, signed and finalized; `notice_days` between the
  // notice and the township's spot check (7 is the rule). A review that breaks a rule the form
  // states stays a draft (`finalized` false).
  RecordId ExitReview(int notice_days, bool* finalized = nullptr) {
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
        Edit::Set("household_acknowledged", One("yes")),
        Edit::Set("notice1_start", Day(2026, 10, 2)),
        Edit::Set("notice1_objection", One("no")),
        Edit::Set("township_review_outcome", One("approved")),
        Edit::Set("announcement_objection", One("no")),
    };
    v1::Value checked;
    checked.set_date(notice + notice_days);
    edits.push_back(Edit::Set("township_review_date", checked));
    edits.push_back(Edit::Set("announcement_start", checked));
    v1::Value done;
    done.set_date(notice + notice_days + 5);
    edits.push_back(Edit::Set("notification_date", done));
    edits.push_back(Edit::Set("completed_date", done));
    edits.push_back(Edit::Sign("sig_team_leader", doorstep::testing::TestSignature("蒋玉林")));
    auto id = store->CreateRecord(kStatusReviewForm, kPackVersion, edits);
    INFO(id.status().ToString());
    REQUIRE(id.ok());
    auto report = store->Finalize(id.value());
    REQUIRE(report.ok());
    if (finalized != nullptr) *finalized = report.value().ok();
    return id.value();
  }

  // The 脱贫退出户调查核实登记表 of the household, finalized.
  RecordId Verification(const std::string& conclusion = "meets") {
    std::vector<Edit> edits = {
        Edit::Set("household_ref", Text(household_id.ToString())),
        Edit::Set("household_no", Text(household.household_no)),
        Edit::Set("head_name", Text(household.head_name)),
        Edit::Set("village", Text(household.village)),
        Edit::Set("exit_year", Int(2026)),
        Edit::Set("household_size", Int(2)),
        Edit::Set("net_income", Dec(30000)),
        Edit::Set("poverty_line", Dec(4000)),
        Edit::Set("conclusion", One(conclusion)),
        Edit::Set("verify_date", Day(2026, 9, 28)),
        Edit::Set("surveyors", Text("刘山林、王芳")),
    };
    for (const char* g : {"g_food", "g_clothing", "g_education", "g_medical", "g_housing",
                          "g_water"}) {
      edits.push_back(Edit::Set(g, One("yes")));
    }
    for (const char* sig : {"sig_head", "sig_surveyor", "sig_team_leader", "sig_responsible"}) {
      edits.push_back(Edit::Sign(sig, doorstep::testing::TestSignature("签字人")));
    }
    auto id = store->CreateRecord(kExitVerificationForm, kPackVersion, edits);
    INFO(id.status().ToString());
    REQUIRE(id.ok());
    auto report = store->Finalize(id.value());
    REQUIRE(report.ok());
    INFO((report.value().ok() ? "" : report.value().errors[0].path + ": " +
                                         report.value().errors[0].message));
    REQUIRE(report.value().ok());
    return id.value();
  }

  std::string Run(const RecordId& review, bool* applied, bool dry_run = false) {
    TransitionRequest request;
    request.review_id = review.ToString();
    request.today = ParseIsoDay("2026-11-23").value();
    request.dry_run = dry_run;
    request.applied_by = "乡镇审核员";
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
  f.Verification();
  bool applied = false;
  const std::string dry = f.Run(review, &applied, /*dry_run=*/true);
  INFO(dry);
  CHECK(applied);
  CHECK(ReadHousehold(*f.store, f.household_id).value().status == "poor");  // dry run: unchanged
  CHECK(ReadReview(*f.store, review).value().applied_day == kNoDay);
  TransitionRequest nobody;  // who applies it is recorded, so it is required
  nobody.review_id = review.ToString();
  nobody.today = ParseIsoDay("2026-11-23").value();
  std::ostringstream ignored;
  auto refused = RunTransition(*f.store, nobody, ignored);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().where() == "applied_by");
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
    if (s.state == SignatureState::kMissing) continue;  // optional roles nobody signed
    INFO(s.role);
    CHECK(s.state == SignatureState::kValid);
  }
  // The review records who applied it and when, and its signature still holds.
  auto applied_review = ReadReview(*f.store, review);
  REQUIRE(applied_review.ok());
  CHECK(applied_review.value().applied_day == ParseIsoDay("2026-11-23").value());
  CHECK(applied_review.value().applied_by == "乡镇审核员");
  CHECK(applied_review.value().finalized);
  CHECK(applied_review.value().team_leader_signature == SignatureState::kValid);
  // A second run changes nothing.
  const std::string again = f.Run(review, &applied);
  CHECK(applied);
  CHECK(again.find("此评议已于 2026-11-23 由 乡镇审核员 办理，未再写入") != std::string::npos);
}

TEST_CASE("transition: a spot check less than 7 days after the notice is refused and changes "
          "nothing",
          "[transition]") {
  Fixture f;
  bool finalized = true;
  const RecordId review = f.ExitReview(6, &finalized);
  CHECK_FALSE(finalized);  // the form itself refuses it
  f.Verification();
  bool applied = true;
  const std::string out = f.Run(review, &applied);
  INFO(out);
  CHECK_FALSE(applied);
  CHECK(out.find("不能办理") != std::string::npos);
  CHECK(out.find("评议记录尚未提交（仍是草稿）") != std::string::npos);
  CHECK(out.find("公示未满7天即乡镇抽查审核（最早 2026-10-09）") != std::string::npos);
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

TEST_CASE("transition: an exit needs its verification, a draft review or an unsigned one decides "
          "nothing",
          "[transition]") {
  Fixture f;
  const RecordId review = f.ExitReview(7);
  bool applied = true;
  std::string out = f.Run(review, &applied, /*dry_run=*/true);
  CHECK_FALSE(applied);
  CHECK(out.find("缺少本年度脱贫退出户调查核实登记表") != std::string::npos);
  const RecordId failing = f.Verification("not_meets");
  out = f.Run(review, &applied, /*dry_run=*/true);
  CHECK_FALSE(applied);
  CHECK(out.find("结论不是“达到脱贫标准”") != std::string::npos);
  REQUIRE(f.store->DeleteRecord(failing).ok());
  f.Verification();
  REQUIRE(f.store->Reopen(review).ok());  // a draft again
  out = f.Run(review, &applied, /*dry_run=*/true);
  CHECK_FALSE(applied);
  CHECK(out.find("评议记录尚未提交（仍是草稿）") != std::string::npos);
  REQUIRE(f.store->SetValue(review, "reason", Text("收入稳定")).ok());  // after the signature
  out = f.Run(review, &applied, /*dry_run=*/true);
  CHECK(out.find("评议记录在队长签名后被修改，需重新签名") != std::string::npos);
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

TEST_CASE("transition: a missed household's review needs the household surveyed first",
          "[transition]") {
  Fixture f;
  auto id = f.store->CreateRecord(
      kStatusReviewForm, kPackVersion,
      {Edit::Set("village", Text(f.household.village)),
       Edit::Set("transition", One("new_inclusion")), Edit::Set("missed_household", One("yes")),
       Edit::Set("household_no", Text("5226310020309901")), Edit::Set("head_name", Text("龙秀珍")),
       Edit::Set("review_year", Int(2026))});
  REQUIRE(id.ok());
  TransitionRequest request;
  request.review_id = id.value().ToString();
  request.today = ParseIsoDay("2026-11-23").value();
  request.dry_run = true;
  std::ostringstream out;
  auto r = RunTransition(*f.store, request, out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kFailedPrecondition);
  CHECK(r.status().where() == "household_no");
  CHECK(r.status().message().find("漏评户 5226310020309901 尚无贫困户调查登记表") !=
        std::string::npos);
}

}  // namespace doorstep::registry
