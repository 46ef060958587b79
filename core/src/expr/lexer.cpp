#include "expr/lexer.h"

#include <cstdio>
#include <string>

#include "expr/text.h"

namespace doorstep::expr::detail {

namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool IsNameChar(char c) {
  return IsNameStart(c) || IsDigit(c);
}

Status LexError(uint32_t offset, std::string message) {
  return Status(Code::kParse, std::move(message), ColumnWhere(offset + 1));
}

// Decodes the UTF-8 sequence at s[i]; returns its length in bytes, 0 when malformed.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t v = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    v = (v << 6) | (c & 0x3F);
  }
  *cp = v;
  return len;
}

// The message for a character that cannot start a token, with a hint when there is an
// obvious intent (C operators, full-width punctuation typed with a Chinese input method).
std::string UnexpectedCharacter(std::string_view s, size_t i) {
  char c = s[i];
  auto uc = static_cast<unsigned char>(c);
  char buf[96];
  if (uc < 0x80) {
    if (uc < 0x20 || uc == 0x7F) {
      std::snprintf(buf, sizeof buf, "unexpected control character 0x%02X", uc);
      return buf;
    }
    std::string msg = std::string("unexpected character '") + c + "'";
    switch (c) {
      case '!':
        return msg + "; use '!=' to compare or not(...) to negate";
      case '&':
        return msg + "; use 'and'";
      case '|':
        return msg + "; use 'or'";
      case '/':
        return msg + "; use 'div' to divide";
      case '%':
        return msg + "; use 'mod' for the remainder";
      case '{':
      case '}':
        return msg + "; reference a field as ${name}";
      default:
        return msg;
    }
  }
  uint32_t cp = 0;
  size_t len = DecodeUtf8(s, i, &cp);
  if (len == 0) {
    std::snprintf(buf, sizeof buf, "unexpected byte 0x%02X (not UTF-8 text)", uc);
    return buf;
  }
  std::string msg = "unexpected character '" + std::string(s.substr(i, len)) + "'";
  if (cp >= 0xFF01 && cp <= 0xFF5E) {  // full-width forms of ASCII punctuation and letters
    return msg + " (full-width); use the ASCII '" + static_cast<char>(cp - 0xFEE0) + "'";
  }
  if (cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D) {
    return msg + " (typographic quote); quote strings with ' or \"";
  }
  if (cp == 0x3000) return msg + " (full-width space); use an ASCII space";
  return msg;
}

}  // namespace

std::string ColumnWhere(uint32_t column) {
  return "column " + std::to_string(column);
}

namespace {

// Splits one source into tokens: Run() skips spaces and hands each token's first character to
// the Lex* method for its kind, which consumes the token from pos_.
class Lexer {
 public:
  Lexer(std::string_view s, std::vector<Token>* out) : s_(s), out_(out) {}

  Status Run() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (IsSpace(c)) {
        ++pos_;
        continue;
      }
      Status st = LexToken(c);
      if (!st.ok()) return st;
    }
    Push(Tok::kEnd, s_.size(), s_.size());
    return Status::Ok();
  }

 private:
  Token* Push(Tok type, size_t start, size_t end) {
    Token t;
    t.type = type;
    t.offset = static_cast<uint32_t>(start);
    t.text = s_.substr(start, end - start);
    t.value = t.text;
    out_->push_back(t);
    return &out_->back();
  }

  Status LexToken(char c) {
    if (IsDigit(c) || (c == '.' && pos_ + 1 < s_.size() && IsDigit(s_[pos_ + 1]))) {
      LexNumber();
      return Status::Ok();
    }
    if (c == '\'' || c == '"') return LexString(c);
    if (c == '$') return LexRef();
    if (IsNameStart(c)) {
      LexName();
      return Status::Ok();
    }
    return LexOperator(c);
  }

  // 12, 3.5, .5
  void LexNumber() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    Push(Tok::kNumber, start, pos_)->number = ParseNumber(s_.substr(start, pos_ - start));
  }

  // 'text' or "text": up to the next quote of the same kind (no escapes).
  Status LexString(char quote) {
    size_t start = pos_;
    size_t close = s_.find(quote, pos_ + 1);
    if (close == std::string_view::npos) {
      return LexError(static_cast<uint32_t>(start), "unterminated string literal");
    }
    pos_ = close + 1;
    Push(Tok::kString, start, pos_)->value = s_.substr(start + 1, close - start - 1);
    return Status::Ok();
  }

  // ${name}
  Status LexRef() {
    size_t start = pos_;
    if (pos_ + 1 >= s_.size() || s_[pos_ + 1] != '{') {
      return LexError(static_cast<uint32_t>(start), "expected '{' after '$'; write ${name}");
    }
    size_t name_start = pos_ + 2;
    if (name_start >= s_.size() || !IsNameStart(s_[name_start])) {
      return LexError(static_cast<uint32_t>(name_start),
                      "expected a field name after '${' (letters, digits and '_', not "
                      "starting with a digit)");
    }
    size_t j = name_start;
    while (j < s_.size() && IsNameChar(s_[j])) ++j;
    if (j >= s_.size() || s_[j] != '}') {
      return LexError(static_cast<uint32_t>(j),
                      "expected '}' to close '${' at column " + std::to_string(start + 1));
    }
    pos_ = j + 1;
    Push(Tok::kRef, start, pos_)->value = s_.substr(name_start, j - name_start);
    return Status::Ok();
  }

  void LexName() {
    size_t start = pos_;
    ++pos_;
    while (true) {
      while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
      // A hyphen joins name parts only when a name part follows: "starts-with", not "a-1".
      if (pos_ + 1 < s_.size() && s_[pos_] == '-' && IsNameStart(s_[pos_ + 1])) {
        ++pos_;
        continue;
      }
      break;
    }
    Push(Tok::kName, start, pos_);
  }

  Status LexOperator(char c) {
    size_t start = pos_;
    char next = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
    if (c == '=' && next == '=') {
      return LexError(static_cast<uint32_t>(start), "'==' is not an operator; use '='");
    }
    size_t len = 1;
    Tok op = OperatorAt(c, next, &len);
    if (op == Tok::kEnd) {
      return LexError(static_cast<uint32_t>(start), UnexpectedCharacter(s_, pos_));
    }
    pos_ += len;
    Push(op, start, pos_);
    return Status::Ok();
  }

  // The operator starting with `c` (followed by `next`) and its length; kEnd when none.
  static Tok OperatorAt(char c, char next, size_t* len) {
    switch (c) {
      case '.':
        return Tok::kDot;
      case '(':
        return Tok::kLParen;
      case ')':
        return Tok::kRParen;
      case ',':
        return Tok::kComma;
      case '+':
        return Tok::kPlus;
      case '-':
        return Tok::kMinus;
      case '*':
        return Tok::kStar;
      case '=':
        return Tok::kEq;
      case '!':
        if (next != '=') return Tok::kEnd;
        *len = 2;
        return Tok::kNe;
      case '<':
        if (next != '=') return Tok::kLt;
        *len = 2;
        return Tok::kLe;
      case '>':
        if (next != '=') return Tok::kGt;
        *len = 2;
        return Tok::kGe;
      default:
        return Tok::kEnd;
    }
  }

  std::string_view s_;
  std::vector<Token>* out_;
  size_t pos_ = 0;
};

}  // namespace

Status Tokenize(std::string_view s, std::vector<Token>* out) {
  out->clear();
  return Lexer(s, out).Run();
}

}  // namespace doorstep::expr::detail
