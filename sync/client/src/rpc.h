// Protobuf calls over an HttpTransport: headers (content type, encodings, bearer credential),
// body compression, ErrorBody decoding into a Status that names the endpoint, the HTTP status and
// the server's message.
#pragma once

#include <google/protobuf/message_lite.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "doorstep/core/status.h"
#include "doorstep/sync/client/transport.h"
#include "doorstep/sync/codec.h"

namespace doorstep::sync::client {

struct CallStats {
  int http_status = 0;  // 0 when no answer arrived
  int attempts = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  HttpHeaders headers;  // of the answer (names in lower case)
};

class Rpc {
 public:
  Rpc(HttpTransport& transport, std::string base_url, std::string credential,
      Encoding encoding = Encoding::kZstd)
      : transport_(transport),
        base_url_(std::move(base_url)),
        credential_(std::move(credential)),
        encoding_(encoding) {}

  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  void set_progress(std::function<void(uint64_t, uint64_t)> progress) {
    progress_ = std::move(progress);
  }
  Encoding encoding() const { return encoding_; }

  // POST `path` with `request` encoded in encoding(); parses the 200 answer into `response`.
  Status Post(const std::string& path, const google::protobuf::MessageLite& request,
              google::protobuf::MessageLite* response, CallStats* stats = nullptr);
  // POST an already encoded body.
  Status PostEncoded(const std::string& path, const std::string& body, Encoding body_encoding,
                     google::protobuf::MessageLite* response, CallStats* stats = nullptr);
  Status Get(const std::string& path, google::protobuf::MessageLite* response,
             CallStats* stats = nullptr);
  // GET with If-None-Match: `etag` (when not empty). *not_modified when the server answered 304
  // (`response` untouched); the answer's ETag, if any, is in stats->headers.
  Status GetIfNoneMatch(const std::string& path, const std::string& etag,
                        google::protobuf::MessageLite* response, bool* not_modified,
                        CallStats* stats);
  // PUT raw bytes (an attachment chunk, sent uncompressed); parses the 200 answer.
  Status Put(const std::string& path, std::string body, google::protobuf::MessageLite* response,
             CallStats* stats = nullptr);
  // GET an answer of raw bytes (an attachment's data) into `body`.
  Status GetBytes(const std::string& path, std::string* body, CallStats* stats = nullptr);

 private:
  // Exactly one of `response` (a protobuf answer) and `raw` (raw bytes) is set.
  Status Call(HttpRequest request, google::protobuf::MessageLite* response, CallStats* stats,
              std::string* raw = nullptr);

  HttpTransport& transport_;
  std::string base_url_;
  std::string credential_;
  Encoding encoding_;
  const std::atomic<bool>* cancel_ = nullptr;
  std::function<void(uint64_t, uint64_t)> progress_;
};

// The Code whose CodeName is `name`, else the one that fits the HTTP status.
Code CodeForError(const std::string& name, int http_status);

// Base64 (RFC 4648, with padding) for binary sync values.
std::string Base64Encode(std::string_view data);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace doorstep::sync::client
