// Problem list, member checks: duplicate resident IDs (across and within households), invalid IDs,
// ages against the school status and against the relation to the head.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/quality.h"
#include "quality_fixtures.h"

namespace doorstep::registry {
namespace {

using quality_test::CleanHousehold;
using quality_test::Codes;
using quality_test::MemberAged;
using quality_test::ProblemsOf;
using quality_test::TestId;
using quality_test::TestMember;

using CodeList = std::vector<std::string>;

// The clean household's head (50 on the visit day) and one more member; per-capita 5000.
Household HeadAnd(const Member& m) {
  Household h = CleanHousehold(1);
  h.members = {h.members[0], m};
  h.income = Income{};
  h.income.wage = 10000;
  return h;
}

// The problems of a household made of the head and a member of `age` with this relation/school.
CodeList CodesFor(int age, const std::string& relation, const std::string& school) {
  return Codes(ProblemsOf({HeadAnd(MemberAged(age, relation, school, 50))}));
}

TEST_CASE("duplicate_id_across_households reports both sides", "[quality]") {
  Household a = CleanHousehold(1);
  Household b = CleanHousehold(2, "高寨村");
  b.members[3].id_number = a.members[3].id_number;
  const std::vector<Problem> problems = ProblemsOf({a, b});
  REQUIRE(Codes(problems) ==
          CodeList{"duplicate_id_across_households", "duplicate_id_across_households"});
  CHECK(problems[0].household_id == "hh-01");
  CHECK(problems[0].member_index == 3);
  CHECK(problems[0].member_name == "女儿1");
  CHECK(problems[0].detail ==
        "该身份证号在其他户也有登记：高寨村 户编号 5226310020300002（户主 户主2）");
  CHECK(problems[1].household_id == "hh-02");
  CHECK(problems[1].member_index == 3);
  CHECK(problems[1].detail ==
        "该身份证号在其他户也有登记：坪新冲村 户编号 5226310020300001（户主 户主1）");
  for (const Problem& p : problems) {
    CHECK(p.detail.find(a.members[3].id_number) == std::string::npos);
  }
}

TEST_CASE("duplicate_id_across_households names at most three other households", "[quality]") {
  std::vector<Household> households;
  for (int n = 1; n <= 5; ++n) households.push_back(CleanHousehold(n));
  for (Household& h : households) h.members[3].id_number = households[0].members[3].id_number;
  const std::vector<Problem> problems = ProblemsOf(households);
  REQUIRE(problems.size() == 5);
  CHECK(problems[0].detail ==
        "该身份证号在其他户也有登记：坪新冲村 户编号 5226310020300002（户主 户主2）；"
        "坪新冲村 户编号 5226310020300003（户主 户主3）；"
        "坪新冲村 户编号 5226310020300004（户主 户主4） 等 4 户");
}

TEST_CASE("duplicate IDs that are no clash", "[quality]") {
  Household a = CleanHousehold(1);
  Household b = CleanHousehold(2);
  b.members[3].id_number = a.members[3].id_number;
  SECTION("the daughter married out of one household into the other") {
    a.members[3].change = kChangeMarriageOut;
    b.members[3].change = kChangeMarriageIn;
    CHECK(ProblemsOf({a, b}).empty());
  }
  SECTION("records of the same household number are one duplicate_household") {
    b.household_no = a.household_no;
    const std::vector<Problem> problems = ProblemsOf({a, b});
    REQUIRE(Codes(problems) == CodeList{"duplicate_household"});
    CHECK(problems[0].household_id == "hh-02");
  }
  SECTION("an empty ID is invalid but no duplicate") {
    a.members[3].id_number.clear();
    b.members[3].id_number.clear();
    CHECK(Codes(ProblemsOf({a, b})) == CodeList{"invalid_resident_id", "invalid_resident_id"});
  }
}

TEST_CASE("duplicate IDs match a lower-case x", "[quality]") {
  std::string id;
  for (int seq = 500; id.empty() || id.back() != 'X'; ++seq) id = TestId(1990, 1, 1, seq);
  Household a = CleanHousehold(1);
  Household b = CleanHousehold(2);
  a.members.push_back(TestMember("亲属", "other", id));
  id.back() = 'x';
  b.members.push_back(TestMember("亲属", "other", id));
  const std::vector<Problem> problems = ProblemsOf({a, b});
  REQUIRE(Codes(problems) ==
          CodeList{"duplicate_id_across_households", "duplicate_id_across_households"});
  CHECK(problems[0].member_index == 4);
  CHECK(problems[1].member_index == 4);
}

TEST_CASE("duplicate_id_in_household for the second and later occurrences", "[quality]") {
  Household h = CleanHousehold(1);
  h.members.push_back(TestMember("同号甲", "other", h.members[0].id_number));
  h.members.push_back(TestMember("同号乙", "other", h.members[0].id_number));
  const std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"duplicate_id_in_household", "duplicate_id_in_household"});
  CHECK(problems[0].member_index == 4);
  CHECK(problems[0].member_name == "同号甲");
  CHECK(problems[0].detail == "与本户第 1 名成员（户主1）身份证号相同");
  CHECK(problems[1].member_index == 5);
  SECTION("a member who left is not compared") {
    h.members[4].change = kChangeDeath;
    h.members[5].change = kChangeDeath;
    CHECK(ProblemsOf({h}).empty());
  }
}

TEST_CASE("invalid_resident_id gives the Chinese reason without the ID", "[quality]") {
  Household h = CleanHousehold(1);
  const std::string good = h.members[1].id_number;
  SECTION("wrong check character") {
    std::string bad = good;
    bad.back() = bad.back() == '0' ? '1' : '0';
    h.members[1].id_number = bad;
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"invalid_resident_id"});
    CHECK(problems[0].member_index == 1);
    CHECK(problems[0].detail.rfind("校验码错误，应为 ", 0) == 0);
    CHECK(problems[0].detail.find('(') == std::string::npos);  // no English gloss
    CHECK(problems[0].detail.find(bad) == std::string::npos);
    CHECK(problems[0].detail.find(bad.substr(6, 8)) == std::string::npos);
  }
  SECTION("born after today") {
    h.members[2].id_number = TestId(2020, 11, 2, 13);
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"invalid_resident_id"});
    CHECK(problems[0].detail == "出生日期晚于今天");
  }
  SECTION("empty") {
    h.members[1].id_number.clear();
    const std::vector<Problem> problems = ProblemsOf({h});
    REQUIRE(Codes(problems) == CodeList{"invalid_resident_id"});
    CHECK(problems[0].detail == "长度应为18位，实际为 0 位");
  }
}

TEST_CASE("age_school_mismatch at the edges of every range", "[quality]") {
  struct Range {
    const char* school;
    int min;
    int max;
  };
  for (const Range& r :
       {Range{"preschool", 2, 7}, Range{"primary", 5, 15}, Range{"junior_high", 10, 18},
        Range{"senior_high", 13, 21}, Range{"vocational", 13, 25}, Range{"college", 15, 40},
        Range{"dropout", 6, 18}}) {
    INFO(r.school);
    CHECK(CodesFor(r.min, "other", r.school) == CodeList{});
    CHECK(CodesFor(r.max, "other", r.school) == CodeList{});
    CHECK(CodesFor(r.min - 1, "other", r.school) == CodeList{"age_school_mismatch"});
    CHECK(CodesFor(r.max + 1, "other", r.school) == CodeList{"age_school_mismatch"});
  }
  const std::vector<Problem> problems =
      ProblemsOf({HeadAnd(MemberAged(19, "other", "junior_high", 50))});
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].member_index == 1);
  CHECK(problems[0].detail == "年龄 19 岁，在校情况为“初中”，该情况应为 10-18 岁");
}

TEST_CASE("age_school_mismatch for compulsory-age children not in school", "[quality]") {
  CHECK(CodesFor(6, "other", "not_in_school") == CodeList{});
  CHECK(CodesFor(7, "other", "not_in_school") == CodeList{"age_school_mismatch"});
  CHECK(CodesFor(14, "other", "not_in_school") == CodeList{"age_school_mismatch"});
  CHECK(CodesFor(15, "other", "not_in_school") == CodeList{});
  CHECK(CodesFor(10, "other", "") == CodeList{});  // not recorded: nothing to compare
}

TEST_CASE("ages are taken on the visit day, else today, else the recorded age", "[quality]") {
  // Born 2005-10-15: 14 on the visit day 2020-10-01, 15 today (2020-11-01).
  Household h = HeadAnd(TestMember("少年", "other", TestId(2005, 10, 15, 50), "not_in_school"));
  CHECK(Codes(ProblemsOf({h})) == CodeList{"age_school_mismatch"});
  h.visit_day = kNoDay;
  CHECK(Codes(ProblemsOf({h})) == CodeList{"visit_stale"});

  SECTION("invalid ID: the recorded age") {
    h.visit_day = quality_test::VisitDay();
    h.members[1].id_number = "52263120051015005";  // 17 characters
    CHECK(Codes(ProblemsOf({h})) == CodeList{"invalid_resident_id"});
    h.members[1].age = 10;
    CHECK(Codes(ProblemsOf({h})) == CodeList{"age_school_mismatch", "invalid_resident_id"});
  }
}

TEST_CASE("age_relation_mismatch at the edges of every relation", "[quality]") {
  // The head is 50.
  CHECK(CodesFor(18, "spouse", "not_in_school") == CodeList{});
  CHECK(CodesFor(17, "spouse", "not_in_school") == CodeList{"age_relation_mismatch"});
  for (const char* child : {"son", "daughter", "son_in_law", "daughter_in_law"}) {
    INFO(child);
    CHECK(CodesFor(38, child, "not_in_school") == CodeList{});
    CHECK(CodesFor(39, child, "not_in_school") == CodeList{"age_relation_mismatch"});
  }
  for (const char* grandchild : {"grandson", "granddaughter"}) {
    INFO(grandchild);
    CHECK(CodesFor(26, grandchild, "not_in_school") == CodeList{});
    CHECK(CodesFor(27, grandchild, "not_in_school") == CodeList{"age_relation_mismatch"});
  }
  for (const char* parent : {"father", "mother"}) {
    INFO(parent);
    CHECK(CodesFor(62, parent, "not_in_school") == CodeList{});
    CHECK(CodesFor(61, parent, "not_in_school") == CodeList{"age_relation_mismatch"});
  }
  CHECK(CodesFor(80, "other", "not_in_school") == CodeList{});

  const std::vector<Problem> problems =
      ProblemsOf({HeadAnd(MemberAged(39, "son", "not_in_school", 50))});
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].member_index == 1);
  CHECK(problems[0].detail == "之子年龄 39 岁，户主 50 岁，应比户主小 12 岁以上");
}

TEST_CASE("age_relation_mismatch for a head under 16", "[quality]") {
  Household h = CleanHousehold(1);
  h.income.wage -= 15000;  // one person left: per-capita 5000
  h.members = {MemberAged(16, "head", "not_in_school", 50)};
  CHECK(ProblemsOf({h}).empty());
  h.members = {MemberAged(15, "head", "not_in_school", 50)};
  const std::vector<Problem> problems = ProblemsOf({h});
  REQUIRE(Codes(problems) == CodeList{"age_relation_mismatch"});
  CHECK(problems[0].detail == "户主年龄 15 岁，不满 16 岁");
}

TEST_CASE("age_relation_mismatch needs the head's age", "[quality]") {
  Household h = HeadAnd(MemberAged(39, "son", "not_in_school", 50));
  SECTION("head ID invalid and no recorded age: unknown, no relation check") {
    h.members[0].id_number = "bad";
    CHECK(Codes(ProblemsOf({h})) == CodeList{"invalid_resident_id"});
  }
  SECTION("head ID invalid, recorded age 50") {
    h.members[0].id_number = "bad";
    h.members[0].age = 50;
    CHECK(Codes(ProblemsOf({h})) == CodeList{"age_relation_mismatch", "invalid_resident_id"});
  }
  SECTION("no head member: the household's head ID") {
    h.members.erase(h.members.begin());
    h.income.wage = 5000;  // one person: per-capita 5000
    REQUIRE(h.head_id_number == TestId(1970, 3, 15, 11));
    CHECK(Codes(ProblemsOf({h})) == CodeList{"age_relation_mismatch"});
    h.head_id_number.clear();
    CHECK(ProblemsOf({h}).empty());
  }
}

}  // namespace
}  // namespace doorstep::registry
