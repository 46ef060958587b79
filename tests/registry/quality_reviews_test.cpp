// Problem list, review checks: 漏评 households not included, confirmed 错评 and 错退 not acted on,
// comparison flags nobody dealt with. Each check planted once and its clean case shown quiet.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/quality.h"
#include "quality_fixtures.h"

namespace doorstep::registry {
namespace {

using quality_test::CleanHousehold;
using quality_test::CleanLifted;
using quality_test::TestOptions;

MisidentificationReview Mis(const Household& h, const std::string& kind,
                            const std::string& conclusion) {
  MisidentificationReview r;
  r.id = "mis-" + h.id;
  r.household_id = h.id;
  r.household_no = h.household_no;
  r.head_name = h.head_name;
  r.village = h.village;
  r.year = 2020;
  r.kind = kind;
  r.conclusion = conclusion;
  r.people = h.ActiveSize();
  return r;
}

// A 漏评 household of 坪新冲村 that no record holds yet.
MisidentificationReview Missed() {
  MisidentificationReview r;
  r.id = "mis-missed";
  r.household_no = "5226310020399999";
  r.head_name = "漏评户主";
  r.village = "坪新冲村";
  r.year = 2020;
  r.kind = "missed";
  r.conclusion = "confirmed";
  r.people = 3;
  return r;
}

std::vector<Problem> Problems(const Township& t) {
  return FindProblems(t, TestOptions());
}

// The problem list never states an ID number or an income in a review problem.
void CheckNoPersonalNumbers(const Problem& p, const Township& t) {
  for (const Household& h : t.households) {
    for (const Member& m : h.members) CHECK(p.detail.find(m.id_number) == std::string::npos);
  }
  CHECK(p.detail.find("元") == std::string::npos);
}

TEST_CASE("a confirmed missed household that is not registered is listed", "[quality]") {
  Township t;
  t.households = {CleanHousehold(1)};
  t.misidentification_reviews = {Missed()};
  const std::vector<Problem> problems = Problems(t);
  REQUIRE(problems.size() == 1);
  const Problem& p = problems[0];
  CHECK(p.code == kProblemMissedNotIncluded);
  CHECK(p.review_id == "mis-missed");
  CHECK(p.household_id.empty());
  CHECK(p.household_no == "5226310020399999");
  CHECK(p.head_name == "漏评户主");
  CHECK(p.village == "坪新冲村");
  CHECK(p.detail.find("漏评（3 人）") != std::string::npos);
  CHECK(p.detail.find("5226310020399999") != std::string::npos);
  CheckNoPersonalNumbers(p, t);
}

TEST_CASE("a missed household once registered, pending or not confirmed is not listed",
          "[quality]") {
  Township t;
  Household fresh = CleanHousehold(1);
  fresh.status = kStatusNew;
  fresh.status_year = 2020;
  fresh.identification_year = 2020;
  t.households = {fresh};
  SECTION("registered under the review's number, the review has no household id") {
    MisidentificationReview r = Missed();
    r.household_no = fresh.household_no;
    t.misidentification_reviews = {r};
    CHECK(Problems(t).empty());
  }
  SECTION("registered under the review's household id") {
    t.misidentification_reviews = {Mis(fresh, "missed", "confirmed")};
    CHECK(Problems(t).empty());
  }
  SECTION("not confirmed or pending") {
    MisidentificationReview r = Missed();
    r.conclusion = "not_confirmed";
    MisidentificationReview pending = Missed();
    pending.conclusion = "pending";
    t.misidentification_reviews = {r, pending};
    CHECK(Problems(t).empty());
  }
  SECTION("a removed record does not count as registered") {
    t.households[0].status = kStatusRemoved;
    t.misidentification_reviews = {Mis(fresh, "missed", "confirmed")};
    const std::vector<Problem> problems = Problems(t);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].code == kProblemMissedNotIncluded);
    CHECK(problems[0].household_id == fresh.id);
    CHECK(problems[0].detail.find("已清退") != std::string::npos);
  }
}

TEST_CASE("a confirmed wrong inclusion of a household still poor is listed", "[quality]") {
  Township t;
  const Household h = CleanHousehold(1);
  t.households = {h, CleanHousehold(2)};
  t.misidentification_reviews = {Mis(h, "wrong_inclusion", "confirmed")};
  const std::vector<Problem> problems = Problems(t);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == kProblemWrongInclusionNotRemoved);
  CHECK(problems[0].household_id == h.id);
  CHECK(problems[0].household_no == h.household_no);
  CHECK(problems[0].head_name == h.head_name);
  CHECK(problems[0].review_id == "mis-hh-01");
  CHECK(problems[0].detail.find("错评") != std::string::npos);
  CHECK(problems[0].detail.find("未脱贫") != std::string::npos);
  CheckNoPersonalNumbers(problems[0], t);
  SECTION("found by household number when the review has no household id") {
    t.misidentification_reviews[0].household_id.clear();
    REQUIRE(Problems(t).size() == 1);
    CHECK(Problems(t)[0].household_id == h.id);
  }
}

TEST_CASE("a wrong inclusion removed, not confirmed or of a lifted household is not listed",
          "[quality]") {
  Township t;
  Household removed = CleanHousehold(1);
  removed.status = kStatusRemoved;
  const Household poor = CleanHousehold(2);
  const Household lifted = CleanLifted(3);
  t.households = {removed, poor, lifted};
  t.misidentification_reviews = {
      Mis(removed, "wrong_inclusion", "confirmed"), Mis(poor, "wrong_inclusion", "not_confirmed"),
      Mis(poor, "wrong_inclusion", "pending"), Mis(lifted, "wrong_inclusion", "confirmed")};
  CHECK(Problems(t).empty());
}

TEST_CASE("a confirmed wrong exit of a household still lifted is listed", "[quality]") {
  Township t;
  Household lifted = CleanLifted(1);
  t.households = {lifted};
  t.misidentification_reviews = {Mis(lifted, "wrong_exit", "confirmed")};
  const std::vector<Problem> problems = Problems(t);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == kProblemWrongExitNotCorrected);
  CHECK(problems[0].household_id == lifted.id);
  CHECK(problems[0].detail.find("错退") != std::string::npos);
  CheckNoPersonalNumbers(problems[0], t);
  SECTION("corrected: the household returned") {
    t.households[0].status = kStatusReturned;
    t.households[0].status_year = 2020;
    t.households[0].guarantees.safe_drinking_water = false;  // why it returned
    CHECK(Problems(t).empty());
  }
  SECTION("not confirmed") {
    t.misidentification_reviews[0].conclusion = "not_confirmed";
    CHECK(Problems(t).empty());
  }
}

TEST_CASE("comparison flags of a pending misidentification review are listed", "[quality]") {
  Township t;
  const Household h = CleanHousehold(1);
  t.households = {h};
  MisidentificationReview r = Mis(h, "wrong_inclusion", "pending");
  r.comparison_flags = {"registered_car", "farm_machinery"};
  t.misidentification_reviews = {r};
  const std::vector<Problem> problems = Problems(t);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == kProblemComparisonFlagsUnhandled);
  CHECK(problems[0].household_id == h.id);
  CHECK(problems[0].detail.find("有登记车辆、有登记农机") != std::string::npos);
  SECTION("an empty conclusion is pending too") {
    t.misidentification_reviews[0].conclusion.clear();
    CHECK(Problems(t).size() == 1);
  }
  SECTION("concluded: the flags were looked into") {
    t.misidentification_reviews[0].conclusion = "not_confirmed";
    CHECK(Problems(t).empty());
  }
}

Review OpenInclusion(const Household& h) {
  Review r;
  r.id = "rev-" + h.id;
  r.household_id = h.id;
  r.household_no = h.household_no;
  r.head_name = h.head_name;
  r.village = h.village;
  r.transition = Transition::kNewInclusion;
  r.year = 2020;
  r.comparison_day = quality_test::Ymd(2020, 10, 20);
  r.comparison_flags = {"business_registered"};
  return r;
}

TEST_CASE("unhandled comparison flags of an open status review are listed", "[quality]") {
  Township t;
  Household fresh = CleanHousehold(1);
  fresh.status = kStatusNew;
  fresh.status_year = 2020;
  fresh.identification_year = 2020;
  t.households = {fresh};
  t.reviews = {OpenInclusion(fresh)};
  const std::vector<Problem> problems = Problems(t);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == kProblemComparisonFlagsUnhandled);
  CHECK(problems[0].household_id == fresh.id);
  CHECK(problems[0].review_id == "rev-hh-01");
  CHECK(problems[0].detail.find("新纳入评议") != std::string::npos);
  CHECK(problems[0].detail.find("有工商注册") != std::string::npos);
  SECTION("handled in the second assessment") {
    t.reviews[0].comparison_flags_handled = true;
    CHECK(Problems(t).empty());
  }
  SECTION("the review is completed") {
    t.reviews[0].completed_day = quality_test::Ymd(2020, 10, 30);
    CHECK(Problems(t).empty());
  }
  SECTION("no flags") {
    t.reviews[0].comparison_flags.clear();
    CHECK(Problems(t).empty());
  }
  SECTION("a review of a missed household names it from the review") {
    t.households.clear();
    t.reviews[0].household_id.clear();
    t.reviews[0].missed_household = true;
    const std::vector<Problem> missed = Problems(t);
    REQUIRE(missed.size() == 1);
    CHECK(missed[0].household_id.empty());
    CHECK(missed[0].household_no == fresh.household_no);
    CHECK(missed[0].head_name == fresh.head_name);
  }
}

TEST_CASE("review problems sort with the household's other problems", "[quality]") {
  Township t;
  Household h = CleanHousehold(1);
  h.cadre_name.clear();
  t.households = {h};
  t.misidentification_reviews = {Mis(h, "wrong_inclusion", "confirmed"), Missed()};
  const std::vector<Problem> problems = Problems(t);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].code == kProblemNoAssistanceCadre);
  CHECK(problems[1].code == kProblemWrongInclusionNotRemoved);
  CHECK(problems[2].code == kProblemMissedNotIncluded);  // 5226310020399999 sorts last
  const std::string csv = ProblemsCsv(problems);
  CHECK(csv.find(",hh-01,mis-hh-01\r\n") != std::string::npos);
  CHECK(csv.find("漏评户未纳入") != std::string::npos);
  CHECK(ProblemsText(problems).find("错评未清退") != std::string::npos);
}

}  // namespace
}  // namespace doorstep::registry
