// Per-scope (village) checksums: after a full sync a device and the server must hold exactly the
// same synced state; a mismatch is reported (and is a bug signal).
//
// The checksum of a scope is SHA-256 over the canonical lines of every live (not cleared) synced
// field of every record in the scope, sorted bytewise:
//   16-byte record id, varint(len(path)), path, varint(len(value)), deterministic protobuf
//   serialization of the v1::Value
// Calculated fields are excluded (they are derived on every side and never synced). Metadata
// fields ("@form", "@state", "@deleted") are included.
//
// Thread rules: a ChecksumBuilder is used by one thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "doorstep/core/sha256.h"
#include "doorstep/core/uuid.h"
#include "doorstep/value.pb.h"

namespace doorstep::sync {

class ChecksumBuilder {
 public:
  // Adds one live field. Order does not matter (lines are sorted in Finish).
  void Add(const RecordId& record, const std::string& path, const v1::Value& value);
  size_t fields() const { return lines_.size(); }
  Digest Finish();

 private:
  std::vector<std::string> lines_;
};

// The canonical line of one field (exposed for tests and for stores that sort in SQL).
std::string ChecksumLine(const RecordId& record, const std::string& path, const v1::Value& value);

}  // namespace doorstep::sync
