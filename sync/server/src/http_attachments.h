// The attachment routes of the HTTP server (docs/sync.md "Attachments") over a BlobStore:
//   GET /v1/attachments/<hex>                    -> AttachmentState           (a device)
//   PUT /v1/attachments/<hex>?offset=N&size=T    raw chunk -> AttachmentState (a device)
//   GET /v1/attachments/<hex>/data?offset=N&length=L -> raw bytes of a complete blob (reviewer)
// Statuses: 200; 400 (query, empty or compressed chunk), 401, 403 (data: not a reviewer), 404
// (data: no complete blob), 409 (offset is not the held size: ErrorBody plus the held size in the
// `Doorstep-Held-Bytes` header), 413 (chunk over 1 MiB, size over kMaxAttachmentBytes), 422 (the
// whole does not hash to the named SHA-256; the partial blob is discarded).
//
// Thread rules: the handlers run on the server's worker threads; the BlobStore is thread-safe.
#pragma once

#include <httplib.h>

#include <functional>

#include "doorstep/sync/server/blob_store.h"
#include "doorstep/sync/server/service.h"

namespace doorstep::sync::server::http {

inline constexpr char kHeldBytesHeader[] = "Doorstep-Held-Bytes";

// Authenticates a request: true with `device` set, or false after writing the error answer.
using Authenticator =
    std::function<bool(const httplib::Request&, httplib::Response&, DeviceInfo* device)>;

void AddAttachmentRoutes(httplib::Server& server, BlobStore* blobs, Authenticator authenticate);

}  // namespace doorstep::sync::server::http
