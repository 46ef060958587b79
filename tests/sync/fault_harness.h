// Harness of the fault tests (fault_*_test.cpp): a township server that can be stopped and
// reopened on the same SQLite file and port (in-process, or a real `doorstep-server` process that
// is killed with SIGKILL), a FaultProxy in front of it, a ledger of what the server recorded read
// from its SQLite file, and a ledger of what a tablet wrote, so a test can check that every change
// landed exactly once.
//
// Definitions live in fault_harness.cpp (a helper source of doorstep_sync_tests).
// Thread rules: as the pieces it holds (FaultProxy is thread-safe; the rest belongs to the test
// thread, except ServerProcess::Kill, which a test calls while a tablet syncs on another thread).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "client_harness.h"
#include "fault_proxy.h"

namespace doorstep::testing::fault {

// The township server in-process (household form 2024.1 installed), restartable on its file and
// port: Stop() is what a process exit leaves behind (HTTP, service and store closed), Start()
// reopens the same file and listens on the same port.
class RestartableServer {
 public:
  explicit RestartableServer(const std::string& dir);
  ~RestartableServer();
  void Start();
  void Stop();
  void Restart() {
    Stop();
    Start();
  }
  bool running() const { return http_ != nullptr; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& db_path() const { return db_path_; }
  ss::SyncService& service() { return *service_; }
  std::string Token(const std::vector<std::string>& villages);
  std::pair<std::string, uint64_t> Checksum(const std::string& village);
  std::vector<std::string> LogLines();

 private:
  class Logger;
  std::string db_path_;
  int port_ = 0;
  SharedClock clock_;
  posix::SystemRandom random_;
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<ss::SqliteServerStore> store_;
  std::unique_ptr<ss::SyncService> service_;
  std::unique_ptr<ss::HttpServer> http_;
};

// The real `doorstep-server serve` binary on 127.0.0.1:port over a database prepared in-process
// (household form installed, enrollment tokens made before it starts). Kill() is SIGKILL: the
// process dies wherever it is, mid-transaction included.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& dir);
  ~ServerProcess();  // Kill()
  // Enrollment tokens (made in-process while the server is not running).
  std::string Token(const std::vector<std::string>& villages);
  // Spawns the server on the same port as before (a free one the first time) and waits until it
  // accepts connections.
  void Start();
  void Kill();
  int port() const { return port_; }
  int starts() const { return starts_; }
  const std::string& db_path() const { return db_path_; }

 private:
  std::string dir_;
  std::string db_path_;
  int port_ = 0;
  pid_t pid_ = -1;
  int starts_ = 0;
};

// What the server's SQLite file holds (read-only, with SQL on the schema of sqlite_schema.cpp).
struct ServerLedger {
  int64_t last_version = 0;  // versions handed out
  // (record id bytes, path) -> versions written: the current row plus every superseded one.
  std::map<std::pair<std::string, std::string>, int> versions;
  std::map<std::string, int64_t> live_fields;  // per scope: fields holding a value
  int64_t batches = 0;
  int64_t open_conflicts = 0;
  int64_t quarantined = 0;
};
ServerLedger ReadLedger(const std::string& db_path);

// What tablets wrote: one entry per (record, path, HLC) of a pending change. Each must become
// exactly one server version (the tests' tablets never write the same field, so nothing
// conflicts). Note() assumes each noted change is pushed before the field is edited again.
class WriteLedger {
 public:
  // Adds the store's pending changes not noted yet. Call it after each round of edits.
  void Note(Store& store);
  size_t total() const { return noted_.size(); }
  std::map<std::pair<std::string, std::string>, int> expected() const;

 private:
  std::set<std::tuple<std::string, std::string, HlcTimestamp>> noted_;
};

// Every change landed exactly once: the tablet's outbox is empty and nothing is in flight, the
// server handed out exactly one version per noted write and holds exactly the noted writes per
// field, no conflict or quarantine, and the tablet's field count of `village` equals the server's
// live fields there (the digests are compared by Tablet::SyncOk).
void CheckLandedOnce(const std::string& db_path, Tablet& tablet, const WriteLedger& writes,
                     const std::string& village);

// The tablet's synced fields: (record id bytes, path) -> serialized value.
std::map<std::pair<std::string, std::string>, std::string> TabletFields(Store& store);
// The server's current fields (reviewer pull from 0): (record id bytes, path) -> (version,
// serialized value; empty when cleared).
std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> ServerFields(
    ss::SyncService& service);

// Tablet options of the fault tests: one libcurl attempt, so each fault shows in the sync result.
inline Tablet::Options OneAttempt() {
  Tablet::Options o;
  o.curl_attempts = 1;
  return o;
}

// A started proxy in front of `port` (REQUIREs success).
std::unique_ptr<FaultProxy> StartProxy(int port);

// The usual set-up: a restartable server, the proxy in front of it, and one tablet enrolled
// through the proxy (one libcurl attempt), with a ledger of what it wrote.
struct FaultRig {
  TempDir dir;
  RestartableServer server{dir.path().string()};
  std::unique_ptr<FaultProxy> proxy = StartProxy(server.port());
  Tablet tablet{dir.path().string(), "TAB-F", OneAttempt()};
  WriteLedger writes;
  std::mt19937_64 rng{20261123};
  std::vector<RecordId> ids;  // households created by Edit()

  FaultRig();
  // One round of edits on the tablet, noted in `writes`: a new household (`members` members,
  // three signatures) and two fields of the previous household.
  void Edit(int members = 3);
  // The last connection whose request line starts with `prefix` (REQUIREs one).
  ConnectionInfo Last(const std::string& prefix);
  void CheckLandedOnce() { fault::CheckLandedOnce(server.db_path(), tablet, writes, kVillage); }
};

}  // namespace doorstep::testing::fault
