#include "record_values.h"

#include <algorithm>

#include "doorstep/registry/model.h"

namespace doorstep::registry::values {

v1::Value Text(const std::string& s) {
  v1::Value v;
  v.set_text(s);
  return v;
}
v1::Value One(const std::string& s) {
  v1::Value v;
  v.set_select_one(s);
  return v;
}
v1::Value Many(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  v1::Value v;
  for (std::string& s : values) v.mutable_select_multiple()->add_values(std::move(s));
  return v;
}
v1::Value Int(int64_t i) {
  v1::Value v;
  v.set_integer(i);
  return v;
}
v1::Value Dec(double d) {
  v1::Value v;
  v.set_decimal(d);
  return v;
}
v1::Value Day(int32_t day) {
  v1::Value v;
  v.set_date(day);
  return v;
}
v1::Value Geo(double lat, double lon, double accuracy_m) {
  v1::Value v;
  v.mutable_geopoint()->set_latitude(lat);
  v.mutable_geopoint()->set_longitude(lon);
  v.mutable_geopoint()->set_accuracy_m(accuracy_m);
  return v;
}

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
