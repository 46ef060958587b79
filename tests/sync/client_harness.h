// Test harness of the sync client tests: a township server in-process (SQLite file, HTTP on
// 127.0.0.1, an ephemeral port), tablet stores (real SQLite files) with the real libcurl client,
// and CutLink, a transport decorator that cuts the link before a request or after the server
// answered it (the answer is lost, as on a 2G link dropping mid-response).
#pragma once

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/posix/ports.h"
#include "doorstep/sync/client/sync_client.h"
#include "doorstep/sync/client/curl_transport.h"
#include "doorstep/sync/server/http_server.h"
#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/sqlite_store.h"
#include "test_support.h"

namespace doorstep::testing {

namespace sc = doorstep::sync::client;
namespace ss = doorstep::sync::server;

inline const char kVillage[] = "坪新冲村";
inline const char kOtherVillage[] = "高屯村";

// A clock the server's request threads may read while the test thread advances it.
class SharedClock final : public Clock {
 public:
  std::atomic<int64_t> now_ms{1795399200000};  // 2026-11-23T02:00:00Z
  int64_t NowMs() override { return now_ms.load(); }
};

// Fast retries for tests (the production defaults wait seconds).
inline sc::CurlOptions TestCurlOptions(int attempts = 3) {
  sc::CurlOptions o;
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.total_timeout = std::chrono::milliseconds(20000);
  o.retry.max_attempts = attempts;
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.max_delay = std::chrono::milliseconds(5);
  return o;
}

// The township server on 127.0.0.1 with forms/household_v1.json installed.
class TestServer {
 public:
  explicit TestServer(const std::string& dir,
                      const std::function<void(ss::HttpServerOptions&)>& tweak = {}) {
    ss::SqliteStoreOptions so;
    so.path = dir + "/server.db";
    so.connections = 2;
    auto opened = ss::SqliteServerStore::Open(so);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store_ = std::move(opened).value();
    ss::ServiceOptions o;
    o.clock = &clock_;
    o.random = &random_;
    if (std::getenv("DOORSTEP_TEST_SERVER_LOG") != nullptr) o.logger = &logger_;
    service_ = std::make_unique<ss::SyncService>(store_.get(), o);
    auto installed = service_->InstallForms({HouseholdForm("2024.1")});
    INFO(installed.status().ToString());
    REQUIRE(installed.ok());
    ss::HttpServerOptions ho;
    ho.threads = 4;
    ho.logger = o.logger;
    ho.enroll_per_minute = 0;  // tests enroll dozens of tablets a minute
    if (tweak) tweak(ho);
    http_ = std::make_unique<ss::HttpServer>(service_.get(), ho);
    Status started = http_->Start();
    INFO(started.ToString());
    REQUIRE(started.ok());
  }
  ~TestServer() { http_->Stop(); }

  std::string url() const { return http_->url(); }
  ss::SyncService& service() { return *service_; }

  std::string Token(const std::vector<std::string>& villages, bool reviewer = false,
                    const std::string& team = "第一工作队") {
    auto token = service_->CreateEnrollmentToken(team, villages, reviewer);
    INFO(token.status().ToString());
    REQUIRE(token.ok());
    return token->token;
  }

  // The server's checksum of a village (hex) and its field count.
  std::pair<std::string, uint64_t> Checksum(const std::string& village) {
    v1::ChecksumRequest request;
    request.add_scopes(village);
    auto answer = service_->Checksums(ss::DeviceInfo::Admin(), request);
    REQUIRE(answer.ok());
    for (const auto& c : answer->scopes()) {
      if (c.scope() == village) {
        return {ToHex(reinterpret_cast<const uint8_t*>(c.sha256().data()), c.sha256().size()),
                c.fields()};
      }
    }
    return {"", 0};
  }

  std::vector<v1::Conflict> Conflicts(bool open_only = false) {
    auto list = service_->Conflicts(ss::DeviceInfo::Admin(), open_only);
    INFO(list.status().ToString());
    REQUIRE(list.ok());
    return {list->conflicts().begin(), list->conflicts().end()};
  }

 private:
  SharedClock clock_;
  posix::SystemRandom random_;
  posix::StderrLogger logger_{LogLevel::kDebug};
  std::unique_ptr<ss::SqliteServerStore> store_;
  std::unique_ptr<ss::SyncService> service_;
  std::unique_ptr<ss::HttpServer> http_;
};

// Cuts the link at chosen requests. `plan` decides per request; `observe` sees every request the
// server received with its answer (also when the answer is then cut).
class CutLink final : public sc::HttpTransport {
 public:
  enum class Cut { kNone, kBeforeRequest, kAfterAnswer };
  explicit CutLink(sc::HttpTransport& inner) : inner_(inner) {}

  std::function<Cut(const sc::HttpRequest&)> plan;
  std::function<void(const sc::HttpRequest&, const sc::HttpResponse&, Cut)> observe;
  int cuts = 0;

  Result<sc::HttpResponse> Send(const sc::HttpRequest& request) override {
    const Cut cut = plan ? plan(request) : Cut::kNone;
    if (cut == Cut::kBeforeRequest) {
      ++cuts;
      return Status(Code::kUnavailable, sc::EndpointLabel(request) + ": link cut (test)");
    }
    auto answer = inner_.Send(request);
    if (answer.ok() && observe) observe(request, *answer, cut);
    if (cut == Cut::kAfterAnswer && answer.ok()) {
      ++cuts;
      return Status(Code::kUnavailable,
                    sc::EndpointLabel(request) + ": link cut after the server answered (test)");
    }
    return answer;
  }
  void CloseIdle() override { inner_.CloseIdle(); }

 private:
  sc::HttpTransport& inner_;
};

inline bool IsPush(const sc::HttpRequest& r) {
  return r.url.size() >= 8 && r.url.compare(r.url.size() - 8, 8, "/v1/push") == 0;
}
inline bool IsPull(const sc::HttpRequest& r) {
  return r.url.size() >= 8 && r.url.compare(r.url.size() - 8, 8, "/v1/pull") == 0;
}

// A tablet: its store file, the libcurl transport (optionally behind CutLink and a retry layer)
// and the sync client.
class Tablet {
 public:
  struct Options {
    int curl_attempts = 3;   // retries inside CurlTransport
    bool cut_link = false;   // put CutLink between the client and libcurl
    int retry_attempts = 0;  // > 0: a RetryingTransport above CutLink
    Durability durability = Durability::kNormal;
    // HTTP keep-alive. Off by default: the server answers a request on a kept-alive connection
    // ~40 ms late (its response leaves in two segments without TCP_NODELAY and the second waits
    // for the client's delayed ACK), which would dominate the run time of these tests.
    bool reuse_connection = false;
    uint64_t random_seed = 0;      // of the store's ids; 0: from the name
    std::string ca_file = {};      // HTTPS: the CA to trust
    std::string pinned_key = {};   // HTTPS: sha256//<base64>
  };

  Tablet(const std::string& dir, const std::string& name, Options options)
      : name_(name),
        random_(options.random_seed != 0 ? options.random_seed : std::hash<std::string>{}(name)),
        curl_(CurlFor(options)) {
    StoreOptions so;
    so.path = dir + "/" + name + ".db";
    so.key = EncryptionKey();
    so.clock = &clock_;
    so.random = &random_;
    so.durability = options.durability;
    auto opened = Store::Open(so);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store_ = std::move(opened).value();
    REQUIRE(store_->SetAuthor({"S-" + name, name}).ok());
    sc::HttpTransport* transport = &curl_;
    if (options.cut_link) {
      link_ = std::make_unique<CutLink>(curl_);
      transport = link_.get();
    }
    if (options.retry_attempts > 0) {
      sc::RetryPolicy policy;
      policy.max_attempts = options.retry_attempts;
      policy.base_delay = std::chrono::milliseconds(1);
      policy.max_delay = std::chrono::milliseconds(5);
      retry_ = std::make_unique<sc::RetryingTransport>(*transport, policy);
      transport = retry_.get();
    }
    client_ = std::make_unique<sc::SyncClient>(*store_, *transport);
  }
  Tablet(const std::string& dir, const std::string& name) : Tablet(dir, name, Options{}) {}

  static sc::CurlOptions CurlFor(const Options& options) {
    sc::CurlOptions o = TestCurlOptions(options.cut_link ? 1 : options.curl_attempts);
    o.reuse_connection = options.reuse_connection;
    o.ca_file = options.ca_file;
    o.pinned_key = options.pinned_key;
    return o;
  }

  const std::string& name() const { return name_; }
  Store& store() { return *store_; }
  sc::SyncClient& client() { return *client_; }
  CutLink& link() { return *link_; }
  sc::CurlTransport& curl() { return curl_; }
  FakeClock& clock() { return clock_; }

  sc::Enrollment Enroll(const std::string& url, const std::string& token) {
    auto e = client_->Enroll(url, token, name_);
    INFO(e.status().ToString());
    REQUIRE(e.ok());
    return *e;
  }

  sc::SyncResult Sync(sc::SyncOptions options = {}) { return client_->Sync(options); }

  // Syncs and REQUIREs a complete, matching sync.
  sc::SyncResult SyncOk(sc::SyncOptions options = {}) {
    auto r = client_->Sync(options);
    INFO(name_ << ": " << r.status.ToString() << ", checksum " << r.checksum_status.ToString()
               << (r.checksums_unchanged ? ", unchanged since the last match" : ""));
    REQUIRE(r.status.ok());
    // A sync that moved nothing since the last matching comparison does not compare again.
    REQUIRE((r.checksums_verified || r.checksums_unchanged));
    if (r.checksums_verified) REQUIRE(r.checksums_match());
    return r;
  }

  // Local checksum of a village (hex, fields).
  std::pair<std::string, uint64_t> Checksum(const std::string& village) {
    auto sums = sc::LocalChecksums(*store_, {village});
    REQUIRE(sums.ok());
    REQUIRE(sums->size() == 1);
    const auto& c = sums->front();
    return {ToHex(reinterpret_cast<const uint8_t*>(c.sha256().data()), c.sha256().size()),
            c.fields()};
  }

  size_t Pending() {
    auto p = store_->PendingChanges();
    REQUIRE(p.ok());
    return p->size();
  }

 private:
  std::string name_;
  FakeClock clock_;
  SeededRandom random_;
  std::unique_ptr<Store> store_;
  sc::CurlTransport curl_;
  std::unique_ptr<CutLink> link_;
  std::unique_ptr<sc::RetryingTransport> retry_;
  std::unique_ptr<sc::SyncClient> client_;
};

// A small household in `village` (fields of forms/household_v1.json) with one member.
inline std::vector<Edit> SmallHousehold(const std::string& village, const std::string& head,
                                        const std::string& member_id = {}) {
  std::vector<Edit> e;
  e.push_back(Edit::Set("county", Text("黎平县")));
  e.push_back(Edit::Set("township", Text("高屯街道")));
  e.push_back(Edit::Set("village", Text(village)));
  e.push_back(Edit::Set("household_no", Text("5226310020300001")));
  e.push_back(Edit::Set("head_name", Text(head)));
  e.push_back(Edit::Set("poverty_status", One("poor")));
  e.push_back(Edit::Set("wage_income", Dec(12000)));
  e.push_back(Edit::AddInstance("members", member_id));
  return e;
}

// The text of a field of a record in a store ("" when unset).
inline std::string TextOf(Store& store, const RecordId& id, const std::string& path) {
  auto rec = store.GetRecord(id);
  REQUIRE(rec.ok());
  const v1::Value* v = rec->Get(path);
  return v == nullptr ? std::string() : v->text();
}

}  // namespace doorstep::testing
