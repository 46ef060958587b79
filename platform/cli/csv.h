// RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted (quotes doubled); rows end in CRLF.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace doorstep::cli {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One field, quoted when needed.
std::string CsvField(std::string_view text);

// Appends one row (fields separated by commas, CRLF at the end).
void AppendCsvRow(std::string* out, const std::vector<std::string>& fields);

}  // namespace doorstep::cli
