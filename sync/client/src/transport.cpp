// Transport plumbing shared by every HttpTransport: header lookup, endpoint labels, the retry loop
// with exponential backoff and full jitter.
#include "doorstep/sync/client/transport.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <thread>

namespace doorstep::sync::client {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool Cancelled(const HttpRequest& request) {
  return request.cancel != nullptr && request.cancel->load();
}

// Sleeps `delay`, waking early when the request is cancelled.
void SleepUnlessCancelled(const HttpRequest& request, std::chrono::milliseconds delay) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (!Cancelled(request)) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(20)));
  }
}

// Seed for the backoff jitter. std::random_device may throw where the host has no entropy
// source; jitter needs no secrecy, so the clock and the thread's address stand in then (nothing
// throws out of the client, which the C ABI wraps).
uint64_t JitterSeed() {
  try {
    return std::random_device{}();
  } catch (...) {
    static thread_local int anchor = 0;
    return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
           reinterpret_cast<uintptr_t>(&anchor);
  }
}

uint64_t JitterRandom() {
  thread_local std::mt19937_64 rng{JitterSeed()};
  return rng();
}

}  // namespace

const std::string* HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

std::string EndpointLabel(const HttpRequest& request) {
  std::string_view url = request.url;
  // Drop the scheme and authority: "http://host:port/v1/push?x" -> "/v1/push".
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    size_t path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view("/") : url.substr(path);
  }
  if (size_t query = url.find('?'); query != std::string_view::npos) url = url.substr(0, query);
  return request.method + " " + std::string(url);
}

Result<HttpResponse> HttpTransport::Get(const std::string& url, HttpHeaders headers,
                                        const std::atomic<bool>* cancel) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers = std::move(headers);
  request.cancel = cancel;
  return Send(request);
}

Result<HttpResponse> HttpTransport::Post(const std::string& url, HttpHeaders headers,
                                         std::string body, const std::atomic<bool>* cancel) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = std::move(headers);
  request.body = std::move(body);
  request.cancel = cancel;
  return Send(request);
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt, uint64_t random) {
  const int64_t base = std::max<int64_t>(0, policy.base_delay.count());
  const int64_t cap = std::max<int64_t>(0, policy.max_delay.count());
  int64_t ceiling = base;
  for (int i = 1; i < attempt && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(
      static_cast<int64_t>(random % static_cast<uint64_t>(ceiling + 1)));
}

Result<HttpResponse> SendWithRetry(
    const RetryPolicy& policy, const HttpRequest& request,
    const std::function<Result<HttpResponse>(const HttpRequest&)>& attempt) {
  const int max_attempts = std::max(1, policy.max_attempts);
  uint64_t sent = 0;
  uint64_t received = 0;
  for (int n = 1;; ++n) {
    if (Cancelled(request)) {
      return Status(Code::kCancelled, EndpointLabel(request) + ": cancelled");
    }
    Result<HttpResponse> outcome = attempt(request);
    bool retry = false;
    if (outcome.ok()) {
      sent += outcome->bytes_sent;
      received += outcome->bytes_received;
      outcome->bytes_sent = sent;
      outcome->bytes_received = received;
      outcome->attempts = n;
      retry = RetryableStatus(outcome->status);
    } else {
      retry = outcome.status().code() == Code::kUnavailable;
    }
    if (!retry || n >= max_attempts || Cancelled(request)) {
      if (!outcome.ok() && outcome.status().code() == Code::kUnavailable && n > 1) {
        return Status(Code::kUnavailable,
                      outcome.status().message() + " (after " + std::to_string(n) + " attempts)",
                      outcome.status().where());
      }
      return outcome;
    }
    SleepUnlessCancelled(request, BackoffDelay(policy, n, JitterRandom()));
  }
}

Result<HttpResponse> RetryingTransport::Send(const HttpRequest& request) {
  return SendWithRetry(policy_, request, [this](const HttpRequest& r) { return inner_.Send(r); });
}

}  // namespace doorstep::sync::client
