#include "expr/text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace doorstep::expr::detail {

namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// For a literal from_chars rejected as out of range: does it overflow (true) or underflow?
// Decides by the decimal exponent of its most significant digit.
bool Overflows(std::string_view digits) {
  int64_t lead = 0;  // position of the first non-zero digit relative to the decimal point
  bool found = false, in_fraction = false;
  int64_t exp = 0;
  size_t i = 0;
  for (; i < digits.size() && digits[i] != 'e' && digits[i] != 'E'; ++i) {
    char c = digits[i];
    if (c == '.') {
      in_fraction = true;
    } else if (!found && c != '0') {
      found = true;
      if (!in_fraction) lead = 1;  // in a fraction: lead = -(zeros after the point)
    } else if (!found && in_fraction) {
      lead -= 1;
    } else if (found && !in_fraction) {
      lead += 1;
    }
  }
  if (i < digits.size()) {
    ++i;
    bool neg = i < digits.size() && digits[i] == '-';
    if (i < digits.size() && (digits[i] == '-' || digits[i] == '+')) ++i;
    for (; i < digits.size(); ++i) {
      if (exp < 100000000) exp = exp * 10 + (digits[i] - '0');
    }
    if (neg) exp = -exp;
  }
  return lead + exp > 0;
}

}  // namespace

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";  // also -0
  char buf[64];
  double a = std::fabs(d);
  auto format = (a >= 1e-7 && a < 1e21) ? std::chars_format::fixed : std::chars_format::scientific;
  auto r = std::to_chars(buf, buf + sizeof buf, d, format);
  return std::string(buf, r.ptr);
}

double ParseNumber(std::string_view s) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  s = Trim(s);
  if (s == "Infinity" || s == "+Infinity") return kInf;
  if (s == "-Infinity") return -kInf;
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  size_t start = i, ndigits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++ndigits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++ndigits;
  }
  if (ndigits == 0) return kNaN;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == exp_start) return kNaN;
  }
  if (i != s.size()) return kNaN;
  std::string_view body = s.substr(start);
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    v = Overflows(body) ? kInf : 0.0;
  } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return kNaN;
  }
  return negative ? -v : v;
}

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

size_t CodePointOffset(std::string_view s, size_t index) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == index) return i;
      ++seen;
    }
  }
  return s.size();
}

}  // namespace doorstep::expr::detail
