// The function table of the expression language.
//
// The parser resolves a call's name to its FuncSpec once (unknown names and wrong argument
// counts are parse errors), so evaluation dispatches through a function pointer. Each
// implementation evaluates its own arguments: if() and coalesce() only evaluate what they need.
//
// Implementations are split by topic: functions_text.cpp (strings, selections, regex, logic)
// and functions_math.cpp (numbers, lists, dates). Semantics are documented in
// docs/expressions.md.
#pragma once

#include <string_view>

#include "expr/ast.h"

namespace doorstep::expr::detail {

// The spec for `name` (exact, case-sensitive), or nullptr.
const FuncSpec* FindFunction(std::string_view name);

// True for the regex() spec (its literal pattern is compiled at parse time).
bool IsRegexFunction(const FuncSpec* spec);

// "takes 3 arguments", "takes 1 or 2 arguments", "takes at least 1 argument", ...
std::string ArityText(const FuncSpec& spec);

// functions_text.cpp
ExprValue FnIf(Evaluator& ev, const Node& call);
ExprValue FnNot(Evaluator& ev, const Node& call);
ExprValue FnTrue(Evaluator& ev, const Node& call);
ExprValue FnFalse(Evaluator& ev, const Node& call);
ExprValue FnBoolean(Evaluator& ev, const Node& call);
ExprValue FnCoalesce(Evaluator& ev, const Node& call);
ExprValue FnSelected(Evaluator& ev, const Node& call);
ExprValue FnCountSelected(Evaluator& ev, const Node& call);
ExprValue FnString(Evaluator& ev, const Node& call);
ExprValue FnStringLength(Evaluator& ev, const Node& call);
ExprValue FnConcat(Evaluator& ev, const Node& call);
ExprValue FnJoin(Evaluator& ev, const Node& call);
ExprValue FnContains(Evaluator& ev, const Node& call);
ExprValue FnStartsWith(Evaluator& ev, const Node& call);
ExprValue FnEndsWith(Evaluator& ev, const Node& call);
ExprValue FnSubstr(Evaluator& ev, const Node& call);
ExprValue FnRegex(Evaluator& ev, const Node& call);

// functions_math.cpp
ExprValue FnNumber(Evaluator& ev, const Node& call);
ExprValue FnInt(Evaluator& ev, const Node& call);
ExprValue FnRound(Evaluator& ev, const Node& call);
ExprValue FnFloor(Evaluator& ev, const Node& call);
ExprValue FnCeiling(Evaluator& ev, const Node& call);
ExprValue FnAbs(Evaluator& ev, const Node& call);
ExprValue FnPow(Evaluator& ev, const Node& call);
ExprValue FnCount(Evaluator& ev, const Node& call);
ExprValue FnSum(Evaluator& ev, const Node& call);
ExprValue FnMin(Evaluator& ev, const Node& call);
ExprValue FnMax(Evaluator& ev, const Node& call);
ExprValue FnToday(Evaluator& ev, const Node& call);
ExprValue FnDate(Evaluator& ev, const Node& call);

}  // namespace doorstep::expr::detail
