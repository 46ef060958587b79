// Definitions of fault_harness.h (no test cases here).
#include "fault_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "doorstep/sync/wire.h"
#include "household_sample.h"

extern char** environ;

namespace doorstep::testing::fault {
namespace {

// A port nobody listens on right now (the server binds it with SO_REUSEADDR).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// Opens a server store on `path` with the household form installed, for in-process administration.
struct AdminService {
  SharedClock clock;
  posix::SystemRandom random;
  std::unique_ptr<ss::SqliteServerStore> store;
  std::unique_ptr<ss::SyncService> service;

  explicit AdminService(const std::string& path) {
    ss::SqliteStoreOptions so;
    so.path = path;
    so.connections = 2;
    auto opened = ss::SqliteServerStore::Open(so);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    ss::ServiceOptions o;
    o.clock = &clock;
    o.random = &random;
    service = std::make_unique<ss::SyncService>(store.get(), o);
    auto installed = service->InstallForms({HouseholdForm("2024.1")});
    INFO(installed.status().ToString());
    REQUIRE(installed.ok());
  }

  std::string Token(const std::vector<std::string>& villages) {
    auto token = service->CreateEnrollmentToken("第一工作队", villages, false);
    INFO(token.status().ToString());
    REQUIRE(token.ok());
    return token->token;
  }
};

std::string RecordText(const std::string& id_bytes) {
  return id_bytes.size() == 16 ? Uuid::FromBytes(id_bytes.data()).ToString() : "?";
}

}  // namespace

// ---- RestartableServer ----

class RestartableServer::Logger final : public doorstep::Logger {
 public:
  void Log(LogLevel, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.emplace_back(message);
  }
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

RestartableServer::RestartableServer(const std::string& dir)
    : db_path_(dir + "/server.db"), logger_(std::make_unique<Logger>()) {
  Start();
}

RestartableServer::~RestartableServer() { Stop(); }

void RestartableServer::Start() {
  if (running()) return;
  ss::SqliteStoreOptions so;
  so.path = db_path_;
  so.connections = 2;
  auto opened = ss::SqliteServerStore::Open(so);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  store_ = std::move(opened).value();
  ss::ServiceOptions o;
  o.clock = &clock_;
  o.random = &random_;
  o.logger = logger_.get();
  service_ = std::make_unique<ss::SyncService>(store_.get(), o);
  auto installed = service_->InstallForms({HouseholdForm("2024.1")});
  INFO(installed.status().ToString());
  REQUIRE(installed.ok());
  ss::HttpServerOptions ho;
  ho.threads = 4;
  ho.port = port_;  // 0 the first time; the same port after a restart
  ho.logger = logger_.get();
  ho.enroll_per_minute = 0;  // the fault tests enroll a tablet per trial
  http_ = std::make_unique<ss::HttpServer>(service_.get(), ho);
  Status started = http_->Start();
  INFO(started.ToString());
  REQUIRE(started.ok());
  port_ = http_->port();
}

void RestartableServer::Stop() {
  if (!running()) return;
  http_->Stop();
  http_.reset();
  service_.reset();
  store_.reset();
}

std::string RestartableServer::Token(const std::vector<std::string>& villages) {
  auto token = service_->CreateEnrollmentToken("第一工作队", villages, false);
  INFO(token.status().ToString());
  REQUIRE(token.ok());
  return token->token;
}

std::pair<std::string, uint64_t> RestartableServer::Checksum(const std::string& village) {
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

std::vector<std::string> RestartableServer::LogLines() { return logger_->Lines(); }

// ---- ServerProcess ----

ServerProcess::ServerProcess(const std::string& dir) : dir_(dir), db_path_(dir + "/server.db") {
  AdminService admin(db_path_);  // creates the file with the form installed
}

ServerProcess::~ServerProcess() { Kill(); }

std::string ServerProcess::Token(const std::vector<std::string>& villages) {
  AdminService admin(db_path_);
  return admin.Token(villages);
}

void ServerProcess::Start() {
  REQUIRE(pid_ < 0);
  if (port_ == 0) port_ = FreePort();
  ++starts_;
  const std::string log = dir_ + "/server-" + std::to_string(starts_) + ".log";
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> args = {DOORSTEP_SERVER_PATH, "serve", "--db", db_path_,
                                   "--listen", listen, "--threads", "4",
                                   "--enroll-per-minute", "0",
                                   // tokens come from a fixture clock (2026-11-23), the
                                   // process runs on the real one
                                   "--token-valid-days", "365"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  INFO("spawning " << args[0] << ": " << std::strerror(rc));
  REQUIRE(rc == 0);
  // Ready once it accepts connections (within 20 s, even under a sanitizer).
  for (int i = 0; i < 2000; ++i) {
    if (Accepts(port_)) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      INFO("doorstep-server exited: " << ReadFileBytes(log));
      REQUIRE(false);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO("doorstep-server did not start: " << ReadFileBytes(log));
  REQUIRE(false);
}

void ServerProcess::Kill() {
  if (pid_ < 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

// ---- ledgers ----

ServerLedger ReadLedger(const std::string& db_path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(db, sqlite3_close);
  INFO(db_path << ": " << sqlite3_errmsg(db));
  REQUIRE(rc == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  auto each = [&](const char* sql, const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* stmt = nullptr;
    INFO(sql << ": " << sqlite3_errmsg(db));
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
    REQUIRE(step == SQLITE_DONE);
  };
  auto text = [](sqlite3_stmt* s, int i) {
    return std::string(static_cast<const char*>(sqlite3_column_blob(s, i)),
                       static_cast<size_t>(sqlite3_column_bytes(s, i)));
  };
  ServerLedger l;
  each("BEGIN", [](sqlite3_stmt*) {});  // one snapshot for every count
  each("SELECT value FROM meta WHERE key = 'last_version'",
       [&](sqlite3_stmt* s) { l.last_version = sqlite3_column_int64(s, 0); });
  each("SELECT record_id, path, COUNT(*) FROM (SELECT record_id, path FROM field UNION ALL "
       "SELECT record_id, path FROM field_history) GROUP BY record_id, path",
       [&](sqlite3_stmt* s) {
         l.versions[{text(s, 0), text(s, 1)}] = sqlite3_column_int(s, 2);
       });
  each("SELECT scope, COUNT(*) FROM field WHERE value IS NOT NULL GROUP BY scope",
       [&](sqlite3_stmt* s) { l.live_fields[text(s, 0)] = sqlite3_column_int64(s, 1); });
  each("SELECT COUNT(*) FROM batch",
       [&](sqlite3_stmt* s) { l.batches = sqlite3_column_int64(s, 0); });
  each("SELECT COUNT(*) FROM conflict WHERE open = 1",
       [&](sqlite3_stmt* s) { l.open_conflicts = sqlite3_column_int64(s, 0); });
  each("SELECT COUNT(*) FROM quarantine",
       [&](sqlite3_stmt* s) { l.quarantined = sqlite3_column_int64(s, 0); });
  each("COMMIT", [](sqlite3_stmt*) {});
  return l;
}

void WriteLedger::Note(Store& store) {
  auto pending = store.PendingChanges();
  INFO(pending.status().ToString());
  REQUIRE(pending.ok());
  for (const auto& e : *pending) {
    noted_.emplace(std::string(e.record_id.AsBytes()), e.path, e.hlc);
  }
}

std::map<std::pair<std::string, std::string>, int> WriteLedger::expected() const {
  std::map<std::pair<std::string, std::string>, int> out;
  for (const auto& [id, path, hlc] : noted_) ++out[{id, path}];
  return out;
}

void CheckLandedOnce(const std::string& db_path, Tablet& tablet, const WriteLedger& writes,
                     const std::string& village) {
  INFO("tablet " << tablet.name());
  CHECK(tablet.Pending() == 0);
  CHECK(tablet.store().GetSyncValue(sc::kKeyInflight).value().empty());
  const ServerLedger l = ReadLedger(db_path);
  CHECK(l.last_version == static_cast<int64_t>(writes.total()));
  // Field by field: a lost change shows as a missing or short count, a duplicate as a long one.
  const auto expected = writes.expected();
  std::string diff;
  for (const auto& [key, n] : expected) {
    auto it = l.versions.find(key);
    const int got = it == l.versions.end() ? 0 : it->second;
    if (got != n) {
      diff += RecordText(key.first) + " " + key.second + ": " + std::to_string(got) +
              " versions, " + std::to_string(n) + " writes\n";
    }
  }
  for (const auto& [key, n] : l.versions) {
    if (expected.count(key) == 0) {
      diff += RecordText(key.first) + " " + key.second + ": " + std::to_string(n) +
              " versions, never written\n";
    }
  }
  INFO(diff);
  CHECK(diff.empty());
  CHECK(l.open_conflicts == 0);
  CHECK(l.quarantined == 0);
  const auto local = tablet.Checksum(village);
  const auto live = l.live_fields.find(village);
  CHECK(static_cast<int64_t>(local.second) == (live == l.live_fields.end() ? 0 : live->second));
}

std::map<std::pair<std::string, std::string>, std::string> TabletFields(Store& store) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  Status s = store.ForEachSyncedField({}, [&](const SyncedField& f) {
    out[{std::string(f.record_id.AsBytes()), f.path}] = f.value->SerializeAsString();
  });
  INFO(s.ToString());
  REQUIRE(s.ok());
  return out;
}

std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> ServerFields(
    ss::SyncService& service) {
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> out;
  int64_t cursor = 0;
  for (;;) {
    v1::PullRequest request;
    request.set_cursor(cursor);
    request.set_page_size(5000);
    auto page = service.Pull(ss::DeviceInfo::Admin(), request);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    for (const auto& c : page->changes()) {
      out[{c.record_id(), sync::ChangePath(*page, c)}] = {
          c.version(), c.cleared() ? std::string() : c.value().SerializeAsString()};
    }
    if (!page->more()) return out;
    cursor = page->next_cursor();
  }
}

std::unique_ptr<FaultProxy> StartProxy(int port) {
  auto proxy = std::make_unique<FaultProxy>(port);
  Status started = proxy->Start();
  INFO(started.ToString());
  REQUIRE(started.ok());
  return proxy;
}

FaultRig::FaultRig() { tablet.Enroll(proxy->url(), server.Token({kVillage})); }

void FaultRig::Edit(int members) {
  testdata::HouseholdOptions options;
  options.members = members;
  auto id = tablet.store().CreateRecord("household", "", testdata::HouseholdEdits(rng, options));
  INFO(id.status().ToString());
  REQUIRE(id.ok());
  if (!ids.empty()) {
    const std::string n = std::to_string(ids.size());
    REQUIRE(tablet.store().SetValue(ids.back(), "phone", Text("1390000" + n)).ok());
    const double wage = 1000.0 + 7.0 * static_cast<double>(ids.size());
    REQUIRE(tablet.store().SetValue(ids.back(), "wage_income", Dec(wage)).ok());
  }
  ids.push_back(*id);
  writes.Note(tablet.store());
}

ConnectionInfo FaultRig::Last(const std::string& prefix) {
  auto found = proxy->Connections(prefix);
  INFO("no connection for " << prefix);
  REQUIRE_FALSE(found.empty());
  return found.back();
}

}  // namespace doorstep::testing::fault
