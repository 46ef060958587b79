// Problem list, poor-household checks: 帮扶责任人, measures of the year, the cadre's monthly
// visits, 低保 应保尽保, 医保 and 危房. Each check planted once and its clean case shown quiet.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/quality.h"
#include "quality_fixtures.h"

namespace doorstep::registry {
namespace {

using quality_test::CleanHousehold;
using quality_test::CleanLifted;
using quality_test::Codes;
using quality_test::ProblemsOf;
using quality_test::TestOptions;
using quality_test::Today;
using quality_test::Ymd;

using CodeList = std::vector<std::string>;

AssistanceVisit Visit(const Household& h, int32_t day, const std::string& cadre = {}) {
  AssistanceVisit v;
  v.id = "visit-" + h.id + "-" + std::to_string(day);
  v.household_id = h.id;
  v.village = h.village;
  v.visit_day = day;
  v.cadre_name = cadre.empty() ? h.cadre_name : cadre;
  return v;
}

std::vector<Problem> WithVisits(const std::vector<Household>& households,
                                const std::vector<AssistanceVisit>& visits,
                                const QualityOptions& options = TestOptions()) {
  Township t;
  t.households = households;
  t.visits = visits;
  return FindProblems(t, options);
}

void CheckNoIncome(const std::vector<Problem>& problems, const Household& h) {
  for (const Problem& p : problems) {
    CHECK(p.detail.find("元") == std::string::npos);
    for (const Member& m : h.members) CHECK(p.detail.find(m.id_number) == std::string::npos);
  }
}

TEST_CASE("a poor household without a cadre is listed, a lifted one is not", "[quality]") {
  Household poor = CleanHousehold(1);
  poor.cadre_name = " ";
  Household lifted = CleanLifted(2);
  lifted.cadre_name.clear();
  const std::vector<Problem> problems = ProblemsOf({poor, lifted});
  CHECK(Codes(problems) == CodeList{"no_assistance_cadre"});
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].household_id == "hh-01");
  CHECK(problems[0].head_name == "户主1");
  CHECK(problems[0].detail == "未落实帮扶责任人");
}

TEST_CASE("a poor household without a measure of its survey year is listed", "[quality]") {
  Household h = CleanHousehold(1);
  SECTION("the latest measure is of last year") {
    h.measures[0].year = 2019;
    const std::vector<Problem> problems = ProblemsOf({h});
    CHECK(Codes(problems) == CodeList{"no_measures_this_year"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].detail == "2020 年无帮扶措施（最近一项为 2019 年）");
    CheckNoIncome(problems, h);
  }
  SECTION("no measure at all") {
    h.measures.clear();
    CHECK(Codes(ProblemsOf({h})) == CodeList{"no_measures_this_year"});
  }
  SECTION("the survey year counts, not today's: surveyed in 2020, checked in 2021") {
    QualityOptions options = TestOptions();
    options.today = Ymd(2021, 1, 10);
    CHECK(ProblemsOf({h}, options).empty());
  }
  SECTION("lifted households are not checked") {
    Household lifted = CleanLifted(2);
    lifted.measures.clear();
    CHECK(ProblemsOf({lifted}).empty());
  }
}

TEST_CASE("assistance visits by the assigned cadre at most a month apart", "[quality]") {
  const Household a = CleanHousehold(1);
  const Household b = CleanHousehold(2);
  SECTION("visited within 31 days: clean") {
    CHECK(WithVisits({a, b}, {Visit(a, Today() - 31), Visit(b, Today())}).empty());
  }
  SECTION("the last visit 32 days ago") {
    const std::vector<Problem> problems =
        WithVisits({a, b}, {Visit(a, Today() - 70), Visit(a, Today() - 32), Visit(b, Today())});
    CHECK(Codes(problems) == CodeList{"assistance_visit_overdue"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].household_id == "hh-01");
    CHECK(problems[0].detail.find("帮扶干部1 最近一次帮扶走访 2020-09-30，距今 32 天") !=
          std::string::npos);
    CheckNoIncome(problems, a);
  }
  SECTION("visited only by somebody else, or after today") {
    const std::vector<Problem> problems = WithVisits(
        {a, b}, {Visit(a, Today() - 3, "别的干部"), Visit(a, Today() + 2), Visit(b, Today())});
    CHECK(Codes(problems) == CodeList{"assistance_visit_overdue"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].detail.find("无帮扶走访记录") != std::string::npos);
  }
  SECTION("the gap is an option") {
    QualityOptions options = TestOptions();
    options.max_assistance_gap_days = 60;
    CHECK(WithVisits({a, b}, {Visit(a, Today() - 45), Visit(b, Today())}, options).empty());
  }
  SECTION("only villages with visit records are checked (the export carries none)") {
    const Household other = CleanHousehold(3, "高寨村");
    CHECK(WithVisits({a, other}, {Visit(a, Today() - 1)}).empty());
    CHECK(ProblemsOf({a, b}).empty());  // no visit records at all
  }
  SECTION("a visit record without a village name still marks its household's village") {
    AssistanceVisit v = Visit(a, Today() - 1);
    v.village.clear();
    CHECK(Codes(WithVisits({a, b}, {v})) == CodeList{"assistance_visit_overdue"});  // b
  }
  SECTION("lifted households and households without a cadre are not checked for visits") {
    Household lifted = CleanLifted(4);
    Household no_cadre = CleanHousehold(5);
    no_cadre.cadre_name.clear();
    CHECK(Codes(WithVisits({a, lifted, no_cadre}, {Visit(a, Today())})) ==
          CodeList{"no_assistance_cadre"});
  }
}

TEST_CASE("低保 应保尽保: nobody able to work, or a seriously ill or severely disabled member",
          "[quality]") {
  Household h = CleanHousehold(1);
  for (Member& m : h.members) m.labor = "normal_labor";
  CHECK(ProblemsOf({h}).empty());
  SECTION("every member without labor capacity") {
    for (Member& m : h.members) m.labor = "no_labor";
    h.members[0].labor = "lost_labor";
    const std::vector<Problem> problems = ProblemsOf({h});
    CHECK(Codes(problems) == CodeList{"low_income_guarantee_missing"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].detail.find("全户无劳动能力") != std::string::npos);
    CHECK(problems[0].member_index == -1);
    CheckNoIncome(problems, h);
    SECTION("one member with 低保 covers the household") {
      h.members[2].low_income_guarantee = true;
      CHECK(ProblemsOf({h}).empty());
    }
    SECTION("特困供养 covers it too") {
      h.members[0].extreme_poverty_support = true;
      CHECK(ProblemsOf({h}).empty());
    }
    SECTION("a member who moved out does not count, neither as cover nor as a worker") {
      h.members[1].low_income_guarantee = true;
      h.members[1].change = kChangeMoveOut;
      CHECK(Codes(ProblemsOf({h})) == CodeList{"low_income_guarantee_missing"});
    }
  }
  SECTION("a seriously ill member") {
    h.members[1].health = "serious_illness";
    const std::vector<Problem> problems = ProblemsOf({h});
    CHECK(Codes(problems) == CodeList{"low_income_guarantee_missing"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].detail.find("配偶1 患重病") != std::string::npos);
  }
  SECTION("severe disability (grade 1-2) counts, grade 3 does not") {
    h.members[0].health = "disabled";
    h.members[0].disability_grade = 3;
    CHECK(ProblemsOf({h}).empty());
    h.members[0].disability_grade = 2;
    CHECK(Codes(ProblemsOf({h})) == CodeList{"low_income_guarantee_missing"});
  }
  SECTION("unknown labor is not taken for no labor; lifted households are not checked") {
    for (Member& m : h.members) m.labor.clear();
    CHECK(ProblemsOf({h}).empty());
    Household lifted = CleanLifted(2);
    lifted.members[0].health = "serious_illness";
    CHECK(ProblemsOf({lifted}).empty());
  }
}

TEST_CASE("医保: every active member of a poor household insured", "[quality]") {
  Household h = CleanHousehold(1);
  h.members[2].medical_insurance = false;
  const std::vector<Problem> problems = ProblemsOf({h});
  CHECK(Codes(problems) == CodeList{"medical_insurance_missing"});
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].member_index == 2);
  CHECK(problems[0].member_name == "儿子1");
  CheckNoIncome(problems, h);
  SECTION("a member who died is not counted") {
    h.members[2].change = kChangeDeath;
    h.members[2].change_day = Ymd(2020, 5, 1);
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("lifted households are not checked") {
    Household lifted = CleanLifted(2);
    lifted.members[0].medical_insurance = false;
    CHECK(ProblemsOf({lifted}).empty());
  }
}

TEST_CASE("危房: a C or D house of a household not lifted", "[quality]") {
  Household h = CleanHousehold(1);
  h.danger_grade = "D";
  h.guarantees.safe_housing = false;
  const std::vector<Problem> problems = ProblemsOf({h});
  CHECK(Codes(problems) == CodeList{"dangerous_house"});
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].detail.find("D 级危房") != std::string::npos);
  CheckNoIncome(problems, h);
  SECTION("A and B are safe") {
    h.danger_grade = "A";
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("a lifted household with a C house fails the housing guarantee instead") {
    Household lifted = CleanLifted(2);
    lifted.danger_grade = "C";  // even with safe_housing recorded as met
    const std::vector<Problem> lifted_problems = ProblemsOf({lifted});
    CHECK(Codes(lifted_problems) == CodeList{"lifted_guarantee_unmet"});
    REQUIRE(lifted_problems.size() == 1);
    CHECK(lifted_problems[0].detail == "未达到：住房安全有保障（住房为 C 级危房）");
  }
}

TEST_CASE("疑似错评: a poor household above twice the line", "[quality]") {
  Household h = CleanHousehold(1);
  h.income = Income{};
  h.income.wage = 4 * 8001.0;  // per capita 8001 > 2 x 4000
  const std::vector<Problem> problems = ProblemsOf({h});
  CHECK(Codes(problems) == CodeList{"poor_far_above_line"});
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].detail.rfind("疑似错评：", 0) == 0);
  CHECK(std::string(ProblemTitle(problems[0].code)) == "疑似错评（收入远超贫困线）");
  h.income.wage = 4 * 8000.0;  // exactly twice: not above
  CHECK(ProblemsOf({h}).empty());
}

TEST_CASE("应退未退: a poor household above the line with every guarantee met and no exit under way",
          "[quality]") {
  Household h = CleanHousehold(1);  // per capita 5000 > 4000, no safe water yet
  CHECK(ProblemsOf({h}).empty());
  h.guarantees.safe_drinking_water = true;  // now nothing keeps it poor
  std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"should_exit"});
  CHECK(problems[0].detail ==
        "应退未退：人均纯收入 5000 元，高于 2020 年贫困线 4000 元，两不愁三保障均已实现，未启动脱贫"
        "退出程序");
  CHECK(std::string(ProblemTitle(problems[0].code)) == "应退未退");
  SECTION("at the line: not above") {
    h.income = Income{};
    h.income.wage = 4 * 4000.0;
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("a C house keeps it poor (and is its own problem)") {
    h.danger_grade = "C";
    CHECK(Codes(ProblemsOf({h})) == CodeList{"dangerous_house"});
  }
  SECTION("an exit in procedure") {
    Township t;
    t.households = {h};
    Review exit;
    exit.household_id = h.id;
    exit.village = h.village;
    exit.transition = Transition::kExit;
    exit.year = 2020;
    exit.assessment1_day = quality_test::VisitDay();
    exit.assessment1_outcome = "approved";
    t.reviews = {exit};
    QualityOptions o = TestOptions();
    CHECK(FindProblems(t, o).empty());
    t.reviews[0].assessment1_outcome = "rejected";  // the exit stopped
    CHECK(Codes(FindProblems(t, o)) == CodeList{"should_exit"});
    t.reviews[0].assessment1_outcome = "approved";
    t.reviews[0].completed_day = quality_test::VisitDay();  // completed, yet the household is still poor
    CHECK(Codes(FindProblems(t, o)) == CodeList{"should_exit"});
  }
}

TEST_CASE("an empty poor household is reported once, not by the assistance checks", "[quality]") {
  Household h = CleanHousehold(1);
  h.cadre_name.clear();
  h.measures.clear();
  for (Member& m : h.members) {
    m.change = kChangeMoveOut;
    m.change_day = Ymd(2020, 6, 1);
    m.medical_insurance = false;
  }
  CHECK(Codes(ProblemsOf({h})) == CodeList{"empty_household_not_removed"});
}

}  // namespace
}  // namespace doorstep::registry
