// bench_core's form session figures (bench_core_session.cpp).
#pragma once

#include <cstddef>

#include "doorstep/core/store.h"

namespace doorstep::bench {

struct SessionFigures {
  double open_ms = 0;         // median of 20 opens (FormSession::Open)
  double edit_median_us = 0;  // one SetText + its change list
  double edit_p90_us = 0;
  size_t questions = 0;       // questions of the household
  double changes_per_edit = 0;
};

// Installs the registry household form into `store` (author set), creates a household with 5
// members and measures opening a session on it and `answers` single answers through it.
SessionFigures RunSessionBench(Store& store, int answers);

}  // namespace doorstep::bench
