// Conversions between stored values and expression values, and the type checks every write
// passes. Private to the core.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/expression.h"
#include "doorstep/core/form.h"
#include "doorstep/core/status.h"
#include "doorstep/value.pb.h"

namespace doorstep::record {

// Longest text value accepted (bytes).
inline constexpr size_t kMaxTextBytes = 16 * 1024;
// Longest signer, proxy signer and role name (bytes).
inline constexpr size_t kMaxNameBytes = 256;
// Most points of one signature.
inline constexpr size_t kMaxSignaturePoints = 20000;
// Attachment value limits (media type, file name, declared size).
inline constexpr size_t kMaxMediaTypeBytes = 100;
inline constexpr size_t kMaxFileNameBytes = 255;
inline constexpr uint64_t kMaxAttachmentValueBytes = uint64_t{20} << 20;

// The value an expression sees for a stored value.
expr::ExprValue ToExpr(const v1::Value& v);

// Converts a calculation result to the field's type. False when the result is empty or cannot be
// represented (NaN, a choice that is not in the list): the field is then cleared.
bool FromExpr(const CompiledForm& form, const FieldInfo& field, const expr::ExprValue& e,
              v1::Value* out);

// Checks that `v` fits `field` (kind matches the type, choices exist, text not too long, numbers
// finite, select_multiple sorted and unique). Code::kInvalidArgument with where = `path`.
Status CheckValue(const CompiledForm& form, const FieldInfo& field, const v1::Value& v,
                  const std::string& path);

// Human name of a field type ("integer", "select_one", ...).
const char* TypeName(v1::FieldType t);

bool SameValue(const v1::Value& a, const v1::Value& b);

}  // namespace doorstep::record
