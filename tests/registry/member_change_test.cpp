// Natural increase/decrease of members (自然增减) and the whole-household removal it can force.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/workflow.h"
#include "workflow_fixtures.h"

namespace doorstep::registry {
namespace {

using namespace rules_test;  // NOLINT: test fixtures

using Codes_ = std::vector<std::string>;

// The household with a third member, 彭霞娟, born 2019-10-15, whose change the test sets.
Household WithChild(const std::string& change, int32_t change_day) {
  Household h = GoodHousehold(kStatusPoor);
  Member child = MakeMember("彭霞娟", "52263120191015245", "grandson");
  child.change = change;
  child.change_day = change_day;
  h.members.push_back(child);
  return h;
}

const int32_t kToday = Ymd(2020, 11, 23);

TEST_CASE("members without a change need nothing", "[rules]") {
  CHECK(CheckMemberChanges(GoodHousehold(kStatusPoor), kToday).empty());
  CHECK(CheckMemberChanges(WithChild("", kNoDay), kToday).empty());
}

TEST_CASE("a member change needs a change date", "[rules]") {
  std::vector<Unmet> unmet = CheckMemberChanges(WithChild(kChangeMoveOut, kNoDay), kToday);
  REQUIRE(Codes(unmet) == Codes_{kUnmetChangeDateMissing});
  CHECK(unmet[0].message ==
        "成员 彭霞娟 的人口变动缺少变动日期 (member 彭霞娟: change date missing)");
  CHECK(CheckMemberChanges(WithChild(kChangeMoveOut, Ymd(2020, 5, 1)), kToday).empty());
}

TEST_CASE("a member change may not be dated after today", "[rules]") {
  std::vector<Unmet> unmet = CheckMemberChanges(WithChild(kChangeDeath, kToday + 1), kToday);
  REQUIRE(Codes(unmet) == Codes_{kUnmetChangeDateInFuture});
  CHECK(unmet[0].message ==
        "成员 彭霞娟 的变动日期晚于今天 (member 彭霞娟: change date is in the future)");
  CHECK(CheckMemberChanges(WithChild(kChangeDeath, kToday), kToday).empty());
  // Today unknown: no future to compare with.
  CHECK(CheckMemberChanges(WithChild(kChangeDeath, kToday + 1), kNoDay).empty());
}

TEST_CASE("a member change may not be dated before the member's birth", "[rules]") {
  std::vector<Unmet> unmet =
      CheckMemberChanges(WithChild(kChangeMoveIn, Ymd(2019, 10, 14)), kToday);
  REQUIRE(Codes(unmet) == Codes_{kUnmetChangeBeforeBirth});
  CHECK(unmet[0].message ==
        "成员 彭霞娟 的变动日期早于出生日期 (member 彭霞娟: change date is before the birth "
        "date)");
  CHECK(CheckMemberChanges(WithChild(kChangeMoveIn, Ymd(2019, 10, 15)), kToday).empty());
  // A birth dated before the birth is before the birth, not "not a newborn".
  CHECK(Codes(CheckMemberChanges(WithChild(kChangeBirth, Ymd(2019, 10, 1)), kToday)) ==
        Codes_{kUnmetChangeBeforeBirth});
}

TEST_CASE("a birth needs a member under one year old on the change day", "[rules]") {
  std::vector<Unmet> unmet = CheckMemberChanges(WithChild(kChangeBirth, Ymd(2020, 10, 15)), kToday);
  REQUIRE(Codes(unmet) == Codes_{kUnmetBirthNotNewborn});
  CHECK(unmet[0].message ==
        "成员 彭霞娟 登记为出生，但变动时已满1岁 (member 彭霞娟: recorded as a birth but one "
        "year or older on the change date)");
  CHECK(CheckMemberChanges(WithChild(kChangeBirth, Ymd(2020, 10, 14)), kToday).empty());
  CHECK(CheckMemberChanges(WithChild(kChangeBirth, Ymd(2019, 10, 15)), kToday).empty());
  // Other increases have no age limit.
  CHECK(CheckMemberChanges(WithChild(kChangeMarriageIn, Ymd(2020, 10, 15)), kToday).empty());
}

TEST_CASE("member change messages name the member, never the ID", "[rules]") {
  Household h = WithChild(kChangeBirth, Ymd(2020, 10, 15));
  h.members[0].change = kChangeDeath;  // no date
  h.members[1].change = kChangeMarriageOut;
  h.members[1].change_day = kToday + 3;
  h.members[1].name.clear();
  std::vector<Unmet> unmet = CheckMemberChanges(h, kToday);
  REQUIRE(Codes(unmet) ==
          Codes_{kUnmetChangeDateMissing, kUnmetChangeDateInFuture, kUnmetBirthNotNewborn});
  CHECK(unmet[0].message.find("王建国") != std::string::npos);
  CHECK(unmet[1].message ==
        "第 2 名成员 的变动日期晚于今天 (member 2: change date is in the future)");
  for (const Unmet& u : unmet) {
    for (const Member& m : h.members) CHECK(u.message.find(m.id_number) == std::string::npos);
  }
}

TEST_CASE("a member with an invalid ID skips the birth-date checks", "[rules]") {
  Household h = WithChild(kChangeBirth, Ymd(2020, 10, 15));
  h.members.back().id_number = "522631201910152450";  // wrong check digit
  CHECK(CheckMemberChanges(h, kToday).empty());
  // The date checks still apply.
  h.members.back().change_day = kNoDay;
  CHECK(Codes(CheckMemberChanges(h, kToday)) == Codes_{kUnmetChangeDateMissing});
}

TEST_CASE("the last member leaving requires a whole-household removal", "[rules]") {
  Household h = GoodHousehold(kStatusPoor);
  h.members[0].change = kChangeDeath;
  h.members[0].change_day = Ymd(2020, 6, 1);
  CHECK(RequiredTransition(h) == std::nullopt);  // the spouse still lives there
  h.members[1].change = kChangeMoveOut;
  h.members[1].change_day = Ymd(2020, 7, 1);
  CHECK(RequiredTransition(h) == Transition::kRemoval);
  h.status = kStatusLifted;
  CHECK(RequiredTransition(h) == Transition::kRemoval);
  h.status = kStatusRemoved;
  CHECK(RequiredTransition(h) == std::nullopt);
  // An increase keeps the household.
  h.status = kStatusPoor;
  h.members[1].change = kChangeMarriageIn;
  CHECK(RequiredTransition(h) == std::nullopt);
}

}  // namespace
}  // namespace doorstep::registry
