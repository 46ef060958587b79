// A form expression (relevant / constraint / calculate): parsed, and when it parses evaluated
// against a context whose fields hold every kind of value, as the record validator does.
#include <string>

#include "doorstep/core/expression.h"
#include "fuzz_common.h"

using namespace doorstep;
using doorstep::expr::ExprValue;

namespace {

class Context final : public expr::EvalContext {
 public:
  ExprValue Lookup(std::string_view name) const override {
    const size_t h = std::hash<std::string_view>{}(name) % 6;
    switch (h) {
      case 0: return ExprValue();
      case 1: return ExprValue::Number(42.5);
      case 2: return ExprValue::String("低保 a1 2026-01-02");
      case 3: return ExprValue::Date(20000);
      case 4: return ExprValue::Bool(true);
      default:
        return ExprValue::List({ExprValue::Number(1), ExprValue::String("x"), ExprValue()});
    }
  }
  ExprValue Self() const override { return ExprValue::String("3"); }
  int32_t TodayDays() const override { return 20794; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = expr::Expression::Parse(fuzz::AsText(data, size));
  if (!parsed.ok()) return 0;
  Context ctx;
  auto value = parsed->Evaluate(ctx);
  if (value.ok()) {
    (void)value->AsBool();
    (void)value->AsNumber();
    (void)value->AsString();
  }
  return 0;
}
