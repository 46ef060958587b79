// bench_sync: shared pieces of the sync benchmark (see bench_sync.cpp for what it measures).
//
//   Figures    one `name: value` line per figure on stdout; a target line `<name>_target_met:
//              yes|no` where the issue sets a target. A missed target never fails the process.
//   Households the registry's sample generator, one GenerateTownship call per village (exactly
//              500 households each, so "a village of 500" and "2,000 households = 4 villages" are
//              exact), turned into tablet records with registry::CreateHouseholdRecord: ~108
//              synced fields and three signatures of ~275 points per household.
//   Server     the real thing: SqliteServerStore (a file) + SyncService + HttpServer on 127.0.0.1.
//   Tablets    core Store files synced by the real SyncClient over libcurl (CurlTransport), behind
//              CountingTransport, which counts requests and body bytes per endpoint.
//   Client     the initial syncs run in a child process (ClientChild, bench_sync_child.cpp) so
//              the client's peak RSS is measured alone.
//
// Thread rules: everything here runs on the main thread, except the HttpServer's worker threads,
// which call the server's SyncService. The main thread calls that service only while no request
// is in flight (it waits on libcurl during one), so the server's BenchRandom is never used by two
// threads at once; the server clock is an atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "doorstep/core/store.h"
#include "doorstep/form.pb.h"
#include "doorstep/registry/model.h"
#include "doorstep/sync/client/sync_client.h"
#include "doorstep/sync/client/curl_transport.h"
#include "doorstep/sync/server/http_server.h"
#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/sqlite_store.h"

namespace doorstep::bench {

namespace sc = doorstep::sync::client;
namespace ss = doorstep::sync::server;

inline constexpr int64_t kNowMs = 1795399200000;  // 2026-11-23T02:00Z, the sample's "today"
inline constexpr int kVillageHouseholds = 500;

// A settable clock (server worker threads read it while the main thread may move it).
class BenchClock final : public Clock {
 public:
  explicit BenchClock(int64_t now = kNowMs) : now_ms(now) {}
  std::atomic<int64_t> now_ms;
  int64_t NowMs() override { return now_ms.load(); }
};

class BenchRandom final : public Random {
 public:
  explicit BenchRandom(uint64_t seed) : rng(seed) {}
  std::mt19937_64 rng;
  Status Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng());
    return Status::Ok();
  }
};

double SecondsSince(std::chrono::steady_clock::time_point since);

// The run's temporary directory, removed by Fail() too (it holds up to ~1.5 GB).
void SetScratchDir(const std::string& dir);
// Stops the benchmark with the error (a broken setup, not a missed target).
[[noreturn]] void Fail(const std::string& what, const Status& status);
template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Fail(what, r.status());
  return std::move(r).value();
}
inline void Must(const Status& s, const std::string& what) {
  if (!s.ok()) Fail(what, s);
}

// Output: `name: value` and `name_target_met: yes|no`.
void Figure(const std::string& name, const std::string& value);
void Figure(const std::string& name, double value, int decimals);
void Target(const std::string& name, bool met);

// `count` villages of kVillageHouseholds households each, from seeds first_seed, first_seed + 1...
// (a seed whose village name repeats an earlier one is skipped). Clean: no planted problems.
std::vector<registry::Household> MakeVillages(uint64_t first_seed, int count,
                                              std::vector<std::string>* village_names);

// Counts requests and body bytes (every attempt, as the transport reports them) per endpoint.
class CountingTransport final : public sc::HttpTransport {
 public:
  struct Counts {
    uint64_t requests = 0;
    uint64_t bytes_sent = 0;
    uint64_t bytes_received = 0;
  };
  explicit CountingTransport(sc::HttpTransport& inner) : inner_(inner) {}
  Result<sc::HttpResponse> Send(const sc::HttpRequest& request) override;
  void CloseIdle() override { inner_.CloseIdle(); }

  // "/v1/forms x1, /v1/pull x1" (paths sorted).
  std::string Describe() const;
  Counts Total() const;
  Counts Of(const std::string& path) const;  // "/v1/push"

 private:
  sc::HttpTransport& inner_;
  std::map<std::string, Counts> by_endpoint_;  // path without query
};

// The township server: a SQLite file, the sync service and HTTP on 127.0.0.1 (ephemeral port),
// with the registry form pack installed.
class BenchServer {
 public:
  BenchServer(const std::string& db_path, const std::vector<v1::FormDef>& pack);
  ~BenchServer();
  std::string url() const { return http_->url(); }
  ss::SyncService& service() { return *service_; }
  std::string Token(const std::vector<std::string>& villages, bool reviewer = false);
  // Enrolls a device directly through the service; *credential receives its secret.
  ss::DeviceInfo Device(const std::vector<std::string>& villages, bool reviewer,
                        std::string* credential = nullptr);

 private:
  BenchClock clock_;
  BenchRandom random_{7};
  std::unique_ptr<ss::SqliteServerStore> store_;
  std::unique_ptr<ss::SyncService> service_;
  std::unique_ptr<ss::HttpServer> http_;
};

// libcurl options of the benchmark's tablets: production timeouts and keep-alive, fast retries.
sc::CurlOptions BenchCurlOptions();

// A tablet store file: opened, enrolled with `token`, and filled with `households` (each
// household one CreateHouseholdRecord: data, then its three signatures). Returns the record ids.
struct TabletBuild {
  std::vector<RecordId> ids;
  double create_s = 0;
};
TabletBuild BuildTablet(const std::string& path, const std::string& server_url,
                        const std::string& token,
                        const std::vector<registry::Household>& households);

// Opens an existing tablet store (durability FULL, the product default).
std::unique_ptr<Store> OpenTablet(const std::string& path, Clock* clock, Random* random);

// What one sync cost, from the result and the counting transport.
struct SyncFigures {
  bool ok = false;
  std::string error;
  double seconds = 0;
  uint64_t requests = 0, bytes_sent = 0, bytes_received = 0;
  uint64_t push_requests = 0, push_bytes_sent = 0, push_bytes_received = 0;
  uint64_t pull_requests = 0, pull_bytes_received = 0;
  uint64_t changes_pushed = 0, changes_pulled = 0, records_created = 0;
  bool checksums_match = false;
  std::string endpoints;    // CountingTransport::Describe()
  double push_s = 0, pull_s = 0, checksum_s = 0;  // time in each phase (progress callbacks)
  double peak_rss_mib = 0;  // child runs only: ru_maxrss from wait4
  double vmhwm_mib = 0;     // child runs only: VmHWM reported by the child itself
};
// One full sync of `store` with the default options; every request counted.
SyncFigures SyncOnce(Store& store);

// A child process that runs one initial sync on its own (bench_sync_child.cpp). Spawn() it at the
// start of main, while this process is small; Run() hands it a tablet store path and returns its
// figures with its peak RSS. A child never given work exits when Dismiss() closes its input.
class ClientChild {
 public:
  static ClientChild Spawn();
  SyncFigures Run(const std::string& db_path);
  void Dismiss();

 private:
  int pid_ = -1;
  int in_ = -1;   // the child's stdin
  int out_ = -1;  // the child's stdout
};
// main() of the child (`bench_sync --client-child`).
int ClientChildMain();

// --- server side (bench_sync_server.cpp) ---

struct ApplyFigures {
  uint64_t changes = 0;
  size_t batches = 0;
  double seconds = 0;
  double cpu_seconds = 0;  // this process's CPU time meanwhile (the rest: waiting for the disk)
};
// SyncService::Push over `store` (a fresh, empty store) of `entries` (a tablet's outbox) in the
// batches the client would build, from a device enrolled for `villages`; no HTTP. Every change
// must be ACCEPTED.
ApplyFigures MeasureApply(ss::ServerStore& store, const std::vector<v1::FormDef>& pack,
                          const std::vector<OutboxEntry>& entries,
                          const std::vector<std::string>& villages);

// Light households to grow a server database cheaply: @form, @state, the village and a handful of
// plain fields of a template household, no members, no signatures; pushed straight through
// SyncService::Push in transactions of 1,000 households, villages of 500 ("填充村N").
class LightFill {
 public:
  static constexpr size_t kLightFields = 8;  // besides @form, @state and village
  explicit LightFill(const std::vector<registry::Household>& templates);
  // Adds `households` more; returns the seconds it took.
  double Push(ss::SyncService& service, const ss::DeviceInfo& reviewer, int households);

 private:
  std::vector<std::vector<std::pair<std::string, v1::Value>>> templates_;
  BenchRandom random_{23};
  int filled_ = 0;
  uint64_t batch_seq_ = 0;
};

struct PullFigures {
  double median_ms = 0;
  uint64_t pages = 0, changes = 0, records = 0, bytes = 0;  // of one run
};
// A device's full pull from cursor 0 over HTTP (libcurl, keep-alive, default pages), decoded but
// not applied, `runs` times; the median time.
PullFigures MeasureVillagePull(const std::string& url, const std::string& credential, int runs);

// ceil(payload / batch size) + 2: the bound on the requests of one sync, where the payload
// is the sync's body bytes both ways and the batch size the client's 256 KiB push batch (a sync
// moving nothing may make 2 requests; every further request must carry a full batch's worth).
uint64_t RequestBound(uint64_t payload_bytes);

}  // namespace doorstep::bench
