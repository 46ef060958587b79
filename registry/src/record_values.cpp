#include "record_values.h"

#include <algorithm>

#include "doorstep/registry/model.h"

namespace doorstep::registry::values {

std::string AsText(const v1::Value* v) {
  if (!v) return {};
  if (v->has_text()) return v->text();
  if (v->has_select_one()) return v->select_one();
  return {};
}
std::vector<std::string> AsList(const v1::Value* v) {
  if (!v || !v->has_select_multiple()) return {};
  return {v->select_multiple().values().begin(), v->select_multiple().values().end()};
}
int64_t AsInt(const v1::Value* v, int64_t fallback) {
  if (!v) return fallback;
  if (v->has_integer()) return v->integer();
  if (v->has_decimal()) return static_cast<int64_t>(v->decimal());
  return fallback;
}
double AsDec(const v1::Value* v, double fallback) {
  if (!v) return fallback;
  if (v->has_decimal()) return v->decimal();
  if (v->has_integer()) return static_cast<double>(v->integer());
  return fallback;
}
int32_t AsDay(const v1::Value* v) { return v && v->has_date() ? v->date() : kNoDay; }
bool AsYes(const v1::Value* v) { return AsText(v) == "yes"; }

}  // namespace doorstep::registry::values
