// Problem list, household-level checks: the clean fixture, removed households, duplicate household
// numbers, income against the line, guarantees, signatures, visit age, implausible incomes and
// empty households. Member checks are in quality_members_test.cpp, output in
// quality_output_test.cpp.
#include "doorstep/registry/quality.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "doorstep/registry/poverty_line.h"
#include "quality_fixtures.h"

namespace doorstep::registry {
namespace {

using quality_test::CleanHousehold;
using quality_test::CleanLifted;
using quality_test::Codes;
using quality_test::ProblemsOf;
using quality_test::TestOptions;
using quality_test::Today;
using quality_test::VisitDay;
using quality_test::Ymd;

using CodeList = std::vector<std::string>;

// Sets the household's net income so that per-capita net is exactly `per_capita` (4 members).
void SetPerCapita(Household* h, double per_capita) {
  h->income = Income{};
  h->income.wage = per_capita * h->ActiveSize();
}

TEST_CASE("clean township yields no problem", "[quality]") {
  Household returned = CleanHousehold(3, "高寨村");
  returned.status = kStatusReturned;
  returned.status_year = 2020;
  Household fresh = CleanHousehold(4, "高寨村");
  fresh.status = kStatusNew;
  fresh.status_year = 2020;
  fresh.identification_year = 2020;
  const std::vector<Problem> problems =
      ProblemsOf({CleanHousehold(1), CleanLifted(2), returned, fresh});
  CHECK(problems.empty());
}

TEST_CASE("removed households are skipped except for duplicate household numbers", "[quality]") {
  Household removed = CleanHousehold(1);
  removed.status = kStatusRemoved;
  removed.visit_day = kNoDay;
  removed.signatures.clear();
  removed.income.wage = -5;
  removed.members[1].id_number = "123";
  removed.members[2].school_status = "college";
  SECTION("alone: nothing") {
    CHECK(ProblemsOf({removed}).empty());
  }
  SECTION("its members' IDs do not clash with an active household") {
    Household active = CleanHousehold(2);
    active.members[0].id_number = removed.members[0].id_number;
    active.head_id_number = removed.members[0].id_number;
    CHECK(ProblemsOf({removed, active}).empty());
  }
  SECTION("a removed record still counts as a duplicate household number") {
    removed.id = "hh-zz";
    const Household active = CleanHousehold(1);
    const std::vector<Problem> problems = ProblemsOf({removed, active});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].code == "duplicate_household");
    CHECK(problems[0].household_id == "hh-zz");
  }
}

TEST_CASE("duplicate_household reports every record but the smallest id", "[quality]") {
  Household b = CleanHousehold(1);
  b.id = "b";
  Household a = CleanHousehold(1);
  a.id = "a";
  Household c = CleanHousehold(1);
  c.id = "c";
  // Same household number and the same members: the duplicate itself, not three ID clashes.
  const std::vector<Problem> problems = ProblemsOf({b, a, c});
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].code == "duplicate_household");
  CHECK(problems[0].household_id == "b");
  CHECK(problems[0].household_no == "5226310020300001");
  CHECK(problems[0].member_index == -1);
  CHECK(problems[0].detail == "户编号与记录 a 重复（户主 户主1）");
  CHECK(problems[1].household_id == "c");

  SECTION("different numbers are not duplicates") {
    c.household_no = "5226310020399999";
    c.members = CleanHousehold(9).members;
    CHECK(Codes(ProblemsOf({a, c})) == CodeList{});
  }
}

TEST_CASE("lifted_below_line at and just above the line", "[quality]") {
  Household h = CleanLifted(1);
  SECTION("exactly the 2020 line of 4000: below") {
    SetPerCapita(&h, 4000);
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"lifted_below_line"});
    CHECK(problems[0].detail == "已脱贫户人均纯收入 4000 元，不高于 2020 年贫困线 4000 元");
  }
  SECTION("one fen above the line: fine") {
    SetPerCapita(&h, 4000.01);
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("not lifted: no line check below") {
    SetPerCapita(&h, 3000);
    h.status = kStatusPoor;
    CHECK(ProblemsOf({h}).empty());
  }
}

TEST_CASE("lifted_below_line takes the year of the visit, else the lifted year", "[quality]") {
  // The built-in lines: 3747 in 2019, 4000 in 2020.
  Household h = CleanLifted(1);
  SetPerCapita(&h, 3800);
  SECTION("visited in 2020: measured against 4000") {
    CHECK(Codes(ProblemsOf({h})) == CodeList{"lifted_below_line"});
  }
  SECTION("no visit day: the lifted year 2019, 3747") {
    h.visit_day = kNoDay;
    CHECK(Codes(ProblemsOf({h})) == CodeList{"visit_stale"});
  }
  SECTION("no visit day and no lifted year: no line, no check") {
    h.visit_day = kNoDay;
    h.lifted_year = 0;
    CHECK(Codes(ProblemsOf({h})) == CodeList{"visit_stale"});
  }
  SECTION("a year before the table has no line") {
    Result<PovertyLines> lines = PovertyLines::FromJson(R"({"national": {"2021": 4000}})");
    REQUIRE(lines.ok());
    QualityOptions o = TestOptions();
    o.lines = &*lines;
    CHECK(ProblemsOf({h}, o).empty());
  }
}

TEST_CASE("lifted_below_line uses the province line from the county code", "[quality]") {
  // The built-in table gives Jiangsu (32) its own line of 6000 from 2016.
  Household h = CleanLifted(1);
  SetPerCapita(&h, 5000);
  CHECK(ProblemsOf({h}).empty());
  h.county_code = "320101";
  const std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"lifted_below_line"});
  CHECK(problems[0].detail == "已脱贫户人均纯收入 5000 元，不高于 2020 年贫困线 6000 元");

  SECTION("options.lines replaces the built-in table") {
    Result<PovertyLines> lines = PovertyLines::FromJson(R"({"national": {"2020": 5000}})");
    REQUIRE(lines.ok());
    QualityOptions o = TestOptions();
    o.lines = &*lines;
    CHECK(Codes(ProblemsOf({h}, o)) == CodeList{"lifted_below_line"});
    SetPerCapita(&h, 5000.5);
    CHECK(ProblemsOf({h}, o).empty());
  }
}

TEST_CASE("lifted_guarantee_unmet names what is not met", "[quality]") {
  Household h = CleanLifted(1);
  h.guarantees.safe_housing = false;
  h.guarantees.compulsory_education = false;
  const std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"lifted_guarantee_unmet"});
  CHECK(problems[0].detail == "未达到：义务教育有保障、住房安全有保障");
  SECTION("a poor household with unmet guarantees is not a lifted problem") {
    h.status = kStatusPoor;
    CHECK(ProblemsOf({h}).empty());
  }
}

TEST_CASE("poor_far_above_line above twice the line", "[quality]") {
  Household h = CleanHousehold(1);
  SECTION("exactly twice the line: fine") {
    SetPerCapita(&h, 8000);
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("above twice the line") {
    SetPerCapita(&h, 8000.25);
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"poor_far_above_line"});
    CHECK(problems[0].detail ==
          "疑似错评：贫困户人均纯收入 8000.25 元，超过 2020 年贫困线 4000 元的 2 倍");
  }
  SECTION("every poor status is checked, lifted is not") {
    SetPerCapita(&h, 9000);
    for (const char* status : {kStatusNew, kStatusReturned}) {
      h.status = status;
      CHECK(Codes(ProblemsOf({h})) == CodeList{"poor_far_above_line"});
    }
    h.status = kStatusLifted;
    h.lifted_year = 2019;
    h.guarantees.safe_drinking_water = true;
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("far_above_factor") {
    SetPerCapita(&h, 9000);
    QualityOptions o = TestOptions();
    o.far_above_factor = 2.25;
    CHECK(ProblemsOf({h}, o).empty());
    o.far_above_factor = 2.2;
    CHECK(Codes(ProblemsOf({h}, o)) == CodeList{"poor_far_above_line"});
  }
  SECTION("without a visit day the status year picks the line") {
    SetPerCapita(&h, 7000);  // above 2 x 3335 (2017), below 2 x 4000
    h.visit_day = kNoDay;
    h.status_year = 2017;
    CHECK(Codes(ProblemsOf({h})) == CodeList{"poor_far_above_line", "visit_stale"});
  }
}

TEST_CASE("signature_missing per required role", "[quality]") {
  Household h = CleanHousehold(1);
  h.signatures.erase(h.signatures.begin() + 1);      // surveyor gone
  h.signatures[1].state = SignatureState::kMissing;  // team_leader not signed
  const std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"signature_missing", "signature_missing"});
  CHECK(problems[0].role == "surveyor");  // sorted by role
  CHECK(problems[0].detail == "缺少调查员签名");
  CHECK(problems[1].role == "team_leader");
  CHECK(problems[1].detail == "缺少调查组组长签名");

  SECTION("only the required roles count") {
    QualityOptions o = TestOptions();
    o.required_roles = {"household_head"};
    CHECK(ProblemsOf({h}, o).empty());
    o.required_roles = {"household_head", "vice_team_leader"};
    const std::vector<Problem> vice = ProblemsOf({h}, o);
    REQUIRE(Codes(vice) == CodeList{"signature_missing"});
    CHECK(vice[0].role == "vice_team_leader");
  }
}

TEST_CASE("signature_stale once per stale role", "[quality]") {
  Household h = CleanHousehold(1);
  h.signatures[0].state = SignatureState::kStale;
  h.signatures.push_back(quality_test::TestSignature("vice_team_leader", SignatureState::kStale));
  const std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"signature_stale", "signature_stale"});
  CHECK(problems[0].role == "household_head");
  CHECK(problems[0].detail == "户主签名后记录内容有改动，需重新签名");
  CHECK(problems[1].role == "vice_team_leader");
}

TEST_CASE("visit_stale at 365 and 366 days", "[quality]") {
  Household h = CleanHousehold(1);
  h.visit_day = Today() - 365;
  CHECK(ProblemsOf({h}).empty());
  h.visit_day = Today() - 366;
  std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"visit_stale"});
  CHECK(problems[0].detail == "最近一次入户走访 2019-11-01，距今 366 天，超过 365 天");
  h.visit_day = kNoDay;
  problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"visit_stale"});
  CHECK(problems[0].detail == "未记录入户走访日期");

  SECTION("max_visit_age_days") {
    QualityOptions o = TestOptions();
    o.max_visit_age_days = 30;
    h.visit_day = Today() - 30;
    CHECK(ProblemsOf({h}, o).empty());
    h.visit_day = Today() - 31;
    CHECK(Codes(ProblemsOf({h}, o)) == CodeList{"visit_stale"});
  }
}

TEST_CASE("income_implausible for negative parts and a per-capita above the cap", "[quality]") {
  Household h = CleanLifted(1);  // lifted: a high income is no far-above-line problem
  SECTION("a negative component") {
    h.income.property = -120.5;
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"income_implausible"});
    CHECK(problems[0].detail == "财产性收入为负数（-120.5 元）");
  }
  SECTION("negative production costs and a NaN wage") {
    h.income.production_costs = -1;
    h.income.wage = std::numeric_limits<double>::quiet_NaN();
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"income_implausible"});
    CHECK(problems[0].detail == "工资性收入不是有效数字；生产经营性支出为负数（-1 元）");
  }
  SECTION("per capita exactly at the cap: fine") {
    SetPerCapita(&h, 100000);
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("per capita above the cap") {
    SetPerCapita(&h, 100000.5);
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"income_implausible"});
    CHECK(problems[0].detail == "人均纯收入 100000.5 元，超过上限 100000 元");
    QualityOptions o = TestOptions();
    o.max_per_capita_yuan = 200000;
    CHECK(ProblemsOf({h}, o).empty());
  }
}

TEST_CASE("empty_household_not_removed when every member left", "[quality]") {
  Household h = CleanHousehold(1);
  for (Member& m : h.members) m.change = kChangeMoveOut;
  h.members[0].change = kChangeDeath;
  const std::vector<Problem> problems = ProblemsOf({h});
  // Only this: per-capita checks and member checks have nobody left to look at.
  REQUIRE(Codes(problems) == CodeList{"empty_household_not_removed"});
  CHECK(problems[0].detail == "家庭成员均已减员（死亡、迁出等），户未清退");
  SECTION("one member left: fine") {
    h.members[0].change.clear();
    SetPerCapita(&h, 5000);
    CHECK(ProblemsOf({h}).empty());
  }
  SECTION("lifted with nobody left: no per-capita problem, the guarantees still count") {
    h.status = kStatusLifted;
    h.lifted_year = 2019;
    h.guarantees.safe_drinking_water = true;
    CHECK(Codes(ProblemsOf({h})) == CodeList{"empty_household_not_removed"});
    h.guarantees.food = false;
    CHECK(Codes(ProblemsOf({h})) ==
          CodeList{"empty_household_not_removed", "lifted_guarantee_unmet"});
  }
  SECTION("removed: fine") {
    h.status = kStatusRemoved;
    CHECK(ProblemsOf({h}).empty());
  }
}

TEST_CASE("problems are sorted by village, household number, id, code", "[quality]") {
  Household z = CleanHousehold(1, "高寨村");
  z.visit_day = kNoDay;
  Household a2 = CleanHousehold(3);
  a2.visit_day = kNoDay;
  a2.signatures.clear();
  Household a1 = CleanHousehold(2);
  a1.income.wage = -1;
  const std::vector<Problem> problems = ProblemsOf({z, a2, a1});
  REQUIRE(problems.size() == 6);
  std::vector<std::string> order;
  for (const Problem& p : problems)
    order.push_back(p.village + "/" + p.household_id + "/" + p.code + "/" + p.role);
  CHECK(order == CodeList{"坪新冲村/hh-02/income_implausible/",
                          "坪新冲村/hh-03/signature_missing/household_head",
                          "坪新冲村/hh-03/signature_missing/surveyor",
                          "坪新冲村/hh-03/signature_missing/team_leader",
                          "坪新冲村/hh-03/visit_stale/", "高寨村/hh-01/visit_stale/"});
}

}  // namespace
}  // namespace doorstep::registry
