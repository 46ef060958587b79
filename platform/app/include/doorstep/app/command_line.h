// What every Doorstep command-line program shares (`doorstep`, `doorstep-server`,
// `doorstep-demo`): exit codes, failure by exception from deep inside a command, and the one
// place that turns a parse error or a failure into "<program>: error: <message>" and an exit code.
//
// A command reports failure by calling Fail / UsageFail (or Check / Unwrap on a Status or Result),
// which throw Failure; RunGuarded catches it at the top of the program. Messages name fields,
// paths and ids, never field values (they may be personal data).
//
// Thread rules: single-threaded, like the programs.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "doorstep/core/status.h"

namespace doorstep::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // bad value, unknown record, invalid record, I/O
inline constexpr int kExitUsage = 2;    // the command line itself is wrong

class Failure : public std::runtime_error {
 public:
  Failure(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

[[noreturn]] void Fail(const std::string& message);       // exit code 1
[[noreturn]] void UsageFail(const std::string& message);  // exit code 2
[[noreturn]] void Fail(const Status& status);             // "<where>: <message>", exit code 1

inline void Check(const Status& status) {
  if (!status.ok()) Fail(status);
}
template <typename T>
T Unwrap(Result<T> result) {
  if (!result.ok()) Fail(result.status());
  return std::move(result).value();
}

// Parses the command line. Returns an exit code when the program is done (--help printed to
// `out`: 0; a parse error printed to `err` with a hint to run --help: kExitUsage), nullopt when a
// command should run.
std::optional<int> Parse(CLI::App& app, int argc, const char* const* argv, std::string_view program,
                         std::ostream& out, std::ostream& err);

// Runs `body`, mapping Failure to its exit code and any other exception to kExitFailure
// ("internal error: ..."), each printed to `err` after `out` was flushed. On success returns
// body's code, or kExitFailure when `out` could not be written.
int RunGuarded(std::string_view program, std::ostream& out, std::ostream& err,
               const std::function<int()>& body);

}  // namespace doorstep::app
