// Test support for the PostgreSQL store: the server named by DOORSTEP_PG (scripts/test.sh starts a
// throwaway one with scripts/pg.sh), a fresh schema per store, dropped when the test case ends,
// psql for the checks the store interface does not offer (history rows, the schema version,
// ending a backend), and server child processes.
//
// Without DOORSTEP_PG the [pg] tests fail and say how to run them: a skipped check is a defect.
#pragma once

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "doorstep/sync/server/pg_store.h"

extern char** environ;

namespace doorstep::testing::pg {

namespace ss = sync::server;

inline std::string PgConninfo() {
  const char* env = std::getenv("DOORSTEP_PG");
  if (env == nullptr || *env == '\0') {
    FAIL("DOORSTEP_PG is not set. The PostgreSQL tests need a server: run them with "
         "`bash scripts/test.sh`, or start one with `eval \"$(bash scripts/pg.sh start)\"` "
         "(it exports DOORSTEP_PG) and stop it with "
         "`bash scripts/pg.sh stop \"$DOORSTEP_PG_DIR\"`.");
  }
  return env;
}

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs one SQL command with psql; returns its unaligned output without the final newline.
inline std::string Psql(const std::string& conninfo, const std::string& sql) {
  const std::string cmd = "psql " + ShellQuote(conninfo) + " -v ON_ERROR_STOP=1 -X -q -At -c " +
                          ShellQuote(sql) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  INFO("psql " << sql << "\n" << out);
  REQUIRE(status == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Fresh schemas on the DOORSTEP_PG server, each dropped when this object goes (stores opened on
// them must be gone by then).
class Schemas {
 public:
  Schemas() : conninfo_(PgConninfo()) {}
  ~Schemas() {
    for (const auto& s : made_) (void)ss::PgServerStore::DropSchema(Options(s));
  }
  Schemas(const Schemas&) = delete;
  Schemas& operator=(const Schemas&) = delete;

  // A new schema name (nothing created yet; a leftover of an earlier run is dropped).
  std::string New() {
    static std::atomic<int> counter{0};
    std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    Status dropped = ss::PgServerStore::DropSchema(Options(name));
    INFO(dropped.ToString());
    REQUIRE(dropped.ok());
    made_.push_back(name);
    return name;
  }

  ss::PgStoreOptions Options(const std::string& schema, int connections = 4) const {
    ss::PgStoreOptions o;
    o.conninfo = conninfo_;
    o.schema = schema;
    o.connections = connections;
    return o;
  }

  std::unique_ptr<ss::PgServerStore> Open(const std::string& schema, int connections = 4) {
    auto store = ss::PgServerStore::Open(Options(schema, connections));
    INFO(store.status().ToString());
    REQUIRE(store.ok());
    return std::move(store).value();
  }
  std::unique_ptr<ss::PgServerStore> OpenNew() { return Open(New()); }

  const std::string& conninfo() const { return conninfo_; }
  std::string Sql(const std::string& sql) const { return Psql(conninfo_, sql); }

 private:
  std::string conninfo_;
  std::vector<std::string> made_;
};

// A child process (`doorstep-server serve ...`) whose stdout is read for its port and whose
// stderr goes to `log`; killed if the test ends without Stop().
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);  // other children must not inherit it
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
    REQUIRE(rc == 0);
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  // Reads stdout up to the "listening on" line; 0 if the process ended first.
  int WaitForPort() {
    std::string line;
    char c;
    while (read(out_, &c, 1) == 1) {
      if (c != '\n') {
        line += c;
        continue;
      }
      auto at = line.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) return std::stoi(line.substr(at + 30));
      line.clear();
    }
    return 0;
  }
  // SIGTERM, then the exit status (-1 when killed by a signal).
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

}  // namespace doorstep::testing::pg
