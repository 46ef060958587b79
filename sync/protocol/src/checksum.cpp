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
// digest; fields() stays the number of lines added.
#include "doorstep/sync/checksum.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>

namespace doorstep::sync {
namespace {

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

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
  lines_.push_back(ChecksumLine(record, path, value));
}

Digest ChecksumBuilder::Finish() {
  std::sort(lines_.begin(), lines_.end());
  Sha256 sha;
  for (const std::string& line : lines_) sha.Update(line);
  return sha.Final();
}

}  // namespace doorstep::sync
