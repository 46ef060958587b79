// `doorstep`: the command line used at the township office, in scripts and in tests.
// Parses the command line (CLI11), runs the one command given and maps failures to exit codes.
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli.h"

namespace doorstep::cli {

void Fail(const std::string& message) { throw CliError(kExitFailure, message); }
void UsageFail(const std::string& message) { throw CliError(kExitUsage, message); }
void Fail(const Status& status) {
  Fail(status.where().empty() ? status.message() : status.where() + ": " + status.message());
}

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

int Cli::Run(int argc, char** argv) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app_.exit(e);  // --help
    std::cerr << "doorstep: error: " << e.what() << "\nRun 'doorstep --help' for usage.\n";
    return kExitUsage;
  }
  session_ = std::make_unique<Session>(options_);
  for (auto& [sub, run] : commands_) {
    if (!sub->parsed()) continue;
    try {
      run();
      std::cout.flush();
      return std::cout ? 0 : kExitFailure;
    } catch (const CliError& e) {
      std::cout.flush();
      std::cerr << "doorstep: error: " << e.what() << "\n";
      return e.exit_code();
    } catch (const std::exception& e) {
      std::cout.flush();
      std::cerr << "doorstep: error: internal error: " << e.what() << "\n";
      return kExitFailure;
    }
  }
  std::cerr << "doorstep: error: no command given\nRun 'doorstep --help' for usage.\n";
  return kExitUsage;
}

}  // namespace doorstep::cli

int main(int argc, char** argv) {
  doorstep::cli::Cli cli;
  doorstep::cli::RegisterStoreCommands(cli);
  doorstep::cli::RegisterRecordCommands(cli);
  doorstep::cli::RegisterLifecycleCommands(cli);
  doorstep::cli::RegisterShowCommands(cli);
  doorstep::cli::RegisterSignCommands(cli);
  doorstep::cli::RegisterExportCommands(cli);
  doorstep::cli::RegisterSyncCommands(cli);
  doorstep::cli::RegisterDemoCommand(cli);
  doorstep::cli::RegisterRegistryCommands(cli);
  doorstep::cli::RegisterAttachCommands(cli);
  return cli.Run(argc, argv);
}
