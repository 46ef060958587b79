// Expression: parse once (lexer -> parser -> immutable tree), evaluate many times.

#include "doorstep/core/expression.h"

#include <algorithm>
#include <utility>

#include "expr/ast.h"
#include "expr/evaluator.h"
#include "expr/lexer.h"
#include "expr/parser.h"

namespace doorstep::expr {

Expression::Expression() = default;
Expression::~Expression() = default;
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::Expression(const Expression&) = default;
Expression& Expression::operator=(const Expression&) = default;

Result<Expression> Expression::Parse(std::string_view text) {
  if (text.size() > kMaxExpressionLength) {
    return Status(Code::kResourceExhausted,
                  "expression longer than " + std::to_string(kMaxExpressionLength) + " bytes",
                  detail::ColumnWhere(static_cast<uint32_t>(kMaxExpressionLength + 1)));
  }
  std::vector<detail::Token> tokens;
  DS_RETURN_IF_ERROR(detail::Tokenize(text, &tokens));
  detail::Parser parser(tokens);
  DS_ASSIGN_OR_RETURN(Node root, parser.ParseAll());

  Expression e;
  e.source_ = std::string(text);
  for (const detail::Token& t : tokens) {
    if (t.type != detail::Tok::kRef) continue;
    if (std::find(e.references_.begin(), e.references_.end(), t.value) == e.references_.end()) {
      e.references_.emplace_back(t.value);
    }
  }
  e.root_ = std::make_shared<const Node>(std::move(root));
  return e;
}

Result<ExprValue> Expression::Evaluate(const EvalContext& ctx) const {
  if (root_ == nullptr) return ExprValue();  // a default-constructed Expression is empty
  detail::Evaluator evaluator(ctx);
  ExprValue value = evaluator.Eval(*root_);
  if (evaluator.failed()) return evaluator.error();
  return value;
}

}  // namespace doorstep::expr
