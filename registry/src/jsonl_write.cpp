// Writing the registry export (JSON Lines). See jsonl.h.

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "doorstep/registry/jsonl.h"
#include "export_fields.h"

namespace doorstep::registry {
namespace {

using ojson = nlohmann::ordered_json;

// Integers stay integers in the JSON (the export writes 45183, not 45183.0).
ojson Amount(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 9e15) {
    return static_cast<int64_t>(std::llround(v));
  }
  return std::round(v * 100) / 100;
}

ojson DayOrNull(int32_t day) { return day == kNoDay ? ojson(nullptr) : ojson(FormatIsoDay(day)); }

ojson MemberJson(const Member& m) {
  ojson j;
  j["name"] = m.name;
  j["id_number"] = m.id_number;
  j["relation"] = m.relation;
  j["sex"] = m.sex;
  j["age"] = m.age;
  j["ethnicity"] = m.ethnicity;
  j["education"] = m.education;
  j["school_status"] = m.school_status;
  j["health_status"] = m.health;
  j["disability_grade"] = m.disability_grade;
  j["labor_capacity"] = m.labor;
  j["migrant_work_months"] = m.migrant_months;
  j["medical_insurance"] = m.medical_insurance;
  j["pension_insurance"] = m.pension_insurance;
  j["low_income_guarantee"] = m.low_income_guarantee;
  if (m.extreme_poverty_support) j["extreme_poverty_support"] = true;
  if (!m.change.empty()) {
    j["change"] = m.change;
    j["change_date"] = DayOrNull(m.change_day);
  }
  return j;
}

ojson SignatureJson(const Signature& s) {
  ojson j;
  j["role"] = s.role;
  j["signer"] = s.signer;
  if (!s.proxy_signer.empty()) j["proxy_signer"] = s.proxy_signer;
  j["signed_at"] = s.signed_at_ms != 0 ? ojson(FormatBeijingTimestamp(s.signed_at_ms)) : ojson();
  j["canvas_w"] = s.canvas_w;
  j["canvas_h"] = s.canvas_h;
  ojson strokes = ojson::array();
  for (const auto& stroke : s.strokes) {
    ojson points = ojson::array();
    for (const Point& p : stroke) points.push_back(ojson{{"x", p.x}, {"y", p.y}, {"t", p.t}});
    strokes.push_back(std::move(points));
  }
  j["strokes"] = std::move(strokes);
  return j;
}

}  // namespace

std::string HouseholdJson(const Household& h) {
  ojson j;
  j["uuid"] = h.id;
  j["form_version"] = h.form_version;
  j["household_no"] = h.household_no;
  j["county"] = h.county;
  j["county_code"] = h.county_code;
  j["township"] = h.township;
  j["village"] = h.village;
  j["group"] = h.group;
  j["head_name"] = h.head_name;
  j["head_id_number"] = h.head_id_number;
  j["phone"] = h.phone;
  j["poverty_status"] = h.status;
  if (h.status_year != 0) j["status_year"] = h.status_year;
  j["identification_standard"] = h.identification_standard;
  j["identification_year"] = h.identification_year;
  j["poverty_line_yuan"] = Amount(h.poverty_line_yuan);
  j["lifted_year"] = h.lifted_year != 0 ? ojson(h.lifted_year) : ojson(nullptr);
  j["main_poverty_cause"] = h.main_cause;
  ojson causes = ojson::array();
  if (!h.main_cause.empty()) causes.push_back(h.main_cause);
  for (const std::string& c : h.other_causes) causes.push_back(c);
  j["poverty_causes"] = std::move(causes);
  const Income& in = h.income;
  ojson transfer;
  transfer["subsidy"] = Amount(in.subsidy);
  transfer["pension"] = Amount(in.pension);
  transfer["eco_compensation"] = Amount(in.eco_compensation);
  transfer["total"] = Amount(in.Transfers());
  ojson income;
  income["wage"] = Amount(in.wage);
  income["production"] = Amount(in.production);
  income["property"] = Amount(in.property);
  income["transfer"] = std::move(transfer);
  income["production_expenses"] = Amount(in.production_costs);
  income["net_income"] = Amount(in.Net());
  income["per_capita_net_income"] = Amount(h.PerCapitaNet());
  j["income"] = std::move(income);
  const Guarantees& g = h.guarantees;
  j["guarantees"] = ojson{{"food", g.food},
                          {"clothing", g.clothing},
                          {"compulsory_education", g.compulsory_education},
                          {"basic_medical", g.basic_medical},
                          {"safe_housing", g.safe_housing},
                          {"safe_drinking_water", g.safe_drinking_water}};
  j["housing"] = ojson{{"area_m2", Amount(h.house_area_m2)},
                       {"danger_grade", h.danger_grade},
                       {"relocated", h.relocated}};
  j["assisting_cadre"] = ojson{{"name", h.cadre_name},
                               {"unit", h.cadre_unit},
                               {"position", h.cadre_position},
                               {"phone", h.cadre_phone}};
  ojson measures = ojson::array();
  for (const AssistanceMeasure& m : h.measures) {
    measures.push_back(ojson{{"type", m.type},
                             {"description", m.description},
                             {"year", m.year},
                             {"amount_yuan", Amount(m.amount_yuan)}});
  }
  j["assistance_measures"] = std::move(measures);
  if (h.has_gps) {
    j["gps"] = ojson{{"lat", h.lat}, {"lon", h.lon}, {"accuracy_m", Amount(h.gps_accuracy_m)}};
  }
  j["survey_date"] = DayOrNull(h.visit_day);
  j["surveyors"] = h.surveyors;
  j["team_leader"] = h.team_leader;
  if (!h.vice_team_leader.empty()) j["vice_team_leader"] = h.vice_team_leader;
  ojson members = ojson::array();
  for (const Member& m : h.members) members.push_back(MemberJson(m));
  j["members"] = std::move(members);
  ojson signatures = ojson::array();
  for (const Signature& s : h.signatures) {
    if (s.state != SignatureState::kMissing) signatures.push_back(SignatureJson(s));
  }
  j["signatures"] = std::move(signatures);
  return j.dump();
}

std::string VillageRegisterJson(const VillageRegister& v) {
  ojson j;
  j["record_type"] = "village_register";
  j["uuid"] = v.id;
  j["county"] = v.county;
  j["township"] = v.township;
  j["village"] = v.village;
  j["year"] = v.year;
  j["registered_households"] = v.registered_households;
  j["registered_population"] = v.registered_population;
  j["rural_population"] = v.rural_population;
  j["assigned_households"] = v.assigned_households;
  j["poor_village"] = v.poor_village;
  j["village_exit_year"] = v.village_exit_year != 0 ? ojson(v.village_exit_year) : ojson();
  j["team_leader"] = v.team_leader;
  return j.dump();
}

std::string MisidentificationReviewJson(const MisidentificationReview& r) {
  ojson j;
  j["record_type"] = "misidentification_review";
  j["uuid"] = r.id;
  j["household_uuid"] = r.household_id;
  j["village"] = r.village;
  j["year"] = r.year;
  j["review_kind"] = r.kind;
  j["conclusion"] = r.conclusion;
  j["comparison_flags"] = r.comparison_flags;
  return j.dump();
}

std::string StatusReviewJson(const Review& r) {
  ojson j;
  j["record_type"] = "status_review";
  j["uuid"] = r.id;
  j["household_uuid"] = r.household_id;
  j["village"] = r.village;
  j["transition"] = TransitionName(r.transition);
  j["year"] = r.year;
  if (!r.reason.empty()) j["reason"] = r.reason;
  auto day = [&](const char* key, int32_t d) {
    if (d != kNoDay) j[key] = FormatIsoDay(d);
  };
  auto text = [&](const char* key, const std::string& t) {
    if (!t.empty()) j[key] = t;
  };
  day("assessment1_date", r.assessment1_day);
  text("assessment1_outcome", r.assessment1_outcome);
  day("notice1_start", r.notice1_start);
  if (r.notice1_start != kNoDay) {
    j["notice1_objection"] = r.notice1_objection;
    if (r.notice1_objection) j["notice1_objection_resolved"] = r.notice1_objection_resolved;
  }
  day("comparison_date", r.comparison_day);
  if (!r.comparison_flags.empty()) {
    j["comparison_flags"] = r.comparison_flags;
    j["comparison_flags_handled"] = r.comparison_flags_handled;
  }
  day("assessment2_date", r.assessment2_day);
  text("assessment2_outcome", r.assessment2_outcome);
  day("notice2_start", r.notice2_start);
  if (r.notice2_start != kNoDay) {
    j["notice2_objection"] = r.notice2_objection;
    if (r.notice2_objection) j["notice2_objection_resolved"] = r.notice2_objection_resolved;
  }
  day("announcement_start", r.announcement_start);
  day("notification_date", r.notification_day);
  day("completed_date", r.completed_day);
  return j.dump();
}

}  // namespace doorstep::registry
