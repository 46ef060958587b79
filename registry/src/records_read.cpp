// Stored records of the form pack -> registry views. See records.h.

#include <algorithm>
#include <set>

#include "doorstep/registry/records.h"
#include "record_values.h"

namespace doorstep::registry {
namespace {

using values::AsDay;
using values::AsDec;
using values::AsInt;
using values::AsList;
using values::AsText;
using values::AsYes;

// Field access on one record, optionally inside a repeat instance.
class View {
 public:
  View(const Record& record, std::string prefix = {})
      : record_(record), prefix_(std::move(prefix)) {}
  const v1::Value* Get(const std::string& name) const { return record_.Get(prefix_ + name); }
  std::string Text(const std::string& name) const { return AsText(Get(name)); }
  int Int(const std::string& name) const { return static_cast<int>(AsInt(Get(name))); }
  double Dec(const std::string& name) const { return AsDec(Get(name)); }
  int32_t Day(const std::string& name) const { return AsDay(Get(name)); }
  bool Yes(const std::string& name) const { return AsYes(Get(name)); }
  std::vector<std::string> List(const std::string& name) const { return AsList(Get(name)); }

 private:
  const Record& record_;
  std::string prefix_;
};

std::vector<std::string> SplitNames(const std::string& text) {
  std::vector<std::string> out;
  const std::string sep = "、";
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t end = text.find(sep, pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) out.push_back(text.substr(pos, end - pos));
    pos = end + sep.size();
  }
  return out;
}

SignatureState FromCore(doorstep::SignatureState s) {
  switch (s) {
    case doorstep::SignatureState::kValid:
      return SignatureState::kValid;
    case doorstep::SignatureState::kStale:
      return SignatureState::kStale;
    case doorstep::SignatureState::kMissing:
      return SignatureState::kMissing;
  }
  return SignatureState::kMissing;
}

Household HouseholdFromRecord(const Record& r, const std::vector<std::string>& member_ids,
                              const std::vector<std::string>& measure_ids) {
  View v(r);
  Household h;
  h.id = r.id.ToString();
  h.form_version = r.form_version;
  h.finalized = r.state == RecordState::kFinalized;
  h.county = v.Text("county");
  h.county_code = v.Text("county_code");
  h.township = v.Text("township");
  h.village = v.Text("village");
  h.group = v.Text("village_group");
  h.household_no = v.Text("household_no");
  h.head_name = v.Text("head_name");
  h.phone = v.Text("mobile");
  h.status = v.Text("poverty_status");
  h.status_year = v.Int("status_year");
  h.identification_standard = v.Text("identification_standard");
  h.identification_year = v.Int("identification_year");
  h.poverty_line_yuan = v.Dec("poverty_line");
  h.lifted_year = v.Int("lifted_year");
  h.main_cause = v.Text("main_cause");
  h.other_causes = v.List("other_causes");
  for (const std::string& id : member_ids) {
    View m(r, "members[" + id + "]/");
    Member x;
    x.instance_id = id;
    x.name = m.Text("m_name");
    x.id_number = m.Text("m_id_number");
    x.relation = m.Text("m_relation");
    x.sex = m.Text("m_sex");
    x.age = m.Get("m_age") ? m.Int("m_age") : -1;
    x.ethnicity = m.Text("m_ethnicity");
    x.education = m.Text("m_education");
    x.school_status = m.Text("m_school_status");
    x.health = m.Text("m_health");
    x.disability_grade = m.Int("m_disability_grade");
    x.labor = m.Text("m_labor");
    x.migrant_months = m.Int("m_migrant_months");
    x.medical_insurance = m.Yes("m_medical_insurance");
    x.pension_insurance = m.Yes("m_pension_insurance");
    x.low_income_guarantee = m.Yes("m_low_income");
    x.extreme_poverty_support = m.Yes("m_extreme_support");
    x.change = m.Text("m_change");
    x.change_day = m.Day("m_change_date");
    h.members.push_back(std::move(x));
  }
  h.income.wage = v.Dec("inc_wage");
  h.income.production = v.Dec("inc_production");
  h.income.property = v.Dec("inc_property");
  h.income.subsidy = v.Dec("inc_subsidy");
  h.income.pension = v.Dec("inc_pension");
  h.income.eco_compensation = v.Dec("inc_eco");
  h.income.production_costs = v.Dec("production_costs");
  h.guarantees.food = v.Yes("g_food");
  h.guarantees.clothing = v.Yes("g_clothing");
  h.guarantees.compulsory_education = v.Yes("g_education");
  h.guarantees.basic_medical = v.Yes("g_medical");
  h.guarantees.safe_housing = v.Yes("g_housing");
  h.guarantees.safe_drinking_water = v.Yes("g_water");
  h.house_area_m2 = v.Dec("house_area");
  h.danger_grade = v.Text("house_danger");
  h.relocated = v.Yes("relocated");
  h.cadre_name = v.Text("cadre_name");
  h.cadre_unit = v.Text("cadre_unit");
  h.cadre_position = v.Text("cadre_position");
  h.cadre_phone = v.Text("cadre_phone");
  for (const std::string& id : measure_ids) {
    View m(r, "measures[" + id + "]/");
    AssistanceMeasure a;
    a.instance_id = id;
    a.type = m.Text("a_type");
    a.description = m.Text("a_description");
    a.year = m.Int("a_year");
    a.amount_yuan = m.Dec("a_amount");
    h.measures.push_back(std::move(a));
  }
  if (const v1::Value* gps = v.Get("gps"); gps && gps->has_geopoint()) {
    h.has_gps = true;
    h.lat = gps->geopoint().latitude();
    h.lon = gps->geopoint().longitude();
    h.gps_accuracy_m = gps->geopoint().accuracy_m();
  }
  h.visit_day = v.Day("visit_date");
  h.surveyors = SplitNames(v.Text("surveyors"));
  h.team_leader = v.Text("team_leader");
  h.vice_team_leader = v.Text("vice_team_leader");
  return h;
}

Review ReviewFromRecord(const Record& r) {
  View v(r);
  Review x;
  x.id = r.id.ToString();
  x.household_id = v.Text("household_ref");
  x.village = v.Text("village");
  x.transition = ParseTransition(v.Text("transition")).value_or(Transition::kExit);
  x.year = v.Int("review_year");
  x.reason = v.Text("reason");
  x.assessment1_day = v.Day("assessment1_date");
  x.assessment1_outcome = v.Text("assessment1_outcome");
  x.notice1_start = v.Day("notice1_start");
  x.notice1_objection = v.Yes("notice1_objection");
  x.notice1_objection_resolved = v.Yes("notice1_objection_resolved");
  x.comparison_day = v.Day("comparison_date");
  x.comparison_flags = v.List("comparison_flags");
  x.comparison_flags_handled = v.Yes("comparison_flags_handled");
  x.assessment2_day = v.Day("assessment2_date");
  x.assessment2_outcome = v.Text("assessment2_outcome");
  x.notice2_start = v.Day("notice2_start");
  x.notice2_objection = v.Yes("notice2_objection");
  x.notice2_objection_resolved = v.Yes("notice2_objection_resolved");
  x.announcement_start = v.Day("announcement_start");
  x.notification_day = v.Day("notification_date");
  x.completed_day = v.Day("completed_date");
  return x;
}

bool Wanted(const std::vector<std::string>& villages, const std::string& village) {
  return villages.empty() ||
         std::find(villages.begin(), villages.end(), village) != villages.end();
}

}  // namespace

Result<Household> ReadHousehold(Store& store, const RecordId& id) {
  DS_ASSIGN_OR_RETURN(Record record, store.GetRelevantRecord(id));
  if (record.form_id != kHouseholdForm) {
    return Status(Code::kInvalidArgument, "not a household record (form " + record.form_id + ")",
                  id.ToString());
  }
  DS_ASSIGN_OR_RETURN(auto members, store.Instances(id, "members"));
  DS_ASSIGN_OR_RETURN(auto measures, store.Instances(id, "measures"));
  Household h = HouseholdFromRecord(record, members, measures);
  DS_ASSIGN_OR_RETURN(auto signatures, store.Signatures(id));
  for (const SignatureStatus& s : signatures) {
    Signature sig;
    sig.role = s.role;
    sig.signer = s.signer_name;
    sig.proxy_signer = s.proxy_signer_name;
    sig.signed_at_ms = s.signed_at_ms;
    sig.state = FromCore(s.state);
    h.signatures.push_back(std::move(sig));
  }
  return h;
}

Result<Review> ReadReview(Store& store, const RecordId& id) {
  DS_ASSIGN_OR_RETURN(Record record, store.GetRelevantRecord(id));
  if (record.form_id != kStatusReviewForm) {
    return Status(Code::kInvalidArgument,
                  "not a status review record (form " + record.form_id + ")", id.ToString());
  }
  return ReviewFromRecord(record);
}

Result<Township> LoadTownship(Store& store, const std::vector<std::string>& villages) {
  Township t;
  DS_ASSIGN_OR_RETURN(auto summaries, store.ListRecords());
  for (const RecordSummary& s : summaries) {
    if (s.form_id == kHouseholdForm) {
      DS_ASSIGN_OR_RETURN(Household h, ReadHousehold(store, s.id));
      if (Wanted(villages, h.village)) t.households.push_back(std::move(h));
      continue;
    }
    if (s.form_id != kStatusReviewForm && s.form_id != kMisidentificationForm &&
        s.form_id != kVillageRegisterForm && s.form_id != kAssistanceVisitForm) {
      continue;
    }
    DS_ASSIGN_OR_RETURN(Record r, store.GetRelevantRecord(s.id));
    if (r.deleted) continue;
    View v(r);
    if (!Wanted(villages, v.Text("village"))) continue;
    if (s.form_id == kStatusReviewForm) {
      t.reviews.push_back(ReviewFromRecord(r));
    } else if (s.form_id == kMisidentificationForm) {
      MisidentificationReview m;
      m.id = r.id.ToString();
      m.household_id = v.Text("household_ref");
      m.village = v.Text("village");
      m.year = v.Int("review_year");
      m.kind = v.Text("review_kind");
      m.conclusion = v.Text("conclusion");
      m.comparison_flags = v.List("comparison_flags");
      t.misidentification_reviews.push_back(std::move(m));
    } else if (s.form_id == kVillageRegisterForm) {
      VillageRegister x;
      x.id = r.id.ToString();
      x.county = v.Text("county");
      x.township = v.Text("township");
      x.village = v.Text("village");
      x.year = v.Int("register_year");
      x.registered_households = v.Int("registered_households");
      x.registered_population = v.Int("registered_population");
      x.rural_population = v.Int("rural_population");
      x.assigned_households = v.Int("assigned_households");
      x.poor_village = v.Yes("poor_village");
      x.village_exit_year = v.Int("village_exit_year");
      x.team_leader = v.Text("team_leader");
      t.villages.push_back(std::move(x));
    } else {
      AssistanceVisit a;
      a.id = r.id.ToString();
      a.household_id = v.Text("household_ref");
      a.village = v.Text("village");
      a.visit_day = v.Day("visit_date");
      a.cadre_name = v.Text("cadre_name");
      a.content = v.Text("content");
      t.visits.push_back(std::move(a));
    }
  }
  return t;
}

}  // namespace doorstep::registry
