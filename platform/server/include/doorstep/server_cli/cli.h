// The `doorstep-server` command line, as a function so tests can run it in-process (src/main.cpp
// only supplies the POSIX ports and the shutdown signal). The generic server commands live in
// src/sync_commands.cpp, the registry pack's in src/registry_commands.cpp; each file registers
// its commands with a ServerCli (src/server_cli.h).
//
//   doorstep-server serve --db FILE [--listen 127.0.0.1:8080] [--form FILE ...] [--threads N]
//   doorstep-server enroll --db FILE --team T --villages V1,V2 [--reviewer]
//   doorstep-server form install --db FILE FILE...
//   doorstep-server conflicts --db FILE [--all]
//   doorstep-server quarantine --db FILE
//   doorstep-server devices --db FILE
//   doorstep-server import --db FILE FILE... [--format auto|jsonl|csv] [--dry-run]
//   doorstep-server problems --db FILE [--village V ...] [--today YYYY-MM-DD] [--csv FILE]
//   doorstep-server report --db FILE [--village V ...] [--year Y] [--csv FILE]
//
// Every command takes `--pg CONNINFO [--pg-schema NAME]` instead of `--db FILE`: the PostgreSQL
// store (pg_store.h), shared by several server processes.
//
// Exit codes: 0 success, 1 failure, 2 usage error. Errors go to `err` as
// "doorstep-server: error: <message>". Every command checks its input before its one write, and the
// write is one transaction: nothing changes on failure. Commands other than serve, enroll and
// form install refuse a database file that does not exist rather than creating one.
//
// Thread rules: runs on the calling thread; `serve` blocks in wait_for_shutdown while the HTTP
// server's threads serve requests.
#pragma once

#include <functional>
#include <ostream>

#include "doorstep/app/command_line.h"
#include "doorstep/core/ports.h"

namespace doorstep::server_cli {

using app::kExitFailure;
using app::kExitOk;
using app::kExitUsage;

struct CliContext {
  Clock* clock = nullptr;
  Random* random = nullptr;
  Logger* logger = nullptr;  // request and event log of `serve`; may be null
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // `serve`: called once the server listens (the listening URL is printed first); returns when the
  // server should stop (main.cpp: SIGINT or SIGTERM).
  std::function<void()> wait_for_shutdown;
};

int RunServerCli(int argc, const char* const* argv, const CliContext& context);

}  // namespace doorstep::server_cli
