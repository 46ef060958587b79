// The libcurl HTTP transport: the optional built-in target doorstep_sync_curl. The sync client
// (doorstep_sync_client) does not link it; the command line, the demo and the tests do, and an app
// may, or may supply its own HttpTransport instead (the platform's HTTP stack).
//
// Thread rules: as HttpTransport (doorstep/sync/client/transport.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "doorstep/sync/client/transport.h"

namespace doorstep::sync::client {

struct CurlOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{120000};  // one attempt, connect included
  // Abort an attempt that moves fewer than `low_speed_bytes` per second for `low_speed_time`
  // (a stalled 2G link), so the retry starts instead of waiting for the total timeout.
  long low_speed_bytes = 16;
  std::chrono::seconds low_speed_time{30};
  RetryPolicy retry;
  std::string user_agent = "doorstep-sync/1";
  // Keep the connection open between requests (HTTP keep-alive; one TCP and TLS handshake per
  // sync instead of per request, which matters on a 2G link). false: a new connection each time.
  bool reuse_connection = true;
  size_t max_response_bytes = 32u << 20;  // larger answers are refused (kResourceExhausted)
  // HTTPS. The server's certificate is always verified (peer and host name). `ca_file`: a PEM
  // bundle of the CAs to trust instead of the system's (a township's own CA); `pinned_key`: the
  // server's public key must also match, as libcurl's CURLOPT_PINNEDPUBLICKEY takes it
  // ("sha256//<base64>", several separated by ';'). A certificate or pin failure is
  // kPermissionDenied and never retried: retrying cannot fix it and hides an attack.
  std::string ca_file;
  std::string pinned_key;
  // Plain http:// is refused except to a loopback address (127.0.0.0/8, ::1, localhost): the
  // credential and every household travel in the clear otherwise. true allows it (a township
  // LAN without certificates, chosen explicitly).
  bool allow_plain_http = false;
};

// The libcurl transport. Keeps one connection open between requests (HTTP keep-alive).
class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Changes the TLS options (CurlOptions) from the next request. Not concurrently with Send: the
  // caller serializes the two (the C ABI's transport mutex does).
  void SetTls(std::string ca_file, std::string pinned_key, bool allow_plain_http) {
    options_.ca_file = std::move(ca_file);
    options_.pinned_key = std::move(pinned_key);
    options_.allow_plain_http = allow_plain_http;
  }

  // With retries (options.retry).
  Result<HttpResponse> Send(const HttpRequest& request) override;
  // One attempt, no retry.
  Result<HttpResponse> SendOnce(const HttpRequest& request);
  void CloseIdle() override;

  // Body bytes on the wire since construction (every attempt).
  uint64_t bytes_sent() const { return bytes_sent_.load(); }
  uint64_t bytes_received() const { return bytes_received_.load(); }
  const CurlOptions& options() const { return options_; }

 private:
  CurlOptions options_;
  void* handle_ = nullptr;  // CURL*, reused for keep-alive
  std::atomic<uint64_t> bytes_sent_{0};
  std::atomic<uint64_t> bytes_received_{0};
};

}  // namespace doorstep::sync::client
