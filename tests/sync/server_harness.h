// Test harness for the township server: a real SQLite file in a temp dir, the SyncService, and the
// HttpServer on 127.0.0.1 with an ephemeral port; an httplib::Client that speaks the protocol
// (protobuf bodies, zstd / gzip / identity); and a builder for ChangeSets the way a tablet makes
// them (sync::AddChange over core OutboxEntry values).
//
// Definitions live in server_harness.cpp (a helper source of doorstep_sync_tests).
#pragma once

#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/sync/codec.h"
#include "doorstep/sync/server/http_server.h"
#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/sqlite_store.h"
#include "doorstep/sync/wire.h"
#include "test_support.h"

// Everything here is in its own namespace: the client tests share the binary and the names.
namespace doorstep::testing::srv {

// A clock the server's request threads may read while the test thread moves it.
class ServerTestClock final : public Clock {
 public:
  std::atomic<int64_t> now_ms{1795399200000};  // 2026-11-23T02:00:00Z
  int64_t NowMs() override { return now_ms.load(); }
};

// A small form with a village scope (tests that do not need the household form).
v1::FormDef TinyForm(const std::string& version = "1");

// Keeps every log line, thread-safely.
class CapturingLogger final : public Logger {
 public:
  void Log(LogLevel level, std::string_view message) override;
  std::vector<std::string> Lines();
  std::string All();  // every line, newline separated

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

struct EnrolledDevice {
  std::string device_id;
  std::string credential;
  sync::server::DeviceInfo info;
};

// The server with its store and ports. Forms household@2024.1 and tiny@1 are installed.
struct ServerFixture {
  TempDir dir;
  ServerTestClock clock;
  SeededRandom random;
  CapturingLogger logger;
  std::unique_ptr<sync::server::SqliteServerStore> store;
  std::unique_ptr<sync::server::SyncService> service;
  std::unique_ptr<sync::server::HttpServer> http;

  explicit ServerFixture(bool start_http = true);
  ~ServerFixture();
  std::string DbPath() const { return dir.File("server.db"); }
  std::string Token(const std::vector<std::string>& villages, bool reviewer = false);
  // Enrolls directly through the service (HTTP enrollment has its own tests).
  EnrolledDevice Enroll(const std::vector<std::string>& villages, bool reviewer = false);
  int port() const { return http->port(); }
};

struct Reply {
  int status = 0;
  std::string body;  // as received (still compressed)
  sync::Encoding encoding = sync::Encoding::kIdentity;

  // Decodes the body as `M` (REQUIREs success).
  template <typename M>
  M As() const {
    M m;
    Status s = sync::DecodeBody(body, encoding, &m);
    INFO(s.ToString());
    REQUIRE(s.ok());
    return m;
  }
  v1::ErrorBody Error() const { return As<v1::ErrorBody>(); }
};

// A protocol client over httplib (no automatic decompression: the body is decoded as a device
// would, with sync::DecodeBody).
class TestClient {
 public:
  explicit TestClient(int port);
  std::string credential;                        // sent as Bearer when not empty
  sync::Encoding encoding = sync::Encoding::kZstd;  // request body encoding
  std::string accept = "zstd, gzip";

  Reply Get(const std::string& path);
  Reply Post(const std::string& path, const google::protobuf::MessageLite& message);
  // Posts raw bytes with explicit headers.
  Reply PostRaw(const std::string& path, const std::string& body, const std::string& content_encoding);

  v1::PushResult Push(const v1::ChangeSet& set);  // REQUIREs 200
  v1::PullPage Pull(int64_t cursor, uint32_t page_size = 0);  // REQUIREs 200
  // Pulls every page from `cursor`; returns the changes (and the last cursor in *cursor).
  std::vector<v1::PullPage> PullAll(int64_t* cursor);

 private:
  Reply Finish(const httplib::Result& r);
  httplib::Client cli_;
};

// Builds ChangeSets as a tablet does.
class BatchBuilder {
 public:
  BatchBuilder(std::string device_id, uint64_t batch_seq, Author author);
  BatchBuilder& Set(const RecordId& id, const std::string& path, const v1::Value& value,
                    int64_t base_version, HlcTimestamp hlc);
  BatchBuilder& Clear(const RecordId& id, const std::string& path, int64_t base_version,
                      HlcTimestamp hlc);
  // "@form" = form@version, the village, and a head name: a new household.
  BatchBuilder& NewHousehold(const RecordId& id, const std::string& village, HlcTimestamp hlc,
                             const std::string& form = "household@2024.1");
  BatchBuilder& Delete(const RecordId& id, int64_t base_version, HlcTimestamp hlc);
  BatchBuilder& WithAuthor(Author author);
  const v1::ChangeSet& set() const { return set_; }

 private:
  void Add(const RecordId& id, const std::string& path, std::optional<v1::Value> value,
           int64_t base_version, HlcTimestamp hlc);
  v1::ChangeSet set_;
  sync::Interner interner_;
  Author author_;
};

// A record id from a small number (distinct, stable across runs).
RecordId Rid(int n);
// An HLC at the fixture clock's time plus `plus_ms`.
HlcTimestamp Hlc(const ServerTestClock& clock, int64_t plus_ms = 0, uint32_t counter = 0);

// Current value of (record, path) in a set of pull pages (nullopt when absent); *cleared set.
struct PulledField {
  int64_t version = 0;
  bool cleared = false;
  v1::Value value;
  HlcTimestamp hlc = 0;
  Author author;
};
std::optional<PulledField> FindPulled(const std::vector<v1::PullPage>& pages, const RecordId& id,
                                      const std::string& path);

}  // namespace doorstep::testing::srv
