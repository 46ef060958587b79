// Test harness for the `doorstep` binary: runs it with posix_spawn in a fresh temp directory and
// captures stdout, stderr and the exit code. In encrypted builds the key goes in DOORSTEP_KEY.
#pragma once

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

extern char** environ;

namespace doorstep::cli_testing {

using doorstep::testing::SourcePath;
using doorstep::testing::TempDir;
using nlohmann::json;

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

inline std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

inline std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class Cli {
 public:
  Cli() : db_(dir_.File("test.db")) {
    ::unsetenv("DOORSTEP_DB");
    if (doorstep::testing::EncryptionEnabled()) {
      ::setenv("DOORSTEP_KEY", doorstep::testing::EncryptionKey().c_str(), 1);
    } else {
      ::unsetenv("DOORSTEP_KEY");
    }
  }

  const TempDir& dir() const { return dir_; }
  const std::string& db() const { return db_; }

  // Runs `doorstep --db <db> args...`.
  Run operator()(std::vector<std::string> args) const { return Exec(args, true); }
  // Runs `doorstep args...` (no --db).
  Run Raw(std::vector<std::string> args) const { return Exec(args, false); }

  // Expects success and returns stdout.
  std::string Ok(std::vector<std::string> args) const {
    Run r = (*this)(args);
    INFO("doorstep " << Join(args) << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    return r.out;
  }

  // init + install the v1 test form; returns a new record id.
  void Setup() const {
    Ok({"init", "--surveyor", "s1", "--device", "d1"});
    Ok({"form", "install", SourcePath("tests/cli/data/survey_v1.json")});
  }
  std::string NewRecord(const std::string& version = "1") const {
    return Trim(Ok({"record", "new", "cli_survey", "--version", version}));
  }
  json ShowJson(const std::string& id) const {
    return json::parse(Ok({"record", "show", id, "--json"}));
  }

 private:
  static std::string Join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += a + " ";
    return s;
  }

  Run Exec(const std::vector<std::string>& args, bool with_db) const {
    std::vector<std::string> argv_s{DOORSTEP_CLI_PATH};
    if (with_db) argv_s.insert(argv_s.end(), {"--db", db_});
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out_path = dir_.File("stdout.txt");
    const std::string err_path = dir_.File("stderr.txt");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = Slurp(out_path);
    r.err = Slurp(err_path);
    return r;
  }

  TempDir dir_;
  std::string db_;
};

// A record of the v1 test form that passes validation except for its signature.
inline void FillValid(const Cli& cli, const std::string& id) {
  cli.Ok({"record", "set", id, "head_name", "彭福娥", "size", "3", "income", "58624.5", "status",
          "poor", "visit_date", "2019-05-09"});
  cli.Ok({"record", "add-member", id, "members"});
  cli.Ok({"record", "set", id, "members[1]/m_name", "陈平丽", "members[1]/m_age", "42"});
}

}  // namespace doorstep::cli_testing
