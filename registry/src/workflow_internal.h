// Internals shared by workflow.cpp (status, evidence, member changes) and workflow_procedure.cpp
// (the dated steps of a review). Not installed.
//
// Thread rules: pure functions over values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"
#include "doorstep/registry/workflow.h"

namespace doorstep::registry::workflow_internal {

// Appends every unmet requirement of the review's procedure (steps, outcomes, order, periods,
// objections, comparison flags, completion, nothing after today). `completion` is completed_day,
// else today; kNoDay when neither is known. `today` may be kNoDay (then no date is "future").
void CheckProcedure(const Review& review, int32_t completion, int32_t today,
                    std::vector<Unmet>* unmet);

// "Chinese (English)".
inline Unmet MakeUnmet(const char* code, const std::string& zh, const std::string& en) {
  return Unmet{code, zh + " (" + en + ")"};
}

}  // namespace doorstep::registry::workflow_internal
