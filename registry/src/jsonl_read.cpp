// Reading the registry export (JSON Lines). See jsonl.h.

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "doorstep/registry/jsonl.h"
#include "export_fields.h"

namespace doorstep::registry {
namespace {

using nlohmann::json;

// Thrown inside one line's parse, turned into a Status naming line and field.
struct FieldError {
  std::string where;
  std::string message;
};

class Reader {
 public:
  Reader(const json& object, std::string where) : object_(object), where_(std::move(where)) {}

  const json* Find(const char* key) const {
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  std::string Where(const char* key) const {
    return where_.empty() ? std::string(key) : where_ + "." + key;
  }

  std::string Text(const char* key, bool required = false) const {
    const json* v = Find(key);
    if (!v) {
      if (required) throw FieldError{Where(key), "missing (required)"};
      return {};
    }
    if (!v->is_string()) throw FieldError{Where(key), "expected a string"};
    return v->get<std::string>();
  }
  double Number(const char* key) const {
    const json* v = Find(key);
    if (!v) return 0;
    if (!v->is_number()) throw FieldError{Where(key), "expected a number"};
    const double d = v->get<double>();
    if (!std::isfinite(d)) throw FieldError{Where(key), "not a finite number"};
    return d;
  }
  int Int(const char* key) const {
    const json* v = Find(key);
    if (!v) return 0;
    if (!v->is_number_integer()) throw FieldError{Where(key), "expected an integer"};
    const int64_t i = v->get<int64_t>();
    if (i < -1000000000 || i > 1000000000) throw FieldError{Where(key), "out of range"};
    return static_cast<int>(i);
  }
  bool Bool(const char* key) const {
    const json* v = Find(key);
    if (!v) return false;
    if (!v->is_boolean()) throw FieldError{Where(key), "expected true or false"};
    return v->get<bool>();
  }
  int32_t Day(const char* key) const {
    std::string t = Text(key);
    if (t.empty()) return kNoDay;
    // "2019-05-09" or an ISO timestamp "2019-05-09T10:09:50+08:00": the date part counts.
    auto day = ParseIsoDay(t.substr(0, 10));
    if (!day || (t.size() > 10 && t[10] != 'T')) {
      throw FieldError{Where(key), "expected a date YYYY-MM-DD"};
    }
    return *day;
  }
  Reader Object(const char* key) const {
    const json* v = Find(key);
    if (!v) return Reader(kEmpty, Where(key));
    if (!v->is_object()) throw FieldError{Where(key), "expected an object"};
    return Reader(*v, Where(key));
  }
  // Calls fn(reader, index) for every object of an array.
  template <typename Fn>
  void Objects(const char* key, Fn fn) const {
    const json* v = Find(key);
    if (!v) return;
    if (!v->is_array()) throw FieldError{Where(key), "expected an array"};
    for (size_t i = 0; i < v->size(); ++i) {
      const std::string w = Where(key) + "[" + std::to_string(i) + "]";
      if (!(*v)[i].is_object()) throw FieldError{w, "expected an object"};
      fn(Reader((*v)[i], w), i);
    }
  }
  std::vector<std::string> Texts(const char* key) const {
    std::vector<std::string> out;
    const json* v = Find(key);
    if (!v) return out;
    if (!v->is_array()) throw FieldError{Where(key), "expected an array of strings"};
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) {
        throw FieldError{Where(key) + "[" + std::to_string(i) + "]", "expected a string"};
      }
      out.push_back((*v)[i].get<std::string>());
    }
    return out;
  }
  const json& raw() const { return object_; }
  const std::string& where() const { return where_; }

 private:
  static inline const json kEmpty = json::object();
  const json& object_;
  std::string where_;
};

Member ReadMember(const Reader& r) {
  Member m;
  m.name = r.Text("name", true);
  m.id_number = r.Text("id_number", true);
  m.relation = r.Text("relation", true);
  m.sex = r.Text("sex");
  m.age = r.Find("age") ? r.Int("age") : -1;
  m.ethnicity = r.Text("ethnicity");
  m.education = r.Text("education");
  m.school_status = r.Text("school_status");
  m.health = r.Text("health_status");
  m.disability_grade = r.Int("disability_grade");
  m.labor = r.Text("labor_capacity");
  m.migrant_months = r.Int("migrant_work_months");
  m.medical_insurance = r.Bool("medical_insurance");
  m.pension_insurance = r.Bool("pension_insurance");
  m.low_income_guarantee = r.Bool("low_income_guarantee");
  m.extreme_poverty_support = r.Bool("extreme_poverty_support");
  m.change = r.Text("change");
  m.change_day = r.Day("change_date");
  return m;
}

Signature ReadSignature(const Reader& r) {
  Signature s;
  s.role = r.Text("role", true);
  s.signer = r.Text("signer");
  s.proxy_signer = r.Text("proxy_signer");
  const std::string at = r.Text("signed_at");
  if (!at.empty()) {
    auto ms = ParseIsoTimestampMs(at);
    if (!ms) throw FieldError{r.Where("signed_at"), "expected an ISO 8601 time with offset"};
    s.signed_at_ms = *ms;
  }
  s.canvas_w = static_cast<uint32_t>(std::max(0, r.Int("canvas_w")));
  s.canvas_h = static_cast<uint32_t>(std::max(0, r.Int("canvas_h")));
  const json* strokes = r.Find("strokes");
  if (strokes) {
    if (!strokes->is_array()) throw FieldError{r.Where("strokes"), "expected an array"};
    for (size_t i = 0; i < strokes->size(); ++i) {
      const json& stroke = (*strokes)[i];
      const std::string w = r.Where("strokes") + "[" + std::to_string(i) + "]";
      if (!stroke.is_array()) throw FieldError{w, "expected an array of points"};
      std::vector<Point> points;
      points.reserve(stroke.size());
      for (size_t j = 0; j < stroke.size(); ++j) {
        const json& p = stroke[j];
        const std::string pw = w + "[" + std::to_string(j) + "]";
        if (!p.is_object()) throw FieldError{pw, "expected a point {x, y, t}"};
        Reader pr(p, pw);
        points.push_back(Point{pr.Int("x"), pr.Int("y"), pr.Int("t")});
      }
      s.strokes.push_back(std::move(points));
    }
  }
  s.state = SignatureState::kValid;
  return s;
}

Household ReadHousehold(const Reader& r) {
  Household h;
  h.id = r.Text("uuid", true);
  if (!IsUuidText(h.id)) throw FieldError{"uuid", "expected a lower-case UUID"};
  h.form_version = r.Text("form_version");
  h.household_no = r.Text("household_no", true);
  h.county = r.Text("county");
  h.county_code = r.Text("county_code");
  h.township = r.Text("township");
  h.village = r.Text("village", true);
  h.group = r.Text("group");
  h.head_name = r.Text("head_name");
  h.head_id_number = r.Text("head_id_number");
  h.phone = r.Text("phone");
  h.status = r.Text("poverty_status", true);
  h.status_year = r.Int("status_year");
  h.identification_standard = r.Text("identification_standard");
  h.identification_year = r.Int("identification_year");
  h.poverty_line_yuan = r.Number("poverty_line_yuan");
  h.lifted_year = r.Int("lifted_year");
  h.main_cause = r.Text("main_poverty_cause");
  for (std::string& c : r.Texts("poverty_causes")) {
    if (c != h.main_cause) h.other_causes.push_back(std::move(c));
  }
  const Reader income = r.Object("income");
  h.income.wage = income.Number("wage");
  h.income.production = income.Number("production");
  h.income.property = income.Number("property");
  const Reader transfer = income.Object("transfer");
  h.income.subsidy = transfer.Number("subsidy");
  h.income.pension = transfer.Number("pension");
  h.income.eco_compensation = transfer.Number("eco_compensation");
  h.income.production_costs = income.Number("production_expenses");
  const Reader g = r.Object("guarantees");
  h.guarantees.food = g.Bool("food");
  h.guarantees.clothing = g.Bool("clothing");
  h.guarantees.compulsory_education = g.Bool("compulsory_education");
  h.guarantees.basic_medical = g.Bool("basic_medical");
  h.guarantees.safe_housing = g.Bool("safe_housing");
  h.guarantees.safe_drinking_water = g.Bool("safe_drinking_water");
  const Reader housing = r.Object("housing");
  h.house_area_m2 = housing.Number("area_m2");
  h.danger_grade = housing.Text("danger_grade");
  h.relocated = housing.Bool("relocated");
  const Reader cadre = r.Object("assisting_cadre");
  h.cadre_name = cadre.Text("name");
  h.cadre_unit = cadre.Text("unit");
  h.cadre_position = cadre.Text("position");
  h.cadre_phone = cadre.Text("phone");
  r.Objects("assistance_measures", [&](const Reader& m, size_t) {
    AssistanceMeasure a;
    a.type = m.Text("type");
    a.description = m.Text("description");
    a.year = m.Int("year");
    a.amount_yuan = m.Number("amount_yuan");
    h.measures.push_back(std::move(a));
  });
  if (r.Find("gps")) {
    const Reader gps = r.Object("gps");
    h.has_gps = true;
    h.lat = gps.Number("lat");
    h.lon = gps.Number("lon");
    h.gps_accuracy_m = gps.Number("accuracy_m");
    if (h.lat < -90 || h.lat > 90) throw FieldError{"gps.lat", "latitude out of range"};
    if (h.lon < -180 || h.lon > 180) throw FieldError{"gps.lon", "longitude out of range"};
  }
  h.visit_day = r.Day("survey_date");
  h.surveyors = r.Texts("surveyors");
  h.team_leader = r.Text("team_leader");
  h.vice_team_leader = r.Text("vice_team_leader");
  r.Objects("members", [&](const Reader& m, size_t) { h.members.push_back(ReadMember(m)); });
  if (h.members.empty()) throw FieldError{"members", "a household needs at least one member"};
  r.Objects("signatures", [&](const Reader& s, size_t) {
    h.signatures.push_back(ReadSignature(s));
  });
  return h;
}

VillageRegister ReadVillage(const Reader& r) {
  VillageRegister v;
  v.id = r.Text("uuid", true);
  if (!IsUuidText(v.id)) throw FieldError{"uuid", "expected a lower-case UUID"};
  v.county = r.Text("county");
  v.township = r.Text("township");
  v.village = r.Text("village", true);
  v.year = r.Int("year");
  v.registered_households = r.Int("registered_households");
  v.registered_population = r.Int("registered_population");
  v.rural_population = r.Int("rural_population");
  v.assigned_households = r.Int("assigned_households");
  v.poor_village = r.Bool("poor_village");
  v.village_exit_year = r.Int("village_exit_year");
  v.team_leader = r.Text("team_leader");
  return v;
}

MisidentificationReview ReadReview(const Reader& r) {
  MisidentificationReview m;
  m.id = r.Text("uuid", true);
  if (!IsUuidText(m.id)) throw FieldError{"uuid", "expected a lower-case UUID"};
  m.household_id = r.Text("household_uuid", true);
  if (!IsUuidText(m.household_id)) {
    throw FieldError{"household_uuid", "expected a lower-case UUID"};
  }
  m.village = r.Text("village", true);
  m.year = r.Int("year");
  m.kind = r.Text("review_kind", true);
  m.conclusion = r.Text("conclusion", true);
  m.comparison_flags = r.Texts("comparison_flags");
  return m;
}

Review ReadStatusReview(const Reader& r) {
  Review x;
  x.id = r.Text("uuid", true);
  if (!IsUuidText(x.id)) throw FieldError{"uuid", "expected a lower-case UUID"};
  x.household_id = r.Text("household_uuid", true);
  if (!IsUuidText(x.household_id)) throw FieldError{"household_uuid", "expected a lower-case UUID"};
  x.village = r.Text("village", true);
  auto transition = ParseTransition(r.Text("transition", true));
  if (!transition) {
    throw FieldError{"transition", "expected new_inclusion, exit, return or removal"};
  }
  x.transition = *transition;
  x.year = r.Int("year");
  x.reason = r.Text("reason");
  x.assessment1_day = r.Day("assessment1_date");
  x.assessment1_outcome = r.Text("assessment1_outcome");
  x.notice1_start = r.Day("notice1_start");
  x.notice1_objection = r.Bool("notice1_objection");
  x.notice1_objection_resolved = r.Bool("notice1_objection_resolved");
  x.comparison_day = r.Day("comparison_date");
  x.comparison_flags = r.Texts("comparison_flags");
  x.comparison_flags_handled = r.Bool("comparison_flags_handled");
  x.assessment2_day = r.Day("assessment2_date");
  x.assessment2_outcome = r.Text("assessment2_outcome");
  x.notice2_start = r.Day("notice2_start");
  x.notice2_objection = r.Bool("notice2_objection");
  x.notice2_objection_resolved = r.Bool("notice2_objection_resolved");
  x.announcement_start = r.Day("announcement_start");
  x.notification_day = r.Day("notification_date");
  x.completed_day = r.Day("completed_date");
  return x;
}

}  // namespace

Result<ExportRow> ParseExportLine(const std::string& text, size_t line) {
  const std::string prefix = "line " + std::to_string(line);
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status(Code::kParse, "not valid JSON", prefix);
  }
  if (!parsed.is_object()) {
    return Status(Code::kParse, "expected a JSON object", prefix);
  }
  ExportRow row;
  row.line = line;
  try {
    Reader r(parsed, "");
    const std::string type = r.Text("record_type");
    if (type.empty() || type == "household") {
      row.row = ReadHousehold(r);
    } else if (type == "village_register") {
      row.row = ReadVillage(r);
    } else if (type == "misidentification_review") {
      row.row = ReadReview(r);
    } else if (type == "status_review") {
      row.row = ReadStatusReview(r);
    } else {
      throw FieldError{"record_type", "unknown record type (household, village_register, "
                                      "misidentification_review, status_review)"};
    }
  } catch (const FieldError& e) {
    return Status(Code::kInvalidArgument, e.message, prefix + ": " + e.where);
  } catch (const json::exception& e) {
    return Status(Code::kParse, e.what(), prefix);
  }
  return row;
}

std::vector<ExportRow> ParseJsonLines(const std::string& text, std::vector<Status>* errors) {
  std::vector<ExportRow> rows;
  size_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string one = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!one.empty() && one.back() == '\r') one.pop_back();
    if (line == 1 && one.rfind("\xEF\xBB\xBF", 0) == 0) one.erase(0, 3);
    if (one.find_first_not_of(" \t") == std::string::npos) continue;
    auto row = ParseExportLine(one, line);
    if (row.ok()) {
      rows.push_back(std::move(row).value());
    } else if (errors) {
      errors->push_back(row.status());
    }
  }
  return rows;
}

}  // namespace doorstep::registry
