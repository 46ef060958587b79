// Transition rules that need a TransitionContext: stored records (finalized, the review signed by
// the team leader), the exit verification an exit rests on, and people registered in another
// household (一人多户) unless a reviewer recorded an override.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/poverty_line.h"
#include "doorstep/registry/workflow.h"
#include "workflow_fixtures.h"

namespace doorstep::registry {
namespace {

using namespace rules_test;  // NOLINT: test fixtures

using Codes_ = std::vector<std::string>;

// The ID number of the fixture's spouse, 李秀英.
const std::string& SpouseId() {
  static const std::string kId = MakeId("52263119720202002");
  return kId;
}

// A finalized, fully signed verification of hh-1 for 2020 concluding "meets".
ExitVerification MeetsVerification() {
  ExitVerification v;
  v.id = "ev-1";
  v.household_id = "hh-1";
  v.village = "坪新冲村";
  v.exit_year = 2020;
  v.conclusion = "meets";
  v.verify_day = Ymd(2020, 2, 20);
  v.finalized = true;
  v.signatures_valid = true;
  return v;
}

// Another registered household of the same village whose members include the fixture's spouse.
Household OtherHousehold() {
  Household o;
  o.id = "hh-2";
  o.household_no = "5226310020300002";
  o.county_code = "522631";
  o.village = "坪新冲村";
  o.head_name = "张大山";
  o.head_id_number = MakeId("52263119650505003");
  o.status = kStatusPoor;
  o.members = {MakeMember("张大山", "52263119650505003", "head"),
               MakeMember("李秀英", "52263119720202002", "daughter_in_law")};
  return o;
}

// A registry holding the household itself, a verification of its exit and an unrelated household.
Township Registry(Transition t) {
  Township reg;
  reg.households = {HouseholdFor(t, StartStatus(t))};
  Household other = OtherHousehold();
  other.members.pop_back();  // nobody shared
  reg.households.push_back(other);
  reg.exit_verifications = {MeetsVerification()};
  return reg;
}

TransitionCheck CheckIn(const Household& h, const Review& r, const TransitionContext& context) {
  return CheckTransition(h, r, PovertyLines::BuiltIn(), Today(), context);
}

TEST_CASE("complete reviews pass with a registry and stored records", "[rules]") {
  for (Transition t : AllTransitions()) {
    INFO(TransitionName(t));
    const Township reg = Registry(t);
    TransitionContext context;
    context.registry = &reg;
    context.stored = true;
    CHECK(CheckIn(HouseholdFor(t, StartStatus(t)), CompleteReview(t), context).ok());
  }
}

TEST_CASE("stored records must be finalized and the review signed by the team leader", "[rules]") {
  TransitionContext stored;
  stored.stored = true;
  const Household good = GoodHousehold(kStatusPoor);
  const Review complete = CompleteReview(Transition::kExit);
  REQUIRE(CheckIn(good, complete, stored).ok());

  Household draft = good;
  draft.finalized = false;
  TransitionCheck check = CheckIn(draft, complete, stored);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetRecordNotFinalized});
  CHECK(check.unmet[0].message ==
        "贫困户调查登记表尚未提交（仍是草稿） (the household record is a draft)");

  Review r = complete;
  r.finalized = false;
  check = CheckIn(good, r, stored);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetRecordNotFinalized});
  CHECK(check.unmet[0].message == "评议记录尚未提交（仍是草稿） (the review record is a draft)");

  r = complete;
  r.team_leader_signature = SignatureState::kMissing;
  check = CheckIn(good, r, stored);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetReviewUnsigned});
  CHECK(check.unmet[0].message ==
        "评议记录缺少驻村工作队队长签名 (the review has no team leader signature)");

  r.team_leader_signature = SignatureState::kStale;
  check = CheckIn(good, r, stored);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetReviewUnsigned});
  CHECK(check.unmet[0].message ==
        "评议记录在队长签名后被修改，需重新签名 (the review changed after the team leader "
        "signed: sign again)");

  // Records come first, before the status, the evidence and the procedure.
  draft.status = kStatusLifted;
  r.finalized = false;
  r.notification_day = kNoDay;
  CHECK(Codes(CheckIn(draft, r, stored).unmet) ==
        Codes_{kUnmetRecordNotFinalized, kUnmetRecordNotFinalized, kUnmetReviewUnsigned,
               kUnmetStatusNotAllowed, kUnmetStepMissing});

  // Plain values (not stored): drafts and the review signature are not looked at.
  CHECK(CheckIn(draft, r, TransitionContext{}).unmet.size() == 2);
}

TEST_CASE("an exit with a registry needs a finalized signed verification that meets", "[rules]") {
  const Household h = GoodHousehold(kStatusPoor);
  const Review r = CompleteReview(Transition::kExit);
  Township reg = Registry(Transition::kExit);
  TransitionContext context;
  context.registry = &reg;
  REQUIRE(CheckIn(h, r, context).ok());

  const std::string none =
      "缺少本年度脱贫退出户调查核实登记表 (no exit verification of this household for the "
      "review year)";
  const std::string unusable =
      "脱贫退出户调查核实登记表未提交、签名不全或结论不是“达到脱贫标准” (the exit "
      "verification is not finalized, not fully signed or does not conclude \"meets\")";
  struct Case {
    const char* name;
    void (*change)(ExitVerification*);
    const std::string* message;
  };
  const Case cases[] = {
      {"not finalized", [](ExitVerification* v) { v->finalized = false; }, &unusable},
      {"concludes not_meets", [](ExitVerification* v) { v->conclusion = "not_meets"; }, &unusable},
      {"no conclusion", [](ExitVerification* v) { v->conclusion.clear(); }, &unusable},
      {"stale signatures", [](ExitVerification* v) { v->signatures_valid = false; }, &unusable},
      {"another year", [](ExitVerification* v) { v->exit_year = 2019; }, &none},
      {"another household", [](ExitVerification* v) { v->household_id = "hh-2"; }, &none},
      // No exit year: the year of the verification day decides.
      {"no year, verified another year",
       [](ExitVerification* v) {
         v->exit_year = 0;
         v->verify_day = Ymd(2019, 12, 30);
       },
       &none},
      {"no year, no day", [](ExitVerification* v) {
         v->exit_year = 0;
         v->verify_day = kNoDay;
       },
       &none},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ExitVerification v = MeetsVerification();
    c.change(&v);
    reg.exit_verifications = {v};
    TransitionCheck check = CheckIn(h, r, context);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetExitVerificationMissing});
    CHECK(check.unmet[0].message == *c.message);
    // One usable verification next to the unusable one is enough.
    reg.exit_verifications.push_back(MeetsVerification());
    CHECK(CheckIn(h, r, context).ok());
  }

  ExitVerification by_day = MeetsVerification();
  by_day.exit_year = 0;  // verified within the review year
  reg.exit_verifications = {by_day};
  CHECK(CheckIn(h, r, context).ok());
  reg.exit_verifications.clear();
  TransitionCheck check = CheckIn(h, r, context);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetExitVerificationMissing});
  CHECK(check.unmet[0].message == none);
  // Without a registry (plain values) the verification is not looked at.
  CHECK(CheckIn(h, r, TransitionContext{}).ok());
  // Only an exit needs it.
  CHECK(CheckIn(h, CompleteReview(Transition::kRemoval), context).ok());
  CHECK(CheckIn(PoorHousehold(kStatusLifted), CompleteReview(Transition::kReturn), context).ok());
}

TEST_CASE("a member registered in another household blocks new inclusion and return", "[rules]") {
  for (Transition t : {Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    const Household h = PoorHousehold(StartStatus(t));
    Township reg;
    reg.households = {h, OtherHousehold()};
    TransitionContext context;
    context.registry = &reg;
    TransitionCheck check = CheckIn(h, CompleteReview(t), context);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetDuplicatePerson});
    CHECK(check.unmet[0].message ==
          "成员 李秀英 已登记在户 5226310020300002（户主 张大山） (member 李秀英 is already a "
          "member of household 5226310020300002)");
    for (const Unmet& u : check.unmet) {
      CHECK(u.message.find(SpouseId()) == std::string::npos);
      CHECK(u.message.find(SpouseId().substr(0, 17)) == std::string::npos);
    }
    // A reviewer's recorded override lets the transition go ahead.
    context.duplicate_override = "李秀英 2019 年已嫁入本户，原户未办理减员";
    CHECK(CheckIn(h, CompleteReview(t), context).ok());
  }
  // Exit and removal do not look for duplicates.
  Township reg;
  reg.households = {GoodHousehold(kStatusPoor), OtherHousehold()};
  reg.exit_verifications = {MeetsVerification()};
  TransitionContext context;
  context.registry = &reg;
  CHECK(CheckIn(GoodHousehold(kStatusPoor), CompleteReview(Transition::kExit), context).ok());
  CHECK(CheckIn(GoodHousehold(kStatusPoor), CompleteReview(Transition::kRemoval), context).ok());
}

TEST_CASE("removed households, unregistered ones and members who left do not count", "[rules]") {
  const Household h = PoorHousehold("");
  const Review r = CompleteReview(Transition::kNewInclusion);
  Township reg;
  TransitionContext context;
  context.registry = &reg;

  SECTION("the other household was removed") {
    Household other = OtherHousehold();
    other.status = kStatusRemoved;
    reg.households = {other};
    CHECK(CheckIn(h, r, context).ok());
  }
  SECTION("the other household is not registered") {
    Household other = OtherHousehold();
    other.status.clear();
    reg.households = {other};
    CHECK(CheckIn(h, r, context).ok());
  }
  SECTION("the person left the other household") {
    for (const char* change :
         {kChangeDeath, kChangeMarriageOut, kChangeMoveOut, kChangeImprisonment}) {
      INFO(change);
      Household other = OtherHousehold();
      other.members[1].change = change;
      other.members[1].change_day = Ymd(2019, 5, 1);
      reg.households = {other};
      CHECK(CheckIn(h, r, context).ok());
    }
  }
  SECTION("the person left this household") {
    Household left = h;
    left.members[1].change = kChangeMarriageOut;
    left.members[1].change_day = Ymd(2019, 5, 1);
    left.income.wage = 4000;  // one member left: still at the line
    reg.households = {OtherHousehold()};
    CHECK(CheckIn(left, r, context).ok());
  }
  SECTION("a lifted household still counts") {
    Household other = OtherHousehold();
    other.status = kStatusLifted;
    reg.households = {other};
    CHECK(Codes(CheckIn(h, r, context).unmet) == Codes_{kUnmetDuplicatePerson});
  }
  SECTION("the household's own record and another record of the same number") {
    Household same_number = OtherHousehold();
    same_number.household_no = h.household_no;
    reg.households = {h, same_number};
    CHECK(CheckIn(h, r, context).ok());
  }
}

TEST_CASE("DuplicatePeople names each shared member, by position when unnamed", "[rules]") {
  Household h = PoorHousehold("");
  h.members[1].name.clear();
  Household other = OtherHousehold();
  other.members[0].id_number = h.members[0].id_number;  // both members shared
  std::vector<Unmet> dups = DuplicatePeople(h, {other});
  REQUIRE(Codes(dups) == Codes_{kUnmetDuplicatePerson, kUnmetDuplicatePerson});
  CHECK(dups[0].message ==
        "成员 王建国 已登记在户 5226310020300002（户主 张大山） (member 王建国 is already a "
        "member of household 5226310020300002)");
  CHECK(dups[1].message ==
        "第 2 名成员 已登记在户 5226310020300002（户主 张大山） (member 2 is already a member "
        "of household 5226310020300002)");
  for (const Unmet& u : dups) {
    CHECK(u.message.find(h.members[0].id_number) == std::string::npos);
    CHECK(u.message.find(SpouseId()) == std::string::npos);
  }
  // Records not stored yet (no record ids) are still told apart.
  h.id.clear();
  other.id.clear();
  CHECK(DuplicatePeople(h, {other}).size() == 2);
  // A member without an ID number matches nobody.
  h.members[1].id_number.clear();
  other.members[1].id_number.clear();
  CHECK(DuplicatePeople(h, {other}).size() == 1);
}

TEST_CASE("nothing dated after today counts, and an empty household is not included",
          "[rules]") {
  const Review r = CompleteReview(Transition::kExit);
  const Household h = GoodHousehold(kStatusPoor);
  // Completed and notified "tomorrow": the waiting periods prove nothing yet.
  TransitionCheck check =
      CheckTransition(h, r, PovertyLines::BuiltIn(), r.completed_day - 1, TransitionContext{});
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepInFuture, kUnmetStepInFuture});
  CHECK(check.unmet[0].message == "告知日期晚于今天 (notification is dated after today)");
  CHECK(check.unmet[1].message == "办结日期晚于今天 (completion is dated after today)");
  CHECK(CheckTransition(h, r, PovertyLines::BuiltIn(), r.completed_day, TransitionContext{}).ok());

  Household empty = HouseholdFor(Transition::kNewInclusion, "");
  for (Member& m : empty.members) m.change = kChangeDeath;
  check = CheckTransition(empty, CompleteReview(Transition::kNewInclusion), PovertyLines::BuiltIn(),
                          Today(), TransitionContext{});
  CHECK(Codes(check.unmet) == Codes_{kUnmetHouseholdEmpty});
}

TEST_CASE("an ID written with a lower-case x is the same person", "[rules]") {
  Household h = PoorHousehold("");
  Household other = OtherHousehold();
  std::string upper = h.members[0].id_number;
  upper.back() = 'X';
  std::string lower = upper;
  lower.back() = 'x';
  h.members[0].id_number = lower;
  other.members[0].id_number = upper;
  CHECK(Codes(DuplicatePeople(h, {other})).size() == 2);  // the spouse and the head
}

}  // namespace
}  // namespace doorstep::registry
