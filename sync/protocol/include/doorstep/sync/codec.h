// Body encoding for the sync protocol: protobuf messages, compressed with zstd (preferred) or gzip,
// under hard size limits, with errors that say what was wrong and where.
//
// Thread rules: pure functions, callable from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

#include "doorstep/core/status.h"

namespace doorstep::sync {

enum class Encoding { kIdentity, kZstd, kGzip };

// "identity", "zstd", "gzip" (the HTTP Content-Encoding token).
const char* EncodingName(Encoding e);
// Parses a Content-Encoding value ("" or "identity" -> kIdentity). kInvalidArgument for others.
Result<Encoding> ParseEncoding(std::string_view content_encoding);
// The best encoding both sides support for an Accept-Encoding header (zstd > gzip > identity).
Encoding ChooseEncoding(std::string_view accept_encoding);

// Hard limits for one request or response body.
inline constexpr size_t kMaxCompressedBody = 1 << 20;  // 1 MiB on the wire
inline constexpr size_t kMaxBody = 16 << 20;           // 16 MiB decompressed
// Default target size of one push batch (compressed): a flaky 2G link loses little per failure.
inline constexpr size_t kDefaultBatchBytes = 256 << 10;

Result<std::string> Compress(std::string_view data, Encoding encoding, int level = 3);
// Decompresses at most `max_out` bytes. kResourceExhausted beyond it (the limit named);
// kCorruption when the data is not valid for the encoding (with the byte offset when known).
Result<std::string> Decompress(std::string_view data, Encoding encoding, size_t max_out = kMaxBody);

// Serializes and compresses a message.
Result<std::string> EncodeBody(const google::protobuf::MessageLite& message, Encoding encoding);
// Checks the wire size against kMaxCompressedBody, decompresses and parses into `out`. Errors name
// the message type: "body is not a valid doorstep.v1.ChangeSet".
Status DecodeBody(std::string_view body, Encoding encoding, google::protobuf::MessageLite* out);

}  // namespace doorstep::sync
