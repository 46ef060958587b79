// 16-byte identifiers: record ids and repeat instance ids (UUID version 4).
//
// Stored as 16 raw bytes; shown as the canonical 36-character lowercase hex form.
// Thread rules: value type.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "doorstep/core/ports.h"
#include "doorstep/core/status.h"

namespace doorstep {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // Both fail only when `random` does (no source of randomness).
  static Result<Uuid> Generate(Random& random);  // version 4, variant 1
  // Version 7 (RFC 9562): the 48-bit Unix time in milliseconds, then 74 random bits. Ids made
  // one after another sort together, so a server's indexes on record ids take a tablet's new
  // records as appends rather than as writes scattered over the whole index (docs/server.md).
  static Result<Uuid> GenerateTimeOrdered(int64_t unix_ms, Random& random);
  // Accepts the 36-character form (any case) or 32 hex digits. Code::kInvalidArgument otherwise.
  static Result<Uuid> Parse(std::string_view text);
  static Uuid FromBytes(const void* data);  // 16 bytes

  std::string ToString() const;  // 8-4-4-4-12 lowercase
  std::string_view AsBytes() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  auto operator<=>(const Uuid&) const = default;
};

using RecordId = Uuid;

}  // namespace doorstep
