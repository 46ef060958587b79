#include "doorstep/core/values.h"

#include <algorithm>

#include "doorstep/core/expression.h"

namespace doorstep::values {

v1::Value Text(std::string s) {
  v1::Value v;
  v.set_text(std::move(s));
  return v;
}

v1::Value One(std::string choice) {
  v1::Value v;
  v.set_select_one(std::move(choice));
  return v;
}

v1::Value Many(std::vector<std::string> choices) {
  std::sort(choices.begin(), choices.end());
  choices.erase(std::unique(choices.begin(), choices.end()), choices.end());
  v1::Value v;
  for (std::string& s : choices) v.mutable_select_multiple()->add_values(std::move(s));
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

v1::Value Day(int32_t days_since_epoch) {
  v1::Value v;
  v.set_date(days_since_epoch);
  return v;
}

v1::Value Day(int year, int month, int day) {
  return Day(expr::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

v1::Value Geo(double lat, double lon, double accuracy_m) {
  v1::Value v;
  v.mutable_geopoint()->set_latitude(lat);
  v.mutable_geopoint()->set_longitude(lon);
  v.mutable_geopoint()->set_accuracy_m(accuracy_m);
  return v;
}

}  // namespace doorstep::values
