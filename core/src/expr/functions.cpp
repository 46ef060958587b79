#include "expr/functions.h"

#include <string>

namespace doorstep::expr::detail {

namespace {

// name, min args, max args, implementation. Keep in sync with docs/expressions.md.
constexpr FuncSpec kFunctions[] = {
    {"abs", 1, 1, FnAbs},
    {"boolean", 1, 1, FnBoolean},
    {"ceiling", 1, 1, FnCeiling},
    {"coalesce", 2, 2, FnCoalesce},
    {"concat", 0, kVariadic, FnConcat},
    {"contains", 2, 2, FnContains},
    {"count", 1, 1, FnCount},
    {"count-selected", 1, 1, FnCountSelected},
    {"date", 1, 1, FnDate},
    {"ends-with", 2, 2, FnEndsWith},
    {"false", 0, 0, FnFalse},
    {"floor", 1, 1, FnFloor},
    {"if", 3, 3, FnIf},
    {"int", 1, 1, FnInt},
    {"join", 1, kVariadic, FnJoin},
    {"max", 1, kVariadic, FnMax},
    {"min", 1, kVariadic, FnMin},
    {"not", 1, 1, FnNot},
    {"number", 0, 1, FnNumber},
    {"pow", 2, 2, FnPow},
    {"regex", 2, 2, FnRegex},
    {"round", 1, 2, FnRound},
    {"selected", 2, 2, FnSelected},
    {"starts-with", 2, 2, FnStartsWith},
    {"string", 0, 1, FnString},
    {"string-length", 0, 1, FnStringLength},
    {"substr", 2, 3, FnSubstr},
    {"sum", 1, 1, FnSum},
    {"today", 0, 0, FnToday},
    {"true", 0, 0, FnTrue},
};

std::string Arguments(int n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

}  // namespace

const FuncSpec* FindFunction(std::string_view name) {
  for (const FuncSpec& spec : kFunctions) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

bool IsRegexFunction(const FuncSpec* spec) {
  return spec != nullptr && spec->impl == FnRegex;
}

std::string ArityText(const FuncSpec& spec) {
  if (spec.max_args == kVariadic) return "takes at least " + Arguments(spec.min_args);
  if (spec.min_args == spec.max_args) {
    return spec.min_args == 0 ? "takes no arguments" : "takes " + Arguments(spec.min_args);
  }
  if (spec.max_args == spec.min_args + 1) {
    return "takes " + std::to_string(spec.min_args) + " or " + Arguments(spec.max_args);
  }
  return "takes " + std::to_string(spec.min_args) + " to " + Arguments(spec.max_args);
}

}  // namespace doorstep::expr::detail
