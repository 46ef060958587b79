// Several servers on one PostgreSQL database stay correct: devices push to one household from
// several threads through two servers at once, while a reviewer pulls incrementally through both.
// Run twice: two SyncService instances over two PgServerStore objects in this process, and two
// real `doorstep-server serve --pg` processes (started together on a fresh schema, so they also
// create the schema and install the form concurrently) over HTTP.
//
// Each device edits the shared household's head (concurrently: one conflict) and adds members,
// alternately to the shared household (all pushes wait for its record lock) and to a household
// of its own (pushes ordered only by the version counter).
// Expected: exactly one version sequence (every change applied once, versions unique and
// increasing per device), no lost change (every pushed value is the current one), the reviewer's
// incremental pulls end equal to a fresh full pull (store.h rule 1 across processes), and the
// head-of-household edits from every device form one conflict whose winner is the latest HLC.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "doorstep/server_cli/cli.h"
#include "pg_harness.h"
#include "server_harness.h"

namespace doorstep::testing::srv {
namespace {

namespace ss = sync::server;

constexpr int kDevices = 4;
constexpr int kBatches = 20;
const char kVillage[] = "王家村";

template <typename T>
T Must(Result<T> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

struct Device {
  std::string id;
  std::string credential;
};

// Two servers on the same schema; methods are called from many threads at once.
class Servers {
 public:
  virtual ~Servers() = default;
  virtual Result<v1::PushResult> Push(int server, const Device& d, const v1::ChangeSet& set) = 0;
  virtual Result<v1::PullPage> Pull(int server, const Device& d, int64_t cursor) = 0;
};

class InProcessServers final : public Servers {
 public:
  InProcessServers(pg::Schemas& pg, const std::string& schema) {
    clock_.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
    for (int i = 0; i < 2; ++i) {
      stores_[i] = pg.Open(schema);
      ss::ServiceOptions o;
      o.clock = &clock_;
      o.random = &random_;
      services_[i] = std::make_unique<ss::SyncService>(stores_[i].get(), o);
    }
  }
  Result<v1::PushResult> Push(int server, const Device& d, const v1::ChangeSet& set) override {
    DS_ASSIGN_OR_RETURN(auto who, services_[server]->Authenticate(d.credential));
    return services_[server]->Push(who, set);
  }
  Result<v1::PullPage> Pull(int server, const Device& d, int64_t cursor) override {
    DS_ASSIGN_OR_RETURN(auto who, services_[server]->Authenticate(d.credential));
    v1::PullRequest r;
    r.set_cursor(cursor);
    r.set_page_size(50);
    return services_[server]->Pull(who, r);
  }

 private:
  ServerTestClock clock_;
  SeededRandom random_{11};
  std::unique_ptr<ss::PgServerStore> stores_[2];
  std::unique_ptr<ss::SyncService> services_[2];
};

class HttpServers final : public Servers {
 public:
  explicit HttpServers(std::vector<int> ports) : ports_(std::move(ports)) {}
  Result<v1::PushResult> Push(int server, const Device& d, const v1::ChangeSet& set) override {
    v1::PushResult out;
    DS_RETURN_IF_ERROR(Post(server, "/v1/push", d, set, &out));
    return out;
  }
  Result<v1::PullPage> Pull(int server, const Device& d, int64_t cursor) override {
    v1::PullRequest r;
    r.set_cursor(cursor);
    r.set_page_size(50);
    v1::PullPage out;
    DS_RETURN_IF_ERROR(Post(server, "/v1/pull", d, r, &out));
    return out;
  }

 private:
  // Thread-safe: a client per call; a 503 is kUnavailable (the caller retries), as on a tablet.
  Status Post(int server, const std::string& path, const Device& d,
              const google::protobuf::MessageLite& m, google::protobuf::MessageLite* out) {
    httplib::Client c("127.0.0.1", ports_[static_cast<size_t>(server)]);
    c.set_decompress(false);
    c.set_read_timeout(60, 0);
    DS_ASSIGN_OR_RETURN(std::string body, sync::EncodeBody(m, sync::Encoding::kZstd));
    httplib::Headers headers{{"Authorization", "Bearer " + d.credential},
                             {"Content-Encoding", "zstd"},
                             {"Accept-Encoding", "zstd"}};
    auto r = c.Post(path, headers, body, "application/x-protobuf");
    if (!r) return Status(Code::kUnavailable, "HTTP error: " + httplib::to_string(r.error()));
    DS_ASSIGN_OR_RETURN(auto enc, sync::ParseEncoding(r->get_header_value("Content-Encoding")));
    if (r->status != 200) {
      v1::ErrorBody e;
      (void)sync::DecodeBody(r->body, enc, &e);
      return Status(r->status == 503 ? Code::kUnavailable : Code::kInternal,
                    path + " answered " + std::to_string(r->status) + ": " + e.message());
    }
    return sync::DecodeBody(r->body, enc, out);
  }
  std::vector<int> ports_;
};

HlcTimestamp H(int64_t plus_ms) {
  static const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
  return MakeHlc(now + plus_ms, 0);
}

std::string MemberPath(int device, int batch) {
  char id[64];
  std::snprintf(id, sizeof id, "members[3f2a%04d-0000-4000-8000-%012d]", device, batch);
  return id;
}

// Odd batches add a member to the shared household (every device locks the same record), even
// ones to the device's own household, created in batch 2 (no record lock in common: only the
// version counter orders these pushes, which is what store.h rule 1 is about).
RecordId OwnHousehold(int device) { return Rid(100 + device); }
RecordId MemberRecord(int device, int batch) { return batch % 2 ? Rid(1) : OwnHousehold(device); }
v1::Value MemberName(int device, int batch) {
  return Text(std::to_string(device) + "-" + std::to_string(batch));
}

std::string ValueText(const v1::PullPage& page, const v1::FieldChange& c) {
  const std::string& path = sync::ChangePath(page, c);
  return c.cleared() ? "<cleared>" : c.value().SerializeAsString() + "@" + path;
}

using State = std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>>;

void Apply(const v1::PullPage& page, State* state) {
  for (const auto& c : page.changes()) {
    (*state)[{c.record_id(), sync::ChangePath(page, c)}] = {c.version(), ValueText(page, c)};
  }
}

struct Writer {
  std::vector<v1::PushResult> results;  // one per batch
  std::string error;
  int retries = 0;
};

// Pushes `set` through `server`, resending on kUnavailable as a tablet does.
Result<v1::PushResult> PushWithRetry(Servers& servers, int server, const Device& d,
                                     const v1::ChangeSet& set, int* retries) {
  for (int attempt = 0;; ++attempt) {
    auto r = servers.Push(server, d, set);
    if (r.ok() || r.status().code() != Code::kUnavailable || attempt == 50) return r;
    ++*retries;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The scenario, on a schema whose household form is installed; `admin` reads the final state.
void RunScenario(Servers& servers, ss::SyncService& admin) {
  std::vector<Device> devices;
  auto enroll = [&](bool reviewer) {
    auto token = Must(admin.CreateEnrollmentToken("第一工作队", {kVillage}, reviewer));
    v1::EnrollRequest r;
    r.set_token(token.token);
    auto e = Must(admin.Enroll(r));
    return Device{e.device_id(), e.credential()};
  };
  for (int d = 0; d < kDevices; ++d) devices.push_back(enroll(false));
  const Device creator = enroll(false);
  const Device reviewer = enroll(true);
  auto by = [](const Device& d) { return Author{"surveyor-" + d.id.substr(0, 6), d.id}; };

  BatchBuilder create(creator.id, 1, by(creator));
  create.NewHousehold(Rid(1), kVillage, H(0));
  auto created = Must(servers.Push(0, creator, create.set()));
  REQUIRE(created.results_size() == 4);
  const int64_t head_base = created.results(3).version();

  std::vector<Writer> writers(kDevices);
  std::atomic<int> running{kDevices};
  State pulled;
  std::string reader_error;
  std::vector<std::thread> threads;
  for (int d = 0; d < kDevices; ++d) {
    threads.emplace_back([&, d] {
      Writer& w = writers[static_cast<size_t>(d)];
      const Device& dev = devices[static_cast<size_t>(d)];
      for (int b = 1; b <= kBatches && w.error.empty(); ++b) {
        BatchBuilder batch(dev.id, static_cast<uint64_t>(b), by(dev));
        if (b == 1) {
          batch.Set(Rid(1), "head_name", Text("户主" + std::to_string(d)), head_base, H(1000 + d));
        }
        if (b == 2) batch.NewHousehold(OwnHousehold(d), kVillage, H(2000));
        v1::Value marker;
        marker.mutable_instance()->set_ordinal(static_cast<uint32_t>(b));
        batch.Set(MemberRecord(d, b), MemberPath(d, b), marker, 0, H(2000 + b))
            .Set(MemberRecord(d, b), MemberPath(d, b) + "/m_name", MemberName(d, b), 0,
                 H(2000 + b));
        auto r = PushWithRetry(servers, (d + b) % 2, dev, batch.set(), &w.retries);
        if (!r.ok()) w.error = r.status().ToString();
        if (r.ok()) w.results.push_back(std::move(r).value());
      }
      --running;
    });
  }
  threads.emplace_back([&] {
    int64_t cursor = 0;
    for (int round = 0; reader_error.empty(); ++round) {
      const bool last = running.load() == 0;  // writers done: this round reads to the end
      for (;;) {
        auto page = servers.Pull(round % 2, reviewer, cursor);
        if (!page.ok()) {
          reader_error = page.status().ToString();
          return;
        }
        Apply(*page, &pulled);
        cursor = page->next_cursor();
        if (!page->more()) break;
      }
      if (last) return;
    }
  });
  for (auto& t : threads) t.join();

  REQUIRE(reader_error.empty());
  int retries = 0;
  std::set<int64_t> versions;
  int accepted_heads = 0, conflicted_heads = 0;
  std::set<int64_t> conflict_ids;
  for (int d = 0; d < kDevices; ++d) {
    const Writer& w = writers[static_cast<size_t>(d)];
    INFO("device " << d << ": " << w.error);
    REQUIRE(w.error.empty());
    REQUIRE(w.results.size() == static_cast<size_t>(kBatches));
    retries += w.retries;
    int64_t previous = 0;
    for (const auto& r : w.results) {
      CHECK_FALSE(r.replayed());
      for (const auto& c : r.results()) {
        if (c.outcome() == v1::ChangeResult::CONFLICT) {
          ++conflicted_heads;
          conflict_ids.insert(c.conflict_id());
          continue;
        }
        REQUIRE(c.outcome() == v1::ChangeResult::ACCEPTED);
        if (c.index() == 0 && r.batch_seq() == 1) ++accepted_heads;
        CHECK(c.version() > previous);  // one device's changes: increasing versions
        previous = c.version();
        CHECK(versions.insert(c.version()).second);  // and nobody else got the same version
      }
    }
  }
  WARN("pushes resent after 503: " << retries);
  CHECK(accepted_heads == 1);
  CHECK(conflicted_heads == kDevices - 1);
  CHECK(conflict_ids.size() == 1);
  CHECK(versions.size() == static_cast<size_t>(kDevices * (kBatches * 2 + 4) + 1));

  State full;
  int64_t cursor = 0;
  for (;;) {
    v1::PullRequest r;
    r.set_cursor(cursor);
    auto page = Must(admin.Pull(ss::DeviceInfo::Admin(), r));
    Apply(page, &full);
    cursor = page.next_cursor();
    if (!page.more()) break;
  }
  CHECK(full.size() == static_cast<size_t>(4 + kDevices * (4 + kBatches * 2)));
  // The reviewer's incremental pulls through both servers missed nothing (store.h rule 1).
  size_t missed = 0;
  for (const auto& [key, value] : full) {
    auto it = pulled.find(key);
    if (it == pulled.end() || it->second != value) ++missed;
  }
  CHECK(missed == 0);
  CHECK(pulled.size() == full.size());
  const std::string rid(Rid(1).AsBytes());
  for (int d = 0; d < kDevices; ++d) {
    for (int b = 1; b <= kBatches; ++b) {
      const std::string path = MemberPath(d, b) + "/m_name";
      auto it = full.find({std::string(MemberRecord(d, b).AsBytes()), path});
      REQUIRE(it != full.end());
      CHECK(it->second.second == MemberName(d, b).SerializeAsString() + "@" + path);
      CHECK(versions.count(it->second.first) == 1);
    }
  }
  const std::string last_head = "户主" + std::to_string(kDevices - 1);
  CHECK(full.at({rid, "head_name"}).second == Text(last_head).SerializeAsString() + "@head_name");

  auto conflicts = Must(admin.Conflicts(ss::DeviceInfo::Admin(), false)).conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].id() == *conflict_ids.begin());
  CHECK(conflicts[0].path() == "head_name");
  std::set<std::string> candidates;
  for (const auto& c : conflicts[0].candidates()) candidates.insert(c.value().text());
  std::set<std::string> expected;
  for (int d = 0; d < kDevices; ++d) expected.insert("户主" + std::to_string(d));
  CHECK(candidates == expected);
  CHECK(conflicts[0].candidates(static_cast<int>(conflicts[0].winner())).value().text() ==
        last_head);

  int64_t shared_max = 0;
  for (const auto& [key, value] : full) {
    if (key.first == rid) shared_max = std::max(shared_max, value.first);
  }
  auto header = Must(admin.store().Pull({true, {}, 0, 1000, {}}));
  REQUIRE(header.records.size() == static_cast<size_t>(1 + kDevices));
  CHECK(header.records[0].id == Rid(1));
  CHECK(header.records[0].max_version == shared_max);
}

std::unique_ptr<ss::SyncService> AdminService(ss::ServerStore* store, ServerTestClock* clock,
                                              SeededRandom* random) {
  ss::ServiceOptions o;
  o.clock = clock;
  o.random = random;
  return std::make_unique<ss::SyncService>(store, o);
}

}  // namespace

TEST_CASE("PostgreSQL store: two services on one database, concurrent pushes to one household",
          "[sync][pg]") {
  pg::Schemas pg;
  const std::string schema = pg.New();
  auto store = pg.Open(schema);
  ServerTestClock clock;
  SeededRandom random(3);
  auto admin = AdminService(store.get(), &clock, &random);
  Must(admin->InstallForms({HouseholdForm("2024.1")}));
  InProcessServers servers(pg, schema);
  RunScenario(servers, *admin);
}

TEST_CASE("PostgreSQL store: two doorstep-server processes on one database, concurrent pushes "
          "to one household",
          "[sync][pg]") {
  pg::Schemas pg;
  const std::string schema = pg.New();
  const std::string binary = DOORSTEP_SERVER_PATH;
  INFO("the doorstep-server binary is built with the tests: " << binary);
  REQUIRE(std::filesystem::exists(binary));
  TempDir dir;
  std::vector<std::unique_ptr<pg::ServerProcess>> processes;
  for (int i = 0; i < 2; ++i) {  // both at once: they race to create the schema and install
    processes.push_back(std::make_unique<pg::ServerProcess>(
        std::vector<std::string>{binary, "serve", "--pg", pg.conninfo(), "--pg-schema", schema,
                                 "--listen", "127.0.0.1:0", "--threads", "4", "--form",
                                 SourcePath("forms/household_v1.json")},
        dir.File("server" + std::to_string(i) + ".log")));
  }
  std::vector<int> ports;
  for (int i = 0; i < 2; ++i) {
    ports.push_back(processes[static_cast<size_t>(i)]->WaitForPort());
    std::ifstream log(dir.File("server" + std::to_string(i) + ".log"));
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    INFO("server " << i << " log:\n" << text);
    REQUIRE(ports.back() > 0);
  }
  {
    auto store = pg.Open(schema);
    CHECK(Must(store->ListForms()).size() == 1);
    ServerTestClock clock;
    SeededRandom random(5);
    auto admin = AdminService(store.get(), &clock, &random);
    HttpServers servers(ports);
    RunScenario(servers, *admin);
  }
  for (auto& p : processes) CHECK(p->Stop() == 0);
}

}  // namespace doorstep::testing::srv
