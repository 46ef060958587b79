// Attachment routes: chunked, resumable, verified uploads and the reviewer's download.
#include "http_attachments.h"

#include <charconv>
#include <memory>
#include <optional>
#include <string>

#include "doorstep/sync.pb.h"
#include "http_body.h"

namespace doorstep::sync::server::http {
namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;

constexpr char kHexPattern[] = "([0-9a-f]{64})";

Digest DigestOf(const std::string& hex) {
  Digest d{};
  for (size_t i = 0; i < d.size(); ++i) {
    std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, d[i], 16);
  }
  return d;
}

// A required unsigned query parameter. kInvalidArgument naming it when missing or malformed.
Result<uint64_t> Param(const Request& req, const char* name, std::optional<uint64_t> fallback) {
  if (!req.has_param(name)) {
    if (fallback) return *fallback;
    return Status(Code::kInvalidArgument, std::string("missing query parameter ") + name, name);
  }
  const std::string text = req.get_param_value(name);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status(Code::kInvalidArgument,
                  std::string("query parameter ") + name + " must be a non-negative integer", name);
  }
  return value;
}

v1::AttachmentState ToMessage(const BlobState& s) {
  v1::AttachmentState m;
  m.set_held_bytes(s.held);
  m.set_size(s.size);
  m.set_complete(s.complete);
  return m;
}

void WriteFailure(const Request& req, Response& res, const Status& status) {
  if (status.code() == Code::kCorruption) {
    return WriteErrorBody(req, res, 422, CodeName(status.code()), status.message(), status.where());
  }
  WriteError(req, res, status);
}

void Put(BlobStore& blobs, const Authenticator& auth, const Request& req, Response& res,
         const ContentReader& reader) {
  // The body is read before authenticating, as on every route: the connection stays usable.
  RequestBody body;
  Status read = ReadBody(req, res, reader, &body);
  if (!read.ok()) return WriteError(req, res, read);
  DeviceInfo device;
  if (!auth(req, res, &device)) return;
  if (body.encoding != Encoding::kIdentity) {
    return WriteError(req, res, Status(Code::kInvalidArgument,
                                       "attachment chunks are sent uncompressed (photos do not "
                                       "compress); drop the Content-Encoding",
                                       "Content-Encoding"));
  }
  auto offset = Param(req, "offset", std::nullopt);
  if (!offset.ok()) return WriteError(req, res, offset.status());
  auto size = Param(req, "size", std::nullopt);
  if (!size.ok()) return WriteError(req, res, size.status());
  auto appended = blobs.Append(DigestOf(req.matches[1].str()), *offset, *size, body.bytes);
  if (!appended.ok()) return WriteFailure(req, res, appended.status());
  if (appended->offset_conflict) {
    const uint64_t held = appended->state.held;
    WriteErrorBody(req, res, 409, CodeName(Code::kConflict),
                   "offset " + std::to_string(*offset) + " is not where the upload stands: the "
                       "server holds " + std::to_string(held) + " bytes; continue at " +
                       std::to_string(held),
                   "offset");
    res.set_header(kHeldBytesHeader, std::to_string(held));
    return;
  }
  WriteMessage(req, res, 200, ToMessage(appended->state));
}

void Data(BlobStore& blobs, const DeviceInfo& device, const Request& req, Response& res) {
  if (!device.reviewer) {
    return WriteError(req, res, Status(Code::kPermissionDenied,
                                       "downloading attachments needs a reviewer enrollment"));
  }
  auto offset = Param(req, "offset", uint64_t{0});
  if (!offset.ok()) return WriteError(req, res, offset.status());
  auto length = Param(req, "length", uint64_t{kMaxCompressedBody});
  if (!length.ok()) return WriteError(req, res, length.status());
  if (*length > kMaxCompressedBody) {
    return WriteError(req, res, Status(Code::kInvalidArgument,
                                       "length is over " + std::to_string(kMaxCompressedBody) +
                                           " bytes per request",
                                       "length"));
  }
  auto bytes = blobs.Read(DigestOf(req.matches[1].str()), *offset, static_cast<size_t>(*length));
  if (!bytes.ok()) return WriteFailure(req, res, bytes.status());
  res.status = 200;
  res.set_content(std::move(bytes).value(), "application/octet-stream");
}

}  // namespace

void AddAttachmentRoutes(httplib::Server& server, BlobStore* blobs, Authenticator authenticate) {
  auto auth = std::make_shared<Authenticator>(std::move(authenticate));
  const std::string path = std::string("/v1/attachments/") + kHexPattern;
  server.Get(path, [blobs, auth](const Request& req, Response& res) {
    DeviceInfo device;
    if (!(*auth)(req, res, &device)) return;
    auto state = blobs->State(DigestOf(req.matches[1].str()));
    if (!state.ok()) return WriteFailure(req, res, state.status());
    WriteMessage(req, res, 200, ToMessage(*state));
  });
  server.Put(path, [blobs, auth](const Request& req, Response& res, const ContentReader& reader) {
    Put(*blobs, *auth, req, res, reader);
  });
  server.Get(path + "/data", [blobs, auth](const Request& req, Response& res) {
    DeviceInfo device;
    if (!(*auth)(req, res, &device)) return;
    Data(*blobs, device, req, res);
  });
}

}  // namespace doorstep::sync::server::http
