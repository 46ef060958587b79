#include "doorstep/core/status.h"

namespace doorstep {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kFailedPrecondition: return "failed_precondition";
    case Code::kValidation: return "validation";
    case Code::kParse: return "parse";
    case Code::kCorruption: return "corruption";
    case Code::kIo: return "io";
    case Code::kWrongKey: return "wrong_key";
    case Code::kSchemaTooNew: return "schema_too_new";
    case Code::kConflict: return "conflict";
    case Code::kPermissionDenied: return "permission_denied";
    case Code::kInternal: return "internal";
    case Code::kUnavailable: return "unavailable";
    case Code::kCancelled: return "cancelled";
    case Code::kResourceExhausted: return "resource_exhausted";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s = CodeName(code_);
  s += ": ";
  if (!where_.empty()) {
    s += where_;
    s += ": ";
  }
  s += message_;
  return s;
}

Status& Status::WithContext(const std::string& context) {
  if (context.empty()) return *this;
  where_ = where_.empty() ? context : context + ": " + where_;
  return *this;
}

}  // namespace doorstep
