// Column encodings shared by the server stores (row_text.h).
#include "row_text.h"

namespace doorstep::sync::server::rows {

std::string JoinVillages(const std::vector<std::string>& villages) {
  std::string out;
  for (const auto& v : villages) {
    if (!out.empty()) out += '\n';
    out += v;
  }
  return out;
}

std::vector<std::string> SplitVillages(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

Digest ToDigest(std::string_view bytes) {
  Digest d{};
  if (bytes.size() == d.size()) {
    for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<uint8_t>(bytes[i]);
  }
  return d;
}

}  // namespace doorstep::sync::server::rows
