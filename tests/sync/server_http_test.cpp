// The township server over real HTTP on 127.0.0.1: enrollment, authentication, the push / pull
// protocol in every encoding, scope, conflicts and resolution, quarantine, checksums, body limits
// and error bodies, request logs.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "doorstep/sync/checksum.h"
#include "server_harness.h"

namespace doorstep::testing::srv {
namespace {

const char kWang[] = "王家村";
const char kLi[] = "李家村";

Author By(const EnrolledDevice& d) { return Author{"surveyor-1", d.device_id}; }

TestClient ClientFor(const ServerFixture& f, const EnrolledDevice& d) {
  TestClient c(f.port());
  c.credential = d.credential;
  return c;
}

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  return fd;
}

// Sends `request` on a fresh connection and reads until the server closes it (or 10 s pass).
std::string RawExchange(int port, const std::string& request) {
  int fd = ConnectLoopback(port);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string answer;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer;
}


}  // namespace

TEST_CASE("server HTTP: health, enrollment and authentication", "[sync][server]") {
  ServerFixture f;
  TestClient c(f.port());
  Reply health = c.Get("/v1/health");
  CHECK(health.status == 200);
  CHECK(health.body == "ok");

  v1::EnrollRequest req;
  req.set_token(f.Token({kWang, kLi}));
  req.set_device_name("平板 7");
  Reply enrolled = c.Post("/v1/enroll", req);
  REQUIRE(enrolled.status == 200);
  auto resp = enrolled.As<v1::EnrollResponse>();
  CHECK_FALSE(resp.device_id().empty());
  CHECK(resp.credential().size() == 64);
  CHECK(resp.team() == "第一工作队");
  CHECK(resp.villages_size() == 2);
  CHECK_FALSE(resp.reviewer());

  SECTION("a token works once; a bad token is 401") {
    Reply again = c.Post("/v1/enroll", req);
    CHECK(again.status == 401);
    CHECK(again.Error().code() == "unauthenticated");
    req.set_token("0123456789abcdef");
    CHECK(c.Post("/v1/enroll", req).status == 401);
  }

  SECTION("the credential opens the device endpoints; none or a wrong one is 401") {
    c.credential = resp.credential();
    Reply forms = c.Get("/v1/forms");
    REQUIRE(forms.status == 200);
    auto list = forms.As<v1::FormList>();
    REQUIRE(list.forms_size() == 2);
    CHECK(list.forms(0).form_id() == "household");

    for (const std::string credential : {"", "not-the-credential"}) {
      c.credential = credential;
      for (const char* path : {"/v1/forms", "/v1/conflicts", "/v1/quarantine"}) {
        Reply r = c.Get(path);
        INFO(path);
        CHECK(r.status == 401);
        CHECK(r.Error().code() == "unauthenticated");
      }
      for (const char* path : {"/v1/push", "/v1/pull", "/v1/checksum", "/v1/conflicts/1/resolve"}) {
        INFO(path);
        CHECK(c.Post(path, v1::PullRequest()).status == 401);
      }
    }
  }

  SECTION("an unknown endpoint is 404 with an ErrorBody") {
    Reply r = c.Get("/v1/nothing");
    CHECK(r.status == 404);
    CHECK(r.Error().code() == "not_found");
  }
}

TEST_CASE("server HTTP: push and pull round trip in every encoding", "[sync][server]") {
  ServerFixture f;
  auto dev = f.Enroll({kWang});
  TestClient c = ClientFor(f, dev);
  int seq = 0;
  for (auto [enc, accept] : {std::pair{sync::Encoding::kZstd, "zstd, gzip"},
                             std::pair{sync::Encoding::kGzip, "gzip"},
                             std::pair{sync::Encoding::kIdentity, "identity"}}) {
    INFO(sync::EncodingName(enc));
    c.encoding = enc;
    c.accept = accept;
    ++seq;
    BatchBuilder b(dev.device_id, static_cast<uint64_t>(seq), By(dev));
    b.NewHousehold(Rid(seq), kWang, Hlc(f.clock, seq));
    Reply r = c.Post("/v1/push", b.set());
    REQUIRE(r.status == 200);
    CHECK(r.encoding == sync::ChooseEncoding(accept));
    auto result = r.As<v1::PushResult>();
    REQUIRE(result.results_size() == 4);
    for (const auto& cr : result.results()) CHECK(cr.outcome() == v1::ChangeResult::ACCEPTED);
    int64_t cursor = 0;
    auto pages = c.PullAll(&cursor);
    CHECK(FindPulled(pages, Rid(seq), "head_name")->value.text() == "张秀英");
    CHECK(cursor == result.results(3).version());
  }
}

TEST_CASE("server HTTP: retries, scope, conflicts, resolution, quarantine", "[sync][server]") {
  ServerFixture f;
  auto a = f.Enroll({kWang});
  auto b = f.Enroll({kWang});
  auto li = f.Enroll({kLi});
  auto reviewer = f.Enroll({}, true);
  TestClient ca = ClientFor(f, a), cb = ClientFor(f, b), cli = ClientFor(f, li),
             cr = ClientFor(f, reviewer);
  BatchBuilder create(a.device_id, 1, By(a));
  create.NewHousehold(Rid(1), kWang, Hlc(f.clock));
  auto created = ca.Push(create.set());
  const int64_t base = created.results(3).version();

  SECTION("the same batch twice gets the same answer and is applied once") {
    auto again = ca.Push(create.set());
    CHECK(again.replayed());
    CHECK(again.results(3).version() == base);
    int64_t cursor = 0;
    size_t changes = 0;
    for (const auto& p : ca.PullAll(&cursor)) changes += static_cast<size_t>(p.changes_size());
    CHECK(changes == 4);
    BatchBuilder other(a.device_id, 1, By(a));
    other.Set(Rid(1), "phone", Text("1"), 0, Hlc(f.clock, 5));
    Reply r = ca.Post("/v1/push", other.set());
    CHECK(r.status == 409);
    CHECK(r.Error().code() == "conflict");
    CHECK(r.Error().where() == "batch_seq");
  }

  SECTION("a batch touching another village is 403 and changes nothing") {
    BatchBuilder bad(li.device_id, 1, By(li));
    bad.NewHousehold(Rid(2), kLi, Hlc(f.clock)).Set(Rid(1), "phone", Text("1"), 0, Hlc(f.clock));
    Reply r = cli.Post("/v1/push", bad.set());
    CHECK(r.status == 403);
    CHECK(r.Error().code() == "permission_denied");
    CHECK(r.Error().where() == "changes[4]");
    int64_t cursor = 0;
    size_t changes = 0;
    for (const auto& p : cr.PullAll(&cursor)) changes += static_cast<size_t>(p.changes_size());
    CHECK(changes == 4);
  }

  SECTION("a conflict is listed for its village and resolved by a reviewer") {
    BatchBuilder ea(a.device_id, 2, By(a));
    ea.Set(Rid(1), "head_name", Text("甲"), base, Hlc(f.clock, 100));
    ca.Push(ea.set());
    BatchBuilder eb(b.device_id, 1, By(b));
    eb.Set(Rid(1), "head_name", Text("乙"), base, Hlc(f.clock, 200));
    auto lost = cb.Push(eb.set()).results(0);
    REQUIRE(lost.outcome() == v1::ChangeResult::CONFLICT);
    const int64_t id = lost.conflict_id();

    auto mine = ca.Get("/v1/conflicts").As<v1::ConflictList>();
    REQUIRE(mine.conflicts_size() == 1);
    CHECK(mine.conflicts(0).id() == id);
    CHECK(cli.Get("/v1/conflicts").As<v1::ConflictList>().conflicts_size() == 0);
    CHECK(cr.Get("/v1/conflicts?open=1").As<v1::ConflictList>().conflicts_size() == 1);

    v1::ResolveRequest pick;
    pick.set_candidate(0);  // "甲", which lost by rule
    const std::string path = "/v1/conflicts/" + std::to_string(id) + "/resolve";
    Reply denied = ca.Post(path, pick);
    CHECK(denied.status == 403);
    CHECK(cr.Post("/v1/conflicts/424242/resolve", pick).status == 404);
    Reply ok = cr.Post(path, pick);
    REQUIRE(ok.status == 200);
    auto resolved = ok.As<v1::Conflict>();
    CHECK(resolved.resolved());
    CHECK(cr.Post(path, pick).status == 409);
    int64_t cursor = base;
    auto pulled = FindPulled(cb.PullAll(&cursor), Rid(1), "head_name");
    REQUIRE(pulled.has_value());
    CHECK(pulled->value.text() == "甲");
    CHECK(pulled->version == resolved.resolved_version());
    CHECK(cr.Get("/v1/conflicts").As<v1::ConflictList>().conflicts_size() == 0);
    CHECK(cr.Get("/v1/conflicts?open=0").As<v1::ConflictList>().conflicts_size() == 1);
  }

  SECTION("a deletion against an unseen edit reaches a person") {
    BatchBuilder eb(b.device_id, 1, By(b));
    eb.Set(Rid(1), "phone", Text("13900000000"), 0, Hlc(f.clock, 100));
    cb.Push(eb.set());
    BatchBuilder del(a.device_id, 2, By(a));
    del.Delete(Rid(1), base, Hlc(f.clock, 200));
    auto r = ca.Push(del.set()).results(0);
    CHECK(r.outcome() == v1::ChangeResult::CONFLICT);
    auto list = cr.Get("/v1/conflicts").As<v1::ConflictList>();
    REQUIRE(list.conflicts_size() == 1);
    CHECK(list.conflicts(0).path() == "@deleted");
  }

  SECTION("unknown form versions are quarantined for reviewers") {
    BatchBuilder q(a.device_id, 2, By(a));
    q.NewHousehold(Rid(5), kWang, Hlc(f.clock), "household@2030.1");
    auto result = ca.Push(q.set());
    for (const auto& r : result.results()) CHECK(r.outcome() == v1::ChangeResult::QUARANTINED);
    CHECK(ca.Get("/v1/quarantine").status == 403);
    Reply list = cr.Get("/v1/quarantine");
    REQUIRE(list.status == 200);
    auto entries = list.As<v1::QuarantineList>();
    REQUIRE(entries.entries_size() == 4);
    CHECK(entries.entries(0).reason() == "form household@2030.1 is not installed");
  }

  SECTION("the checksum of a village matches the pushed values") {
    sync::ChecksumBuilder expected;
    expected.Add(Rid(1), "@form", Text("household@2024.1"));
    expected.Add(Rid(1), "@state", Text("draft"));
    expected.Add(Rid(1), "village", Text(kWang));
    expected.Add(Rid(1), "head_name", Text("张秀英"));
    Digest d = expected.Finish();
    v1::ChecksumRequest req;
    req.add_scopes(kWang);
    auto sums = ca.Post("/v1/checksum", req).As<v1::ChecksumResponse>();
    REQUIRE(sums.scopes_size() == 1);
    CHECK(sums.scopes(0).fields() == 4);
    CHECK(sums.scopes(0).sha256() == std::string(reinterpret_cast<const char*>(d.data()), 32));
    req.add_scopes(kLi);
    Reply denied = ca.Post("/v1/checksum", req);
    CHECK(denied.status == 403);
    CHECK(denied.Error().where() == "scopes[1]");
  }
}

TEST_CASE("server HTTP: body limits and malformed bodies", "[sync][server]") {
  ServerFixture f;
  auto dev = f.Enroll({kWang});
  TestClient c = ClientFor(f, dev);

  SECTION("over 1 MiB on the wire is 413 naming the limit") {
    std::string big(sync::kMaxCompressedBody + 10, 'x');
    Reply r = c.PostRaw("/v1/push", big, "zstd");
    CHECK(r.status == 413);
    CHECK(r.Error().code() == "resource_exhausted");
    CHECK(r.Error().message().find("1 MiB") != std::string::npos);
  }

  SECTION("a body decompressing past 16 MiB is 413, in zstd and in gzip") {
    std::string zeros(sync::kMaxBody + 1024, '\0');
    for (auto enc : {sync::Encoding::kZstd, sync::Encoding::kGzip}) {
      auto bomb = sync::Compress(zeros, enc);
      REQUIRE(bomb.ok());
      REQUIRE(bomb->size() < sync::kMaxCompressedBody);
      Reply r = c.PostRaw("/v1/push", *bomb, sync::EncodingName(enc));
      INFO(sync::EncodingName(enc));
      CHECK(r.status == 413);
      CHECK(r.Error().message().find("16 MiB") != std::string::npos);
    }
  }

  SECTION("bytes that are not the message are 400 naming it") {
    Reply r = c.PostRaw("/v1/push", std::string("\xff\xff\xff\xff garbage", 12), "");
    CHECK(r.status == 400);
    CHECK(r.Error().message().find("doorstep.v1.ChangeSet") != std::string::npos);
    Reply z = c.PostRaw("/v1/push", "definitely not zstd", "zstd");
    CHECK(z.status == 400);
    Reply g = c.PostRaw("/v1/pull", "definitely not gzip", "gzip");
    CHECK(g.status == 400);
    // An encoding this server does not decode is not "damaged data": 415, naming it.
    Reply u = c.PostRaw("/v1/pull", "", "compress");
    CHECK(u.status == 415);
    CHECK(u.Error().where() == "Content-Encoding");
  }

  SECTION("a structurally invalid change set is 400 naming the change") {
    v1::ChangeSet set;
    set.set_device_id(dev.device_id);
    set.set_batch_seq(1);
    auto* ch = set.add_changes();
    ch->set_record_id(std::string(Rid(1).AsBytes()));
    ch->set_path_index(3);
    ch->mutable_value()->set_text("x");
    Reply r = c.Post("/v1/push", set);
    CHECK(r.status == 400);
    CHECK(r.Error().where().find("changes[0]") == 0);
  }

  SECTION("a change set naming another device is 403") {
    BatchBuilder b("someone-else", 1, By(dev));
    b.NewHousehold(Rid(1), kWang, Hlc(f.clock));
    CHECK(c.Post("/v1/push", b.set()).status == 403);
  }
}

TEST_CASE("server HTTP: Expect 100-continue with an oversized body is refused unread",
          "[sync][server]") {
  ServerFixture f;
  // httplib's client never sends Expect; write the request by hand on a socket instead.
  const int fd = ConnectLoopback(f.port());
  const std::string head =
      "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
      "Content-Length: 5000000\r\nExpect: 100-continue\r\nAccept-Encoding: identity\r\n\r\n";
  REQUIRE(::send(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()));
  std::string answer;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (answer.find("\r\n\r\n") != std::string::npos && answer.find("1 MiB") != std::string::npos) {
      break;
    }
  }
  ::close(fd);
  CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(answer.find("1 MiB") != std::string::npos);
}

TEST_CASE("server HTTP: concurrent pushes from several devices", "[sync][server]") {
  ServerFixture f;
  constexpr int kDevices = 4, kBatches = 8;
  std::vector<EnrolledDevice> devices;
  for (int i = 0; i < kDevices; ++i) devices.push_back(f.Enroll({kWang}));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::vector<std::string> why_failed;
  for (int d = 0; d < kDevices; ++d) {
    threads.emplace_back([&, d] {
      TestClient c(f.port());
      c.credential = devices[static_cast<size_t>(d)].credential;
      for (int s = 1; s <= kBatches; ++s) {
        BatchBuilder b(devices[static_cast<size_t>(d)].device_id, static_cast<uint64_t>(s),
                       By(devices[static_cast<size_t>(d)]));
        b.NewHousehold(Rid(d * 100 + s), kWang, MakeHlc(1795399200000 + s, 0));
        auto bytes = sync::EncodeBody(b.set(), sync::Encoding::kZstd);
        httplib::Client h("127.0.0.1", f.port());
        h.set_decompress(false);
        auto r = h.Post("/v1/push",
                        {{"Authorization", "Bearer " + c.credential},
                         {"Content-Encoding", "zstd"}},
                        *bytes, "application/x-protobuf");
        if (!r || r->status != 200) {
          ++failures;
          std::string why = r ? std::to_string(r->status) : httplib::to_string(r.error());
          if (r) {
            v1::ErrorBody e;
            if (sync::DecodeBody(r->body, sync::Encoding::kIdentity, &e).ok()) {
              why += " " + e.code() + ": " + e.message();
            }
          }
          std::lock_guard<std::mutex> lock(mu);
          why_failed.push_back(why);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& w : why_failed) UNSCOPED_INFO("push failed: " << w);
  CHECK(failures.load() == 0);
  auto reviewer = f.Enroll({}, true);
  TestClient c = ClientFor(f, reviewer);
  int64_t cursor = 0;
  std::set<int64_t> versions;
  size_t changes = 0;
  for (const auto& p : c.PullAll(&cursor)) {
    for (const auto& ch : p.changes()) versions.insert(ch.version());
    changes += static_cast<size_t>(p.changes_size());
  }
  CHECK(changes == kDevices * kBatches * 4);
  CHECK(versions.size() == changes);
}

TEST_CASE("server HTTP: request logs name the device, never a value", "[sync][server]") {
  ServerFixture f;
  auto dev = f.Enroll({kWang});
  TestClient c = ClientFor(f, dev);
  BatchBuilder b(dev.device_id, 1, By(dev));
  b.NewHousehold(Rid(1), kWang, Hlc(f.clock))
      .Set(Rid(1), "household_no", Text("5201230000000017"), 0, Hlc(f.clock));
  c.Push(b.set());
  int64_t cursor = 0;
  c.PullAll(&cursor);
  c.credential.clear();
  c.Get("/v1/forms");
  // Log lines are written after each answer, by whichever worker thread served it: wait until
  // all three are there (guard against a hang, not a speed check: 60 s).
  std::string all;
  for (int i = 0; i < 12000; ++i) {
    all = f.logger.All();
    if (all.find("GET /v1/forms 401") != std::string::npos &&
        all.find("POST /v1/push 200") != std::string::npos &&
        all.find("POST /v1/pull 200") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(all.find("POST /v1/push 200 device=" + dev.device_id) != std::string::npos);
  CHECK(all.find("POST /v1/pull 200 device=" + dev.device_id) != std::string::npos);
  CHECK(all.find("GET /v1/forms 401 device=-") != std::string::npos);
  CHECK(all.find("张秀英") == std::string::npos);
  CHECK(all.find("5201230000000017") == std::string::npos);
  CHECK(all.find(dev.credential) == std::string::npos);
}



TEST_CASE("server HTTP: slow and idle connections do not stop the server answering",
          "[sync][server][bad-input]") {
  ServerFixture f;  // 4 request threads
  auto dev = f.Enroll({"王家村"});
  // 30 connections trickling a request head (one that never ends) and 30 idle ones. With a pool
  // of 4 connection threads, the first 4 held it until their 30 s read timeouts, again and again.
  std::vector<int> held;
  for (int i = 0; i < 60; ++i) {
    const int fd = ConnectLoopback(f.port());
    if (i % 2 == 0) {
      const std::string part = "POST /v1/push HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      REQUIRE(::send(fd, part.data(), part.size(), 0) == static_cast<ssize_t>(part.size()));
    }
    held.push_back(fd);
  }
  const auto start = std::chrono::steady_clock::now();
  TestClient c(f.port());
  CHECK(c.Get("/v1/health").status == 200);
  c.credential = dev.credential;
  CHECK(c.Pull(0).more() == false);
  // A guard against the old hang (a 30 s read timeout per held thread), not a speed check.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  for (int fd : held) ::close(fd);
}

TEST_CASE("server HTTP: enrollment attempts are limited per address", "[sync][server][bad-input]") {
  ServerFixture f;
  TestClient c(f.port());
  v1::EnrollRequest guess;
  guess.set_token("0123456789abcdef0123456789abcdef");
  for (int i = 0; i < 10; ++i) CHECK(c.Post("/v1/enroll", guess).status == 401);
  Reply r = c.Post("/v1/enroll", guess);
  CHECK(r.status == 429);
  CHECK(r.Error().message() == "too many enrollment attempts from this address; wait a minute");
  // A real token is refused too for that minute; other routes are not limited.
  guess.set_token(f.Token({"王家村"}));
  CHECK(c.Post("/v1/enroll", guess).status == 429);
  CHECK(c.Get("/v1/health").status == 200);
}

TEST_CASE("server HTTP: requests are refused from their headers before any body is read",
          "[sync][server][bad-input]") {
  ServerFixture f;
  auto dev = f.Enroll({"王家村"});
  const std::string auth = "Authorization: Bearer " + dev.credential + "\r\n";
  SECTION("a negative Content-Length is 400 at once, and the connection closes") {
    std::string a = RawExchange(f.port(),
                                "POST /v1/push HTTP/1.1\r\nHost: x\r\n" + auth +
                                    "Content-Type: application/x-protobuf\r\nContent-Length: -5\r\n\r\n");
    CHECK(a.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(a.find("Content-Length is not a number of bytes") != std::string::npos);
    CHECK(a.find("Connection: close") != std::string::npos);
  }
  SECTION("no credential: 401 before the body, which is never taken for a request") {
    // The body is a complete request of its own: were it read as one, a second answer follows.
    const std::string smuggled = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string a = RawExchange(
        f.port(), "POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                  "Content-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled);
    CHECK(a.rfind("HTTP/1.1 401", 0) == 0);
    CHECK(a.find("HTTP/1.1 200") == std::string::npos);
    CHECK(a.find("Connection: close") != std::string::npos);
  }
  SECTION("a body without Content-Length is 411; chunked is 400") {
    std::string a = RawExchange(f.port(), "POST /v1/pull HTTP/1.1\r\nHost: x\r\n" + auth +
                                              "Content-Type: application/x-protobuf\r\n\r\n");
    CHECK(a.rfind("HTTP/1.1 411", 0) == 0);
    a = RawExchange(f.port(), "POST /v1/pull HTTP/1.1\r\nHost: x\r\n" + auth +
                                  "Content-Type: application/x-protobuf\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    CHECK(a.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(a.find("chunked") != std::string::npos);
  }
  SECTION("another Content-Type is 415 naming it") {
    std::string a = RawExchange(f.port(), "POST /v1/pull HTTP/1.1\r\nHost: x\r\n" + auth +
                                              "Content-Type: text/html\r\nContent-Length: 0\r\n\r\n");
    CHECK(a.rfind("HTTP/1.1 415", 0) == 0);
    CHECK(a.find("text/html") != std::string::npos);
  }
}

}  // namespace doorstep::testing::srv
