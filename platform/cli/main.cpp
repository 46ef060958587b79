// `doorstep`: the command line used at the township office, in scripts and in tests.
// Parses the command line (CLI11), runs the one command given and maps failures to exit codes.
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli.h"

namespace doorstep::cli {

Cli::Cli()
    : app_("Doorstep: offline household survey records (forms, records, signatures, exports).\n"
           "Record ids may be shortened to an unambiguous prefix of at least 4 characters.",
           "doorstep") {
  options_.db = "doorstep.db";
  app_.add_option("--db", options_.db, "Store file (default: $DOORSTEP_DB, else ./doorstep.db)")
      ->envname("DOORSTEP_DB");
  app_.add_option("--key-file", options_.key_file,
                  "File holding the store's encryption key (default: $DOORSTEP_KEY)");
  app_.add_option("--lang", options_.lang, "Language of form labels: zh (default) or en")
      ->check(CLI::IsMember({"zh", "en"}));
  app_.add_option("--ca-file", options_.ca_file,
                  "CA bundle (PEM) to verify the township server's certificate with, instead of "
                  "the system's");
  app_.add_option("--pin", options_.pinned_key,
                  "The server's public key must also match: sha256//<base64> (';' between several)");
  app_.add_flag("--allow-plain-http", options_.allow_plain_http,
                "Allow http:// to a server other than this device (credentials and records then "
                "travel unencrypted)");
  app_.require_subcommand(1);
  app_.fallthrough();
}

CLI::App* Cli::Group(const std::string& name, const std::string& description) {
  for (auto& [n, app] : groups_) {
    if (n == name) return app;
  }
  CLI::App* group = app_.add_subcommand(name, description);
  group->require_subcommand(1);
  group->fallthrough();
  groups_.emplace_back(name, group);
  return group;
}

void Cli::Add(CLI::App* sub, std::function<void()> run) {
  sub->fallthrough();
  commands_.emplace_back(sub, std::move(run));
}

int Cli::Run(int argc, const char* const* argv) {
  if (auto done = app::Parse(app_, argc, argv, "doorstep", std::cout, std::cerr)) return *done;
  session_ = std::make_unique<Session>(options_);
  for (auto& [sub, run] : commands_) {
    if (!sub->parsed()) continue;
    return app::RunGuarded("doorstep", std::cout, std::cerr, [&run = run] {
      run();
      return app::kExitOk;
    });
  }
  std::cerr << "doorstep: error: no command given\nRun 'doorstep --help' for usage.\n";
  return kExitUsage;
}

sync::client::CurlOptions TransportOptions(const GlobalOptions& options) {
  sync::client::CurlOptions o;
  o.ca_file = options.ca_file;
  o.pinned_key = options.pinned_key;
  o.allow_plain_http = options.allow_plain_http;
  return o;
}

}  // namespace doorstep::cli

int main(int argc, char** argv) {
  doorstep::cli::Cli cli;
  doorstep::cli::RegisterStoreCommands(cli);
  doorstep::cli::RegisterFormCompileCommand(cli);
  doorstep::cli::RegisterRecordCommands(cli);
  doorstep::cli::RegisterLifecycleCommands(cli);
  doorstep::cli::RegisterShowCommands(cli);
  doorstep::cli::RegisterSignCommands(cli);
  doorstep::cli::RegisterExportCommands(cli);
  doorstep::cli::RegisterSyncCommands(cli);
  doorstep::cli::RegisterRegistryCommands(cli);
  doorstep::cli::RegisterAttachCommands(cli);
  return cli.Run(argc, argv);
}
