// Outbox entries for the wire tests (protocol_wire_test.cpp, protocol_wire_validate_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "doorstep/sync/wire.h"

namespace doorstep::sync::wire_testing {

inline const char* const kMember = "members[3f2a0c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b]";

// A record id of 16 equal bytes.
inline RecordId Id(uint8_t fill) {
  RecordId id;
  id.bytes.fill(fill);
  return id;
}

inline OutboxEntry Entry(const RecordId& id, std::string path, std::optional<v1::Value> value,
                         HlcTimestamp hlc, Author author = {"s1", "d1"}, int64_t base = 0) {
  OutboxEntry e;
  e.record_id = id;
  e.path = std::move(path);
  e.value = std::move(value);
  e.hlc = hlc;
  e.author = std::move(author);
  e.base_version = base;
  return e;
}

}  // namespace doorstep::sync::wire_testing
