#include "values.h"

#include "doorstep/core/expression.h"

namespace doorstep::testdata {

v1::Value Text(const std::string& s) {
  v1::Value v;
  v.set_text(s);
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
v1::Value Day(int year, int month, int day) {
  v1::Value v;
  v.set_date(expr::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
  return v;
}
v1::Value One(const std::string& s) {
  v1::Value v;
  v.set_select_one(s);
  return v;
}
v1::Value Multi(std::initializer_list<const char*> values) {
  v1::Value v;
  auto* m = v.mutable_select_multiple();
  for (const char* x : values) m->add_values(x);
  return v;
}
v1::Value Geo(double lat, double lon) {
  v1::Value v;
  v.mutable_geopoint()->set_latitude(lat);
  v.mutable_geopoint()->set_longitude(lon);
  return v;
}

}  // namespace doorstep::testdata
