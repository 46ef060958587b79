// The expression lexer: source text -> tokens.
//
// Tokens point into the source (string_view), so the source must outlive them. A name is
// [A-Za-z_][A-Za-z0-9_]* optionally joined by single hyphens to further such parts
// ("count-selected", "starts-with"); a hyphen followed by anything else is the minus operator,
// so "${a} div-1" and "3-count(${x})" lex as expected. Keywords (and, or, div, mod) are names;
// the parser decides what they mean from where they appear.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/status.h"

namespace doorstep::expr::detail {

enum class Tok : uint8_t {
  kEnd,     // end of input (always the last token)
  kNumber,  // 12, 3.5, .5
  kString,  // 'text' or "text"; `value` is the text between the quotes
  kRef,     // ${name}; `value` is the name
  kDot,     // .
  kName,    // function name or keyword
  kLParen,
  kRParen,
  kComma,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
};

struct Token {
  Tok type = Tok::kEnd;
  uint32_t offset = 0;     // byte offset in the source
  std::string_view text;   // the token as written
  std::string_view value;  // kString: contents; kRef: name; otherwise == text
  double number = 0;       // kNumber

  uint32_t column() const { return offset + 1; }
};

// Splits `source` into tokens (ending with kEnd). Errors are Code::kParse with where = "column N".
Status Tokenize(std::string_view source, std::vector<Token>* out);

// "column N" for 1-based column N.
std::string ColumnWhere(uint32_t column);

}  // namespace doorstep::expr::detail
