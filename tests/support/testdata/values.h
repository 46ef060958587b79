// Value builders for tests and benchmarks: core's (doorstep/core/values.h), under the names the
// tests use.
#pragma once

#include "doorstep/core/values.h"

namespace doorstep::testdata {

using namespace doorstep::values;  // Text, One, Many, Int, Dec, Day, Geo

}  // namespace doorstep::testdata
