// Status transitions: which statuses allow which transition, the evidence an exit, inclusion,
// return or removal needs, and applying a completed review. Procedure: workflow_procedure_test.
#include "doorstep/registry/workflow.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/poverty_line.h"
#include "workflow_fixtures.h"

namespace doorstep::registry {
namespace {

using namespace rules_test;  // NOLINT: test fixtures

using Codes_ = std::vector<std::string>;

TransitionCheck Check(const Household& h, const Review& r) {
  return CheckTransition(h, r, PovertyLines::BuiltIn(), Today());
}

TEST_CASE("every transition is allowed or refused from each status", "[rules]") {
  struct Row {
    std::string status;
    bool inclusion, exit, ret, removal;
  };
  const Row rows[] = {
      {"", true, false, false, false},
      {kStatusNew, false, true, false, true},
      {kStatusPoor, false, true, false, true},
      {kStatusLifted, false, false, true, true},
      {kStatusReturned, false, true, false, true},
      {kStatusRemoved, true, false, false, false},
      {"unknown", false, false, false, false},
  };
  for (const Row& row : rows) {
    const bool expected[] = {row.inclusion, row.exit, row.ret, row.removal};
    for (size_t i = 0; i < AllTransitions().size(); ++i) {
      const Transition t = AllTransitions()[i];
      INFO("status '" << row.status << "' transition " << TransitionName(t));
      CHECK(TransitionAllowedFrom(row.status, t) == expected[i]);
      // The full check agrees: a fixture that meets everything else passes or fails on status.
      TransitionCheck check = Check(HouseholdFor(t, row.status), CompleteReview(t));
      if (expected[i]) {
        CHECK(check.ok());
      } else {
        CHECK(Codes(check.unmet) == Codes_{kUnmetStatusNotAllowed});
      }
    }
  }
}

TEST_CASE("status_not_allowed names both statuses", "[rules]") {
  TransitionCheck check = Check(GoodHousehold(kStatusLifted), CompleteReview(Transition::kExit));
  REQUIRE(check.unmet.size() == 1);
  CHECK(check.unmet[0].message ==
        "当前状态“已脱贫”不能办理脱贫退出 (status \"lifted\" does not allow exit)");
}

TEST_CASE("TargetStatus of each transition", "[rules]") {
  CHECK(TargetStatus(Transition::kNewInclusion) == "new");
  CHECK(TargetStatus(Transition::kExit) == "lifted");
  CHECK(TargetStatus(Transition::kReturn) == "returned");
  CHECK(TargetStatus(Transition::kRemoval) == "removed");
}

TEST_CASE("exit is refused at exactly the poverty line and allowed one yuan above", "[rules]") {
  Household h = GoodHousehold(kStatusPoor);
  const Review r = CompleteReview(Transition::kExit);
  h.income.wage = 8000;  // two members: 4000 per person, the 2020 line
  TransitionCheck at = Check(h, r);
  REQUIRE(Codes(at.unmet) == Codes_{kUnmetIncomeNotAboveLine});
  CHECK(at.unmet[0].message ==
        "人均纯收入未超过贫困线 4000 元 (per-capita net income is not above the line of 4000 "
        "yuan)");
  h.income.wage = 8002;  // 4001 per person
  CHECK(Check(h, r).ok());
  // Production costs count against the income.
  h.income.production_costs = 2;
  CHECK(Codes(Check(h, r).unmet) == Codes_{kUnmetIncomeNotAboveLine});
}

TEST_CASE("exit uses the provincial line of the household's province", "[rules]") {
  Household h = GoodHousehold(kStatusPoor);
  h.county_code = "320102";  // Jiangsu: 6000 from 2016
  const Review r = CompleteReview(Transition::kExit);
  TransitionCheck check = Check(h, r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetIncomeNotAboveLine});
  CHECK(check.unmet[0].message.find("6000") != std::string::npos);
  h.income.wage = 12002;
  CHECK(Check(h, r).ok());
}

TEST_CASE("exit without a poverty line for the review year", "[rules]") {
  Household h = GoodHousehold(kStatusPoor);
  Review r = CompleteReview(Transition::kExit);
  r.year = 2013;
  TransitionCheck check = Check(h, r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetPovertyLineUnknown});
  CHECK(check.unmet[0].message == "2013 年的贫困线未知 (no poverty line for 2013)");
  r.year = 2020;
  CHECK(CheckTransition(h, r, PovertyLines(), Today()).unmet.size() == 1);
  CHECK(Codes(CheckTransition(h, r, PovertyLines(), Today()).unmet) ==
        Codes_{kUnmetPovertyLineUnknown});
}

TEST_CASE("exit needs every guarantee", "[rules]") {
  struct Case {
    bool Guarantees::*field;
    const char* message;
  };
  const Case cases[] = {
      {&Guarantees::food, "“不愁吃”未达标 (guarantee not met: food)"},
      {&Guarantees::clothing, "“不愁穿”未达标 (guarantee not met: clothing)"},
      {&Guarantees::compulsory_education,
       "“义务教育有保障”未达标 (guarantee not met: compulsory_education)"},
      {&Guarantees::basic_medical, "“基本医疗有保障”未达标 (guarantee not met: basic_medical)"},
      {&Guarantees::safe_housing, "“住房安全有保障”未达标 (guarantee not met: safe_housing)"},
      {&Guarantees::safe_drinking_water,
       "“饮水安全有保障”未达标 (guarantee not met: safe_drinking_water)"},
  };
  const Review r = CompleteReview(Transition::kExit);
  for (const Case& c : cases) {
    INFO(c.message);
    Household h = GoodHousehold(kStatusPoor);
    h.guarantees.*c.field = false;
    TransitionCheck check = Check(h, r);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetGuaranteeUnmet});
    CHECK(check.unmet[0].message == c.message);
  }
  // Every one missing: six reports.
  Household none = GoodHousehold(kStatusPoor);
  none.guarantees = Guarantees{};
  CHECK(Check(none, r).unmet.size() == 6);
  // Other transitions do not require them: a return of a household above the line is allowed
  // because a guarantee is unmet, a removal does not look at them.
  none.status = kStatusLifted;
  CHECK(Check(none, CompleteReview(Transition::kReturn)).ok());
  CHECK(Check(none, CompleteReview(Transition::kRemoval)).ok());
}

TEST_CASE("exit needs valid signatures of the head and the surveyor", "[rules]") {
  const Review r = CompleteReview(Transition::kExit);
  Household h = GoodHousehold(kStatusPoor);

  SECTION("head signature missing") {
    h.signatures.erase(h.signatures.begin());
    TransitionCheck check = Check(h, r);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetSignatureMissing});
    CHECK(check.unmet[0].message == "缺少户主签名 (household_head signature missing)");
  }
  SECTION("surveyor signature missing") {
    h.signatures.pop_back();
    TransitionCheck check = Check(h, r);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetSignatureMissing});
    CHECK(check.unmet[0].message == "缺少调查员签名 (surveyor signature missing)");
  }
  SECTION("a signature recorded as missing") {
    h.signatures[1].state = SignatureState::kMissing;
    TransitionCheck check = Check(h, r);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetSignatureMissing});
    CHECK(check.unmet[0].message == "缺少调查员签名 (surveyor signature missing)");
  }
  SECTION("stale head signature") {
    h.signatures[0].state = SignatureState::kStale;
    TransitionCheck check = Check(h, r);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetSignatureMissing});
    CHECK(check.unmet[0].message ==
          "户主签名已失效，需重新签名 (household_head signature is stale: sign again)");
  }
  SECTION("both missing: two reports") {
    h.signatures.clear();
    CHECK(Codes(Check(h, r).unmet) == Codes_{kUnmetSignatureMissing, kUnmetSignatureMissing});
  }
  SECTION("a team leader signature is not required") {
    h.signatures.push_back(MakeSignature("team_leader", SignatureState::kStale));
    CHECK(Check(h, r).ok());
  }
}

TEST_CASE("new inclusion and return need the main cause", "[rules]") {
  for (Transition t : {Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    Household h = PoorHousehold(StartStatus(t));
    h.main_cause.clear();
    TransitionCheck check = Check(h, CompleteReview(t));
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetCauseMissing});
    CHECK(check.unmet[0].message == "未填写主要致贫原因 (main cause of poverty missing)");
    h.main_cause = "lack_labor";
    CHECK(Check(h, CompleteReview(t)).ok());
  }
  // Exit and removal do not need it.
  Household h = GoodHousehold(kStatusPoor);
  h.main_cause.clear();
  CHECK(Check(h, CompleteReview(Transition::kExit)).ok());
  CHECK(Check(h, CompleteReview(Transition::kRemoval)).ok());
}

TEST_CASE("new inclusion and return need income at or below the line or a guarantee unmet",
          "[rules]") {
  for (Transition t : {Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    const Review r = CompleteReview(t);
    Household h = PoorHousehold(StartStatus(t));  // 4000 per person: at the line
    CHECK(Check(h, r).ok());
    h.income.wage = 8002;  // 4001 per person, every guarantee met
    TransitionCheck check = Check(h, r);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetIncomeNotBelowLine});
    CHECK(check.unmet[0].message ==
          "人均纯收入高于贫困线 4000 元且两不愁三保障均已达标，不符合识别标准 (per-capita net "
          "income is above the line of 4000 yuan and every guarantee is met)");
    // Above the line, but one guarantee unmet: identified all the same.
    h.guarantees.safe_housing = false;
    CHECK(Check(h, r).ok());
  }
  // The provincial line of the household's province.
  Household js = PoorHousehold("");
  js.county_code = "320102";  // Jiangsu: 6000 from 2016
  js.income.wage = 12000;
  const Review r = CompleteReview(Transition::kNewInclusion);
  CHECK(Check(js, r).ok());
  js.income.wage = 12002;
  TransitionCheck check = Check(js, r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetIncomeNotBelowLine});
  CHECK(check.unmet[0].message.find("6000") != std::string::npos);
  CHECK(check.unmet[0].message.find("6001") == std::string::npos);
}

TEST_CASE("new inclusion without a poverty line for the review year", "[rules]") {
  Review r = CompleteReview(Transition::kNewInclusion);
  r.year = 2013;
  TransitionCheck check = Check(PoorHousehold(""), r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetPovertyLineUnknown});
  CHECK(check.unmet[0].message == "2013 年的贫困线未知 (no poverty line for 2013)");
}

TEST_CASE("new inclusion and return need the household number", "[rules]") {
  for (Transition t : {Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    Household h = PoorHousehold(StartStatus(t));
    h.household_no.clear();
    TransitionCheck check = Check(h, CompleteReview(t));
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetHouseholdNoMissing});
    CHECK(check.unmet[0].message == "未填写户编号 (household number missing)");
  }
  // Exit and removal do not check it.
  Household h = GoodHousehold(kStatusPoor);
  h.household_no.clear();
  CHECK(Check(h, CompleteReview(Transition::kExit)).ok());
  CHECK(Check(h, CompleteReview(Transition::kRemoval)).ok());
}

TEST_CASE("a return needs the cause of the return", "[rules]") {
  Review r = CompleteReview(Transition::kReturn);
  r.return_cause.clear();
  Household h = PoorHousehold(kStatusLifted);
  TransitionCheck check = Check(h, r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetCauseMissing});
  CHECK(check.unmet[0].message == "未填写返贫原因 (cause of the return missing)");
  // Both causes missing: two reports, the main cause first.
  h.main_cause.clear();
  check = Check(h, r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetCauseMissing, kUnmetCauseMissing});
  CHECK(check.unmet[0].message == "未填写主要致贫原因 (main cause of poverty missing)");
  // A new inclusion has no return cause.
  REQUIRE(CompleteReview(Transition::kNewInclusion).return_cause.empty());
  CHECK(Check(PoorHousehold(""), CompleteReview(Transition::kNewInclusion)).ok());
}

TEST_CASE("new inclusion and return need valid signatures of the head and the surveyor",
          "[rules]") {
  for (Transition t : {Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    Household h = PoorHousehold(StartStatus(t));
    h.signatures[1].state = SignatureState::kStale;
    TransitionCheck check = Check(h, CompleteReview(t));
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetSignatureMissing});
    CHECK(check.unmet[0].message ==
          "调查员签名已失效，需重新签名 (surveyor signature is stale: sign again)");
    h.signatures.clear();
    check = Check(h, CompleteReview(t));
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetSignatureMissing, kUnmetSignatureMissing});
    CHECK(check.unmet[0].message == "缺少户主签名 (household_head signature missing)");
    CHECK(check.unmet[1].message == "缺少调查员签名 (surveyor signature missing)");
  }
  // A removal needs no household signatures.
  Household h = GoodHousehold(kStatusPoor);
  h.signatures.clear();
  CHECK(Check(h, CompleteReview(Transition::kRemoval)).ok());
}

TEST_CASE("removal needs a reason", "[rules]") {
  Review r = CompleteReview(Transition::kRemoval);
  r.reason.clear();
  TransitionCheck check = Check(GoodHousehold(kStatusLifted), r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetReasonMissing});
  CHECK(check.unmet[0].message == "未填写清退原因 (removal reason missing)");
  r.reason = "whole_household_gone";
  CHECK(Check(GoodHousehold(kStatusLifted), r).ok());
}

TEST_CASE("unmet messages never contain an ID number or the income", "[rules]") {
  Household h = GoodHousehold(kStatusLifted);  // wrong status for an exit
  h.income.wage = 7000;
  h.guarantees = Guarantees{};
  h.signatures.clear();
  Review r = CompleteReview(Transition::kExit);
  r.assessment1_outcome = "rejected";
  TransitionCheck check = Check(h, r);
  REQUIRE(check.unmet.size() == 11);
  for (const Unmet& u : check.unmet) {
    CHECK(u.message.find(h.head_id_number) == std::string::npos);
    CHECK(u.message.find(h.members[1].id_number) == std::string::npos);
    CHECK(u.message.find("7000") == std::string::npos);
    CHECK(u.message.find("3500") == std::string::npos);  // per capita
  }
}

TEST_CASE("ApplyTransition sets status, status year and lifted year", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();

  Result<Household> lifted = ApplyTransition(GoodHousehold(kStatusPoor),
                                             CompleteReview(Transition::kExit), lines, Today());
  REQUIRE(lifted.ok());
  CHECK(lifted->status == "lifted");
  CHECK(lifted->status_year == 2020);
  CHECK(lifted->lifted_year == 2020);
  CHECK(lifted->head_name == "王建国");
  CHECK(lifted->income.wage == 8002);

  Household was_lifted = PoorHousehold(kStatusLifted);
  was_lifted.lifted_year = 2018;
  Result<Household> returned =
      ApplyTransition(was_lifted, CompleteReview(Transition::kReturn), lines, Today());
  REQUIRE(returned.ok());
  CHECK(returned->status == "returned");
  CHECK(returned->status_year == 2020);
  CHECK(returned->lifted_year == 2018);  // history kept

  Result<Household> included =
      ApplyTransition(PoorHousehold(""), CompleteReview(Transition::kNewInclusion), lines, Today());
  REQUIRE(included.ok());
  CHECK(included->status == "new");
  CHECK(included->lifted_year == 0);

  Result<Household> removed = ApplyTransition(GoodHousehold(kStatusNew),
                                              CompleteReview(Transition::kRemoval), lines, Today());
  REQUIRE(removed.ok());
  CHECK(removed->status == "removed");
  CHECK(removed->status_year == 2020);
}

TEST_CASE("ApplyTransition uses today for an open review", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.completed_day = kNoDay;
  r.notification_day = r.announcement_start + 5;
  Result<Household> h =
      ApplyTransition(GoodHousehold(kStatusPoor), r, PovertyLines::BuiltIn(), Ymd(2021, 1, 4));
  REQUIRE(h.ok());
  CHECK(h->status_year == 2021);
  CHECK(h->lifted_year == 2021);
}

TEST_CASE("ApplyTransition refuses with every unmet message", "[rules]") {
  Household h = GoodHousehold(kStatusPoor);
  h.guarantees.food = false;
  h.signatures.pop_back();
  Result<Household> r =
      ApplyTransition(h, CompleteReview(Transition::kExit), PovertyLines::BuiltIn(), Today());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kFailedPrecondition);
  CHECK(r.status().message() ==
        "“不愁吃”未达标 (guarantee not met: food); 缺少调查员签名 (surveyor signature missing)");
  CHECK(r.status().where() == "review/exit");
}

TEST_CASE("ApplyTransition of a new inclusion records the identification", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  const Review r = CompleteReview(Transition::kNewInclusion);

  // Guizhou (52) has no line of its own: the national line.
  Result<Household> gz = ApplyTransition(PoorHousehold(""), r, lines, Today());
  REQUIRE(gz.ok());
  CHECK(gz->status == "new");
  CHECK(gz->status_year == 2020);
  CHECK(gz->identification_year == 2020);
  CHECK(gz->identification_standard == "national");
  CHECK(gz->poverty_line_yuan == 4000);

  // Jiangsu (32) has its own line in force: provincial.
  Household js = PoorHousehold("");
  js.county_code = "320102";
  Result<Household> jiangsu = ApplyTransition(js, r, lines, Today());
  REQUIRE(jiangsu.ok());
  CHECK(jiangsu->identification_year == 2020);
  CHECK(jiangsu->identification_standard == "provincial");
  CHECK(jiangsu->poverty_line_yuan == 6000);

  // A province line equal to the national one is still the province's own standard.
  auto same = PovertyLines::FromJson(
      R"({"national": {"2020": 4000}, "provinces": {"52": {"lines": {"2020": 4000}}}})");
  REQUIRE(same.ok());
  Result<Household> own = ApplyTransition(PoorHousehold(""), r, same.value(), Today());
  REQUIRE(own.ok());
  CHECK(own->identification_standard == "provincial");

  // A removed household included again: the old identification is replaced.
  Household again = PoorHousehold(kStatusRemoved);
  again.identification_year = 2016;
  again.identification_standard = "provincial";
  again.poverty_line_yuan = 2952;
  Result<Household> reincluded = ApplyTransition(again, r, lines, Today());
  REQUIRE(reincluded.ok());
  CHECK(reincluded->identification_year == 2020);
  CHECK(reincluded->identification_standard == "national");
  CHECK(reincluded->poverty_line_yuan == 4000);

  // The year the inclusion takes effect: an open review completed in 2021 (the 2020 line is still
  // in force).
  Review open = r;
  open.completed_day = kNoDay;
  Result<Household> later = ApplyTransition(PoorHousehold(""), open, lines, Ymd(2021, 1, 4));
  REQUIRE(later.ok());
  CHECK(later->identification_year == 2021);
  CHECK(later->identification_standard == "national");
  CHECK(later->poverty_line_yuan == 4000);
}

TEST_CASE("a province line not yet in force identifies by the national line", "[rules]") {
  Result<PovertyLines> lines = PovertyLines::FromJson(
      R"({"national": {"2020": 4000}, "provinces": {"32": {"lines": {"2021": 6000}}}})");
  REQUIRE(lines.ok());
  Household js = PoorHousehold("");
  js.county_code = "320102";
  Result<Household> h =
      ApplyTransition(js, CompleteReview(Transition::kNewInclusion), *lines, Today());
  REQUIRE(h.ok());
  CHECK(h->identification_standard == "national");
  CHECK(h->poverty_line_yuan == 4000);
}

TEST_CASE("only a new inclusion changes the identification fields", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  for (Transition t : {Transition::kExit, Transition::kReturn, Transition::kRemoval}) {
    INFO(TransitionName(t));
    Household h = HouseholdFor(t, StartStatus(t));
    h.identification_year = 2015;
    h.identification_standard = "national";
    h.poverty_line_yuan = 2855;
    Result<Household> out = ApplyTransition(h, CompleteReview(t), lines, Today());
    REQUIRE(out.ok());
    CHECK(out->identification_year == 2015);
    CHECK(out->identification_standard == "national");
    CHECK(out->poverty_line_yuan == 2855);
  }
}

}  // namespace
}  // namespace doorstep::registry
