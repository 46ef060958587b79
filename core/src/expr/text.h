// Text helpers of the expression engine: number <-> string, UTF-8 code points, space-separated
// lists (a select_multiple value is "a b c").
//
// Strings are UTF-8 bytes. Lengths and positions seen by form authors (string-length, substr)
// count Unicode code points, so a Chinese name of three characters has length 3, not 9.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace doorstep::expr::detail {

// XPath number -> string: integers without ".0" ("3", "-2"), other finite values in the
// shortest form that reads back to the same double ("0.1", "2.5"), "NaN", "Infinity",
// "-Infinity". Fixed notation for 1e-7 <= |x| < 1e21, scientific ("1e-08") outside.
std::string FormatNumber(double d);

// string -> number: optional surrounding whitespace, optional sign, digits with an optional
// fraction (".5" and "5." included), optional exponent, or "Infinity"/"-Infinity".
// Anything else (including "") is NaN.
double ParseNumber(std::string_view s);

// Number of code points in UTF-8 text (bytes that are not continuation bytes).
size_t CodePointCount(std::string_view s);

// Byte offset of code point `index` (clamped to s.size()).
size_t CodePointOffset(std::string_view s, size_t index);

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Calls fn(token) for each whitespace-separated token; stops early when fn returns false.
// Returns false if stopped early.
template <typename Fn>
bool ForEachToken(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start && !fn(s.substr(start, i - start))) return false;
  }
  return true;
}

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace doorstep::expr::detail
