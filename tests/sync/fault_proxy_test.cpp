// The fault proxy itself (fault_proxy.h), in front of the real server on 127.0.0.1 and driven by
// libcurl: pass-through and byte counts, each fault exactly where it was asked for, rule choice
// (per connection number, queued by request line with skips, default), and a server that is down.
#include <catch2/catch.hpp>

#include "fault_harness.h"

namespace doorstep::testing::fault {
namespace {

using Catch::Contains;

struct ProxyRig {
  TempDir dir;
  RestartableServer server{dir.path().string()};
  std::unique_ptr<FaultProxy> proxy = StartProxy(server.port());
  sc::CurlTransport curl{OneConnectionEach()};

  // Rules are per connection: one connection per request, as the tablets of these tests do.
  static sc::CurlOptions OneConnectionEach() {
    sc::CurlOptions o = TestCurlOptions(1);
    o.reuse_connection = false;
    return o;
  }

  Result<sc::HttpResponse> Health() { return curl.Get(proxy->url() + "/v1/health"); }
  // An unauthenticated push of `body` (the server answers 401 from the headers, before the
  // body).
  Result<sc::HttpResponse> Post(const std::string& body) {
    return curl.Post(proxy->url() + "/v1/push", {{"Content-Type", "application/x-protobuf"}},
                     body);
  }
  // Every connection closed (the counters are final). Guard against a hang, not a speed check:
  // 60 s.
  void Settle() {
    REQUIRE(proxy->WaitUntil(
        [](const std::vector<ConnectionInfo>& all) {
          for (const auto& c : all) {
            if (!c.closed) return false;
          }
          return true;
        },
        std::chrono::seconds(60)));
  }
};

TEST_CASE("the proxy forwards both ways and counts connections and bytes", "[fault]") {
  ProxyRig rig;
  auto a = rig.Health();
  REQUIRE(a.ok());
  CHECK(a->status == 200);
  CHECK(a->body == "ok");
  const std::string body(3000, 'x');
  auto b = rig.Post(body);
  REQUIRE(b.ok());
  CHECK(b->status == 401);
  rig.Settle();

  CHECK(rig.proxy->connections() == 2);
  auto all = rig.proxy->Connections();
  REQUIRE(all.size() == 2);
  CHECK(all[0].index == 1);
  CHECK(all[0].request_line == "GET /v1/health HTTP/1.1");
  CHECK(all[0].rule == "pass");
  CHECK(all[0].request_complete);
  CHECK(all[0].request_content_length == -1);
  CHECK(all[0].response_content_length == 2);
  CHECK(all[0].response_bytes == all[0].response_head_bytes + 2);
  CHECK(all[0].response_seen == all[0].response_bytes);
  CHECK(all[0].fault.empty());
  CHECK(all[1].request_line == "POST /v1/push HTTP/1.1");
  CHECK(all[1].request_content_length == 3000);
  CHECK(all[1].request_complete);
  CHECK(all[1].request_bytes > 3000);
  CHECK(rig.proxy->bytes_up() == all[0].request_bytes + all[1].request_bytes);
  CHECK(rig.proxy->bytes_down() == all[0].response_bytes + all[1].response_bytes);
  CHECK(rig.proxy->Connections("POST /v1/").size() == 1);
}

TEST_CASE("each fault fires exactly where it was asked for", "[fault]") {
  ProxyRig rig;
  const std::string body(3000, 'x');

  SECTION("drop the request after N body bytes: the server gets exactly those") {
    rig.proxy->Enqueue(FaultRule::On("POST").DropRequestAfter(1000).InBody());
    auto r = rig.Post(body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnavailable);
    CHECK_THAT(r.status().message(), Contains("POST /v1/push to " + rig.proxy->url()));
    rig.Settle();
    auto c = rig.proxy->Connections().back();
    REQUIRE(c.request_head_bytes > 0);
    CHECK(c.request_bytes == c.request_head_bytes + 1000);
    CHECK(c.fault == "dropped request at " + std::to_string(c.request_head_bytes + 1000));
    CHECK_FALSE(c.request_complete);
    CHECK(c.response_bytes == 0);
    CHECK(c.rule == "POST: drop request after 1000 body bytes");
  }
  SECTION("drop the response after N bytes") {
    rig.proxy->SetDefault(FaultRule().DropResponseAfter(10));
    auto r = rig.Health();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnavailable);
    rig.Settle();
    auto c = rig.proxy->Connections().back();
    CHECK(c.fault == "dropped response at 10");
    CHECK(c.response_bytes == 10);
    CHECK(c.request_complete);
  }
  SECTION("truncate the response body: libcurl sees the short body") {
    rig.proxy->SetDefault(FaultRule().TruncateResponseAfter(1).InBody());
    auto r = rig.Health();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnavailable);
    CHECK_THAT(r.status().message(), Contains("GET /v1/health"));
    CHECK_THAT(r.status().message(), Contains("partial"));
    rig.Settle();
    auto c = rig.proxy->Connections().back();
    CHECK(c.response_bytes == c.response_head_bytes + 1);
    CHECK(c.fault == "truncated response at " + std::to_string(c.response_head_bytes + 1));
  }
  SECTION("corrupt one response body byte") {
    rig.proxy->SetDefault(FaultRule().CorruptResponseAt(0, 0x20).InBody());
    auto r = rig.Health();
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->body == "Ok");  // 'o' ^ 0x20
    rig.Settle();
    auto c = rig.proxy->Connections().back();
    CHECK(c.fault == "corrupted response byte " + std::to_string(c.response_head_bytes));
  }
  SECTION("corrupt one request byte: the request line") {
    rig.proxy->SetDefault(FaultRule().CorruptRequestAt(0, 0x20));  // 'G' -> 'g'
    auto r = rig.Health();
    REQUIRE(r.ok());
    CHECK(r->status == 400);  // "gET" is no method
    rig.Settle();
    CHECK(rig.proxy->Connections().back().fault == "corrupted request byte 0");
  }
  SECTION("delay every chunk: the answer is intact") {
    rig.proxy->SetDefault(FaultRule().Delay(std::chrono::milliseconds(30)));
    auto r = rig.Post(body);
    REQUIRE(r.ok());
    CHECK(r->status == 401);
    rig.Settle();
    CHECK(rig.proxy->Connections().back().rule == "delay 30 ms per chunk");
    CHECK(rig.proxy->Connections().back().request_complete);
  }
  SECTION("hold the request: the server waits, the connection stays open") {
    rig.proxy->SetDefault(FaultRule().HoldRequestAfter(100).InBody());
    sc::CurlOptions quick = TestCurlOptions(1);
    quick.total_timeout = std::chrono::milliseconds(300);
    sc::CurlTransport curl(quick);
    // An enrollment: open, so the server reads the body before it can answer.
    auto r = curl.Post(rig.proxy->url() + "/v1/enroll",
                       {{"Content-Type", "application/x-protobuf"}}, body);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Contains("imeout"));  // libcurl gave up waiting
    rig.Settle();
    auto c = rig.proxy->Connections().back();
    REQUIRE(c.request_head_bytes > 0);
    CHECK(c.request_bytes == c.request_head_bytes + 100);
    CHECK_FALSE(c.request_complete);
    CHECK(c.response_seen == 0);
    CHECK_THAT(c.fault, Contains("held request at"));
  }
}

TEST_CASE("rules go to the connection they name", "[fault]") {
  ProxyRig rig;
  SECTION("by connection number") {
    rig.proxy->ForConnection(3, FaultRule().DropResponseAfter(0));
    for (int i = 1; i <= 4; ++i) {
      INFO("connection " << i);
      CHECK(rig.Health().ok() == (i != 3));
    }
  }
  SECTION("queued by request line, after skipping matching connections") {
    rig.proxy->Enqueue(FaultRule::On("POST /v1/push").Skip(1).DropResponseAfter(0));
    rig.proxy->Enqueue(FaultRule::On("GET /v1/health").DropResponseAfter(0));
    CHECK_FALSE(rig.Health().ok());          // the second rule: the first does not match
    CHECK(rig.Post("x").ok());               // skipped by the first rule
    CHECK(rig.Health().ok());                // no rule left for health
    CHECK(rig.proxy->queued() == 1);
    CHECK_FALSE(rig.Post("x").ok());         // the first rule now
    CHECK(rig.proxy->queued() == 0);
    CHECK(rig.Post("x").ok());
  }
  SECTION("the default rule applies to what it matches; ClearRules restores pass-through") {
    rig.proxy->SetDefault(FaultRule::On("POST").DropResponseAfter(0));
    CHECK(rig.Health().ok());
    CHECK_FALSE(rig.Post("x").ok());
    CHECK_FALSE(rig.Post("x").ok());
    rig.proxy->ClearRules();
    CHECK(rig.Post("x").ok());
  }
}

TEST_CASE("a server that is down: the client's connection closes, a restart is reached again",
          "[fault]") {
  ProxyRig rig;
  rig.server.Stop();
  auto r = rig.Health();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kUnavailable);
  rig.Settle();
  CHECK(rig.proxy->Connections().back().upstream_refused);
  rig.server.Start();  // same port
  auto again = rig.Health();
  REQUIRE(again.ok());
  CHECK(again->body == "ok");
}

}  // namespace
}  // namespace doorstep::testing::fault
