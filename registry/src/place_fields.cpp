// The fields of the village register and the assistance visit. See fields.h; the forms are in
// forms/registry/.

#include "fields.h"

namespace doorstep::registry::fields {
namespace {

using enum Kind;

template <auto... M>
constexpr auto V = &Reach<VillageRegister, M...>;
template <auto... M>
constexpr auto Need = &Reach<VillageNeed, M...>;
template <auto... M>
constexpr auto Visit = &Reach<AssistanceVisit, M...>;

// The village file, problem ledger, needs list and assistance forces of seeds/003 are optional
// extensions of the village line, left out when empty. Yes/no answers that may be unanswered
// (village_clinic, financial_outlet) travel as "yes" / "no", so an unanswered one stays so.
constexpr uint16_t kExtension = kJsonOmitEmpty;

constexpr Field<VillageRegister> kVillage[] = {
    {nullptr, "uuid", nullptr, kText, V<&VillageRegister::id>, kRequired | kUuid},
    {"county", "county", nullptr, kText, V<&VillageRegister::county>},
    {"township", "township", nullptr, kText, V<&VillageRegister::township>},
    {"village", "village", nullptr, kText, V<&VillageRegister::village>, kRequired},
    {"register_year", "year", nullptr, kInt, V<&VillageRegister::year>, kFormSkipZero},
    {"registered_households", "registered_households", nullptr, kInt,
     V<&VillageRegister::registered_households>},
    {"registered_population", "registered_population", nullptr, kInt,
     V<&VillageRegister::registered_population>},
    {"rural_population", "rural_population", nullptr, kInt, V<&VillageRegister::rural_population>},
    {"assigned_households", "assigned_households", nullptr, kInt,
     V<&VillageRegister::assigned_households>},
    {"poor_village", "poor_village", nullptr, kYesNo, V<&VillageRegister::poor_village>},
    {"village_exit_year", "village_exit_year", nullptr, kInt,
     V<&VillageRegister::village_exit_year>, kFormSkipZero | kJsonNullEmpty},
    {"per_capita_income", "per_capita_income_yuan", nullptr, kDec,
     V<&VillageRegister::per_capita_income_yuan>, kFormSkipZero | kExtension},
    {"leading_industry", "leading_industry", nullptr, kText,
     V<&VillageRegister::leading_industry>, kExtension},
    {"village_clinic", "village_clinic", nullptr, kChoice, V<&VillageRegister::village_clinic>,
     kExtension},
    {"main_constraints", "problem_ledger.main_constraints", nullptr, kText,
     V<&VillageRegister::main_constraints>, kExtension},
    {"past_assistance", "problem_ledger.past_assistance", nullptr, kText,
     V<&VillageRegister::past_assistance>, kExtension},
    {"urgent_problems", "problem_ledger.urgent_problems", nullptr, kText,
     V<&VillageRegister::urgent_problems>, kExtension},
    {"needs", "needs", nullptr, kSpecial, Special::kNeeds},
    {"liaison_leaders", "liaison_leaders", nullptr, kNames, V<&VillageRegister::liaison_leaders>,
     kExtension},
    {"assisting_units", "assisting_units", nullptr, kNames, V<&VillageRegister::assisting_units>,
     kExtension},
    {"first_secretary", "first_secretary", nullptr, kText, V<&VillageRegister::first_secretary>,
     kExtension},
    {"team_leader", "team_leader", nullptr, kText, V<&VillageRegister::team_leader>},
    {"leading_enterprise", "leading_enterprise", nullptr, kText,
     V<&VillageRegister::leading_enterprise>, kExtension},
    {"tech_advisor", "tech_advisor", nullptr, kText, V<&VillageRegister::tech_advisor>,
     kExtension},
    {"financial_outlet", "financial_outlet", nullptr, kChoice,
     V<&VillageRegister::financial_outlet>, kExtension},
};
static_assert(Valid(kVillage));

constexpr Field<VillageNeed> kNeed[] = {
    {"need_item", "item", nullptr, kText, Need<&VillageNeed::item>},
    {"need_amount", "amount_yuan", nullptr, kDec, Need<&VillageNeed::amount_yuan>, kFormSkipZero},
};
static_assert(Valid(kNeed));

// Read from stored records only (no export carries visits).
constexpr Field<AssistanceVisit> kVisit[] = {
    {"household_ref", nullptr, nullptr, kText, Visit<&AssistanceVisit::household_id>},
    {"village", nullptr, nullptr, kText, Visit<&AssistanceVisit::village>},
    {"visit_date", nullptr, nullptr, kDay, Visit<&AssistanceVisit::visit_day>},
    {"cadre_name", nullptr, nullptr, kText, Visit<&AssistanceVisit::cadre_name>},
    {"content", nullptr, nullptr, kText, Visit<&AssistanceVisit::content>},
    {"visit_kind", nullptr, nullptr, kChoice, Visit<&AssistanceVisit::visit_kind>},
    {"assigned_cadre", nullptr, nullptr, kYesNo, Visit<&AssistanceVisit::assigned_cadre>},
    {"g_food", nullptr, nullptr, kYesNo, Visit<&AssistanceVisit::guarantees, &Guarantees::food>},
    {"g_clothing", nullptr, nullptr, kYesNo,
     Visit<&AssistanceVisit::guarantees, &Guarantees::clothing>},
    {"g_education", nullptr, nullptr, kYesNo,
     Visit<&AssistanceVisit::guarantees, &Guarantees::compulsory_education>},
    {"g_medical", nullptr, nullptr, kYesNo,
     Visit<&AssistanceVisit::guarantees, &Guarantees::basic_medical>},
    {"g_housing", nullptr, nullptr, kYesNo,
     Visit<&AssistanceVisit::guarantees, &Guarantees::safe_housing>},
    {"g_water", nullptr, nullptr, kYesNo,
     Visit<&AssistanceVisit::guarantees, &Guarantees::safe_drinking_water>},
};
static_assert(Valid(kVisit));

}  // namespace

const Table<VillageRegister>& VillageTable() {
  return Cached<kVillage>();
}

const Table<VillageNeed>& NeedTable() {
  return Cached<kNeed>();
}

const Table<AssistanceVisit>& VisitTable() {
  return Cached<kVisit>();
}

}  // namespace doorstep::registry::fields
