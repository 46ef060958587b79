// Request and response bodies over cpp-httplib: limits, encodings, ErrorBody answers.
//
// cpp-httplib (built with zlib) decompresses gzip request bodies itself before they reach a
// content receiver, and keeps the Content-Encoding header. ReadBody therefore counts wire bytes
// against kMaxCompressedBody for identity and zstd bodies, and decompressed bytes against kMaxBody
// for gzip ones (the wire size of those is bounded by the server's payload limit on
// Content-Length); ParseBody then parses a body httplib already decoded as is.
//
// Thread rules: free functions on one request's objects.
#pragma once

#include <httplib.h>

#include <string>

#include <google/protobuf/message_lite.h>

#include "doorstep/core/status.h"
#include "doorstep/sync/codec.h"

namespace doorstep::sync::server::http {

struct RequestBody {
  std::string bytes;
  Encoding encoding = Encoding::kIdentity;
  bool decoded = false;  // httplib already decompressed it
};

// Reads the whole body within the limits. kResourceExhausted (413) over a limit, kInvalidArgument
// for an unknown Content-Encoding or a body that could not be read or decompressed.
Status ReadBody(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader, RequestBody* body);
// Decompresses (when needed) and parses. kParse / kCorruption (400), kResourceExhausted (413).
Status ParseBody(const RequestBody& body, google::protobuf::MessageLite* message);

// The HTTP status for a Status code (401 is decided by the caller, see WriteUnauthenticated).
int HttpStatusFor(Code code);

// Answers `message` in the best encoding the client accepts.
void WriteMessage(const httplib::Request& req, httplib::Response& res, int status,
                  const google::protobuf::MessageLite& message);
// Answers an ErrorBody for `status` (500s say only "internal error": details go to the log).
void WriteError(const httplib::Request& req, httplib::Response& res, const Status& status);
// 401 with code "unauthenticated".
void WriteUnauthenticated(const httplib::Request& req, httplib::Response& res,
                          const std::string& message);
// An ErrorBody with an explicit HTTP status and code name.
void WriteErrorBody(const httplib::Request& req, httplib::Response& res, int http_status,
                    const std::string& code, const std::string& message, const std::string& where);

}  // namespace doorstep::sync::server::http
