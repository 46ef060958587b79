// The per-change checks of a push (push.cpp): whether a path can be written in a record of a
// form, and whether a change's value may be stored.
#pragma once

#include <string>

#include "doorstep/core/form.h"
#include "doorstep/sync.pb.h"

namespace doorstep::sync::server::internal {

// How a path of a batch is judged for a record of a form: `problem` non-empty when no change of
// it can be applied; else `field` is the form's field (nullptr for metadata) whose type and
// limits every value must meet.
struct PathVerdict {
  std::string problem;
  const FieldInfo* field = nullptr;
};

PathVerdict JudgePath(const CompiledForm& form, const std::string& path);

// Why the value of a change cannot be stored ("" when it can): the same check a tablet makes
// before it writes (type, choices, UTF-8, limits), so a device that skipped it, or a hostile
// one, cannot hand every tablet of the village a value their own forms would refuse.
std::string ValueProblem(const CompiledForm& form, const PathVerdict& verdict,
                         const std::string& path, const v1::FieldChange& ch);

}  // namespace doorstep::sync::server::internal
