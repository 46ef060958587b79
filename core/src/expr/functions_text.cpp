// Functions on logic, strings, selections and regular expressions.

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "expr/evaluator.h"
#include "expr/functions.h"
#include "expr/regex_util.h"
#include "expr/text.h"

namespace doorstep::expr::detail {

namespace {

using Kind = ExprValue::Kind;

// Not answered: empty, '' or a list without items.
bool IsBlank(const ExprValue& v) {
  switch (v.kind()) {
    case Kind::kEmpty:
      return true;
    case Kind::kString:
      return v.AsString().empty();
    case Kind::kList:
      return v.items().empty();
    default:
      return false;
  }
}

// Appends the string of `v`; a list contributes every item (as ODK's concat does).
void AppendString(const ExprValue& v, std::string* out) {
  if (v.kind() == Kind::kList) {
    for (const ExprValue& item : v.items()) AppendString(item, out);
  } else {
    *out += v.AsString();
  }
}

// The first argument as a string, or the string of "." when the call has no argument.
std::string StringArgOrSelf(Evaluator& ev, const Node& call) {
  if (call.children.empty()) return ev.ctx().Self().AsString();
  return ev.EvalString(call.children[0]);
}

// A position argument of substr: NaN is 0, huge values are clamped.
int64_t ToIndex(double d) {
  if (std::isnan(d)) return 0;
  return static_cast<int64_t>(std::clamp(std::trunc(d), -1e15, 1e15));
}

}  // namespace

ExprValue FnIf(Evaluator& ev, const Node& call) {
  return ev.EvalBool(call.children[0]) ? ev.Eval(call.children[1]) : ev.Eval(call.children[2]);
}

ExprValue FnNot(Evaluator& ev, const Node& call) {
  return ExprValue::Bool(!ev.EvalBool(call.children[0]));
}

ExprValue FnTrue(Evaluator&, const Node&) {
  return ExprValue::Bool(true);
}

ExprValue FnFalse(Evaluator&, const Node&) {
  return ExprValue::Bool(false);
}

ExprValue FnBoolean(Evaluator& ev, const Node& call) {
  return ExprValue::Bool(ev.EvalBool(call.children[0]));
}

ExprValue FnCoalesce(Evaluator& ev, const Node& call) {
  ExprValue first = ev.Eval(call.children[0]);
  if (!IsBlank(first)) return first;
  return ev.Eval(call.children[1]);
}

ExprValue FnSelected(Evaluator& ev, const Node& call) {
  ExprValue scratch;
  const ExprValue& answer = ev.EvalRef(call.children[0], &scratch);
  std::string wanted_text = ev.EvalString(call.children[1]);
  std::string_view wanted = Trim(wanted_text);
  if (wanted.empty()) return ExprValue::Bool(false);
  auto has = [&](const ExprValue& v) {
    std::string s = v.AsString();
    return !ForEachToken(s, [&](std::string_view token) { return token != wanted; });
  };
  if (answer.kind() != Kind::kList) return ExprValue::Bool(has(answer));
  // A select_multiple inside a repeat, seen from outside: selected in any instance.
  return ExprValue::Bool(std::any_of(answer.items().begin(), answer.items().end(), has));
}

ExprValue FnCountSelected(Evaluator& ev, const Node& call) {
  std::string s = ev.EvalString(call.children[0]);
  double n = 0;
  ForEachToken(s, [&](std::string_view) {
    ++n;
    return true;
  });
  return ExprValue::Number(n);
}

ExprValue FnString(Evaluator& ev, const Node& call) {
  return ExprValue::String(StringArgOrSelf(ev, call));
}

ExprValue FnStringLength(Evaluator& ev, const Node& call) {
  return ExprValue::Number(static_cast<double>(CodePointCount(StringArgOrSelf(ev, call))));
}

ExprValue FnConcat(Evaluator& ev, const Node& call) {
  std::string out;
  ExprValue scratch;
  for (const Node& arg : call.children) AppendString(ev.EvalRef(arg, &scratch), &out);
  return ExprValue::String(std::move(out));
}

ExprValue FnJoin(Evaluator& ev, const Node& call) {
  std::string separator = ev.EvalString(call.children[0]);
  std::string out;
  bool first = true;
  auto add = [&](const ExprValue& v) {
    if (!first) out += separator;
    first = false;
    out += v.AsString();
  };
  ExprValue scratch;
  for (size_t i = 1; i < call.children.size(); ++i) {
    const ExprValue& v = ev.EvalRef(call.children[i], &scratch);
    if (v.kind() == Kind::kList) {
      for (const ExprValue& item : v.items()) add(item);
    } else {
      add(v);
    }
  }
  return ExprValue::String(std::move(out));
}

ExprValue FnContains(Evaluator& ev, const Node& call) {
  std::string s = ev.EvalString(call.children[0]);
  std::string t = ev.EvalString(call.children[1]);
  return ExprValue::Bool(s.find(t) != std::string::npos);
}

ExprValue FnStartsWith(Evaluator& ev, const Node& call) {
  std::string s = ev.EvalString(call.children[0]);
  std::string t = ev.EvalString(call.children[1]);
  return ExprValue::Bool(std::string_view(s).substr(0, t.size()) == t);
}

ExprValue FnEndsWith(Evaluator& ev, const Node& call) {
  std::string s = ev.EvalString(call.children[0]);
  std::string t = ev.EvalString(call.children[1]);
  return ExprValue::Bool(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
}

ExprValue FnSubstr(Evaluator& ev, const Node& call) {
  std::string s = ev.EvalString(call.children[0]);
  auto len = static_cast<int64_t>(CodePointCount(s));
  int64_t start = ToIndex(ev.EvalNumber(call.children[1]));
  int64_t end = call.children.size() > 2 ? ToIndex(ev.EvalNumber(call.children[2])) : len;
  if (start < 0) start += len;  // negative positions count from the end
  if (end < 0) end += len;
  start = std::clamp<int64_t>(start, 0, len);
  end = std::clamp<int64_t>(end, 0, len);
  if (start >= end) return ExprValue::String(std::string());
  size_t from = CodePointOffset(s, static_cast<size_t>(start));
  size_t to = CodePointOffset(s, static_cast<size_t>(end));
  return ExprValue::String(s.substr(from, to - from));
}

ExprValue FnRegex(Evaluator& ev, const Node& call) {
  std::string subject = ev.EvalString(call.children[0]);
  if (subject.size() > kMaxRegexSubject) {
    ev.Fail(call, "regex() subject longer than " + std::to_string(kMaxRegexSubject) + " bytes");
    return ExprValue();
  }
  std::string error;
  const CompiledRegex* re = call.regex.get();
  std::shared_ptr<const CompiledRegex> dynamic;  // a pattern computed at evaluation time
  if (re == nullptr) {
    dynamic = CompileRegex(ev.EvalString(call.children[1]), &error);
    if (dynamic == nullptr) {
      ev.Fail(call.children[1], error);
      return ExprValue();
    }
    re = dynamic.get();
  }
  bool matched = RegexFullMatch(*re, subject, &error);
  if (!error.empty()) {
    ev.Fail(call, error);
    return ExprValue();
  }
  return ExprValue::Bool(matched);
}

}  // namespace doorstep::expr::detail
