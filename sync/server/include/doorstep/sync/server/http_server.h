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
// Thread rules: Start() and Stop() are called by the owning thread. cpp-httplib holds a thread
// for each open connection for as long as the connection lives (reading a slow client's headers
// included), so connections get a pool that grows up to `max_connections` threads: a few slow or
// idle connections (a 2G tablet, or someone trickling header bytes) never stop the others from
// being served. At most `threads` of them run a request's work against the SyncService at once
// (it and its store are thread-safe; see service.h and store.h); the others wait their turn.
// Stop() waits for the listener thread to finish.
//
// Before a request body is read: the route must exist, a POST must declare a Content-Length of
// digits within the limit (411/400/413 otherwise), a Content-Encoding this server decodes (415)
// and a protobuf Content-Type (415), and the credential must be known (401), so nobody makes the
// server read or decompress a body before authenticating. Such an early answer closes the
// connection (the unread body would otherwise be taken for the next request).
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
  int threads = 8;             // requests running at once
  int max_connections = 512;   // open connections served at once (one thread each)
  Logger* logger = nullptr;  // optional
  int read_timeout_s = 30;   // per socket read (a slow 2G upload still makes progress)
  int write_timeout_s = 30;
  // Attachments (photos): the /v1/attachments routes are served when set (see blob_store.h).
  BlobStore* blobs = nullptr;
  // HTTPS: PEM certificate (chain) and private key files. Without them the server speaks plain
  // HTTP, and only on a loopback address unless `allow_plain_http` (a township LAN without
  // certificates, chosen explicitly): Start() refuses otherwise.
  std::string tls_cert_file;
  std::string tls_key_file;
  bool allow_plain_http = false;
  // Enrollment attempts a minute from one address (429 beyond); 0: no limit.
  int enroll_per_minute = 10;
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
