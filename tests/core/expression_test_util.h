// Helpers for the expression tests: a map-backed EvalContext and one-call parse+evaluate.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/expression.h"

namespace doorstep::expr::testing {

// Field values by name, the value of ".", and today (2026-11-23 unless set).
class TestContext final : public EvalContext {
 public:
  std::map<std::string, ExprValue, std::less<>> values;
  ExprValue self;
  int32_t today = DaysFromCivil(2026, 11, 23);

  TestContext& Set(const std::string& name, ExprValue v) {
    values[name] = std::move(v);
    return *this;
  }
  ExprValue Lookup(std::string_view name) const override {
    auto it = values.find(name);
    return it == values.end() ? ExprValue() : it->second;
  }
  ExprValue Self() const override { return self; }
  int32_t TodayDays() const override { return today; }
};

inline ExprValue S(std::string s) {
  return ExprValue::String(std::move(s));
}
inline ExprValue N(double d) {
  return ExprValue::Number(d);
}
inline ExprValue D(int y, unsigned m, unsigned d) {
  return ExprValue::Date(DaysFromCivil(y, m, d));
}
inline ExprValue L(std::vector<ExprValue> items) {
  return ExprValue::List(std::move(items));
}

inline ExprValue Eval(std::string_view text, const TestContext& ctx = TestContext()) {
  auto parsed = Expression::Parse(text);
  INFO("expression: " << text);
  INFO("parse status: " << parsed.status().ToString());
  REQUIRE(parsed.ok());
  auto value = parsed->Evaluate(ctx);
  INFO("evaluate status: " << value.status().ToString());
  REQUIRE(value.ok());
  return *value;
}

inline std::string Str(std::string_view text, const TestContext& ctx = TestContext()) {
  return Eval(text, ctx).AsString();
}
inline double Num(std::string_view text, const TestContext& ctx = TestContext()) {
  return Eval(text, ctx).AsNumber();
}
inline bool Truth(std::string_view text, const TestContext& ctx = TestContext()) {
  return Eval(text, ctx).AsBool();
}

// The status of a parse that must fail.
inline Status ParseFailure(std::string_view text) {
  auto parsed = Expression::Parse(text);
  INFO("expression: " << text);
  REQUIRE_FALSE(parsed.ok());
  return parsed.status();
}

// The status of an evaluation that must fail (after a successful parse).
inline Status EvalFailure(std::string_view text, const TestContext& ctx = TestContext()) {
  auto parsed = Expression::Parse(text);
  INFO("expression: " << text << " parse status: " << parsed.status().ToString());
  REQUIRE(parsed.ok());
  auto value = parsed->Evaluate(ctx);
  REQUIRE_FALSE(value.ok());
  return value.status();
}

}  // namespace doorstep::expr::testing
