// Functions on numbers, lists (repeats) and dates.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "expr/evaluator.h"
#include "expr/functions.h"
#include "expr/text.h"

namespace doorstep::expr::detail {

namespace {

using Kind = ExprValue::Kind;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool IsBlank(const ExprValue& v) {
  return v.kind() == Kind::kEmpty || (v.kind() == Kind::kString && v.AsString().empty());
}

// Rounds half away from zero at 10^-digits, working on the shortest decimal form of `x` (the
// digits a person sees), so round(1.005, 2) is 1.01 although the double is 1.00499999...
double RoundDecimal(double x, int64_t digits) {
  if (!std::isfinite(x) || x == 0) return x;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));  // "d.ddde+XX"
  size_t e = sci.find('e');
  std::string mantissa;
  for (char c : sci.substr(0, e)) {
    if (c != '.') mantissa.push_back(c);
  }
  std::string_view exp_text = sci.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  int exp = 0;
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  // mantissa[i] has place value 10^(exp - i); keep the digits with place >= 10^-digits.
  int64_t keep = exp + digits + 1;
  if (keep >= static_cast<int64_t>(mantissa.size())) return x;
  if (keep < 0) return std::copysign(0.0, x);
  uint64_t kept = 0;
  for (int64_t i = 0; i < keep; ++i) kept = kept * 10 + static_cast<uint64_t>(mantissa[i] - '0');
  if (mantissa[keep] >= '5') ++kept;
  if (kept == 0) return std::copysign(0.0, x);
  std::string text = std::to_string(kept) + "e" + std::to_string(-digits);
  double v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return x < 0 ? -v : v;
}

// sum(): blank items count as 0 (ODK), other items by their number value.
double SumOf(const ExprValue& v) {
  if (v.kind() == Kind::kList) {
    double total = 0;
    for (const ExprValue& item : v.items()) total += SumOf(item);
    return total;
  }
  return IsBlank(v) ? 0 : v.AsNumber();
}

// min()/max() over every argument, lists flattened. NaN when any value is NaN (blank
// included) or when there are no values at all.
template <typename Better>
ExprValue Extreme(Evaluator& ev, const Node& call, Better better) {
  double best = kNaN;
  bool any = false, nan = false;
  auto visit = [&](const ExprValue& v, auto& self) -> void {
    if (v.kind() == Kind::kList) {
      for (const ExprValue& item : v.items()) self(item, self);
      return;
    }
    double d = v.AsNumber();
    if (std::isnan(d)) nan = true;
    if (!any || better(d, best)) best = d;
    any = true;
  };
  ExprValue scratch;
  for (const Node& arg : call.children) visit(ev.EvalRef(arg, &scratch), visit);
  return ExprValue::Number(nan || !any ? kNaN : best);
}

// The valid range of date(): 0000-01-01 .. 9999-12-31.
ExprValue DateFromNumber(double d) {
  static const int32_t kFirst = DaysFromCivil(0, 1, 1);
  static const int32_t kLast = DaysFromCivil(9999, 12, 31);
  if (!std::isfinite(d)) return ExprValue();
  double day = std::floor(d);
  if (day < kFirst || day > kLast) return ExprValue();
  return ExprValue::Date(static_cast<int32_t>(day));
}

ExprValue DateOf(const ExprValue& v) {
  switch (v.kind()) {
    case Kind::kDate:
      return v;
    case Kind::kNumber:
    case Kind::kBool:
      return DateFromNumber(v.AsNumber());
    case Kind::kString: {
      std::string text = v.AsString();
      std::string_view s = Trim(text);
      // "2020-05-01T10:00:00" (a dateTime) is its date.
      if (s.size() > 10 && (s[10] == 'T' || s[10] == ' ')) s = s.substr(0, 10);
      int32_t days = 0;
      if (ParseIsoDate(s, &days)) return ExprValue::Date(days);
      return DateFromNumber(ParseNumber(s));  // "18262" is a day count; anything else: empty
    }
    case Kind::kList:
      return v.items().empty() ? ExprValue() : DateOf(v.items().front());
    case Kind::kEmpty:
      break;
  }
  return ExprValue();
}

}  // namespace

ExprValue FnNumber(Evaluator& ev, const Node& call) {
  if (call.children.empty()) return ExprValue::Number(ev.ctx().Self().AsNumber());
  return ExprValue::Number(ev.EvalNumber(call.children[0]));
}

ExprValue FnInt(Evaluator& ev, const Node& call) {
  return ExprValue::Number(std::trunc(ev.EvalNumber(call.children[0])));
}

ExprValue FnRound(Evaluator& ev, const Node& call) {
  double x = ev.EvalNumber(call.children[0]);
  double digits = call.children.size() > 1 ? ev.EvalNumber(call.children[1]) : 0;
  if (std::isnan(digits)) return ExprValue::Number(kNaN);
  auto places = static_cast<int64_t>(std::clamp(std::trunc(digits), -1000.0, 1000.0));
  return ExprValue::Number(RoundDecimal(x, places));
}

ExprValue FnFloor(Evaluator& ev, const Node& call) {
  return ExprValue::Number(std::floor(ev.EvalNumber(call.children[0])));
}

ExprValue FnCeiling(Evaluator& ev, const Node& call) {
  return ExprValue::Number(std::ceil(ev.EvalNumber(call.children[0])));
}

ExprValue FnAbs(Evaluator& ev, const Node& call) {
  return ExprValue::Number(std::fabs(ev.EvalNumber(call.children[0])));
}

ExprValue FnPow(Evaluator& ev, const Node& call) {
  double base = ev.EvalNumber(call.children[0]);
  return ExprValue::Number(std::pow(base, ev.EvalNumber(call.children[1])));
}

ExprValue FnCount(Evaluator& ev, const Node& call) {
  ExprValue scratch;
  const ExprValue& v = ev.EvalRef(call.children[0], &scratch);
  if (v.kind() == Kind::kList) return ExprValue::Number(static_cast<double>(v.items().size()));
  return ExprValue::Number(IsBlank(v) ? 0 : 1);
}

ExprValue FnSum(Evaluator& ev, const Node& call) {
  ExprValue scratch;
  return ExprValue::Number(SumOf(ev.EvalRef(call.children[0], &scratch)));
}

ExprValue FnMin(Evaluator& ev, const Node& call) {
  return Extreme(ev, call, [](double a, double b) { return a < b; });
}

ExprValue FnMax(Evaluator& ev, const Node& call) {
  return Extreme(ev, call, [](double a, double b) { return a > b; });
}

ExprValue FnToday(Evaluator& ev, const Node&) {
  return ExprValue::Date(ev.ctx().TodayDays());
}

ExprValue FnDate(Evaluator& ev, const Node& call) {
  ExprValue scratch;
  return DateOf(ev.EvalRef(call.children[0], &scratch));
}

}  // namespace doorstep::expr::detail
