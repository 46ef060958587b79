#include "doorstep/core/text_check.h"

#include <cstdint>

namespace doorstep {

size_t InvalidUtf8At(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2, min = 0x80, cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3, min = 0x800, cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4, min = 0x10000, cp = c & 0x07u;
    } else {
      return i;  // a continuation byte, C0/C1 (overlong two-byte) or F5..FF
    }
    if (n - i < len) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return kTextOk;
}

size_t ControlCharAt(std::string_view s, bool allow_newlines) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = p[i];
    if (c < 0x20) {
      if (c == '\t') continue;
      if (allow_newlines && (c == '\n' || c == '\r')) continue;
      return i;
    }
    if (c == 0x7f) return i;
    // C1 controls are U+0080..U+009F: C2 80..C2 9F in UTF-8.
    if (c == 0xc2 && i + 1 < s.size() && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) return i;
  }
  return kTextOk;
}

Status CheckText(std::string_view s, const std::string& where, const char* what,
                 bool allow_newlines) {
  size_t at = InvalidUtf8At(s);
  if (at != kTextOk) {
    return Status(Code::kInvalidArgument,
                  std::string(what) + " is not valid UTF-8 (byte " + std::to_string(at) + ")",
                  where);
  }
  at = ControlCharAt(s, allow_newlines);
  if (at != kTextOk) {
    static const char* hex = "0123456789ABCDEF";
    const auto c = static_cast<unsigned char>(s[at]);
    unsigned code = c;
    if (c == 0xc2) code = static_cast<unsigned char>(s[at + 1]);
    std::string u = "U+00";
    u += hex[code >> 4];
    u += hex[code & 15];
    return Status(Code::kInvalidArgument,
                  std::string(what) + " holds a control character (" + u + " at byte " +
                      std::to_string(at) + ")",
                  where);
  }
  return Status::Ok();
}

}  // namespace doorstep
