#include "expr/evaluator.h"

#include <cmath>
#include <utility>

#include "expr/lexer.h"
#include "expr/text.h"

namespace doorstep::expr::detail {

namespace {

using Kind = ExprValue::Kind;

bool IsLogic(BinOp op) {
  return op == BinOp::kOr || op == BinOp::kAnd;
}
bool IsArith(BinOp op) {
  return op >= BinOp::kAdd;
}

bool CompareNumbers(BinOp op, double x, double y) {
  switch (op) {
    case BinOp::kEq:
      return x == y;
    case BinOp::kNe:
      return x != y;  // true when either is NaN
    case BinOp::kLt:
      return x < y;
    case BinOp::kLe:
      return x <= y;
    case BinOp::kGt:
      return x > y;
    case BinOp::kGe:
      return x >= y;
    default:
      return false;
  }
}

// A value seen next to a date: strings written YYYY-MM-DD are that date.
double DateNumber(const ExprValue& v) {
  if (v.kind() == Kind::kString) {
    int32_t days = 0;
    std::string s = v.AsString();
    if (ParseIsoDate(Trim(s), &days)) return days;
  }
  return v.AsNumber();
}

bool CompareScalars(BinOp op, const ExprValue& a, const ExprValue& b) {
  Kind ka = a.kind(), kb = b.kind();
  bool equality = op == BinOp::kEq || op == BinOp::kNe;
  if (equality && (ka == Kind::kBool || kb == Kind::kBool)) {
    bool same = a.AsBool() == b.AsBool();
    return op == BinOp::kEq ? same : !same;
  }
  if (ka == Kind::kDate || kb == Kind::kDate) {
    return CompareNumbers(op, DateNumber(a), DateNumber(b));
  }
  if (ka == Kind::kNumber || kb == Kind::kNumber || ka == Kind::kBool || kb == Kind::kBool) {
    return CompareNumbers(op, a.AsNumber(), b.AsNumber());
  }
  std::string x = a.AsString(), y = b.AsString();
  if (equality) return (x == y) == (op == BinOp::kEq);
  double nx = ParseNumber(x), ny = ParseNumber(y);
  if (!std::isnan(nx) && !std::isnan(ny)) return CompareNumbers(op, nx, ny);
  int c = x.compare(y);
  return CompareNumbers(op, c, 0);
}

}  // namespace

bool Compare(BinOp op, const ExprValue& a, const ExprValue& b) {
  bool a_list = a.kind() == Kind::kList, b_list = b.kind() == Kind::kList;
  if (!a_list && !b_list) return CompareScalars(op, a, b);
  // XPath: a list next to a boolean is compared as boolean(list).
  if (a_list && b.kind() == Kind::kBool) return CompareScalars(op, ExprValue::Bool(a.AsBool()), b);
  if (b_list && a.kind() == Kind::kBool) return CompareScalars(op, a, ExprValue::Bool(b.AsBool()));
  // Otherwise existential: true when some item (pair of items) compares true.
  if (a_list) {
    for (const ExprValue& item : a.items()) {
      if (Compare(op, item, b)) return true;
    }
    return false;
  }
  for (const ExprValue& item : b.items()) {
    if (Compare(op, a, item)) return true;
  }
  return false;
}

void Evaluator::Fail(const Node& at, std::string message) {
  if (error_.ok())
    error_ = Status(Code::kInvalidArgument, std::move(message), ColumnWhere(at.column));
}

const ExprValue& Evaluator::EvalRef(const Node& n, ExprValue* scratch) {
  if (n.kind == NodeKind::kLiteral) return n.literal;
  *scratch = Eval(n);
  return *scratch;
}

ExprValue Evaluator::Eval(const Node& n) {
  switch (n.kind) {
    case NodeKind::kLiteral:
      return n.literal;
    case NodeKind::kRef:
      return ctx_.Lookup(n.name);
    case NodeKind::kSelf:
      return ctx_.Self();
    case NodeKind::kNeg:
      return ExprValue::Number(-EvalNumber(n.children[0]));
    case NodeKind::kChain:
      if (IsArith(n.ops[0])) return ExprValue::Number(EvalArithChain(n));
      return ExprValue::Bool(EvalBool(n));
    case NodeKind::kCall:
      return n.func->impl(*this, n);
  }
  return ExprValue();
}

double Evaluator::EvalNumber(const Node& n) {
  switch (n.kind) {
    case NodeKind::kLiteral:
      return n.literal.AsNumber();
    case NodeKind::kNeg:
      return -EvalNumber(n.children[0]);
    case NodeKind::kChain:
      if (IsArith(n.ops[0])) return EvalArithChain(n);
      return EvalBool(n) ? 1 : 0;
    default:
      return Eval(n).AsNumber();
  }
}

bool Evaluator::EvalBool(const Node& n) {
  if (n.kind == NodeKind::kChain) {
    if (IsLogic(n.ops[0])) return EvalLogicChain(n);
    if (!IsArith(n.ops[0])) return EvalCompareChain(n);
    double d = EvalArithChain(n);
    return d != 0 && !std::isnan(d);
  }
  if (n.kind == NodeKind::kLiteral) return n.literal.AsBool();
  return Eval(n).AsBool();
}

std::string Evaluator::EvalString(const Node& n) {
  if (n.kind == NodeKind::kLiteral) return n.literal.AsString();
  return Eval(n).AsString();
}

bool Evaluator::EvalLogicChain(const Node& n) {
  // One chain holds one precedence level, so all its operators are 'and' or all are 'or'.
  bool is_or = n.ops[0] == BinOp::kOr;
  for (const Node& child : n.children) {
    bool v = EvalBool(child);
    if (v == is_or) return v;  // short circuit: true for 'or', false for 'and'
  }
  return !is_or;
}

bool Evaluator::EvalCompareChain(const Node& n) {
  // "a < b < c" is "(a < b) < c", as in XPath: the boolean result becomes the left operand.
  ExprValue left_store, right_store;
  const ExprValue* left = &EvalRef(n.children[0], &left_store);
  bool result = false;
  for (size_t i = 0; i < n.ops.size(); ++i) {
    const ExprValue& right = EvalRef(n.children[i + 1], &right_store);
    result = Compare(n.ops[i], *left, right);
    if (i + 1 < n.ops.size()) {
      left_store = ExprValue::Bool(result);
      left = &left_store;
    }
  }
  return result;
}

double Evaluator::EvalArithChain(const Node& n) {
  double acc = EvalNumber(n.children[0]);
  for (size_t i = 0; i < n.ops.size(); ++i) {
    double rhs = EvalNumber(n.children[i + 1]);
    switch (n.ops[i]) {
      case BinOp::kAdd:
        acc += rhs;
        break;
      case BinOp::kSub:
        acc -= rhs;
        break;
      case BinOp::kMul:
        acc *= rhs;
        break;
      case BinOp::kDiv:
        acc /= rhs;
        break;  // IEEE: x/0 is +-Infinity, 0/0 is NaN
      case BinOp::kMod:
        acc = std::fmod(acc, rhs);
        break;
      default:
        break;
    }
  }
  return acc;
}

}  // namespace doorstep::expr::detail
