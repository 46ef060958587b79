// Value builders shared by tests and benchmarks.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "doorstep/value.pb.h"

namespace doorstep::testdata {

v1::Value Text(const std::string& s);
v1::Value Int(int64_t i);
v1::Value Dec(double d);
v1::Value Day(int year, int month, int day);
v1::Value One(const std::string& s);
v1::Value Multi(std::initializer_list<const char*> values);
v1::Value Geo(double lat, double lon);

}  // namespace doorstep::testdata
