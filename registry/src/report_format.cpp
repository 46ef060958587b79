// CSV cells, display widths and aligned tables for the problem list and the reports.

#include "report_format.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace doorstep::registry::format {
namespace {

// East Asian Width W/F ranges that occur in registry data (CJK, Hangul, fullwidth forms, CJK
// punctuation). Ambiguous-width characters count as narrow, as terminals in a zh_CN locale
// configured for Western fonts draw them.
bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::string Fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::string CsvCell(std::string_view text) {
  std::string cell;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    cell.push_back('\'');
  }
  cell.append(text);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted;
  quoted.reserve(cell.size() + 2);
  quoted.push_back('"');
  for (char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

void AppendCsvRow(std::string* out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out->push_back(',');
    *out += CsvCell(cells[i]);
  }
  *out += "\r\n";
}

int DisplayWidth(std::string_view text) {
  int width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t len = 1;
    uint32_t cp = b;
    if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      cp = b & 0x07u;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      cp = b & 0x0Fu;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      cp = b & 0x1Fu;
    }
    bool valid = len == 1 ? b < 0x80 : i + len <= text.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0u) != 0x80u) valid = false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (!valid) {
      width += 1;
      i += 1;
      continue;
    }
    width += IsWide(cp) ? 2 : 1;
    i += len;
  }
  return width;
}

std::string Table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<Align>& align) {
  std::vector<int> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      const int pad = widths[c] - DisplayWidth(row[c]);
      const bool right = c < align.size() && align[c] == Align::kRight;
      if (c) line += "  ";
      if (right) line.append(static_cast<size_t>(pad), ' ');
      line += row[c];
      if (!right) line.append(static_cast<size_t>(pad), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::string Percent(std::optional<double> fraction) {
  return fraction ? Fixed2(*fraction * 100) + "%" : "-";
}

std::string PercentNumber(std::optional<double> fraction) {
  return fraction ? Fixed2(*fraction * 100) : std::string();
}

std::string Yuan(double yuan) {
  if (!std::isfinite(yuan)) return "?";
  std::string s = Fixed2(yuan);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

}  // namespace doorstep::registry::format
