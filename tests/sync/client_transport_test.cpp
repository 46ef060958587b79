// CurlTransport against a scripted HTTP server on 127.0.0.1 (raw sockets, so each case can answer
// 503, stall, or send compressed bytes): retries with backoff (5xx and network errors, never
// 4xx), timeouts, low-speed abort, cancel in flight and during the backoff wait, raw bodies
// (libcurl never decodes Content-Encoding), byte counters and progress.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "doorstep/sync/client/curl_transport.h"
#include "doorstep/sync/codec.h"
#include "hang_guard.h"

namespace doorstep::sync::client {
namespace {

// One request at a time; every answer closes the connection.
class ScriptedServer {
 public:
  struct Reply {
    int status = 200;
    std::string headers;  // extra header lines, each ending in "\r\n"
    std::string body;
    int delay_ms = 0;  // before the answer
    std::function<void()> after;  // called on the server's thread once the answer is sent
  };
  using Handler = std::function<Reply(const std::string& head, const std::string& body)>;

  explicit ScriptedServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 8) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::atomic<int> requests{0};
  std::string last_head;  // read after the request completed

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      Serve(c);
      close(c);
    }
  }
  bool ReadMore(int c, std::string* data) {
    char buf[65536];
    pollfd p{c, POLLIN, 0};
    if (poll(&p, 1, 2000) <= 0) return false;
    ssize_t n = recv(c, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data->append(buf, static_cast<size_t>(n));
    return true;
  }
  void Serve(int c) {
    std::string data;
    size_t end;
    while ((end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(c, &data)) return;
    }
    std::string head = data.substr(0, end);
    std::string body = data.substr(end + 4);
    size_t length = 0;
    for (const char* key : {"Content-Length: ", "content-length: "}) {
      size_t at = head.find(key);
      if (at != std::string::npos) length = std::stoul(head.substr(at + std::strlen(key)));
    }
    while (body.size() < length) {
      if (!ReadMore(c, &body)) return;
    }
    last_head = head;
    ++requests;
    Reply r = handler_(head, body);
    for (int waited = 0; waited < r.delay_ms && !stop_; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::string out = "HTTP/1.1 " + std::to_string(r.status) +
                      " X\r\nContent-Length: " + std::to_string(r.body.size()) +
                      "\r\nConnection: close\r\n" + r.headers + "\r\n" + r.body;
    send(c, out.data(), out.size(), MSG_NOSIGNAL);
    if (r.after) r.after();
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

CurlOptions Fast(int attempts) {
  CurlOptions o;
  o.retry.max_attempts = attempts;
  o.retry.base_delay = std::chrono::milliseconds(2);
  o.retry.max_delay = std::chrono::milliseconds(10);
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.total_timeout = std::chrono::milliseconds(10000);
  return o;
}

TEST_CASE("backoff: exponential ceiling with full jitter", "[sync][client]") {
  RetryPolicy p;
  p.base_delay = std::chrono::milliseconds(500);
  p.max_delay = std::chrono::milliseconds(30000);
  CHECK(BackoffDelay(p, 1, ~uint64_t{0}).count() <= 500);
  CHECK(BackoffDelay(p, 3, ~uint64_t{0}).count() <= 2000);
  CHECK(BackoffDelay(p, 30, ~uint64_t{0}).count() <= 30000);
  CHECK(BackoffDelay(p, 1, 0).count() == 0);
  CHECK(BackoffDelay(p, 4, 4000).count() == 4000);  // uniform in [0, 4000]
  CHECK(BackoffDelay(p, 4, 4001).count() == 0);
}

TEST_CASE("5xx answers are retried, 4xx never", "[sync][client]") {
  int fail_first = 2;
  int status = 503;
  ScriptedServer server([&](const std::string&, const std::string&) {
    ScriptedServer::Reply r;
    if (fail_first-- > 0) r.status = status;
    r.body = "ok";
    return r;
  });
  CurlTransport t(Fast(5));
  SECTION("503 twice, then 200") {
    auto r = t.Get(server.url("/v1/health"));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->attempts == 3);
    CHECK(server.requests == 3);
  }
  SECTION("the last 5xx answer is returned when the attempts run out") {
    fail_first = 100;
    auto r = t.Get(server.url("/v1/health"));
    REQUIRE(r.ok());
    CHECK(r->status == 503);
    CHECK(r->attempts == 5);
  }
  SECTION("400 is final") {
    status = 400;
    auto r = t.Get(server.url("/v1/health"));
    REQUIRE(r.ok());
    CHECK(r->status == 400);
    CHECK(r->attempts == 1);
    CHECK(server.requests == 1);
  }
}

TEST_CASE("network errors are retried and name the endpoint and the cause", "[sync][client]") {
  int port = 0;
  {
    ScriptedServer gone(
        [](const std::string&, const std::string&) { return ScriptedServer::Reply{}; });
    port = std::stoi(gone.url("").substr(17));
  }
  CurlTransport t(Fast(3));
  auto r = t.Post("http://127.0.0.1:" + std::to_string(port) + "/v1/push?x=1", {}, "body");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kUnavailable);
  CHECK_THAT(r.status().message(), Catch::StartsWith("POST /v1/push to http://127.0.0.1:"));
  CHECK_THAT(r.status().message(), Catch::Contains("connect"));  // the cause: refused
  CHECK_THAT(r.status().message(), Catch::Contains("after 3 attempts"));

  auto bad = t.Get("ftp://127.0.0.1/x");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kInvalidArgument);
}

TEST_CASE("timeouts and the low-speed limit end a stalled attempt", "[sync][client]") {
  // The server answers 200 after 3 s: an attempt the limit did not end gets that answer, and the
  // test fails on it.
  ScriptedServer server([](const std::string&, const std::string&) {
    ScriptedServer::Reply r;
    r.delay_ms = 3000;
    return r;
  });
  SECTION("total timeout") {
    CurlOptions o = Fast(1);
    o.total_timeout = std::chrono::milliseconds(300);
    CurlTransport t(o);
    auto r = t.Get(server.url("/v1/forms"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnavailable);
    CHECK_THAT(r.status().message(), Catch::Contains("GET /v1/forms"));
    CHECK_THAT(r.status().message(), Catch::Contains("imeout"));
    CHECK(server.requests == 1);
  }
  SECTION("low speed") {
    CurlOptions o = Fast(1);
    o.low_speed_bytes = 1000;
    o.low_speed_time = std::chrono::seconds(1);
    CurlTransport t(o);
    auto r = t.Get(server.url("/v1/forms"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnavailable);
    CHECK_THAT(r.status().message(), Catch::Contains("too slow"));  // not the 10 s total timeout
    CHECK(server.requests == 1);
  }
}

TEST_CASE("cancel aborts a transfer in flight and the wait between attempts", "[sync][client]") {
  std::atomic<bool> cancel{false};
  SECTION("in flight") {
    // The flag is set once the server holds the whole request, the client waiting for the
    // answer; an uncancelled transfer would get the 200 that comes after 10 s.
    ScriptedServer server([&](const std::string&, const std::string&) {
      cancel = true;
      ScriptedServer::Reply r;
      r.delay_ms = 10000;
      return r;
    });
    CurlTransport t(Fast(5));
    auto r = t.Post(server.url("/v1/pull"), {}, "x", &cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCancelled);
    CHECK(server.requests == 1);
  }
  SECTION("during the backoff wait") {
    // The answer is a 503, so the client waits before its next attempt: up to a day (full
    // jitter), unless the flag, set once the first answer has been sent, ends the wait.
    ScriptedServer server([&](const std::string&, const std::string&) {
      ScriptedServer::Reply r;
      r.status = 503;
      r.after = [&] { cancel = true; };
      return r;
    });
    CurlOptions o = Fast(5);
    o.retry.base_delay = std::chrono::hours(24);
    o.retry.max_delay = std::chrono::hours(24);
    CurlTransport t(o);
    Result<HttpResponse> r = Status(Code::kInternal, "not run");
    {
      // Guard against a hang, not a speed check: a wait that ignored the flag would last up to
      // a day; 60 s.
      ::doorstep::testing::HangGuard guard("the backoff wait after cancel",
                                           std::chrono::seconds(60));
      r = t.Get(server.url("/v1/forms"), {}, &cancel);
    }
    // No second attempt: cancelled in the wait, or (when the flag came before the wait began)
    // the 503 returned as the last answer.
    CHECK(server.requests == 1);
    if (r.ok()) {
      CHECK(r->status == 503);
      CHECK(r->attempts == 1);
    } else {
      CHECK(r.status().code() == Code::kCancelled);
    }
  }
}

TEST_CASE("bodies travel raw: Content-Encoding is ours, not libcurl's", "[sync][client]") {
  auto packed = Compress(std::string(5000, 'a'), Encoding::kGzip);
  REQUIRE(packed.ok());
  ScriptedServer server([&](const std::string&, const std::string& body) {
    ScriptedServer::Reply r;
    r.headers = "Content-Encoding: gzip\r\nX-Echo-Size: " + std::to_string(body.size()) + "\r\n";
    r.body = *packed;
    return r;
  });
  CurlTransport t(Fast(1));
  const std::string upload(200 * 1024, 'x');
  uint64_t max_sent = 0;
  HttpRequest request;
  request.method = "POST";
  request.url = server.url("/v1/push");
  request.headers = {{"Authorization", "Bearer secret"}, {"Content-Encoding", "zstd"}};
  request.body = upload;
  request.on_progress = [&](uint64_t sent, uint64_t) { max_sent = std::max(max_sent, sent); };
  auto r = t.Send(request);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == *packed);  // not decoded
  REQUIRE(r->Header("content-encoding") != nullptr);
  CHECK(*r->Header("Content-Encoding") == "gzip");
  CHECK(*r->Header("x-echo-size") == std::to_string(upload.size()));
  CHECK(r->bytes_sent == upload.size());
  CHECK(r->bytes_received == packed->size());
  CHECK(t.bytes_sent() == upload.size());
  CHECK(max_sent == upload.size());
  CHECK_THAT(server.last_head, Catch::Contains("Authorization: Bearer secret"));
  CHECK_THAT(server.last_head, !Catch::Contains("Accept-Encoding"));  // libcurl adds none
  CHECK_THAT(server.last_head, !Catch::Contains("Expect:"));
}

TEST_CASE("answers over the size limit are refused", "[sync][client]") {
  ScriptedServer server([](const std::string&, const std::string&) {
    ScriptedServer::Reply r;
    r.body = std::string(64 * 1024, 'z');
    return r;
  });
  CurlOptions o = Fast(3);
  o.max_response_bytes = 1024;
  CurlTransport t(o);
  auto r = t.Get(server.url("/v1/forms"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kResourceExhausted);
  CHECK(server.requests == 1);  // not retried
}

}  // namespace
}  // namespace doorstep::sync::client
