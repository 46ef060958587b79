// Shared output helpers for the clerk-facing tables (problem list, reports): CSV cells that are
// safe to open in Excel and plain-text columns aligned for CJK text.
//
// Thread rules: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorstep::registry::format {

// Excel only detects UTF-8 with a byte order mark; without it Chinese headers turn to mojibake.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One CSV cell: a cell starting with = + - @ tab or CR gets a leading ' so a spreadsheet shows it
// as text instead of evaluating it (formula injection from names typed on a tablet); then RFC 4180
// quoting when the cell holds a comma, quote, CR or LF.
std::string CsvCell(std::string_view text);
// Appends one row (cells separated by commas, CRLF at the end as RFC 4180 asks).
void AppendCsvRow(std::string* out, const std::vector<std::string>& cells);

// Terminal columns taken by UTF-8 text: East Asian wide and fullwidth characters take two,
// everything else one. Invalid bytes count one each so a broken name cannot break alignment.
int DisplayWidth(std::string_view text);

enum class Align { kLeft, kRight };

// A plain-text table: every column as wide as its widest cell, columns separated by two spaces,
// no trailing spaces. `align` gives the alignment per column (missing = left).
std::string Table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<Align>& align);

// "12.35%" with two decimals; "-" when unknown.
std::string Percent(std::optional<double> fraction);
// The same without the % sign and "" when unknown, for CSV cells.
std::string PercentNumber(std::optional<double> fraction);
// Yuan with two decimals, trailing zeros dropped ("3200", "3200.5").
std::string Yuan(double yuan);

}  // namespace doorstep::registry::format
