// Value builders and readers for the registry's record mapping (internal).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/value.pb.h"

namespace doorstep::registry::values {

v1::Value Text(const std::string& s);
v1::Value One(const std::string& s);
v1::Value Many(std::vector<std::string> values);  // sorted, unique
v1::Value Int(int64_t i);
v1::Value Dec(double d);
v1::Value Day(int32_t day);
v1::Value Geo(double lat, double lon, double accuracy_m);

// Readers: a missing value (nullptr) or another kind gives the fallback.
std::string AsText(const v1::Value* v);  // text or select_one
std::vector<std::string> AsList(const v1::Value* v);  // select_multiple
int64_t AsInt(const v1::Value* v, int64_t fallback = 0);  // integer (or decimal, truncated)
double AsDec(const v1::Value* v, double fallback = 0);    // decimal or integer
int32_t AsDay(const v1::Value* v);                        // date, kNoDay when missing
bool AsYes(const v1::Value* v);                           // select_one "yes"

}  // namespace doorstep::registry::values
