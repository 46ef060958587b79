// Column encodings shared by the SQLite and PostgreSQL server stores.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/sha256.h"

namespace doorstep::sync::server::rows {

// Villages are stored as one text column, one village per line.
std::string JoinVillages(const std::vector<std::string>& villages);
std::vector<std::string> SplitVillages(std::string_view text);

Digest ToDigest(std::string_view bytes);  // zero digest when the size is not 32
inline std::string_view DigestBytes(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace doorstep::sync::server::rows
