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
  // records_in_order: the caller adds the fields of one record after another, records in
  // ascending id (byte) order (Store::ForEachSyncedField does). Lines sort by record id first,
  // so each record's lines are sorted and hashed when the next record starts: memory is one
  // record's lines, not the village's. in_order() tells whether the promise held; when it did
  // not, the digest is wrong and the caller must build again without the promise.
  explicit ChecksumBuilder(bool records_in_order = false) : streaming_(records_in_order) {}

  // Adds one live field. Without records_in_order, order does not matter (lines are sorted in
  // Finish).
  void Add(const RecordId& record, const std::string& path, const v1::Value& value);
  size_t fields() const { return count_; }
  bool in_order() const { return in_order_; }
  Digest Finish();

 private:
  void FlushRecord();

  bool streaming_ = false;
  bool in_order_ = true;
  bool finished_ = false;
  size_t count_ = 0;
  std::string current_;  // streaming: the record id (bytes) of the lines held
  std::vector<std::string> lines_;
  Sha256 sha_;
  Digest digest_{};
};

// The canonical line of one field (exposed for tests and for stores that sort in SQL).
std::string ChecksumLine(const RecordId& record, const std::string& path, const v1::Value& value);

}  // namespace doorstep::sync
