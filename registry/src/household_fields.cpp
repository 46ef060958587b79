// The household form's fields: the household, its members and its assistance measures. See
// fields.h; the form is forms/registry/household.json, the export's shape is described in jsonl.h.

#include <algorithm>

#include "fields.h"

namespace doorstep::registry::fields {
namespace {

using enum Kind;

template <auto... M>
constexpr auto H = &Reach<Household, M...>;
template <auto... M>
constexpr auto Mem = &Reach<Member, M...>;
template <auto... M>
constexpr auto A = &Reach<AssistanceMeasure, M...>;

// The form keeps the causes besides the main one; the export's poverty_causes lists the main
// cause first, then the others.
List FormCauses(const Household& h) {
  List others = h.other_causes;
  std::erase(others, h.main_cause);
  return others;
}
void SetFormCauses(Household& h, List causes) {
  h.other_causes = std::move(causes);
}
List ExportCauses(const Household& h) {
  List causes;
  if (!h.main_cause.empty()) causes.push_back(h.main_cause);
  causes.insert(causes.end(), h.other_causes.begin(), h.other_causes.end());
  return causes;
}
void SetExportCauses(Household& h, List causes) {
  h.other_causes.clear();
  for (std::string& c : causes) {
    if (c != h.main_cause) h.other_causes.push_back(std::move(c));
  }
}

double Transfers(const Household& h) {
  return h.income.Transfers();
}
double NetIncome(const Household& h) {
  return h.income.Net();
}
double PerCapitaNet(const Household& h) {
  return h.PerCapitaNet();
}

constexpr uint16_t kYear = kFormSkipZero | kCsvBlankEmpty;

constexpr Field<Household> kHousehold[] = {
    {nullptr, "uuid", "uuid", kText, H<&Household::id>, kRequired | kUuid},
    {nullptr, "form_version", "form_version", kText, H<&Household::form_version>},
    {"household_no", "household_no", "household_no", kText, H<&Household::household_no>, kRequired,
     nullptr, "village_group"},
    {"county", "county", "county", kText, H<&Household::county>},
    {"county_code", "county_code", "county_code", kText, H<&Household::county_code>},
    {"township", "township", "township", kText, H<&Household::township>},
    {"village", "village", "village", kText, H<&Household::village>, kRequired},
    {"village_group", "group", "group", kText, H<&Household::group>},
    {"head_name", "head_name", "head_name", kText, H<&Household::head_name>},
    {nullptr, "head_id_number", "head_id_number", kText, H<&Household::head_id_number>},
    {"mobile", "phone", "phone", kText, H<&Household::phone>},
    {"poverty_status", "poverty_status", "poverty_status", kChoice, H<&Household::status>,
     kRequired},
    {"status_year", "status_year", "status_year", kInt, H<&Household::status_year>,
     kYear | kJsonOmitEmpty},
    {"identification_standard", "identification_standard", "identification_standard", kChoice,
     H<&Household::identification_standard>},
    {"identification_year", "identification_year", "identification_year", kInt,
     H<&Household::identification_year>, kYear},
    {"poverty_line", "poverty_line_yuan", "poverty_line_yuan", kDec,
     H<&Household::poverty_line_yuan>, kFormSkipZero},
    {"lifted_year", "lifted_year", "lifted_year", kInt, H<&Household::lifted_year>,
     kYear | kJsonNullEmpty},
    {"main_cause", "main_poverty_cause", "main_poverty_cause", kChoice, H<&Household::main_cause>},
    {"other_causes", nullptr, nullptr, kChoices, ListCodec<Household>{FormCauses, SetFormCauses}},
    {nullptr, "poverty_causes", "poverty_causes", kChoices,
     ListCodec<Household>{ExportCauses, SetExportCauses}},
    {"inc_wage", "income.wage", "income_wage", kDec, H<&Household::income, &Income::wage>},
    {"inc_production", "income.production", "income_production", kDec,
     H<&Household::income, &Income::production>},
    {"inc_property", "income.property", "income_property", kDec,
     H<&Household::income, &Income::property>},
    {"inc_subsidy", "income.transfer.subsidy", "income_subsidy", kDec,
     H<&Household::income, &Income::subsidy>},
    {"inc_pension", "income.transfer.pension", "income_pension", kDec,
     H<&Household::income, &Income::pension>},
    {"inc_eco", "income.transfer.eco_compensation", "income_eco_compensation", kDec,
     H<&Household::income, &Income::eco_compensation>},
    {nullptr, "income.transfer.total", nullptr, kDec, Transfers},
    {"production_costs", "income.production_expenses", "production_expenses", kDec,
     H<&Household::income, &Income::production_costs>},
    {nullptr, "income.net_income", nullptr, kDec, NetIncome},
    {nullptr, "income.per_capita_net_income", nullptr, kDec, PerCapitaNet},
    {"g_food", "guarantees.food", "guarantee_food", kYesNo,
     H<&Household::guarantees, &Guarantees::food>},
    {"g_clothing", "guarantees.clothing", "guarantee_clothing", kYesNo,
     H<&Household::guarantees, &Guarantees::clothing>},
    {"g_education", "guarantees.compulsory_education", "guarantee_compulsory_education", kYesNo,
     H<&Household::guarantees, &Guarantees::compulsory_education>},
    {"g_medical", "guarantees.basic_medical", "guarantee_basic_medical", kYesNo,
     H<&Household::guarantees, &Guarantees::basic_medical>},
    {"g_housing", "guarantees.safe_housing", "guarantee_safe_housing", kYesNo,
     H<&Household::guarantees, &Guarantees::safe_housing>},
    {"g_water", "guarantees.safe_drinking_water", "guarantee_safe_drinking_water", kYesNo,
     H<&Household::guarantees, &Guarantees::safe_drinking_water>},
    {"house_area", "housing.area_m2", "housing_area_m2", kDec, H<&Household::house_area_m2>,
     kFormSkipZero},
    {"house_danger", "housing.danger_grade", "housing_danger_grade", kChoice,
     H<&Household::danger_grade>},
    {"relocated", "housing.relocated", "housing_relocated", kYesNo, H<&Household::relocated>},
    {"cadre_name", "assisting_cadre.name", "cadre_name", kText, H<&Household::cadre_name>},
    {"cadre_unit", "assisting_cadre.unit", "cadre_unit", kText, H<&Household::cadre_unit>},
    {"cadre_position", "assisting_cadre.position", "cadre_position", kText,
     H<&Household::cadre_position>},
    {"cadre_phone", "assisting_cadre.phone", "cadre_phone", kText, H<&Household::cadre_phone>},
    {"measures", "assistance_measures", nullptr, kSpecial, Special::kMeasures},
    // 五清 (seeds/003): optional extensions of the export shape, left out when empty.
    {"exit_path", "five_clear.exit_path", "exit_path", kText, H<&Household::exit_path>,
     kJsonOmitEmpty},
    {"main_difficulty", "five_clear.main_difficulty", "main_difficulty", kText,
     H<&Household::main_difficulty>, kJsonOmitEmpty},
    {"past_assistance_effect", "five_clear.past_assistance_effect", "past_assistance_effect",
     kText, H<&Household::past_assistance_effect>, kJsonOmitEmpty},
    {"assistance_plan", "five_clear.assistance_plan", "assistance_plan", kText,
     H<&Household::assistance_plan>, kJsonOmitEmpty},
    {"exit_deadline_year", "five_clear.exit_deadline_year", "exit_deadline_year", kInt,
     H<&Household::exit_deadline_year>, kYear | kJsonOmitEmpty},
    {"gps", "gps", "gps", kSpecial, Special::kGps},
    {"visit_date", "survey_date", "survey_date", kDay, H<&Household::visit_day>},
    {"surveyors", "surveyors", "surveyors", kNames, H<&Household::surveyors>},
    {"team_leader", "team_leader", "team_leader", kText, H<&Household::team_leader>},
    {"vice_team_leader", "vice_team_leader", nullptr, kText, H<&Household::vice_team_leader>,
     kJsonOmitEmpty},
    // The form asks about the members right after the causes; the export lists them last (in
    // CSV, one row per member: the household's columns, then the member's).
    {"members", "members", nullptr, kSpecial, Special::kMembers, 0, nullptr, "other_causes"},
    {"signatures", "signatures", nullptr, kSpecial, Special::kSignatures},
};
static_assert(Valid(kHousehold));

bool HasChange(const Member& m) {
  return !m.change.empty();
}

constexpr Field<Member> kMember[] = {
    {"m_name", "name", "member_name", kText, Mem<&Member::name>, kRequired},
    {"m_id_number", "id_number", "member_id_number", kText, Mem<&Member::id_number>, kRequired},
    {"m_relation", "relation", "member_relation", kChoice, Mem<&Member::relation>, kRequired},
    {"m_sex", "sex", "member_sex", kChoice, Mem<&Member::sex>},
    {"m_age", "age", "member_age", kInt, Mem<&Member::age>,
     kFormCalculated | kNegativeUnknown | kCsvBlankEmpty},
    {"m_ethnicity", "ethnicity", "member_ethnicity", kText, Mem<&Member::ethnicity>},
    {"m_education", "education", "member_education", kChoice, Mem<&Member::education>},
    {"m_school_status", "school_status", "member_school_status", kChoice,
     Mem<&Member::school_status>},
    {"m_health", "health_status", "member_health_status", kChoice, Mem<&Member::health>},
    {"m_disability_grade", "disability_grade", "member_disability_grade", kInt,
     Mem<&Member::disability_grade>, kFormSkipZero},
    {"m_labor", "labor_capacity", "member_labor_capacity", kChoice, Mem<&Member::labor>},
    {"m_migrant_months", "migrant_work_months", "member_migrant_work_months", kInt,
     Mem<&Member::migrant_months>},
    {"m_medical_insurance", "medical_insurance", "member_medical_insurance", kYesNo,
     Mem<&Member::medical_insurance>},
    {"m_pension_insurance", "pension_insurance", "member_pension_insurance", kYesNo,
     Mem<&Member::pension_insurance>},
    {"m_low_income", "low_income_guarantee", "member_low_income_guarantee", kYesNo,
     Mem<&Member::low_income_guarantee>},
    {"m_extreme_support", "extreme_poverty_support", nullptr, kYesNo,
     Mem<&Member::extreme_poverty_support>, kJsonOmitEmpty},
    {"m_change", "change", "member_change", kChoice, Mem<&Member::change>, kJsonOmitEmpty},
    {"m_change_date", "change_date", "member_change_date", kDay, Mem<&Member::change_day>,
     kWhenJsonOnly, HasChange},
};
static_assert(Valid(kMember));

constexpr Field<AssistanceMeasure> kMeasure[] = {
    {"a_type", "type", nullptr, kChoice, A<&AssistanceMeasure::type>},
    {"a_description", "description", nullptr, kText, A<&AssistanceMeasure::description>},
    {"a_year", "year", nullptr, kInt, A<&AssistanceMeasure::year>, kFormSkipZero},
    {"a_amount", "amount_yuan", nullptr, kDec, A<&AssistanceMeasure::amount_yuan>},
};
static_assert(Valid(kMeasure));

}  // namespace

const Table<Household>& HouseholdTable() {
  return Cached<kHousehold>();
}

const Table<Member>& MemberTable() {
  return Cached<kMember>();
}

const Table<AssistanceMeasure>& MeasureTable() {
  return Cached<kMeasure>();
}

}  // namespace doorstep::registry::fields
