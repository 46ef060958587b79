// Builders of typed field values (v1::Value), one per kind a form field can hold: the one place
// where core, the registry pack, the apps, tests and benchmarks make a value from a C++ value.
//
// Each returns a fresh value with exactly one kind set. Many() stores its choices sorted and
// unique, as the store keeps every select_multiple value. Day(y, m, d) does not check the date:
// a wrong one (month 13) still becomes a day number; use ParseValueText (value_text.h) for input.
//
// Thread rules: pure functions, callable from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/value.pb.h"

namespace doorstep::values {

v1::Value Text(std::string s);
v1::Value One(std::string choice);                  // select_one
v1::Value Many(std::vector<std::string> choices);  // select_multiple, sorted and unique
v1::Value Int(int64_t i);
v1::Value Dec(double d);
v1::Value Day(int32_t days_since_epoch);           // date, days since 1970-01-01
v1::Value Day(int year, int month, int day);       // date from the civil calendar
v1::Value Geo(double lat, double lon, double accuracy_m = 0);

}  // namespace doorstep::values
