// bench_sync: households, the server, tablets, counting transport and output (bench_sync.h).
#include <filesystem>
#include <set>
#include <utility>

#include "bench_sync.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/sample.h"
#include "doorstep/sync/codec.h"

namespace doorstep::bench {

double SecondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

namespace {
std::string g_scratch_dir;
}  // namespace

void SetScratchDir(const std::string& dir) { g_scratch_dir = dir; }

void Fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "bench_sync: %s: %s\n", what.c_str(), status.ToString().c_str());
  if (!g_scratch_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(g_scratch_dir, ec);
  }
  std::_Exit(1);  // server threads may still run: skip static destructors
}

void Figure(const std::string& name, const std::string& value) {
  std::printf("%s: %s\n", name.c_str(), value.c_str());
  std::fflush(stdout);
}

void Figure(const std::string& name, double value, int decimals) {
  std::printf("%s: %.*f\n", name.c_str(), decimals, value);
  std::fflush(stdout);
}

void Target(const std::string& name, bool met) { Figure(name + "_target_met", met ? "yes" : "no"); }

std::vector<registry::Household> MakeVillages(uint64_t first_seed, int count,
                                              std::vector<std::string>* village_names) {
  std::vector<registry::Household> all;
  std::set<std::string> seen;
  for (uint64_t seed = first_seed; static_cast<int>(seen.size()) < count; ++seed) {
    registry::SampleOptions o;
    o.villages = 1;
    o.households = kVillageHouseholds;
    o.seed = seed;
    o.plant_problems = false;
    registry::Sample sample = registry::GenerateTownship(o);
    if (sample.township.households.empty()) continue;
    const std::string village = sample.township.households.front().village;
    if (!seen.insert(village).second) continue;  // same name as an earlier village
    if (village_names != nullptr) village_names->push_back(village);
    for (auto& h : sample.township.households) all.push_back(std::move(h));
  }
  return all;
}

Result<sc::HttpResponse> CountingTransport::Send(const sc::HttpRequest& request) {
  auto answer = inner_.Send(request);
  std::string path = request.url;
  const size_t scheme = path.find("://");
  const size_t slash = path.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  path = slash == std::string::npos ? "/" : path.substr(slash);
  path = path.substr(0, path.find('?'));
  Counts& c = by_endpoint_[path];
  ++c.requests;
  if (answer.ok()) {  // a failed request ends the benchmark (Fail); its bytes do not matter
    c.bytes_sent += answer->bytes_sent;
    c.bytes_received += answer->bytes_received;
  }
  return answer;
}

CountingTransport::Counts CountingTransport::Total() const {
  Counts t;
  for (const auto& [path, c] : by_endpoint_) {
    t.requests += c.requests;
    t.bytes_sent += c.bytes_sent;
    t.bytes_received += c.bytes_received;
  }
  return t;
}

std::string CountingTransport::Describe() const {
  std::string out;
  for (const auto& [path, c] : by_endpoint_) {
    if (!out.empty()) out += ", ";
    out += path + " x" + std::to_string(c.requests);
  }
  return out;
}

CountingTransport::Counts CountingTransport::Of(const std::string& path) const {
  auto it = by_endpoint_.find(path);
  return it == by_endpoint_.end() ? Counts{} : it->second;
}

BenchServer::BenchServer(const std::string& db_path, const std::vector<v1::FormDef>& pack) {
  ss::SqliteStoreOptions so;
  so.path = db_path;
  store_ = Must(ss::SqliteServerStore::Open(so), "open the server store " + db_path);
  ss::ServiceOptions o;
  o.clock = &clock_;
  o.random = &random_;
  service_ = std::make_unique<ss::SyncService>(store_.get(), o);
  Must(service_->InstallForms(pack), "install the form pack on the server");
  ss::HttpServerOptions ho;
  ho.threads = 4;
  http_ = std::make_unique<ss::HttpServer>(service_.get(), ho);
  Must(http_->Start(), "start the HTTP server");
}

BenchServer::~BenchServer() { http_->Stop(); }

std::string BenchServer::Token(const std::vector<std::string>& villages, bool reviewer) {
  return Must(service_->CreateEnrollmentToken("第一工作队", villages, reviewer), "token").token;
}

ss::DeviceInfo BenchServer::Device(const std::vector<std::string>& villages, bool reviewer,
                                   std::string* credential) {
  v1::EnrollRequest request;
  request.set_token(Token(villages, reviewer));
  request.set_device_name("bench");
  auto enrolled = Must(service_->Enroll(request), "enroll a device");
  if (credential != nullptr) *credential = enrolled.credential();
  return Must(service_->Authenticate(enrolled.credential()), "authenticate the device");
}

sc::CurlOptions BenchCurlOptions() {
  sc::CurlOptions o;
  o.retry.base_delay = std::chrono::milliseconds(10);
  o.retry.max_delay = std::chrono::milliseconds(100);
  return o;
}

TabletBuild BuildTablet(const std::string& path, const std::string& server_url,
                        const std::string& token,
                        const std::vector<registry::Household>& households) {
  BenchClock clock;
  BenchRandom random(std::hash<std::string>{}(path));
  StoreOptions so;
  so.path = path;
  so.clock = &clock;
  so.random = &random;
  so.durability = Durability::kOff;  // building the fixture; the syncs reopen it with FULL
  auto store = Must(Store::Open(so), "open tablet " + path);
  Must(store->SetAuthor({"S-bench", "tablet-bench"}), "set the tablet's author");
  {
    sc::CurlTransport curl(BenchCurlOptions());
    sc::SyncClient client(*store, curl);
    Must(client.Enroll(server_url, token, "bench tablet"), "enroll tablet " + path);
  }
  TabletBuild build;
  build.ids.reserve(households.size());
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& h : households) {
    build.ids.push_back(Must(registry::CreateHouseholdRecord(
                                 *store, h, registry::kPackVersion,
                                 [&clock](int64_t ms) { clock.now_ms = ms; }, kNowMs),
                             "create household " + h.id));
  }
  build.create_s = SecondsSince(t0);
  return build;
}

std::unique_ptr<Store> OpenTablet(const std::string& path, Clock* clock, Random* random) {
  StoreOptions so;
  so.path = path;
  so.clock = clock;
  so.random = random;
  return Must(Store::Open(so), "open tablet " + path);
}

SyncFigures SyncOnce(Store& store) {
  sc::CurlTransport curl(BenchCurlOptions());
  CountingTransport counting(curl);
  sc::SyncClient client(store, counting);
  SyncFigures f;
  // Time per phase: the progress callback reports each phase as it starts.
  sc::SyncPhase phase = sc::SyncPhase::kForms;
  auto phase_start = std::chrono::steady_clock::now();
  auto account = [&f, &phase, &phase_start](sc::SyncPhase next) {
    if (next == phase) return;
    const double s = SecondsSince(phase_start);
    if (phase == sc::SyncPhase::kPush) f.push_s += s;
    if (phase == sc::SyncPhase::kPull) f.pull_s += s;
    if (phase == sc::SyncPhase::kChecksum) f.checksum_s += s;
    phase = next;
    phase_start = std::chrono::steady_clock::now();
  };
  const auto t0 = std::chrono::steady_clock::now();
  sc::SyncResult r = client.Sync({}, [&account](const sc::SyncProgress& p) { account(p.phase); });
  account(sc::SyncPhase::kDone);
  f.seconds = SecondsSince(t0);
  f.ok = r.status.ok();
  f.error = r.status.ToString();
  const auto total = counting.Total();
  const auto push = counting.Of("/v1/push");
  const auto pull = counting.Of("/v1/pull");
  f.requests = total.requests;
  f.bytes_sent = total.bytes_sent;
  f.bytes_received = total.bytes_received;
  f.push_requests = push.requests;
  f.push_bytes_sent = push.bytes_sent;
  f.push_bytes_received = push.bytes_received;
  f.pull_requests = pull.requests;
  f.pull_bytes_received = pull.bytes_received;
  f.changes_pushed = r.changes_pushed;
  f.changes_pulled = r.changes_pulled;
  f.records_created = r.records_created;
  f.checksums_match = r.checksums_verified && r.checksums_match();
  f.endpoints = counting.Describe();
  return f;
}

uint64_t RequestBound(uint64_t payload_bytes) {
  const uint64_t batch = sync::kDefaultBatchBytes;
  return (payload_bytes + batch - 1) / batch + 2;
}

}  // namespace doorstep::bench
