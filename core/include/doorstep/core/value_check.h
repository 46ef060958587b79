// The check every value passes before it is stored, on the tablet (every write) and on the
// township server (every pushed change): the value's kind matches the field's type, choices
// exist in the field's list, text is valid UTF-8 without control characters and at most 16 KiB,
// numbers are finite, dates within 1800-2200, select_multiple sorted and unique, signatures at
// most 20,000 points with consistent strokes and short single-line names, attachment values
// with a 32-byte SHA-256 and bounded names.
#pragma once

#include <string>

#include "doorstep/core/form.h"
#include "doorstep/core/status.h"
#include "doorstep/value.pb.h"

namespace doorstep {

// kInvalidArgument (kResourceExhausted for an oversized signature) with where = `path`.
Status CheckFieldValue(const CompiledForm& form, const FieldInfo& field, const v1::Value& v,
                       const std::string& path);

}  // namespace doorstep
