#include "json_input.h"

#include "cli.h"

namespace doorstep::cli {
namespace {

// nlohmann's message without its "[json.exception...] parse error at ...: " prefix and without
// the "; last read: '...'" part that quotes the input.
std::string Problem(const std::string& what) {
  std::string s = what;
  size_t colon = s.find(": ");
  if (s.rfind("[json.exception", 0) == 0 && colon != std::string::npos) s = s.substr(colon + 2);
  size_t last_read = s.find("; last read");
  if (last_read != std::string::npos) s = s.substr(0, last_read);
  return s;
}

}  // namespace

nlohmann::json ParseJsonOrFail(std::string_view text, const std::string& what,
                               const std::string& file) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte at which the parser stopped.
    size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    if (offset > text.size()) offset = text.size();
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    Fail(what + " '" + file + "': invalid JSON at byte " + std::to_string(offset) + " (line " +
         std::to_string(line) + ", column " + std::to_string(column) + "): " + Problem(e.what()));
  } catch (const nlohmann::json::exception& e) {
    // Not a syntax error but a value the parser cannot hold (a number like 1e400: out_of_range).
    Fail(what + " '" + file + "': unusable JSON: " + Problem(e.what()));
  }
}

}  // namespace doorstep::cli
