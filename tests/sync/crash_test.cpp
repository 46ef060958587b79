// Crash trials: capture and sync by the real `doorstep` command line, and the real
// `doorstep-server`, killed with SIGKILL at seeded random moments (DOORSTEP_CRASH_TRIALS trials,
// 300 by default; scripts/test.sh runs fewer under ASan). After every kill: both files pass
// integrity_check; the interrupted edit either happened whole or not at all; then a complete sync
// converges (the CLI checks the checksums and fails on a mismatch), nothing is left pending, and
// the server holds every committed edit exactly once (one version per edit: a change applied
// twice would be a second version).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "client_harness.h"
#include "fault_harness.h"

extern char** environ;

namespace doorstep::testing::fault {
namespace {

std::string CliBinary() {
  return (std::filesystem::path(DOORSTEP_BINARY_DIR) / "platform" / "cli" / "doorstep").string();
}

// Spawns `argv` (its output appended to `log`).
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> a = args;
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

// Waits for `pid`; its exit code (-1 when killed by a signal).
int Wait(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `args` until it exits or `deadline` passes, when it is killed with SIGKILL (a direct
// child: reaped at once, its file locks gone with it). True when it exited by itself with 0.
bool RunUntil(const std::vector<std::string>& args, const std::string& log,
              std::chrono::steady_clock::time_point deadline) {
  const pid_t pid = Spawn(args, log);
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    REQUIRE(done >= 0);
    if (done == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      REQUIRE(waitpid(pid, &status, 0) == pid);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

int RunCli(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> all{CliBinary()};
  all.insert(all.end(), args.begin(), args.end());
  return Wait(Spawn(all, log));
}

// Read-write, as the next process would open it: the first connection after a crash recovers
// the WAL (a read-only one cannot).
std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* st = nullptr;
  std::string result;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  } else {
    result = std::string("no answer: ") + sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

// The phone value of the record as stored on the tablet (its serialized v1::Value's text).
std::string LocalPhone(const std::string& path, const RecordId& id) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT value FROM value WHERE record_id = ? AND path = 'phone'",
                             -1, &st, nullptr) == SQLITE_OK);
  sqlite3_bind_blob(st, 1, id.AsBytes().data(), 16, SQLITE_TRANSIENT);
  std::string text;
  if (sqlite3_step(st) == SQLITE_ROW) {
    v1::Value v;
    REQUIRE(v.ParseFromArray(sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0)));
    text = v.text();
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return text;
}

}  // namespace

TEST_CASE("crash trials: the CLI and the server killed at random moments lose nothing",
          "[crash][fault]") {
  if (!std::filesystem::exists(CliBinary())) {
    WARN("the doorstep command line is not built; skipped");
    return;
  }
  const char* env = std::getenv("DOORSTEP_CRASH_TRIALS");
  const int trials = env != nullptr ? std::atoi(env) : 300;
  REQUIRE(trials > 0);
  TempDir dir;
  const std::string d = dir.path().string();
  ServerProcess server(d);
  const std::string token = server.Token({kVillage});
  server.Start();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  const std::string tab = d + "/tab.db";
  const std::string log = d + "/cli.log";

  // The tablet's store, made in-process and then closed: from here on only the CLI writes it.
  RecordId id;
  {
    Tablet t(d, "tab", Tablet::Options{});
    t.Enroll(url, token);
    auto created = t.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
    REQUIRE(created.ok());
    id = *created;
  }
  const std::vector<std::string> db{"--db", tab};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), db.begin(), db.end());
    return args;
  };
  REQUIRE(RunCli(with({"sync", "--no-progress"}), log) == 0);

  std::mt19937_64 rng(20261207);
  int committed = 0, client_kills = 0, server_kills = 0, finished = 0;
  std::string before = LocalPhone(tab, id);
  const auto started = std::chrono::steady_clock::now();
  for (int trial = 0; trial < trials; ++trial) {
    const std::string value = "1380000" + std::to_string(1000 + trial);
    const bool kill_server = rng() % 4 == 0;
    // 0-40 ms: a record set and a sync take about that long, so most kills land inside them.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(rng() % 40000);
    std::vector<std::string> set{CliBinary(), "--db", tab, "record", "set", id.ToString(),
                                 "phone", value};
    std::vector<std::string> sync{CliBinary(), "--db", tab, "sync", "--no-progress"};
    const bool done = RunUntil(set, log, deadline) && RunUntil(sync, log, deadline);
    if (kill_server) {
      server.Kill();
      ++server_kills;
    }
    if (done) {
      ++finished;
    } else {
      ++client_kills;
    }
    INFO("trial " << trial << (kill_server ? ", server killed" : ""));
    REQUIRE(IntegrityCheck(tab) == "ok");
    if (kill_server) {
      REQUIRE(IntegrityCheck(server.db_path()) == "ok");
      server.Start();
    }
    // The edit happened whole or not at all.
    const std::string now = LocalPhone(tab, id);
    REQUIRE((now == before || now == value));
    if (now == value) ++committed;
    before = now;
    // A complete sync converges: checksums equal (the CLI fails on a mismatch), nothing pending.
    REQUIRE(RunCli(with({"sync", "--no-progress"}), log) == 0);
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count() /
                       1000.0;
  server.Kill();
  {
    Tablet t(d, "tab", Tablet::Options{});
    CHECK(t.Pending() == 0);
  }
  // Every committed edit is exactly one version of the field on the server (plus the first).
  ServerLedger ledger = ReadLedger(server.db_path());
  const auto key = std::make_pair(std::string(id.AsBytes()), std::string("phone"));
  const int versions = ledger.versions.count(key) ? ledger.versions.at(key) : 0;
  CHECK(versions == committed);
  WARN("crash trials: " << trials << " (" << client_kills << " killed mid-way, " << finished
                        << " finished first; " << server_kills << " with the server killed), "
                        << committed << " edits committed, each exactly once on the server; "
                        << seconds << " s");
}

}  // namespace doorstep::testing::fault
