// The HTTP front of the township server (cpp-httplib): the routes of docs/sync.md over a
// SyncService.
//
// Bodies are protobuf messages compressed with zstd or gzip (Content-Encoding; answers in the best
// encoding the client's Accept-Encoding allows). Request bodies over sync::kMaxCompressedBody on
// the wire or sync::kMaxBody decompressed are refused with 413 and an ErrorBody naming the limit;
// a Content-Length over the limit is refused before the body is read when the client sent
// "Expect: 100-continue" (libcurl does for large bodies), otherwise the declared body is drained
// and refused. Errors are ErrorBody {code, message, where} with 400/401/403/404/409/413/500/503.
//
// Logging: one line per request through the Logger: method, path, status, device id, milliseconds.
// Never values, never credentials.
//
// Thread rules: Start() and Stop() are called by the owning thread. Requests are served by a pool
// of `threads` worker threads that call the SyncService concurrently (it and its store are
// thread-safe; see service.h and store.h). Stop() waits for the listener thread to finish.
#pragma once

#include <memory>
#include <string>

#include "doorstep/core/ports.h"
#include "doorstep/core/status.h"
#include "doorstep/sync/server/blob_store.h"
#include "doorstep/sync/server/service.h"

namespace doorstep::sync::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = an ephemeral port; see HttpServer::port()
  int threads = 8;
  Logger* logger = nullptr;  // optional
  int read_timeout_s = 30;   // per socket read (a slow 2G upload still makes progress)
  int write_timeout_s = 30;
  // Attachments (photos): the /v1/attachments routes are served when set (see blob_store.h).
  BlobStore* blobs = nullptr;
};

// Parses "host:port" ("127.0.0.1:8080", "0.0.0.0:8080", ":8080" = every address,
// "[::1]:8080"). kInvalidArgument naming the problem.
Status ParseListenAddress(const std::string& text, std::string* host, int* port);

class HttpServer {
 public:
  HttpServer(SyncService* service, HttpServerOptions options);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the address and starts serving in a background thread. kIo when the address cannot be
  // bound (in use, not local); kFailedPrecondition when already started.
  Status Start();
  // The bound port (valid after Start()).
  int port() const { return port_; }
  // "http://host:port"
  std::string url() const;
  // Stops accepting, finishes the requests in progress and joins the listener thread. Idempotent.
  void Stop();

  class Impl;

 private:
  SyncService* service_;
  HttpServerOptions options_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace doorstep::sync::server
