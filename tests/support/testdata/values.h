// Value builders for tests and benchmarks: core's (doorstep/core/values.h), under the names the
// tests use.
#pragma once

#include "doorstep/core/values.h"

namespace doorstep::testdata {

using doorstep::values::Day;
using doorstep::values::Dec;
using doorstep::values::Geo;
using doorstep::values::Int;
using doorstep::values::Many;
using doorstep::values::One;
using doorstep::values::Text;

}  // namespace doorstep::testdata
