// Resident identity card numbers (居民身份证号码, GB 11643-1999).
//
// An ID has 18 characters: a 6-digit administrative region code (the first two digits are the
// province), the birth date as YYYYMMDD, a 3-digit sequence number whose last digit is odd for men
// and even for women, and a check character computed with ISO 7064 MOD 11-2 over the first 17
// digits ('0'-'9' or 'X' for 10). A lower-case 'x' is accepted and treated as 'X': tablets and
// spreadsheets often lower-case it and the number is still the same person's.
//
// Only the province part of the region is checked against a list (the county codes change every
// year and the registry keeps old codes on purpose). The birth date must be a real calendar date,
// in 1880 or later and not after `today` when `today` is known.
//
// Personal data: an ID number identifies a person. Error messages say what is wrong (Chinese, then
// English in parentheses) and never repeat the ID or any part of it beyond the province code;
// MaskResidentId gives the only form of an ID that may be shown outside the household's own form.
// Nothing here logs.
//
// Thread rules: pure functions over values; safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "doorstep/core/status.h"
#include "doorstep/registry/model.h"

namespace doorstep::registry {

struct ResidentId {
  std::string region_code;  // first 6 digits
  int32_t birth_day = kNoDay;
  std::string sex;  // "male" when the 17th digit is odd, else "female"
};

// Validates format, province, birth date and check character; on success returns the parts.
// Fails with Code::kInvalidArgument, e.g. "长度应为18位，实际为 15 位 (must be 18 characters, got
// 15)", "第 5 位不是数字 (character 5 is not a digit)", "出生日期无效 (invalid birth date)",
// "校验码错误，应为 7 (check digit should be 7)". The message never contains the ID.
Result<ResidentId> ParseResidentId(const std::string& id, int32_t today = kNoDay);

// The check character for 17 digits: '0'-'9' or 'X'. Returns '?' when `first17` is not exactly 17
// ASCII digits (a precondition violation, never a valid check character).
char ResidentIdCheckChar(std::string_view first17);

// For display outside the household's own form: first 6 + "********" + last 4. An input shorter
// than 10 characters is masked completely (same length, all '*'), so nothing of it is shown.
std::string MaskResidentId(const std::string& id);

// Full years on `on_day` from the birth date in the ID (birthday-exact); -1 when the ID is invalid,
// `on_day` is kNoDay or the person was not born yet on `on_day`.
int AgeFromResidentId(const std::string& id, int32_t on_day);

// True for the two-digit province codes of GB/T 2260: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65,
// 71 (Taiwan), 81 (Hong Kong), 82 (Macao). Used for the IDs and for the poverty-line table keys.
bool IsProvinceCode(std::string_view two_digits);

// The ID as a comparison key: ASCII letters upper-cased (the check character is written "x" as
// often as "X"), so two spellings of one person's ID compare equal.
std::string NormalizedResidentId(const std::string& id);

}  // namespace doorstep::registry
