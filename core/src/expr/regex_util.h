// Bounded regular expressions for regex(subject, pattern).
//
// Patterns are ECMAScript (std::regex) and must match the WHOLE subject (std::regex_match).
// Hostile patterns are contained three ways:
//   - length: at most kMaxRegexPattern bytes;
//   - size: an estimate of the compiled automaton ("(a{100}){100}" expands to 10000 states) is
//     capped, so compiling and matching stay small;
//   - time: with libstdc++ patterns are compiled in its polynomial (breadth-first) mode, so
//     "(a*)*b" cannot backtrack exponentially. That mode has no back-references ("\1"), which
//     are therefore rejected. Other standard libraries backtrack; there the subject length bound
//     (kMaxRegexSubject) is the only mitigation.
#pragma once

#include <memory>
// GCC 12 reports a false -Wmaybe-uninitialized inside libstdc++'s regex compiler when building
// with sanitizers (GCC bug 105562). Silenced for <regex> only: the warnings point into it. Only
// files that include this header include <regex>.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <string>
#include <string_view>

namespace doorstep::expr::detail {

// A compiled pattern (a struct so the syntax tree can hold one without including <regex>).
struct CompiledRegex {
  std::regex re;
};

// Compiles `pattern`; on failure returns nullptr and sets *error to an English explanation
// ("regex pattern longer than 256 bytes", "invalid regex pattern: unmatched '('", ...).
std::shared_ptr<const CompiledRegex> CompileRegex(std::string_view pattern, std::string* error);

// Full match of `subject` (already checked against kMaxRegexSubject). False on any regex
// runtime failure (sets *error).
bool RegexFullMatch(const CompiledRegex& compiled, std::string_view subject, std::string* error);

}  // namespace doorstep::expr::detail
