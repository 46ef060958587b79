// The private syntax tree of an Expression.
//
// The parser produces a tree of `Node`s; the evaluator walks it. Every node records the 1-based
// byte column where it starts, so evaluation errors can point at the source.
//
// Two shapes keep the tree shallow and cheap to walk:
//   - A run of operators of the same precedence ("a + b - c + d", "x and y and z") is one
//     kChain node with n operands and n-1 operators, evaluated left to right. A long sum of
//     fields is therefore one level deep, not one level per '+'.
//   - A function call stores a pointer to its FuncSpec (resolved once at parse time), and a
//     regex() call with a literal pattern stores the compiled pattern.
//
// Thread rules: immutable after parsing; shared between Expression copies via shared_ptr.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "doorstep/core/expression.h"

namespace doorstep::expr {

namespace detail {

class Evaluator;
struct CompiledRegex;  // regex_util.h

// Binary operators, grouped by precedence level (lowest first).
enum class BinOp : uint8_t {
  kOr,
  kAnd,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
};

// A function call node: evaluates its own (lazily evaluated) arguments.
using FuncImpl = ExprValue (*)(Evaluator& ev, const Node& call);

// One entry of the function table: name as written, arity bounds, implementation.
struct FuncSpec {
  const char* name;
  int min_args;
  int max_args;  // kVariadic: no upper bound
  FuncImpl impl;
};

inline constexpr int kVariadic = -1;

}  // namespace detail

enum class NodeKind : uint8_t {
  kLiteral,  // number or string literal: `literal`
  kRef,      // ${name}: `name`
  kSelf,     // .
  kNeg,      // unary minus: children[0]
  kChain,    // children[0] ops[0] children[1] ops[1] ... (same precedence level)
  kCall,     // func(children...)
};

class Node {
 public:
  NodeKind kind = NodeKind::kLiteral;
  uint32_t column = 1;                     // 1-based byte column of the node's first token
  uint16_t height = 1;                     // 1 for a leaf; 1 + max(child heights) otherwise
  ExprValue literal;                       // kLiteral
  std::string name;                        // kRef
  const detail::FuncSpec* func = nullptr;  // kCall
  std::vector<Node> children;
  std::vector<detail::BinOp> ops;                      // kChain: ops.size() == children.size() - 1
  std::shared_ptr<const detail::CompiledRegex> regex;  // kCall of regex() with a literal pattern
};

}  // namespace doorstep::expr
