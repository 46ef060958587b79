#include "doorstep/registry/resident_id.h"

namespace doorstep::registry {
namespace {

constexpr size_t kIdLength = 18;
constexpr int kMinBirthYear = 1880;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

int Digits(std::string_view s, size_t from, size_t n) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

Status Invalid(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message));
}

}  // namespace

bool IsProvinceCode(std::string_view two_digits) {
  if (two_digits.size() != 2 || !IsDigit(two_digits[0]) || !IsDigit(two_digits[1])) return false;
  const int code = Digits(two_digits, 0, 2);
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
         code == 71 || code == 81 || code == 82;
}

char ResidentIdCheckChar(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  // Index = weighted sum mod 11; the value is (12 - index) mod 11, 10 written as X.
  static constexpr char kCheck[] = "10X98765432";
  if (first17.size() != 17) return '?';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(first17[i])) return '?';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

Result<ResidentId> ParseResidentId(const std::string& id, int32_t today) {
  // Messages state positions and rules, never characters of the ID (beyond the province code,
  // which says nothing about the person).
  if (id.size() != kIdLength) {
    return Invalid("长度应为18位，实际为 " + std::to_string(id.size()) +
                   " 位 (must be 18 characters, got " + std::to_string(id.size()) + ")");
  }
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) {
      const std::string pos = std::to_string(i + 1);
      return Invalid("第 " + pos + " 位不是数字 (character " + pos + " is not a digit)");
    }
  }
  char last = id[17];
  if (last == 'x') last = 'X';
  if (!IsDigit(last) && last != 'X') {
    return Invalid("第 18 位应为数字或 X (character 18 must be a digit or X)");
  }
  const std::string province = id.substr(0, 2);
  if (!IsProvinceCode(province)) {
    return Invalid("行政区划代码无效：省级代码 " + province + " 不存在 (unknown province code " +
                   province + ")");
  }
  const int year = Digits(id, 6, 4);
  const int month = Digits(id, 10, 2);
  const int dom = Digits(id, 12, 2);
  if (!IsValidCivil(year, month, dom)) return Invalid("出生日期无效 (invalid birth date)");
  if (year < kMinBirthYear) {
    return Invalid("出生年份早于1880年 (birth year before 1880)");
  }
  const int32_t birth = DayFromCivil(year, month, dom);
  if (today != kNoDay && birth > today) {
    return Invalid("出生日期晚于今天 (birth date is in the future)");
  }
  const char expected = ResidentIdCheckChar(std::string_view(id).substr(0, 17));
  if (last != expected) {
    const std::string want(1, expected);
    return Invalid("校验码错误，应为 " + want + " (check digit should be " + want + ")");
  }
  ResidentId out;
  out.region_code = id.substr(0, 6);
  out.birth_day = birth;
  out.sex = (id[16] - '0') % 2 == 1 ? "male" : "female";
  return out;
}

std::string MaskResidentId(const std::string& id) {
  if (id.size() < 10) return std::string(id.size(), '*');
  return id.substr(0, 6) + "********" + id.substr(id.size() - 4);
}

int AgeFromResidentId(const std::string& id, int32_t on_day) {
  if (on_day == kNoDay) return -1;
  Result<ResidentId> parsed = ParseResidentId(id);
  if (!parsed.ok() || parsed->birth_day > on_day) return -1;
  return AgeOn(parsed->birth_day, on_day);
}

std::string NormalizedResidentId(const std::string& id) {
  std::string key = id;
  for (char& c : key) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return key;
}

}  // namespace doorstep::registry
