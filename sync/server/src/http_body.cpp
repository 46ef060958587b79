#include "http_body.h"

#include "doorstep/sync.pb.h"

namespace doorstep::sync::server::http {
namespace {

std::string Mib(size_t n) {
  return std::to_string(n >> 20) + " MiB (" + std::to_string(n) + " bytes)";
}

}  // namespace

Status ReadBody(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader, RequestBody* body) {
  const std::string content_encoding = req.get_header_value("Content-Encoding");
  auto encoding = ParseEncoding(content_encoding);
  // httplib decodes gzip itself (see the header comment); the limit then applies decompressed.
  const bool gzip = encoding.ok() && *encoding == Encoding::kGzip;
  const size_t limit = gzip ? kMaxBody : kMaxCompressedBody;
  bool too_big = false;
  body->bytes.clear();
  bool ok = reader([&](const char* data, size_t n) {
    if (body->bytes.size() + n > limit) {
      too_big = true;
      return false;
    }
    body->bytes.append(data, n);
    return true;
  });
  if (!ok) {
    if (too_big) {
      return Status(Code::kResourceExhausted,
                    gzip ? "request body is over the limit of " + Mib(kMaxBody) + " decompressed"
                         : "request body is over the limit of " + Mib(kMaxCompressedBody) +
                               " on the wire",
                    "body");
    }
    if (res.status == 413) {
      return Status(Code::kResourceExhausted,
                    "Content-Length is over the limit of " + Mib(kMaxCompressedBody) +
                        " on the wire",
                    "Content-Length");
    }
    // httplib decodes gzip while reading: a gzip body that fails here is damaged (kCorruption,
    // like a zstd body that does not decode; clients resend such a body as it is).
    return Status(gzip ? Code::kCorruption : Code::kInvalidArgument,
                  "request body could not be read (truncated, or not valid " +
                      (content_encoding.empty() ? std::string("identity") : content_encoding) +
                      ")",
                  "body");
  }
  if (!encoding.ok()) {
    return Status(Code::kInvalidArgument, encoding.status().message(), "Content-Encoding");
  }
  body->encoding = *encoding;
  // A gzip body still starting with the gzip magic was not decoded by httplib (a protobuf message
  // never starts with 0x1f: wire type 7 does not exist).
  body->decoded = gzip && !(body->bytes.size() >= 2 && body->bytes[0] == '\x1f' &&
                            body->bytes[1] == '\x8b');
  return Status::Ok();
}

Status ParseBody(const RequestBody& body, google::protobuf::MessageLite* message) {
  if (!body.decoded) return DecodeBody(body.bytes, body.encoding, message);
  if (body.bytes.size() > kMaxBody) {
    return Status(Code::kResourceExhausted,
                  "request body is over the limit of " + Mib(kMaxBody) + " decompressed", "body");
  }
  if (!message->ParseFromArray(body.bytes.data(), static_cast<int>(body.bytes.size()))) {
    return Status(Code::kParse, "body is not a valid " + message->GetTypeName(), "body");
  }
  return Status::Ok();
}

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument:
    case Code::kParse:
    case Code::kCorruption:
    case Code::kValidation: return 400;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kConflict:
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return 409;
    case Code::kResourceExhausted: return 413;
    case Code::kUnavailable: return 503;
    default: return 500;
  }
}

void WriteMessage(const httplib::Request& req, httplib::Response& res, int status,
                  const google::protobuf::MessageLite& message) {
  Encoding encoding = ChooseEncoding(req.get_header_value("Accept-Encoding"));
  auto bytes = EncodeBody(message, encoding);
  if (!bytes.ok()) {
    res.status = 500;
    res.set_content("internal error: cannot encode the answer", "text/plain");
    return;
  }
  res.status = status;
  // Not a type httplib compresses on its own, so the body goes out exactly as encoded here.
  res.set_content(*bytes, "application/x-protobuf");
  if (encoding != Encoding::kIdentity) res.set_header("Content-Encoding", EncodingName(encoding));
}

void WriteErrorBody(const httplib::Request& req, httplib::Response& res, int http_status,
                    const std::string& code, const std::string& message, const std::string& where) {
  v1::ErrorBody error;
  error.set_code(code);
  error.set_message(message);
  error.set_where(where);
  WriteMessage(req, res, http_status, error);
}

void WriteError(const httplib::Request& req, httplib::Response& res, const Status& status) {
  const int http_status = HttpStatusFor(status.code());
  if (http_status == 500) {
    WriteErrorBody(req, res, 500, CodeName(Code::kInternal), "internal error", "");
    return;
  }
  WriteErrorBody(req, res, http_status, CodeName(status.code()), status.message(), status.where());
}

void WriteUnauthenticated(const httplib::Request& req, httplib::Response& res,
                          const std::string& message) {
  WriteErrorBody(req, res, 401, "unauthenticated", message, "Authorization");
}

}  // namespace doorstep::sync::server::http
