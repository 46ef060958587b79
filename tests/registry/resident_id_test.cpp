// Resident ID rules (GB 11643-1999): parsing, check character, masking, ages.
#include "doorstep/registry/resident_id.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"

namespace doorstep::registry {
namespace {

// Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check = "10X98765432"[sum % 11].
//
// 11010519491231002X, digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2:
//   7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 % 11 = 2 -> 'X'. 17th digit 2: female.
const std::string kIdX = "11010519491231002X";
// 440524188001010014, digits 4 4 0 5 2 4 1 8 8 0 0 1 0 1 0 0 1:
//   28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195, 195 % 11 = 8 -> '4'. 17th digit 1: male.
//   Born 1880-01-01, the earliest year allowed.
const std::string kId1880 = "440524188001010014";
// 110105200002290013, digits 1 1 0 1 0 5 2 0 0 0 0 2 2 9 0 0 1:
//   7+9+0+5+0+20+4+0+0+0+0+18+20+45+0+0+2 = 130, 130 % 11 = 9 -> '3'. Born on a leap day, male.
const std::string kIdLeap = "110105200002290013";
// 52263119761206245X, digits 5 2 2 6 3 1 1 9 7 6 1 2 0 6 2 4 5:
//   35+18+20+30+24+4+2+9+42+18+7+18+0+30+16+16+10 = 299, 299 % 11 = 2 -> 'X'. 17th digit 5: male.
const std::string kIdGuizhou = "52263119761206245X";

int32_t Ymd(int y, int m, int d) {
  return DayFromCivil(y, m, d);
}

std::string ErrorOf(const std::string& id, int32_t today = kNoDay) {
  Result<ResidentId> r = ParseResidentId(id, today);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  // The ID never appears in an error, nor its birth-date digits.
  if (!id.empty()) {
    CHECK(r.status().message().find(id) == std::string::npos);
    CHECK(r.status().ToString().find(id) == std::string::npos);
  }
  if (id.size() >= 14) CHECK(r.status().message().find(id.substr(6, 8)) == std::string::npos);
  return r.status().message();
}

TEST_CASE("valid resident IDs parse into region, birth day and sex", "[rules]") {
  Result<ResidentId> x = ParseResidentId(kIdX);
  REQUIRE(x.ok());
  CHECK(x->region_code == "110105");
  CHECK(x->birth_day == Ymd(1949, 12, 31));
  CHECK(x->sex == "female");

  Result<ResidentId> old = ParseResidentId(kId1880, Ymd(2020, 1, 1));
  REQUIRE(old.ok());
  CHECK(old->region_code == "440524");
  CHECK(old->birth_day == Ymd(1880, 1, 1));
  CHECK(old->sex == "male");

  Result<ResidentId> leap = ParseResidentId(kIdLeap);
  REQUIRE(leap.ok());
  CHECK(leap->birth_day == Ymd(2000, 2, 29));
  CHECK(leap->sex == "male");

  Result<ResidentId> gz = ParseResidentId(kIdGuizhou);
  REQUIRE(gz.ok());
  CHECK(gz->region_code == "522631");
  CHECK(gz->birth_day == Ymd(1976, 12, 6));
  CHECK(gz->sex == "male");
}

TEST_CASE("a lower-case x check character is accepted as X", "[rules]") {
  Result<ResidentId> r = ParseResidentId("11010519491231002x");
  REQUIRE(r.ok());
  CHECK(r->birth_day == Ymd(1949, 12, 31));
  // Still checked: x where the check digit is 4 fails.
  CHECK(ErrorOf("44052418800101001x") == "校验码错误，应为 4 (check digit should be 4)");
}

TEST_CASE("ResidentIdCheckChar computes ISO 7064 MOD 11-2", "[rules]") {
  CHECK(ResidentIdCheckChar("11010519491231002") == 'X');
  CHECK(ResidentIdCheckChar("44052418800101001") == '4');
  CHECK(ResidentIdCheckChar("11010520000229001") == '3');
  CHECK(ResidentIdCheckChar("52263119761206245") == 'X');
  // Not 17 digits: '?' (never a valid check character).
  CHECK(ResidentIdCheckChar("1101051949123100") == '?');
  CHECK(ResidentIdCheckChar("110105194912310021") == '?');
  CHECK(ResidentIdCheckChar("1101051949123100A") == '?');
}

TEST_CASE("resident ID length errors", "[rules]") {
  CHECK(ErrorOf("11010519491231002") ==
        "长度应为18位，实际为 17 位 (must be 18 characters, got 17)");
  CHECK(ErrorOf("11010519491231002X1") ==
        "长度应为18位，实际为 19 位 (must be 18 characters, got 19)");
  CHECK(ErrorOf("") == "长度应为18位，实际为 0 位 (must be 18 characters, got 0)");
  // A 15-digit first-generation ID is not accepted in the registry.
  CHECK(ErrorOf("110105491231002") == "长度应为18位，实际为 15 位 (must be 18 characters, got 15)");
}

TEST_CASE("resident ID character errors name the position", "[rules]") {
  CHECK(ErrorOf("1101A519491231002X") == "第 5 位不是数字 (character 5 is not a digit)");
  CHECK(ErrorOf("X1010519491231002X") == "第 1 位不是数字 (character 1 is not a digit)");
  CHECK(ErrorOf("1101051949123100 X") == "第 17 位不是数字 (character 17 is not a digit)");
  CHECK(ErrorOf("11010519491231002A") ==
        "第 18 位应为数字或 X (character 18 must be a digit or X)");
}

TEST_CASE("resident ID province codes", "[rules]") {
  CHECK(ErrorOf("99010519491231002X") ==
        "行政区划代码无效：省级代码 99 不存在 (unknown province code 99)");
  CHECK(ErrorOf("16010519491231002X") ==
        "行政区划代码无效：省级代码 16 不存在 (unknown province code 16)");
  CHECK(ErrorOf("00010519491231002X") ==
        "行政区划代码无效：省级代码 00 不存在 (unknown province code 00)");
  for (const char* code :
       {"11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82"}) {
    CHECK(IsProvinceCode(code));
  }
  for (const char* code : {"10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66",
                           "70", "72", "80", "83", "1", "111", "a1"}) {
    CHECK_FALSE(IsProvinceCode(code));
  }
}

TEST_CASE("resident ID birth date errors", "[rules]") {
  const std::string kBadDate = "出生日期无效 (invalid birth date)";
  CHECK(ErrorOf("110105194902300020") == kBadDate);  // February 30
  CHECK(ErrorOf("110105194913010020") == kBadDate);  // month 13
  CHECK(ErrorOf("110105194900010020") == kBadDate);  // month 0
  CHECK(ErrorOf("110105190002290020") == kBadDate);  // 1900 is not a leap year
  CHECK(ErrorOf("110105194904000020") == kBadDate);  // day 0
  CHECK(ErrorOf("110105187912310020") == "出生年份早于1880年 (birth year before 1880)");
  // Born 1949-12-31: fails the day before, passes on the day itself.
  CHECK(ErrorOf(kIdX, Ymd(1949, 12, 30)) == "出生日期晚于今天 (birth date is in the future)");
  CHECK(ParseResidentId(kIdX, Ymd(1949, 12, 31)).ok());
}

TEST_CASE("resident ID check digit errors state the expected character", "[rules]") {
  CHECK(ErrorOf("110105194912310021") == "校验码错误，应为 X (check digit should be X)");
  CHECK(ErrorOf("440524188001010015") == "校验码错误，应为 4 (check digit should be 4)");
  CHECK(ErrorOf("11010520000229001X") == "校验码错误，应为 3 (check digit should be 3)");
}

TEST_CASE("ages from resident IDs are birthday-exact", "[rules]") {
  CHECK(AgeFromResidentId(kIdX, Ymd(2019, 12, 30)) == 69);
  CHECK(AgeFromResidentId(kIdX, Ymd(2019, 12, 31)) == 70);
  // Born on 29 February: one year old on 1 March of a common year, not on 28 February.
  CHECK(AgeFromResidentId(kIdLeap, Ymd(2001, 2, 28)) == 0);
  CHECK(AgeFromResidentId(kIdLeap, Ymd(2001, 3, 1)) == 1);
  CHECK(AgeFromResidentId(kIdLeap, Ymd(2004, 2, 29)) == 4);
  CHECK(AgeFromResidentId(kIdLeap, Ymd(2000, 2, 29)) == 0);
  // Not born yet, unknown day, invalid ID: -1.
  CHECK(AgeFromResidentId(kIdLeap, Ymd(2000, 2, 28)) == -1);
  CHECK(AgeFromResidentId(kIdLeap, kNoDay) == -1);
  CHECK(AgeFromResidentId("110105200002290010", Ymd(2020, 1, 1)) == -1);
}

TEST_CASE("MaskResidentId keeps only the region and the last four characters", "[rules]") {
  CHECK(MaskResidentId(kIdX) == "110105********002X");
  CHECK(MaskResidentId(kIdGuizhou) == "522631********245X");
  CHECK(MaskResidentId(kIdX).find("19491231") == std::string::npos);
  // Too short to mask partially: everything hidden.
  CHECK(MaskResidentId("12345") == "*****");
  CHECK(MaskResidentId("") == "");
  CHECK(MaskResidentId("1234567890") == "123456********7890");
}

}  // namespace
}  // namespace doorstep::registry
