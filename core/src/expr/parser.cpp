#include "expr/parser.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "expr/functions.h"
#include "expr/regex_util.h"

namespace doorstep::expr::detail {

namespace {

constexpr int kUnaryLevel = 6;  // levels 0..5: or, and, equality, relational, additive, mult.

bool IsKeyword(std::string_view name) {
  return name == "and" || name == "or" || name == "div" || name == "mod";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s);
  out.push_back('\'');
  return out;
}

}  // namespace

Status Parser::Error(const Token& at, std::string message) const {
  return Status(Code::kParse, std::move(message), ColumnWhere(at.column()));
}

Status Parser::EnterLevel() {
  if (++depth_ > kMaxDepth) {
    return Status(Code::kResourceExhausted,
                  "expression nested too deeply (more than " + std::to_string(kMaxDepth) +
                      " levels of parentheses, function calls or unary minus)",
                  ColumnWhere(Peek().column()));
  }
  return Status::Ok();
}

Status Parser::CheckHeight(Node* n) const {
  int height = 0;
  for (const Node& child : n->children) height = std::max<int>(height, child.height);
  if (height + 1 > kMaxDepth) {
    return Status(
        Code::kResourceExhausted,
        "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)",
        ColumnWhere(n->column));
  }
  n->height = static_cast<uint16_t>(height + 1);
  return Status::Ok();
}

Result<Node> Parser::ParseAll() {
  DS_ASSIGN_OR_RETURN(Node root, ParseExpression());
  if (Peek().type != Tok::kEnd) return UnexpectedTrailing(Peek());
  return root;
}

Result<Node> Parser::ParseExpression() {
  DS_RETURN_IF_ERROR(EnterLevel());
  DS_ASSIGN_OR_RETURN(Node n, ParseLevel(0));
  --depth_;
  return n;
}

bool Parser::MatchOperator(int level, BinOp* op) const {
  const Token& t = Peek();
  auto match = [op](BinOp found) {
    *op = found;
    return true;
  };
  switch (level) {
    case 0:
      if (t.type == Tok::kName && t.text == "or") return match(BinOp::kOr);
      return false;
    case 1:
      if (t.type == Tok::kName && t.text == "and") return match(BinOp::kAnd);
      return false;
    case 2:
      if (t.type == Tok::kEq) return match(BinOp::kEq);
      if (t.type == Tok::kNe) return match(BinOp::kNe);
      return false;
    case 3:
      if (t.type == Tok::kLt) return match(BinOp::kLt);
      if (t.type == Tok::kLe) return match(BinOp::kLe);
      if (t.type == Tok::kGt) return match(BinOp::kGt);
      if (t.type == Tok::kGe) return match(BinOp::kGe);
      return false;
    case 4:
      if (t.type == Tok::kPlus) return match(BinOp::kAdd);
      if (t.type == Tok::kMinus) return match(BinOp::kSub);
      return false;
    case 5:
      if (t.type == Tok::kStar) return match(BinOp::kMul);
      if (t.type == Tok::kName && t.text == "div") return match(BinOp::kDiv);
      if (t.type == Tok::kName && t.text == "mod") return match(BinOp::kMod);
      return false;
    default:
      return false;
  }
}

Result<Node> Parser::ParseLevel(int level) {
  if (level == kUnaryLevel) return ParseUnary();
  DS_ASSIGN_OR_RETURN(Node first, ParseLevel(level + 1));
  BinOp op;
  if (!MatchOperator(level, &op)) return first;
  Node chain;
  chain.kind = NodeKind::kChain;
  chain.column = first.column;
  chain.children.push_back(std::move(first));
  do {
    Next();
    DS_ASSIGN_OR_RETURN(Node operand, ParseLevel(level + 1));
    chain.ops.push_back(op);
    chain.children.push_back(std::move(operand));
  } while (MatchOperator(level, &op));
  DS_RETURN_IF_ERROR(CheckHeight(&chain));
  return chain;
}

Result<Node> Parser::ParseUnary() {
  if (Peek().type != Tok::kMinus) return ParsePrimary();
  const Token& minus = Next();
  DS_RETURN_IF_ERROR(EnterLevel());
  DS_ASSIGN_OR_RETURN(Node operand, ParseUnary());
  --depth_;
  if (operand.kind == NodeKind::kLiteral && operand.literal.kind() == ExprValue::Kind::kNumber) {
    operand.literal = ExprValue::Number(-operand.literal.AsNumber());  // fold "-5"
    operand.column = minus.column();
    return operand;
  }
  Node neg;
  neg.kind = NodeKind::kNeg;
  neg.column = minus.column();
  neg.children.push_back(std::move(operand));
  DS_RETURN_IF_ERROR(CheckHeight(&neg));
  return neg;
}

Result<Node> Parser::ParsePrimary() {
  const Token& t = Peek();
  Node n;
  n.column = t.column();
  switch (t.type) {
    case Tok::kNumber:
      n.literal = ExprValue::Number(Next().number);
      return n;
    case Tok::kString:
      n.literal = ExprValue::String(std::string(Next().value));
      return n;
    case Tok::kRef:
      n.kind = NodeKind::kRef;
      n.name = std::string(Next().value);
      return n;
    case Tok::kDot:
      Next();
      n.kind = NodeKind::kSelf;
      return n;
    case Tok::kLParen: {
      const Token& open = Next();
      DS_ASSIGN_OR_RETURN(Node inner, ParseExpression());
      if (Peek().type != Tok::kRParen) {
        return Error(Peek(),
                     "expected ')' to close '(' at column " + std::to_string(open.column()));
      }
      Next();
      return inner;
    }
    case Tok::kName: {
      bool call = tokens_[pos_ + 1].type == Tok::kLParen;
      if (call && !IsKeyword(t.text)) return ParseCall(Next());
      return UnexpectedOperand(t);
    }
    default:
      return UnexpectedOperand(t);
  }
}

Result<Node> Parser::ParseCall(const Token& name) {
  const FuncSpec* spec = FindFunction(name.text);
  if (spec == nullptr) {
    std::string message = "unknown function " + Quoted(name.text);
    if (FindFunction(Lower(name.text)) != nullptr) {
      message += "; function names are lower case: " + Quoted(Lower(name.text));
    }
    return Error(name, message);
  }
  Node n;
  n.kind = NodeKind::kCall;
  n.column = name.column();
  n.func = spec;
  const Token& open = Next();  // '('
  if (Peek().type == Tok::kRParen) {
    Next();
  } else {
    while (true) {
      DS_ASSIGN_OR_RETURN(Node arg, ParseExpression());
      n.children.push_back(std::move(arg));
      if (Peek().type == Tok::kComma) {
        Next();
        continue;
      }
      if (Peek().type == Tok::kRParen) {
        Next();
        break;
      }
      return Error(Peek(), "expected ',' or ')' to close '" + std::string(name.text) +
                               "(' at column " + std::to_string(open.column()));
    }
  }
  auto got = static_cast<int>(n.children.size());
  if (got < spec->min_args || (spec->max_args != kVariadic && got > spec->max_args)) {
    return Error(name, "function " + Quoted(name.text) + " " + ArityText(*spec) + ", got " +
                           std::to_string(got));
  }
  if (IsRegexFunction(spec) && n.children[1].kind == NodeKind::kLiteral) {
    std::string error;
    n.regex = CompileRegex(n.children[1].literal.AsString(), &error);
    if (n.regex == nullptr) return Status(Code::kParse, error, ColumnWhere(n.children[1].column));
  }
  DS_RETURN_IF_ERROR(CheckHeight(&n));
  return n;
}

Status Parser::UnexpectedOperand(const Token& t) const {
  const Token* prev = pos_ > 0 ? &tokens_[pos_ - 1] : nullptr;
  switch (t.type) {
    case Tok::kEnd:
      if (prev == nullptr) return Error(t, "empty expression");
      return Error(t, "expected a value after " + Quoted(prev->text) + " but the expression ended");
    case Tok::kName: {
      if (IsKeyword(t.text)) return Error(t, "expected a value before " + Quoted(t.text));
      if (FindFunction(t.text) != nullptr) {
        return Error(t, Quoted(t.text) + " is a function; write " + std::string(t.text) + "()");
      }
      std::string name(t.text);
      return Error(t, "unexpected name " + Quoted(name) + "; to reference a field write ${" + name +
                          "}, for text write '" + name + "'");
    }
    default:
      return Error(t, "expected a value before " + Quoted(t.text));
  }
}

Status Parser::UnexpectedTrailing(const Token& t) const {
  switch (t.type) {
    case Tok::kRParen:
      return Error(t, "unmatched ')'");
    case Tok::kComma:
      return Error(t, "unexpected ',' outside a function call");
    case Tok::kName:
      if (IsKeyword(Lower(t.text))) {
        return Error(t, "unknown operator " + Quoted(t.text) +
                            "; operators are lower case: " + Quoted(Lower(t.text)));
      }
      return Error(t, "unexpected " + Quoted(t.text) +
                          " after a complete expression; expected an operator such as 'and', "
                          "'or', '=', '+'");
    default: {
      // A string literal already shows its quotes.
      std::string shown = t.type == Tok::kString ? std::string(t.text) : Quoted(t.text);
      return Error(t,
                   "unexpected " + shown + " after a complete expression; is an operator missing?");
    }
  }
}

}  // namespace doorstep::expr::detail
