// Scope checksums (see checksum.h).
//
// The value bytes are written with CodedOutputStream::SetSerializationDeterministic(true). Today
// v1::Value has no map fields, so plain serialization would give the same bytes; the flag keeps
// the checksum stable if a map is ever added. Unknown fields (a value written by a newer client)
// are serialized as received, on both sides alike.
//
// What is fed in is the caller's job: only live (not cleared) synced fields, calculated fields
// left out, metadata ("@form", "@state", "@deleted") included. The store's ForEachSyncedField and
// the server's field table already apply these rules; this file only encodes and hashes.
//
// Finish() sorts the lines and hashes their concatenation (each line is self-delimiting: fixed
// 16-byte id, then two length-prefixed parts). It may be called again and returns the same
// digest (nothing may be added after it); fields() stays the number of lines added. With
// records_in_order the lines of each record are sorted and hashed as soon as the next record
// starts: the same bytes in the same order, since lines of different records never interleave.
#include "doorstep/sync/checksum.h"

#include "doorstep/core/bytes.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <string_view>

namespace doorstep::sync {
namespace {

using bytes::AppendVarint;

}  // namespace

std::string ChecksumLine(const RecordId& record, const std::string& path, const v1::Value& value) {
  size_t value_size = value.ByteSizeLong();
  std::string line;
  line.reserve(16 + 10 + path.size() + 10 + value_size);
  line.append(record.AsBytes());
  AppendVarint(&line, path.size());
  line.append(path);
  AppendVarint(&line, value_size);
  {
    google::protobuf::io::StringOutputStream stream(&line);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    value.SerializeWithCachedSizes(&coded);
  }  // `coded` trims the string to what was written when it goes out of scope
  return line;
}

void ChecksumBuilder::Add(const RecordId& record, const std::string& path, const v1::Value& value) {
  ++count_;
  std::string line = ChecksumLine(record, path, value);
  if (streaming_) {
    std::string_view id(line.data(), 16);
    if (id != current_) {
      if (!current_.empty() && id < std::string_view(current_)) in_order_ = false;
      FlushRecord();
      current_.assign(id);
    }
  }
  lines_.push_back(std::move(line));
}

void ChecksumBuilder::FlushRecord() {
  std::sort(lines_.begin(), lines_.end());
  for (const std::string& line : lines_) sha_.Update(line);
  lines_.clear();
}

Digest ChecksumBuilder::Finish() {
  if (!finished_) {
    FlushRecord();
    digest_ = sha_.Final();
    finished_ = true;
  }
  return digest_;
}

}  // namespace doorstep::sync
