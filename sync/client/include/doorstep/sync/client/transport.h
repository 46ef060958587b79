// HTTP transport of the sync client: an interface (so tests can cut the link at chosen points, and
// an app can supply its platform's HTTP stack), retries and backoff. The libcurl implementation is
// the optional target doorstep_sync_curl (doorstep/sync/client/curl_transport.h).
//
// Bodies are raw bytes here: compression (Content-Encoding / Accept-Encoding) is done by the sync
// client with doorstep/sync/codec.h, never by libcurl. A transport returns every HTTP answer as a
// response, whatever its status; only failures to get an answer (connection refused, timeout,
// link cut, cancel) are error Statuses, and their messages name the endpoint and the cause.
//
// Retries: network errors and 5xx answers are retried with exponential backoff and full jitter,
// up to RetryPolicy::max_attempts; 4xx answers and cancellation never are. Every endpoint of the
// protocol may be retried: a push carries its batch number and the server replays its recorded
// answer to a batch it has already applied (docs/sync.md).
//
// Thread rules: a transport is used by one thread at a time. The cancel flag and the byte counters
// may be read and set from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doorstep/core/status.h"

namespace doorstep::sync::client {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // "GET", "POST" or "PUT" (attachment chunks)
  std::string url;             // absolute: "http://127.0.0.1:8080/v1/push"
  HttpHeaders headers;
  std::string body;  // POST / PUT body (already encoded)
  // When set and true, the transfer is aborted (and no retry is attempted): kCancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Called during a transfer with the body bytes of the current attempt so far.
  std::function<void(uint64_t sent, uint64_t received)> on_progress;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names in lower case, in arrival order
  std::string body;
  int attempts = 1;         // attempts made to get this answer
  uint64_t bytes_sent = 0;  // body bytes on the wire, every attempt together
  uint64_t bytes_received = 0;

  // The first header with this name (case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const;
};

// "POST /v1/push" style label of a request, for error messages (no query string, no credential).
std::string EndpointLabel(const HttpRequest& request);

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request and returns the server's answer (any HTTP status). Fails with kUnavailable
  // when no answer could be had (the message names the endpoint and the cause), kCancelled when
  // the request's cancel flag was set, kInvalidArgument for a malformed URL.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
  // Closes connections kept open for the next request (the sync client calls it when a sync or
  // call is over, so an idle tablet does not hold one of the server's worker threads).
  virtual void CloseIdle() {}

  Result<HttpResponse> Get(const std::string& url, HttpHeaders headers = {},
                           const std::atomic<bool>* cancel = nullptr);
  Result<HttpResponse> Post(const std::string& url, HttpHeaders headers, std::string body,
                            const std::atomic<bool>* cancel = nullptr);
};

struct RetryPolicy {
  int max_attempts = 5;  // 1 = no retry
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30000};
};

// Full jitter: the wait after failed attempt `attempt` (1-based) is uniform in
// [0, min(max_delay, base_delay * 2^(attempt-1))], drawn from `random`.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt, uint64_t random);

// True for answers worth another attempt (5xx).
inline bool RetryableStatus(int http_status) {
  return http_status >= 500 && http_status <= 599;
}

// Runs `attempt` until it returns a non-retryable outcome or `policy.max_attempts` were made,
// waiting BackoffDelay between attempts (the wait ends early on cancel). Returns the last outcome;
// for a 5xx answer after the last attempt, that answer. Byte counters and `attempts` of the
// returned response cover every attempt.
Result<HttpResponse> SendWithRetry(
    const RetryPolicy& policy, const HttpRequest& request,
    const std::function<Result<HttpResponse>(const HttpRequest&)>& attempt);

// Adds retries to another transport (whose own policy should then be one attempt).
class RetryingTransport final : public HttpTransport {
 public:
  RetryingTransport(HttpTransport& inner, RetryPolicy policy) : inner_(inner), policy_(policy) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;
  void CloseIdle() override { inner_.CloseIdle(); }

 private:
  HttpTransport& inner_;
  RetryPolicy policy_;
};

}  // namespace doorstep::sync::client
