// Reading JSON documents given on the command line (form definitions, signature strokes).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace doorstep::cli {

// Parses `text`; on a syntax error fails (CliError) with
//   "<what> '<file>': invalid JSON at byte N (line L, column C): <problem>"
// The problem text never quotes the input (it may hold names).
nlohmann::json ParseJsonOrFail(std::string_view text, const std::string& what,
                               const std::string& file);

}  // namespace doorstep::cli
