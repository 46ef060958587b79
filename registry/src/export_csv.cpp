// The registry export as CSV: one row per member, household columns repeated. See jsonl.h.

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "doorstep/registry/jsonl.h"
#include "export_fields.h"

namespace doorstep::registry {
namespace {

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
  double Number(const std::string& column) const {
    const std::string t = Text(column);
    if (t.empty()) return 0;
    char* end = nullptr;
    const double d = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(d)) throw CsvError{column, "expected a number"};
    return d;
  }
  int Int(const std::string& column) const {
    const double d = Number(column);
    if (d != std::floor(d) || std::fabs(d) > 1e9) throw CsvError{column, "expected an integer"};
    return static_cast<int>(d);
  }
  bool Bool(const std::string& column) const {
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

void ReadHouseholdColumns(const Row& r, Household* h) {
  h->id = r.Text("uuid");
  h->form_version = r.Text("form_version");
  h->household_no = r.Text("household_no");
  h->county = r.Text("county");
  h->county_code = r.Text("county_code");
  h->township = r.Text("township");
  h->village = r.Text("village");
  h->group = r.Text("group");
  h->head_name = r.Text("head_name");
  h->head_id_number = r.Text("head_id_number");
  h->phone = r.Text("phone");
  h->status = r.Text("poverty_status");
  h->status_year = r.Int("status_year");
  h->identification_standard = r.Text("identification_standard");
  h->identification_year = r.Int("identification_year");
  h->poverty_line_yuan = r.Number("poverty_line_yuan");
  h->lifted_year = r.Int("lifted_year");
  h->main_cause = r.Text("main_poverty_cause");
  for (std::string& c : r.List("poverty_causes")) {
    if (c != h->main_cause) h->other_causes.push_back(std::move(c));
  }
  h->income.wage = r.Number("income_wage");
  h->income.production = r.Number("income_production");
  h->income.property = r.Number("income_property");
  h->income.subsidy = r.Number("income_subsidy");
  h->income.pension = r.Number("income_pension");
  h->income.eco_compensation = r.Number("income_eco_compensation");
  h->income.production_costs = r.Number("production_expenses");
  h->guarantees.food = r.Bool("guarantee_food");
  h->guarantees.clothing = r.Bool("guarantee_clothing");
  h->guarantees.compulsory_education = r.Bool("guarantee_compulsory_education");
  h->guarantees.basic_medical = r.Bool("guarantee_basic_medical");
  h->guarantees.safe_housing = r.Bool("guarantee_safe_housing");
  h->guarantees.safe_drinking_water = r.Bool("guarantee_safe_drinking_water");
  h->house_area_m2 = r.Number("housing_area_m2");
  h->danger_grade = r.Text("housing_danger_grade");
  h->relocated = r.Bool("housing_relocated");
  h->cadre_name = r.Text("cadre_name");
  h->cadre_unit = r.Text("cadre_unit");
  h->cadre_position = r.Text("cadre_position");
  h->cadre_phone = r.Text("cadre_phone");
  if (!r.Text("gps_lat").empty()) {
    h->has_gps = true;
    h->lat = r.Number("gps_lat");
    h->lon = r.Number("gps_lon");
    h->gps_accuracy_m = r.Number("gps_accuracy_m");
  }
  h->visit_day = r.Day("survey_date");
  h->surveyors = r.List("surveyors");
  h->team_leader = r.Text("team_leader");
}

Member ReadMemberColumns(const Row& r) {
  Member m;
  m.name = r.Text("member_name");
  m.id_number = r.Text("member_id_number");
  m.relation = r.Text("member_relation");
  m.sex = r.Text("member_sex");
  m.age = r.Text("member_age").empty() ? -1 : r.Int("member_age");
  m.ethnicity = r.Text("member_ethnicity");
  m.education = r.Text("member_education");
  m.school_status = r.Text("member_school_status");
  m.health = r.Text("member_health_status");
  m.disability_grade = r.Int("member_disability_grade");
  m.labor = r.Text("member_labor_capacity");
  m.migrant_months = r.Int("member_migrant_work_months");
  m.medical_insurance = r.Bool("member_medical_insurance");
  m.pension_insurance = r.Bool("member_pension_insurance");
  m.low_income_guarantee = r.Bool("member_low_income_guarantee");
  m.change = r.Text("member_change");
  m.change_day = r.Day("member_change_date");
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

}  // namespace

const std::vector<std::string>& CsvColumns() {
  static const std::vector<std::string> kColumns = {
      "uuid", "form_version", "household_no", "county", "county_code", "township", "village",
      "group", "head_name", "head_id_number", "phone", "poverty_status", "status_year",
      "identification_standard", "identification_year", "poverty_line_yuan", "lifted_year",
      "main_poverty_cause", "poverty_causes", "income_wage", "income_production",
      "income_property", "income_subsidy", "income_pension", "income_eco_compensation",
      "production_expenses", "guarantee_food", "guarantee_clothing",
      "guarantee_compulsory_education", "guarantee_basic_medical", "guarantee_safe_housing",
      "guarantee_safe_drinking_water", "housing_area_m2", "housing_danger_grade",
      "housing_relocated", "cadre_name", "cadre_unit", "cadre_position", "cadre_phone", "gps_lat",
      "gps_lon", "gps_accuracy_m", "survey_date", "surveyors", "team_leader", "member_name",
      "member_id_number", "member_relation", "member_sex", "member_age", "member_ethnicity",
      "member_education", "member_school_status", "member_health_status",
      "member_disability_grade", "member_labor_capacity", "member_migrant_work_months",
      "member_medical_insurance", "member_pension_insurance", "member_low_income_guarantee",
      "member_change", "member_change_date"};
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
  for (const char* required : {"uuid", "household_no", "village", "poverty_status",
                               "member_name", "member_id_number", "member_relation"}) {
    if (!index.count(required)) {
      if (errors) {
        errors->push_back(Status(Code::kInvalidArgument, "header has no column '" +
                                 std::string(required) + "'", "line 1"));
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
  std::string out;
  std::vector<std::string> causes;
  if (!h.main_cause.empty()) causes.push_back(h.main_cause);
  causes.insert(causes.end(), h.other_causes.begin(), h.other_causes.end());
  const std::vector<std::string> household = {
      h.id, h.form_version, h.household_no, h.county, h.county_code, h.township, h.village,
      h.group, h.head_name, h.head_id_number, h.phone, h.status,
      h.status_year ? std::to_string(h.status_year) : "", h.identification_standard,
      h.identification_year ? std::to_string(h.identification_year) : "",
      FormatAmount(h.poverty_line_yuan), h.lifted_year ? std::to_string(h.lifted_year) : "",
      h.main_cause, Join(causes), FormatAmount(h.income.wage), FormatAmount(h.income.production),
      FormatAmount(h.income.property), FormatAmount(h.income.subsidy),
      FormatAmount(h.income.pension), FormatAmount(h.income.eco_compensation),
      FormatAmount(h.income.production_costs), Flag(h.guarantees.food),
      Flag(h.guarantees.clothing), Flag(h.guarantees.compulsory_education),
      Flag(h.guarantees.basic_medical), Flag(h.guarantees.safe_housing),
      Flag(h.guarantees.safe_drinking_water), FormatAmount(h.house_area_m2), h.danger_grade,
      Flag(h.relocated), h.cadre_name, h.cadre_unit, h.cadre_position, h.cadre_phone,
      h.has_gps ? std::to_string(h.lat) : "", h.has_gps ? std::to_string(h.lon) : "",
      h.has_gps ? FormatAmount(h.gps_accuracy_m) : "", FormatIsoDay(h.visit_day),
      Join(h.surveyors), h.team_leader};
  for (const Member& m : h.members) {
    std::vector<std::string> cells = household;
    const std::vector<std::string> member = {
        m.name, m.id_number, m.relation, m.sex, m.age >= 0 ? std::to_string(m.age) : "",
        m.ethnicity, m.education, m.school_status, m.health, std::to_string(m.disability_grade),
        m.labor, std::to_string(m.migrant_months), Flag(m.medical_insurance),
        Flag(m.pension_insurance), Flag(m.low_income_guarantee), m.change,
        FormatIsoDay(m.change_day)};
    cells.insert(cells.end(), member.begin(), member.end());
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + Cell(cells[i]);
    out += "\r\n";
  }
  return out;
}

}  // namespace doorstep::registry
