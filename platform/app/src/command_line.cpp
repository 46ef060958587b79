#include "doorstep/app/command_line.h"

#include <new>

namespace doorstep::app {

void Fail(const std::string& message) { throw Failure(kExitFailure, message); }
void UsageFail(const std::string& message) { throw Failure(kExitUsage, message); }
void Fail(const Status& status) {
  Fail(status.where().empty() ? status.message() : status.where() + ": " + status.message());
}

std::optional<int> Parse(CLI::App& app, int argc, const char* const* argv, std::string_view program,
                         std::ostream& out, std::ostream& err) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, out, err);  // --help
    // "A subcommand is required" after a word that is no subcommand: name the word.
    CLI::App* at = &app;
    for (;;) {
      auto subs = at->get_subcommands();
      if (subs.empty()) break;
      at = subs.front();
    }
    auto rest = at->remaining();
    if (rest.empty()) rest = app.remaining();
    if (!rest.empty() && std::string(e.what()).find("subcommand is required") != std::string::npos) {
      err << program << ": error: unknown command '" << rest.front() << "'";
      if (at != &app) err << " of '" << at->get_name() << "'";
      err << "\nRun '" << program << (at != &app ? " " + at->get_name() : std::string()) << " --help' for the commands.\n";
      return kExitUsage;
    }
    err << program << ": error: " << e.what() << "\nRun '" << program << " --help' for usage.\n";
    return kExitUsage;
  }
  return std::nullopt;
}

int RunGuarded(std::string_view program, std::ostream& out, std::ostream& err,
               const std::function<int()>& body) {
  try {
    int code = body();
    out.flush();
    return code == kExitOk && !out ? kExitFailure : code;
  } catch (const Failure& f) {
    out.flush();
    err << program << ": error: " << f.what() << "\n";
    return f.exit_code();
  } catch (const std::bad_alloc&) {
    out.flush();
    err << program << ": error: out of memory (is a count or an input file far too large?)\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    out.flush();
    err << program << ": error: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace doorstep::app
