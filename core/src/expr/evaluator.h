// The tree-walking evaluator.
//
// One Evaluator lives for one Expression::Evaluate call (on the stack: no shared state, so
// evaluation is thread-safe). Recursion depth is bounded by the tree height, which the parser
// caps at kMaxDepth.
//
// Errors are rare (a regex subject too long, a dynamic pattern that does not compile), so they
// do not travel through every return value: Fail() records the first one, evaluation goes on
// with empty values, and Expression::Evaluate reports it at the end.
//
// Typed entry points avoid building ExprValues where the consumer wants a number or a bool:
// "${a} + ${b} * 2 > 10 and ..." evaluates its arithmetic on doubles and its logic on bools.
#pragma once

#include <string>

#include "doorstep/core/expression.h"
#include "doorstep/core/status.h"
#include "expr/ast.h"

namespace doorstep::expr::detail {

class Evaluator {
 public:
  explicit Evaluator(const EvalContext& ctx) : ctx_(ctx) {}

  ExprValue Eval(const Node& n);
  double EvalNumber(const Node& n);
  bool EvalBool(const Node& n);
  std::string EvalString(const Node& n);
  // The value of `n`: the node's own literal (no copy) or the result stored in *scratch.
  const ExprValue& EvalRef(const Node& n, ExprValue* scratch);

  // Records an evaluation error at `at`'s column (the first one wins).
  void Fail(const Node& at, std::string message);
  bool failed() const { return !error_.ok(); }
  const Status& error() const { return error_; }
  const EvalContext& ctx() const { return ctx_; }

 private:
  bool EvalLogicChain(const Node& n);
  bool EvalCompareChain(const Node& n);
  double EvalArithChain(const Node& n);

  const EvalContext& ctx_;
  Status error_;
};

// XPath comparison of two values: existential over lists, boolean when either side is a
// boolean (= and != only), numeric when either side is a number, date or boolean, otherwise on
// strings (for < <= > >=: numeric when both strings are numbers, else byte order).
bool Compare(BinOp op, const ExprValue& a, const ExprValue& b);

}  // namespace doorstep::expr::detail
