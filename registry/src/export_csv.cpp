// The registry export as CSV: one row per member, household columns repeated. See jsonl.h.

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "doorstep/registry/jsonl.h"
#include "export_fields.h"
#include "fields.h"

namespace doorstep::registry {
namespace {

using fields::Field;
using fields::Kind;
using fields::Special;

struct CsvError {
  std::string column;
  std::string message;
};

// RFC 4180 records; fields may hold quoted commas, quotes and line breaks. `lines` gets the
// 1-based line where each record starts.
std::vector<std::vector<std::string>> SplitCsv(const std::string& text, std::vector<size_t>* lines,
                                               std::string* error) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  size_t line = 1;
  size_t record_line = 1;
  size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
    if (!(record.size() == 1 && record[0].empty())) {
      records.push_back(std::move(record));
      lines->push_back(record_line);
    }
    record.clear();
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      end_record();
      ++line;
      record_line = line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) {
    *error = "line " + std::to_string(record_line) + ": unterminated quoted field";
    return {};
  }
  if (field_started || !record.empty()) end_record();
  return records;
}

class Row {
 public:
  Row(const std::map<std::string, size_t>& index, const std::vector<std::string>& cells)
      : index_(index), cells_(cells) {}
  std::string Text(const std::string& column) const {
    auto it = index_.find(column);
    if (it == index_.end() || it->second >= cells_.size()) return {};
    return cells_[it->second];
  }
  bool Has(const std::string& column) const { return !Text(column).empty(); }
  double Dec(const std::string& column) const {
    const std::string t = Text(column);
    if (t.empty()) return 0;
    char* end = nullptr;
    const double d = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(d)) throw CsvError{column, "expected a number"};
    return d;
  }
  int Int(const std::string& column) const {
    const double d = Dec(column);
    if (d != std::floor(d) || std::fabs(d) > 1e9) throw CsvError{column, "expected an integer"};
    return static_cast<int>(d);
  }
  bool YesNo(const std::string& column) const {
    const std::string t = Text(column);
    if (t.empty() || t == "false" || t == "0" || t == "否" || t == "no") return false;
    if (t == "true" || t == "1" || t == "是" || t == "yes") return true;
    throw CsvError{column, "expected true/false (是/否)"};
  }
  int32_t Day(const std::string& column) const {
    const std::string t = Text(column);
    if (t.empty()) return kNoDay;
    auto d = ParseIsoDay(t);
    if (!d) throw CsvError{column, "expected a date YYYY-MM-DD"};
    return *d;
  }
  std::vector<std::string> Names(const std::string& column) const { return List(column); }
  std::vector<std::string> List(const std::string& column) const {
    std::vector<std::string> out;
    const std::string t = Text(column);
    size_t pos = 0;
    while (pos <= t.size() && !t.empty()) {
      size_t end = t.find('|', pos);
      if (end == std::string::npos) end = t.size();
      if (end > pos) out.push_back(t.substr(pos, end - pos));
      pos = end + 1;
    }
    return out;
  }

 private:
  const std::map<std::string, size_t>& index_;
  const std::vector<std::string>& cells_;
};

// Reads the CSV columns of a table; special rows go to `special`.
template <typename T, typename SpecialFn>
void ReadColumns(const Row& r, const fields::Table<T>& table, T& x, SpecialFn&& special) {
  for (const Field<T>& f : table.rows) {
    if (!f.csv) continue;
    if (fields::IsSpecial(f)) {
      special(f);
    } else if (!fields::ReadValue(f, x, r, f.csv)) {
      throw CsvError{f.csv, "expected " + fields::CodecExpected(f)};
    }
  }
}

// The GPS point: three columns after a prefix, all empty without a point.
std::vector<std::string> GpsColumns(const std::string& prefix) {
  return {prefix + "_lat", prefix + "_lon", prefix + "_accuracy_m"};
}

void ReadHouseholdColumns(const Row& r, Household* h) {
  ReadColumns(r, fields::HouseholdTable(), *h, [&](const Field<Household>& f) {
    if (fields::SpecialOf(f) != Special::kGps) return;
    const std::vector<std::string> gps = GpsColumns(f.csv);
    if (r.Text(gps[0]).empty()) return;
    h->has_gps = true;
    h->lat = r.Dec(gps[0]);
    h->lon = r.Dec(gps[1]);
    h->gps_accuracy_m = r.Dec(gps[2]);
  });
}

Member ReadMemberColumns(const Row& r) {
  Member m;
  ReadColumns(r, fields::MemberTable(), m, [](const auto&) {});
  return m;
}

std::string Cell(const std::string& value) {
  std::string v = value;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' ||
                     v[0] == '\r')) {
    // A leading minus of a plain number stays; anything else that a spreadsheet would run as a
    // formula is defused.
    const bool number = v[0] == '-' && v.size() > 1 &&
                        v.find_first_not_of("0123456789.", 1) == std::string::npos;
    if (!number) v = "'" + v;
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : "|") + s;
  return out;
}

std::string Flag(bool b) { return b ? "true" : "false"; }

// The CSV cell of a plain row.
template <typename T>
std::string CellText(const Field<T>& f, const T& x) {
  if ((f.flags & fields::kCsvBlankEmpty) && fields::IsEmpty(f, x)) return {};
  switch (f.kind) {
    case Kind::kInt:
      return std::to_string(fields::Get<int>(f, x));
    case Kind::kDec:
      return FormatAmount(fields::DecOf(f, x));
    case Kind::kYesNo:
      return Flag(fields::Get<bool>(f, x));
    case Kind::kDay:
      return FormatIsoDay(fields::Get<int>(f, x));
    case Kind::kChoices:
    case Kind::kNames:
      return Join(fields::ListOf(f, x));
    case Kind::kText:
    case Kind::kChoice:
      return fields::TextOf(f, x);
    case Kind::kSpecial:
      break;
  }
  return {};
}

// Appends the CSV cells of a table's fields; special rows go to `special`.
template <typename T, typename SpecialFn>
void AppendCells(std::vector<std::string>& cells, const fields::Table<T>& table, const T& x,
                 SpecialFn&& special) {
  for (const Field<T>& f : table.rows) {
    if (!f.csv) continue;
    if (fields::IsSpecial(f)) {
      special(f);
    } else {
      cells.push_back(CellText(f, x));
    }
  }
}

// The columns a CSV header must have: the required fields of a household and of a member.
std::vector<std::string> RequiredColumns() {
  std::vector<std::string> out;
  for (const Field<Household>& f : fields::HouseholdTable().rows) {
    if (f.csv && (f.flags & fields::kRequired)) out.push_back(f.csv);
  }
  for (const Field<Member>& f : fields::MemberTable().rows) {
    if (f.csv && (f.flags & fields::kRequired)) out.push_back(f.csv);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& CsvColumns() {
  static const std::vector<std::string> kColumns = [] {
    std::vector<std::string> columns;
    for (const Field<Household>& f : fields::HouseholdTable().rows) {
      if (!f.csv) continue;
      if (fields::IsSpecial(f)) {  // the GPS point
        for (std::string& c : GpsColumns(f.csv)) columns.push_back(std::move(c));
      } else {
        columns.push_back(f.csv);
      }
    }
    for (const Field<Member>& f : fields::MemberTable().rows) {
      if (f.csv) columns.push_back(f.csv);
    }
    return columns;
  }();
  return kColumns;
}

std::vector<ExportRow> ParseCsv(const std::string& text, std::vector<Status>* errors) {
  std::vector<size_t> lines;
  std::string split_error;
  auto records = SplitCsv(text, &lines, &split_error);
  std::vector<ExportRow> rows;
  if (!split_error.empty()) {
    if (errors) errors->push_back(Status(Code::kParse, split_error, "csv"));
    return rows;
  }
  if (records.empty()) return rows;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < records[0].size(); ++i) index[records[0][i]] = i;
  for (const std::string& required : RequiredColumns()) {
    if (!index.count(required)) {
      if (errors) {
        errors->push_back(Status(Code::kInvalidArgument,
                                 "header has no column '" + required + "'", "line 1"));
      }
      return rows;
    }
  }
  size_t i = 1;
  while (i < records.size()) {
    const std::string household_no = Row(index, records[i]).Text("household_no");
    size_t end = i + 1;
    while (end < records.size() && Row(index, records[end]).Text("household_no") == household_no) {
      ++end;
    }
    ExportRow row;
    row.line = lines[i];
    try {
      Household h;
      ReadHouseholdColumns(Row(index, records[i]), &h);
      if (!IsUuidText(h.id)) throw CsvError{"uuid", "expected a lower-case UUID"};
      if (h.village.empty()) throw CsvError{"village", "missing (required)"};
      for (size_t k = i; k < end; ++k) {
        row.line = lines[k];
        Member m = ReadMemberColumns(Row(index, records[k]));
        if (m.name.empty()) throw CsvError{"member_name", "missing (required)"};
        h.members.push_back(std::move(m));
      }
      row.line = lines[i];
      row.row = std::move(h);
      rows.push_back(std::move(row));
    } catch (const CsvError& e) {
      if (errors) {
        errors->push_back(Status(Code::kInvalidArgument, e.message,
                                 "line " + std::to_string(row.line) + ": " + e.column));
      }
    }
    i = end;
  }
  return rows;
}

std::string HouseholdCsvRows(const Household& h) {
  std::vector<std::string> household;
  AppendCells(household, fields::HouseholdTable(), h, [&](const Field<Household>& f) {
    if (fields::SpecialOf(f) != Special::kGps) return;
    household.push_back(h.has_gps ? std::to_string(h.lat) : "");
    household.push_back(h.has_gps ? std::to_string(h.lon) : "");
    household.push_back(h.has_gps ? FormatAmount(h.gps_accuracy_m) : "");
  });
  std::string out;
  for (const Member& m : h.members) {
    std::vector<std::string> cells = household;
    AppendCells(cells, fields::MemberTable(), m, [](const auto&) {});
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + Cell(cells[i]);
    out += "\r\n";
  }
  return out;
}

}  // namespace doorstep::registry
