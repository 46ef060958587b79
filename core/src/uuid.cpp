#include "doorstep/core/uuid.h"

#include <cstring>

namespace doorstep {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Uuid> Uuid::Generate(Random& random) {
  Uuid u;
  DS_RETURN_IF_ERROR(random.Fill(u.bytes.data(), u.bytes.size()));
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);  // version 4
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // variant 1
  return u;
}

Result<Uuid> Uuid::GenerateTimeOrdered(int64_t unix_ms, Random& random) {
  Uuid u;
  DS_RETURN_IF_ERROR(random.Fill(u.bytes.data(), u.bytes.size()));
  const uint64_t ms = static_cast<uint64_t>(unix_ms < 0 ? 0 : unix_ms);
  for (int i = 0; i < 6; ++i) u.bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x70);  // version 7
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // variant 1
  return u;
}

Result<Uuid> Uuid::Parse(std::string_view text) {
  std::string hex;
  if (text.size() == 36) {
    for (size_t i = 0; i < text.size(); ++i) {
      bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash_pos != (text[i] == '-')) {
        return Status(Code::kInvalidArgument, "not a UUID (expected 8-4-4-4-12 hex digits)",
                      "offset " + std::to_string(i));
      }
      if (!dash_pos) hex.push_back(text[i]);
    }
  } else if (text.size() == 32) {
    hex.assign(text);
  } else {
    return Status(Code::kInvalidArgument,
                  "not a UUID: expected 36 characters, got " + std::to_string(text.size()));
  }
  Uuid u;
  for (size_t i = 0; i < 16; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status(Code::kInvalidArgument, "not a UUID: non-hex digit");
    }
    u.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return u;
}

Uuid Uuid::FromBytes(const void* data) {
  Uuid u;
  std::memcpy(u.bytes.data(), data, 16);
  return u;
}

std::string Uuid::ToString() const {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[bytes[i] >> 4]);
    s.push_back(kHex[bytes[i] & 15]);
  }
  return s;
}

}  // namespace doorstep
