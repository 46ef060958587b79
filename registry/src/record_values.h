// Readers (and core's value builders) for the registry's record mapping (internal).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/core/values.h"
#include "doorstep/value.pb.h"

namespace doorstep::registry::values {

// Builders: core's (doorstep/core/values.h).
using namespace doorstep::values;  // Text, One, Many, Int, Dec, Day, Geo

// Readers: a missing value (nullptr) or another kind gives the fallback.
std::string AsText(const v1::Value* v);  // text or select_one
std::vector<std::string> AsList(const v1::Value* v);  // select_multiple
int64_t AsInt(const v1::Value* v, int64_t fallback = 0);  // integer (or decimal, truncated)
double AsDec(const v1::Value* v, double fallback = 0);    // decimal or integer
int32_t AsDay(const v1::Value* v);                        // date, kNoDay when missing
bool AsYes(const v1::Value* v);                           // select_one "yes"

}  // namespace doorstep::registry::values
