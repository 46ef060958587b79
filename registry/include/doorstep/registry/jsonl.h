// The registry export as JSON Lines and CSV (docs/registry.md, "Import").
//
// JSON Lines: one object per line. A household line has the shape of the national registry export
// (uuid, household_no, county..., members[], signatures[]).
// Other record kinds carry "record_type": "village_register", "misidentification_review" or
// "status_review" (the review procedure of a status transition, with the comparison flags of the
// departments' data: registered_car, business_registered, commercial_flat, ...).
// Optional extensions of the household shape, written by the sample generator and read back:
// status_year, vice_team_leader, members[].extreme_poverty_support, members[].change,
// members[].change_date, signatures[].proxy_signer, five_clear.{exit_path, main_difficulty,
// past_assistance_effect, assistance_plan, exit_deadline_year} (五清, left out when empty), and
// the signature role responsible_cadre (脱贫责任人). A village_register line may carry
// per_capita_income_yuan, leading_industry, village_clinic ("yes" / "no"),
// problem_ledger.{main_constraints, past_assistance, urgent_problems}, needs[] ({item,
// amount_yuan}), liaison_leaders[], assisting_units[], first_secretary, leading_enterprise,
// tech_advisor and financial_outlet ("yes" / "no"), each left out when empty.
//
// CSV: a header row, then one row per household member; consecutive rows with the same
// household_no form one household (its household columns are read from the first row). Columns
// are the JSON keys flattened with '_' (income_wage, guarantee_food, member_name, ...); see
// kCsvColumns. CSV carries no signatures.
//
// Errors name the line and the field: "line 12: members[2].id_number: expected a string".
//
// Thread rules: pure functions.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "doorstep/core/status.h"
#include "doorstep/registry/model.h"

namespace doorstep::registry {

// One parsed line (or CSV household) of an export file.
struct ExportRow {
  size_t line = 0;  // 1-based line of the file where the row starts
  std::variant<Household, VillageRegister, MisidentificationReview, Review> row;
};

// Parses one JSON line; `line` only labels errors.
Result<ExportRow> ParseExportLine(const std::string& text, size_t line);

// Parses every line of a JSON Lines file (blank lines skipped). A failing line does not stop the
// others: its error goes to `errors` (one Status per failing line) and it is left out of the result.
std::vector<ExportRow> ParseJsonLines(const std::string& text, std::vector<Status>* errors);

// Parses a CSV export (UTF-8, optional BOM, RFC 4180 quoting). Same error contract.
std::vector<ExportRow> ParseCsv(const std::string& text, std::vector<Status>* errors);

// The CSV header this module reads and writes, in order.
const std::vector<std::string>& CsvColumns();

// Writers (the sample generator's output). One line, without the trailing newline.
std::string HouseholdJson(const Household& household);
std::string VillageRegisterJson(const VillageRegister& village);
std::string MisidentificationReviewJson(const MisidentificationReview& review);
std::string StatusReviewJson(const Review& review);
// CSV rows of one household (no header), each ending in "\r\n".
std::string HouseholdCsvRows(const Household& household);

}  // namespace doorstep::registry
