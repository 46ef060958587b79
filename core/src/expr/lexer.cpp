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

Status Tokenize(std::string_view s, std::vector<Token>* out) {
  out->clear();
  size_t i = 0;
  auto push = [&](Tok type, size_t start, size_t end) {
    Token t;
    t.type = type;
    t.offset = static_cast<uint32_t>(start);
    t.text = s.substr(start, end - start);
    t.value = t.text;
    out->push_back(t);
    return &out->back();
  };
  while (i < s.size()) {
    char c = s[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    size_t start = i;
    if (IsDigit(c) || (c == '.' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && IsDigit(s[i])) ++i;
      }
      push(Tok::kNumber, start, i)->number = ParseNumber(s.substr(start, i - start));
      continue;
    }
    if (c == '\'' || c == '"') {
      size_t close = s.find(c, i + 1);
      if (close == std::string_view::npos) {
        return LexError(static_cast<uint32_t>(start), "unterminated string literal");
      }
      i = close + 1;
      push(Tok::kString, start, i)->value = s.substr(start + 1, close - start - 1);
      continue;
    }
    if (c == '$') {
      if (i + 1 >= s.size() || s[i + 1] != '{') {
        return LexError(static_cast<uint32_t>(start), "expected '{' after '$'; write ${name}");
      }
      size_t name_start = i + 2;
      if (name_start >= s.size() || !IsNameStart(s[name_start])) {
        return LexError(static_cast<uint32_t>(name_start),
                        "expected a field name after '${' (letters, digits and '_', not "
                        "starting with a digit)");
      }
      size_t j = name_start;
      while (j < s.size() && IsNameChar(s[j])) ++j;
      if (j >= s.size() || s[j] != '}') {
        return LexError(static_cast<uint32_t>(j),
                        "expected '}' to close '${' at column " + std::to_string(start + 1));
      }
      i = j + 1;
      push(Tok::kRef, start, i)->value = s.substr(name_start, j - name_start);
      continue;
    }
    if (IsNameStart(c)) {
      ++i;
      while (true) {
        while (i < s.size() && IsNameChar(s[i])) ++i;
        // A hyphen joins name parts only when a name part follows: "starts-with", not "a-1".
        if (i + 1 < s.size() && s[i] == '-' && IsNameStart(s[i + 1])) {
          ++i;
          continue;
        }
        break;
      }
      push(Tok::kName, start, i);
      continue;
    }
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    Tok op = Tok::kEnd;
    size_t len = 1;
    switch (c) {
      case '.':
        op = Tok::kDot;
        break;
      case '(':
        op = Tok::kLParen;
        break;
      case ')':
        op = Tok::kRParen;
        break;
      case ',':
        op = Tok::kComma;
        break;
      case '+':
        op = Tok::kPlus;
        break;
      case '-':
        op = Tok::kMinus;
        break;
      case '*':
        op = Tok::kStar;
        break;
      case '=':
        if (next == '=') {
          return LexError(static_cast<uint32_t>(start), "'==' is not an operator; use '='");
        }
        op = Tok::kEq;
        break;
      case '!':
        if (next == '=') {
          op = Tok::kNe;
          len = 2;
        }
        break;
      case '<':
        op = Tok::kLt;
        if (next == '=') {
          op = Tok::kLe;
          len = 2;
        }
        break;
      case '>':
        op = Tok::kGt;
        if (next == '=') {
          op = Tok::kGe;
          len = 2;
        }
        break;
      default:
        break;
    }
    if (op == Tok::kEnd) {
      return LexError(static_cast<uint32_t>(start), UnexpectedCharacter(s, i));
    }
    i += len;
    push(op, start, i);
  }
  push(Tok::kEnd, s.size(), s.size());
  return Status::Ok();
}

}  // namespace doorstep::expr::detail
