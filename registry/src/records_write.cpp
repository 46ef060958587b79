// Registry views -> edits of the form pack's records. See records.h; field names in
// docs/registry-forms.md.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "doorstep/core/form.h"
#include "doorstep/core/sha256.h"
#include "doorstep/core/uuid.h"
#include "doorstep/registry/records.h"
#include "record_values.h"

namespace doorstep::registry {
namespace {

using namespace values;  // NOLINT: the value builders

// Appends a Set edit, skipping empty text (an empty answer is no answer).
class EditList {
 public:
  void Text(const std::string& path, const std::string& text) {
    if (!text.empty()) edits_.push_back(Edit::Set(path, values::Text(text)));
  }
  void One(const std::string& path, const std::string& choice) {
    if (!choice.empty()) edits_.push_back(Edit::Set(path, values::One(choice)));
  }
  void Many(const std::string& path, std::vector<std::string> choices) {
    if (!choices.empty()) edits_.push_back(Edit::Set(path, values::Many(std::move(choices))));
  }
  void YesNo(const std::string& path, bool yes) {
    edits_.push_back(Edit::Set(path, values::One(yes ? "yes" : "no")));
  }
  void Int(const std::string& path, int64_t i, bool skip_zero = false) {
    if (!(skip_zero && i == 0)) edits_.push_back(Edit::Set(path, values::Int(i)));
  }
  void Dec(const std::string& path, double d) { edits_.push_back(Edit::Set(path, values::Dec(d))); }
  void Day(const std::string& path, int32_t day) {
    if (day != kNoDay) edits_.push_back(Edit::Set(path, values::Day(day)));
  }
  void Add(Edit e) { edits_.push_back(std::move(e)); }
  std::vector<Edit> Take() { return std::move(edits_); }

 private:
  std::vector<Edit> edits_;
};

std::string UuidFromDigest(const std::string& seed) {
  Digest d = Sha256Of(seed);
  d[6] = static_cast<uint8_t>((d[6] & 0x0F) | 0x50);  // version 5-style (name-based, SHA)
  d[8] = static_cast<uint8_t>((d[8] & 0x3F) | 0x80);  // variant 1
  return Uuid::FromBytes(d.data()).ToString();
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

std::string DefaultFormPackDir() {
  if (const char* env = std::getenv("DOORSTEP_FORMS"); env && *env) return env;
  return DOORSTEP_REGISTRY_FORMS_DIR;
}

Result<std::vector<v1::FormDef>> LoadFormPack(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto& p = entry.path();
    if (p.extension() == ".json") files.push_back(p);
  }
  if (ec) return Status(Code::kIo, "cannot read the form pack directory: " + ec.message(), dir);
  if (files.empty()) return Status(Code::kNotFound, "no form files (*.json)", dir);
  std::sort(files.begin(), files.end());
  std::vector<v1::FormDef> defs;
  for (const std::string& f : files) {
    DS_ASSIGN_OR_RETURN(v1::FormDef def, LoadFormFile(f));
    defs.push_back(std::move(def));
  }
  return defs;
}

std::string SignaturePath(const std::string& role) {
  if (role == "household_head") return "sig_head";
  if (role == "surveyor") return "sig_surveyor";
  if (role == "team_leader") return "sig_team_leader";
  if (role == "vice_team_leader") return "sig_vice_leader";
  return {};
}

std::string MemberInstanceId(const Household& h, size_t index) {
  const std::string& id = h.members[index].id_number;
  bool unique = !id.empty();
  for (size_t i = 0; i < h.members.size() && unique; ++i) {
    if (i != index && h.members[i].id_number == id) unique = false;
  }
  return UuidFromDigest(h.id + "/members/" +
                        (unique ? "id:" + id : "index:" + std::to_string(index)));
}

std::vector<Edit> HouseholdEdits(const Household& h) {
  EditList e;
  e.Text("county", h.county);
  e.Text("county_code", h.county_code);
  e.Text("township", h.township);
  e.Text("village", h.village);
  e.Text("village_group", h.group);
  e.Text("household_no", h.household_no);
  e.Text("head_name", h.head_name);
  e.Text("mobile", h.phone);
  e.One("poverty_status", h.status);
  e.Int("status_year", h.status_year, /*skip_zero=*/true);
  e.One("identification_standard", h.identification_standard);
  e.Int("identification_year", h.identification_year, true);
  if (h.poverty_line_yuan > 0) e.Dec("poverty_line", h.poverty_line_yuan);
  e.Int("lifted_year", h.lifted_year, true);
  e.One("main_cause", h.main_cause);
  std::set<std::string> others(h.other_causes.begin(), h.other_causes.end());
  others.erase(h.main_cause);
  e.Many("other_causes", {others.begin(), others.end()});
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& m = h.members[i];
    const std::string id = MemberInstanceId(h, i);
    const std::string p = "members[" + id + "]/";
    e.Add(Edit::AddInstance("members", id));
    e.Text(p + "m_name", m.name);
    e.Text(p + "m_id_number", m.id_number);
    e.One(p + "m_relation", m.relation);
    e.One(p + "m_sex", m.sex);
    e.Text(p + "m_ethnicity", m.ethnicity);
    e.One(p + "m_education", m.education);
    e.One(p + "m_school_status", m.school_status);
    e.One(p + "m_health", m.health);
    e.Int(p + "m_disability_grade", m.disability_grade, true);
    e.One(p + "m_labor", m.labor);
    e.Int(p + "m_migrant_months", m.migrant_months);
    e.YesNo(p + "m_medical_insurance", m.medical_insurance);
    e.YesNo(p + "m_pension_insurance", m.pension_insurance);
    e.YesNo(p + "m_low_income", m.low_income_guarantee);
    e.YesNo(p + "m_extreme_support", m.extreme_poverty_support);
    e.One(p + "m_change", m.change);
    e.Day(p + "m_change_date", m.change_day);
  }
  const Income& in = h.income;
  e.Dec("inc_wage", in.wage);
  e.Dec("inc_production", in.production);
  e.Dec("inc_property", in.property);
  e.Dec("inc_subsidy", in.subsidy);
  e.Dec("inc_pension", in.pension);
  e.Dec("inc_eco", in.eco_compensation);
  e.Dec("production_costs", in.production_costs);
  const Guarantees& g = h.guarantees;
  e.YesNo("g_food", g.food);
  e.YesNo("g_clothing", g.clothing);
  e.YesNo("g_education", g.compulsory_education);
  e.YesNo("g_medical", g.basic_medical);
  e.YesNo("g_housing", g.safe_housing);
  e.YesNo("g_water", g.safe_drinking_water);
  if (h.house_area_m2 > 0) e.Dec("house_area", h.house_area_m2);
  e.One("house_danger", h.danger_grade);
  e.YesNo("relocated", h.relocated);
  e.Text("cadre_name", h.cadre_name);
  e.Text("cadre_unit", h.cadre_unit);
  e.Text("cadre_position", h.cadre_position);
  e.Text("cadre_phone", h.cadre_phone);
  for (size_t i = 0; i < h.measures.size(); ++i) {
    const AssistanceMeasure& a = h.measures[i];
    const std::string id = UuidFromDigest(h.id + "/measures/" + std::to_string(i));
    const std::string p = "measures[" + id + "]/";
    e.Add(Edit::AddInstance("measures", id));
    e.One(p + "a_type", a.type);
    e.Text(p + "a_description", a.description);
    e.Int(p + "a_year", a.year, true);
    e.Dec(p + "a_amount", a.amount_yuan);
  }
  if (h.has_gps) e.Add(Edit::Set("gps", Geo(h.lat, h.lon, h.gps_accuracy_m)));
  e.Day("visit_date", h.visit_day);
  e.Text("surveyors", Join(h.surveyors, "、"));
  e.Text("team_leader", h.team_leader);
  e.Text("vice_team_leader", h.vice_team_leader);
  for (const Signature& s : h.signatures) {
    const std::string path = SignaturePath(s.role);
    if (path.empty() || s.state == SignatureState::kMissing) continue;
    SignatureInput input;
    input.signer_name = s.signer;
    input.proxy_signer_name = s.proxy_signer;
    input.canvas_width = s.canvas_w;
    input.canvas_height = s.canvas_h;
    for (const auto& stroke : s.strokes) {
      std::vector<StrokePoint> points;
      points.reserve(stroke.size());
      for (const Point& p : stroke) {
        points.push_back(StrokePoint{p.x, p.y, static_cast<uint32_t>(std::max(0, p.t)), {}});
      }
      input.strokes.push_back(std::move(points));
    }
    e.Add(Edit::Sign(path, std::move(input)));
  }
  return e.Take();
}

Result<RecordId> CreateHouseholdRecord(Store& store, const Household& h,
                                       const std::string& version,
                                       const std::function<void(int64_t)>& set_time,
                                       int64_t now_ms) {
  std::vector<Edit> data;
  std::vector<std::pair<int64_t, Edit>> signs;
  for (Edit& e : HouseholdEdits(h)) {
    if (e.op != Edit::Op::kSign) {
      data.push_back(std::move(e));
      continue;
    }
    int64_t at = now_ms;
    for (const Signature& s : h.signatures) {
      if (SignaturePath(s.role) == e.path && s.signed_at_ms != 0) at = s.signed_at_ms;
    }
    signs.emplace_back(at, std::move(e));
  }
  set_time(now_ms);
  auto id = store.CreateRecord(kHouseholdForm, version, data);
  if (!id.ok()) return id;
  for (auto& [at, edit] : signs) {
    set_time(at);
    auto applied = store.Apply(id.value(), {edit});
    if (!applied.ok()) {
      set_time(now_ms);
      return applied.status();
    }
  }
  set_time(now_ms);
  return id;
}

std::vector<Edit> VillageRegisterEdits(const VillageRegister& v) {
  EditList e;
  e.Text("county", v.county);
  e.Text("township", v.township);
  e.Text("village", v.village);
  e.Int("register_year", v.year, true);
  e.Int("registered_households", v.registered_households);
  e.Int("registered_population", v.registered_population);
  e.Int("rural_population", v.rural_population);
  e.Int("assigned_households", v.assigned_households);
  e.YesNo("poor_village", v.poor_village);
  e.Int("village_exit_year", v.village_exit_year, true);
  e.Text("team_leader", v.team_leader);
  return e.Take();
}

std::vector<Edit> MisidentificationReviewEdits(const MisidentificationReview& r) {
  EditList e;
  e.Text("household_ref", r.household_id);
  e.Text("village", r.village);
  e.Int("review_year", r.year, true);
  e.One("review_kind", r.kind);
  std::set<std::string> flags(r.comparison_flags.begin(), r.comparison_flags.end());
  e.Many("comparison_flags", {flags.begin(), flags.end()});
  e.One("conclusion", r.conclusion);
  return e.Take();
}

std::vector<Edit> StatusReviewEdits(const Review& r) {
  EditList e;
  e.Text("household_ref", r.household_id);
  e.Text("village", r.village);
  e.One("transition", TransitionName(r.transition));
  e.Int("review_year", r.year, true);
  e.Text("reason", r.reason);
  e.Day("assessment1_date", r.assessment1_day);
  e.One("assessment1_outcome", r.assessment1_outcome);
  e.Day("notice1_start", r.notice1_start);
  if (r.notice1_start != kNoDay) {
    e.YesNo("notice1_objection", r.notice1_objection);
    if (r.notice1_objection) e.YesNo("notice1_objection_resolved", r.notice1_objection_resolved);
  }
  e.Day("comparison_date", r.comparison_day);
  std::set<std::string> flags(r.comparison_flags.begin(), r.comparison_flags.end());
  e.Many("comparison_flags", {flags.begin(), flags.end()});
  if (!flags.empty()) e.YesNo("comparison_flags_handled", r.comparison_flags_handled);
  e.Day("assessment2_date", r.assessment2_day);
  e.One("assessment2_outcome", r.assessment2_outcome);
  e.Day("notice2_start", r.notice2_start);
  if (r.notice2_start != kNoDay) {
    e.YesNo("notice2_objection", r.notice2_objection);
    if (r.notice2_objection) e.YesNo("notice2_objection_resolved", r.notice2_objection_resolved);
  }
  e.Day("announcement_start", r.announcement_start);
  e.Day("notification_date", r.notification_day);
  e.Day("completed_date", r.completed_day);
  return e.Take();
}

std::string DescribePath(const Household& h, const std::string& path) {
  auto parsed = FieldPath::Parse(path);
  if (!parsed.ok() || parsed.value().segments.size() < 2) return path;
  const PathSegment& first = parsed.value().segments[0];
  if (first.name != "members") return path;
  for (size_t i = 0; i < h.members.size(); ++i) {
    const std::string& stored = h.members[i].instance_id;
    if ((stored.empty() ? MemberInstanceId(h, i) : stored) == first.instance) {
      return "成员 " + h.members[i].name + " (第" + std::to_string(i + 1) + "人) / " +
             parsed.value().leaf();
    }
  }
  return path;
}

}  // namespace doorstep::registry
