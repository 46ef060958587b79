// Protobuf calls: request headers, compression, answers and ErrorBody decoding.
#include "rpc.h"

#include <array>

#include "doorstep/sync.pb.h"

namespace doorstep::sync::client {
namespace {

constexpr char kContentType[] = "application/x-protobuf";
constexpr char kAcceptEncoding[] = "zstd, gzip";

}  // namespace

Code CodeForError(const std::string& name, int http_status) {
  for (int c = static_cast<int>(Code::kInvalidArgument);
       c <= static_cast<int>(Code::kResourceExhausted); ++c) {
    if (name == CodeName(static_cast<Code>(c))) return static_cast<Code>(c);
  }
  switch (http_status) {
    case 400:
      return Code::kInvalidArgument;
    case 401:
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 409:
      return Code::kConflict;
    case 413:
      return Code::kResourceExhausted;
    default:
      break;
  }
  if (http_status >= 500) return Code::kUnavailable;
  return Code::kInternal;
}

Status Rpc::Post(const std::string& path, const google::protobuf::MessageLite& request,
                 google::protobuf::MessageLite* response, CallStats* stats) {
  auto body = EncodeBody(request, encoding_);
  if (!body.ok()) {
    return Status(body.status().code(), "POST " + path + ": " + body.status().message(),
                  body.status().where());
  }
  return PostEncoded(path, *body, encoding_, response, stats);
}

Status Rpc::PostEncoded(const std::string& path, const std::string& body, Encoding body_encoding,
                        google::protobuf::MessageLite* response, CallStats* stats) {
  HttpRequest request;
  request.method = "POST";
  request.url = base_url_ + path;
  request.body = body;
  request.headers.emplace_back("Content-Type", kContentType);
  if (body_encoding != Encoding::kIdentity) {
    request.headers.emplace_back("Content-Encoding", EncodingName(body_encoding));
  }
  return Call(std::move(request), response, stats);
}

Status Rpc::Get(const std::string& path, google::protobuf::MessageLite* response,
                CallStats* stats) {
  HttpRequest request;
  request.method = "GET";
  request.url = base_url_ + path;
  return Call(std::move(request), response, stats);
}

Status Rpc::GetIfNoneMatch(const std::string& path, const std::string& etag,
                           google::protobuf::MessageLite* response, bool* not_modified,
                           CallStats* stats) {
  *not_modified = false;
  HttpRequest request;
  request.method = "GET";
  request.url = base_url_ + path;
  if (!etag.empty()) request.headers.emplace_back("If-None-Match", etag);
  Status got = Call(std::move(request), response, stats);
  if (!got.ok() && stats->http_status == 304 && !etag.empty()) {
    *not_modified = true;
    return Status::Ok();
  }
  return got;
}

Status Rpc::Put(const std::string& path, std::string body,
                google::protobuf::MessageLite* response, CallStats* stats) {
  HttpRequest request;
  request.method = "PUT";
  request.url = base_url_ + path;
  request.body = std::move(body);
  request.headers.emplace_back("Content-Type", "application/octet-stream");
  return Call(std::move(request), response, stats);
}

Status Rpc::GetBytes(const std::string& path, std::string* body, CallStats* stats) {
  HttpRequest request;
  request.method = "GET";
  request.url = base_url_ + path;
  return Call(std::move(request), nullptr, stats, body);
}

Status Rpc::Call(HttpRequest request, google::protobuf::MessageLite* response, CallStats* stats,
                 std::string* raw) {
  request.headers.emplace_back("Accept", kContentType);
  request.headers.emplace_back("Accept-Encoding", kAcceptEncoding);
  if (!credential_.empty()) request.headers.emplace_back("Authorization", "Bearer " + credential_);
  request.cancel = cancel_;
  request.on_progress = progress_;
  const std::string label = EndpointLabel(request);

  CallStats local;
  CallStats& st = stats != nullptr ? *stats : local;
  st = CallStats{};
  auto sent = transport_.Send(request);
  if (!sent.ok()) return sent.status();
  const HttpResponse& answer = *sent;
  st.http_status = answer.status;
  st.attempts = answer.attempts;
  st.bytes_sent = answer.bytes_sent;
  st.bytes_received = answer.bytes_received;
  st.headers = answer.headers;

  Encoding encoding = Encoding::kIdentity;
  if (const std::string* ce = answer.Header("content-encoding")) {
    auto parsed = ParseEncoding(*ce);
    if (!parsed.ok()) {
      return Status(Code::kCorruption, label + ": HTTP " + std::to_string(answer.status) +
                                           " answer in an unknown Content-Encoding");
    }
    encoding = *parsed;
  }
  if (answer.status == 200 && raw != nullptr) {
    if (encoding == Encoding::kIdentity) {
      *raw = answer.body;
      return Status::Ok();
    }
    auto plain = Decompress(answer.body, encoding);
    if (!plain.ok()) return Status(plain.status().code(), label + ": " + plain.status().message());
    *raw = std::move(plain).value();
    return Status::Ok();
  }
  if (answer.status == 200) {
    Status decoded = DecodeBody(answer.body, encoding, response);
    if (!decoded.ok()) {
      return Status(decoded.code(), label + ": " + decoded.message(), decoded.where());
    }
    return Status::Ok();
  }
  v1::ErrorBody error;
  std::string text = "HTTP " + std::to_string(answer.status);
  if (!answer.body.empty() && DecodeBody(answer.body, encoding, &error).ok() &&
      (!error.code().empty() || !error.message().empty())) {
    if (!error.code().empty()) text += " " + error.code();
    if (!error.message().empty()) text += ": " + error.message();
    if (!error.where().empty()) text += " (at " + error.where() + ")";
  } else if (answer.status >= 300 && answer.status < 400) {
    text += " (redirect; check the server URL)";
  }
  // The ErrorBody's `where` is in the text as "(at changes[12])" (ErrorWhere reads it back).
  return Status(CodeForError(error.code(), answer.status), label + ": " + text);
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(data[i]) << 16) |
                       (static_cast<uint8_t>(data[i + 1]) << 8) | static_cast<uint8_t>(data[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i < data.size()) {
    uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(data[i])) << 16;
    if (i + 1 < data.size()) n |= static_cast<uint32_t>(static_cast<uint8_t>(data[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::array<int, 256> table{};
  table.fill(-1);
  const std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<uint8_t>(alphabet[i])] = static_cast<int>(i);
  }
  if (text.size() % 4 != 0) return Status(Code::kCorruption, "base64: length not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int v = 0;
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
      } else {
        v = table[static_cast<uint8_t>(c)];
        if (v < 0 || pad > 0) {
          return Status(Code::kCorruption, "base64: bad character",
                        "offset " + std::to_string(i + k));
        }
      }
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

}  // namespace doorstep::sync::client
