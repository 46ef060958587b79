// The recursive-descent parser: tokens -> Node tree.
//
// One function per precedence level (see expression.h), each parsing a left-associative run of
// its operators into one kChain node. Nesting is bounded twice, so hostile input gives a Status
// instead of a stack overflow:
//   - parser recursion: every nested sub-expression (parenthesis, function argument, unary
//     minus) counts one level; more than kMaxDepth levels is an error before recursing further;
//   - tree height: a node higher than kMaxDepth is an error, so evaluation and destruction
//     (both recursive) stay shallow.
// Both limits report Code::kResourceExhausted; every other error is Code::kParse. All errors
// carry where = "column N" of the offending token.
#pragma once

#include <string>
#include <vector>

#include "doorstep/core/status.h"
#include "expr/ast.h"
#include "expr/lexer.h"

namespace doorstep::expr::detail {

class Parser {
 public:
  // `tokens` ends with kEnd and must outlive the parser.
  explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  // Parses the whole token stream as one expression.
  Result<Node> ParseAll();

 private:
  Result<Node> ParseExpression();  // a nested sub-expression: counts one level of depth
  Result<Node> ParseLevel(int level);
  Result<Node> ParseUnary();
  Result<Node> ParsePrimary();
  Result<Node> ParseCall(const Token& name);

  // The operator of precedence `level` at the current token, if any.
  bool MatchOperator(int level, BinOp* op) const;
  Status CheckHeight(Node* n) const;  // sets n->height from its children
  Status EnterLevel();                // ++depth_, error past kMaxDepth

  Status Error(const Token& at, std::string message) const;
  Status UnexpectedOperand(const Token& t) const;   // where a value was expected
  Status UnexpectedTrailing(const Token& t) const;  // after a complete expression

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  const std::vector<Token>& tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace doorstep::expr::detail
