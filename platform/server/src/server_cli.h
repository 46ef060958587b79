// `doorstep-server` plumbing shared by its command files: the store options every command takes,
// the store and service of one invocation, and the registry of commands.
//
// A command file registers its subcommands with ServerCli::Add (one call per command: the CLI11
// subcommand, with --db/--pg/--pg-schema/--key-file added, and what to run once parsing
// succeeded). A command fails by calling app::Fail / Check / Unwrap; RunServerCli turns that into
// "doorstep-server: error: <message>" and an exit code.
//
// Thread rules: single-threaded, like the command line (serve's HTTP threads use the service).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/server_cli/cli.h"
#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/store.h"

namespace doorstep::server_cli {

using app::Check;
using app::Fail;
using app::Unwrap;
using app::UsageFail;

// Which server database a command works on (not the tablet store's doorstep::StoreOptions).
struct DatabaseOptions {
  std::string db;        // --db: the SQLite server database file
  std::string key_file;  // --key-file: its encryption key (SQLCipher builds)
  std::string pg;        // --pg: a PostgreSQL connection string, instead of --db
  std::string pg_schema = "doorstep";
};

// The store and service of one invocation, opened by the command that needs them.
class ServerSession {
 public:
  ServerSession(const CliContext& context, const DatabaseOptions& options)
      : ctx_(context), opts_(options) {}

  // Opens the store (creating it when `create`; otherwise a missing SQLite file is an error) and
  // a service over it. `serving`: the service logs to the context's logger; other commands
  // report on out / err only.
  sync::server::SyncService& Open(bool create, bool serving = false);
  // How long enrollment tokens stay valid in the service Open() makes (default 7 days).
  void SetTokenValidDays(int days) { token_valid_days_ = days; }
  sync::server::ServerStore& store() { return *store_; }
  const CliContext& context() const { return ctx_; }
  const DatabaseOptions& database_options() const { return opts_; }
  std::ostream& out() { return *ctx_.out; }
  // Today in the clock's local calendar (the default of --today and --year).
  int32_t Today() const { return LocalToday(*ctx_.clock); }

 private:
  std::string ReadKey() const;

  const CliContext& ctx_;
  const DatabaseOptions& opts_;
  std::unique_ptr<sync::server::ServerStore> store_;
  std::unique_ptr<sync::server::SyncService> service_;
  int token_valid_days_ = 7;
};

class ServerCli {
 public:
  explicit ServerCli(const CliContext& context);
  CLI::App& app() { return app_; }
  // A command group ("form"), created on first use.
  CLI::App* Group(const std::string& name, const std::string& description);
  // Registers a leaf command under `parent` (the app or a group) with the store options; `run`
  // returns the exit code.
  CLI::App* Add(CLI::App* parent, const std::string& name, const std::string& description,
                std::function<int(ServerSession&)> run);
  int Run(int argc, const char* const* argv);

 private:
  const CliContext& ctx_;
  CLI::App app_;
  DatabaseOptions options_;
  std::vector<std::pair<std::string, CLI::App*>> groups_;
  std::vector<std::pair<CLI::App*, std::function<int(ServerSession&)>>> commands_;
};

// Command files.
void RegisterSyncCommands(ServerCli& cli);      // serve, enroll, form install, conflicts, ...
void RegisterRegistryCommands(ServerCli& cli);  // import, problems, report

}  // namespace doorstep::server_cli
