// Proleptic Gregorian calendar <-> days since 1970-01-01.
//
// The algorithms are Howard Hinnant's "days_from_civil" / "civil_from_days": a year is shifted
// to start in March, so the leap day is the last day of the shifted year, and eras of 400 years
// (146097 days) repeat exactly. Arithmetic is done in 64 bits so no int32 day count overflows.

#include <cstdio>
#include <string>
#include <string_view>

#include "doorstep/core/expression.h"

namespace doorstep::expr {

namespace {

bool IsLeap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeap(y)) ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return (a >= 0 ? a : a - (b - 1)) / b;
}

}  // namespace

int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;                                       // [0, 399]
  int64_t mp = (static_cast<int64_t>(month) + 9) % 12;               // March = 0
  int64_t doy = (153 * mp + 2) / 5 + static_cast<int64_t>(day) - 1;  // [0, 365]
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               // [0, 146096]
  return static_cast<int32_t>(era * 146097 + doe - 719468);
}

void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day) {
  int64_t z = static_cast<int64_t>(days) + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;                                       // [0, 146096]
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  int64_t d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  int64_t m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  *year = static_cast<int>(y);
  *month = static_cast<unsigned>(m);
  *day = static_cast<unsigned>(d);
}

bool ParseIsoDate(std::string_view text, int32_t* days) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  auto digits = [&](size_t pos, size_t n, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!digits(0, 4, &y) || !digits(5, 2, &m) || !digits(8, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  if (static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m))) return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

std::string FormatIsoDate(int32_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  // Years outside 0000..9999 keep their sign and all digits ("-0001-03-01", "10000-01-01").
  std::snprintf(buf, sizeof buf, y < 0 ? "%05d-%02u-%02u" : "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace doorstep::expr
