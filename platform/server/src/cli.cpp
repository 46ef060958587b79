// The `doorstep-server` command line (see cli.h and server_cli.h).
#include "doorstep/posix/read_file.h"
#include "doorstep/server_cli/cli.h"

#include <fstream>
#include <sstream>

#include "doorstep/sync/server/pg_store.h"
#include "doorstep/sync/server/sqlite_store.h"
#include "server_cli.h"

namespace doorstep::server_cli {

namespace ss = sync::server;

std::string ServerSession::ReadKey() const {
  if (opts_.key_file.empty()) return {};
  auto read = posix::ReadFileLimited(opts_.key_file, 4096, "key file");
  if (!read.ok()) Fail(read.status().message());
  std::string key = std::move(read).value();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  return key;
}

ss::SyncService& ServerSession::Open(bool create, bool serving) {
  if (!opts_.pg.empty()) {
    ss::PgStoreOptions pg;
    pg.conninfo = opts_.pg;
    pg.schema = opts_.pg_schema;
    pg.create = create;
    store_ = Unwrap(ss::PgServerStore::Open(pg));
  } else {
    ss::SqliteStoreOptions o;
    o.path = opts_.db;
    o.create = create;
    o.key = ReadKey();
    store_ = Unwrap(ss::SqliteServerStore::Open(o));
  }
  ss::ServiceOptions so;
  so.clock = ctx_.clock;
  so.random = ctx_.random;
  so.logger = serving ? ctx_.logger : nullptr;  // other commands report on out / err
  so.token_valid_ms = int64_t{token_valid_days_} * 24 * 3600 * 1000;
  service_ = std::make_unique<ss::SyncService>(store_.get(), so);
  return *service_;
}

ServerCli::ServerCli(const CliContext& context)
    : ctx_(context),
      app_("doorstep-server: the township sync server of Doorstep", "doorstep-server") {
  app_.require_subcommand(1);
}

CLI::App* ServerCli::Group(const std::string& name, const std::string& description) {
  for (auto& [n, group] : groups_) {
    if (n == name) return group;
  }
  CLI::App* group = app_.add_subcommand(name, description);
  group->require_subcommand(1);
  groups_.emplace_back(name, group);
  return group;
}

CLI::App* ServerCli::Add(CLI::App* parent, const std::string& name, const std::string& description,
                         std::function<int(ServerSession&)> run) {
  CLI::App* sub = parent->add_subcommand(name, description);
  auto* db = sub->add_option("--db", options_.db, "Server database file (SQLite)");
  auto* pg = sub->add_option("--pg", options_.pg, "PostgreSQL connection string, instead of --db");
  db->excludes(pg);
  sub->add_option("--pg-schema", options_.pg_schema, "PostgreSQL schema of the store")->needs(pg);
  sub->add_option("--key-file", options_.key_file, "File holding the database encryption key")
      ->excludes(pg);
  commands_.emplace_back(sub, std::move(run));
  return sub;
}

int ServerCli::Run(int argc, const char* const* argv) {
  std::ostream& out = *ctx_.out;
  std::ostream& err = *ctx_.err;
  if (auto done = app::Parse(app_, argc, argv, "doorstep-server", out, err)) return *done;
  if (options_.db.empty() && options_.pg.empty()) {
    err << "doorstep-server: error: --db or --pg is required\nRun 'doorstep-server --help' for "
           "usage.\n";
    return kExitUsage;
  }
  ServerSession session(ctx_, options_);
  // The last parsed command registered: a command with its own subcommands ("devices" lists,
  // "devices revoke" revokes) is registered before them.
  std::function<int(ServerSession&)>* chosen = nullptr;
  for (auto& [sub, run] : commands_) {
    if (sub->parsed()) chosen = &run;
  }
  if (chosen == nullptr) return kExitUsage;  // unreachable: a subcommand is required
  return app::RunGuarded("doorstep-server", out, err,
                         [chosen, &session] { return (*chosen)(session); });
}

int RunServerCli(int argc, const char* const* argv, const CliContext& context) {
  ServerCli cli(context);
  RegisterSyncCommands(cli);
  RegisterRegistryCommands(cli);
  return cli.Run(argc, argv);
}

}  // namespace doorstep::server_cli
