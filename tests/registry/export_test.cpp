// The registry export readers and writers: JSON Lines in the shape of the national export, CSV with
// one row per member; errors name the line and the field.
#include <catch2/catch.hpp>

#include <algorithm>
#include <variant>

#include "doorstep/registry/jsonl.h"
#include "test_support.h"

namespace doorstep::registry {
namespace {

using doorstep::testing::ReadFileBytes;
using doorstep::testing::SourcePath;

const Household& AsHousehold(const ExportRow& row) { return std::get<Household>(row.row); }

std::string ThreeHouseholds() {
  std::string text = ReadFileBytes(SourcePath("tests/data/registry_export_3.jsonl"));
  REQUIRE(!text.empty());
  return text;
}

}  // namespace

TEST_CASE("export: the national export shape parses field by field", "[export]") {
  std::vector<Status> errors;
  auto rows = ParseJsonLines(ThreeHouseholds(), &errors);
  REQUIRE(errors.empty());
  REQUIRE(rows.size() == 3);
  const Household& h = AsHousehold(rows[0]);
  CHECK(rows[0].line == 1);
  CHECK(h.id == "e8ef72fd-483b-44b8-bddf-b5074b961499");
  CHECK(h.household_no == "5226310020300000");
  CHECK(h.county_code == "522631");
  CHECK(h.village == "坪新冲村");
  CHECK(h.status == "poor");
  CHECK(h.identification_year == 2014);
  CHECK(h.poverty_line_yuan == 2736);
  CHECK(h.lifted_year == 0);
  CHECK(h.main_cause == "schooling");
  CHECK(h.other_causes == std::vector<std::string>{"disability"});
  CHECK(h.income.wage == 45183);
  CHECK(h.income.subsidy == 2796);
  CHECK(h.income.production_costs == 1453);
  CHECK(h.income.Net() == 58624);
  CHECK(h.guarantees.AllMet());
  CHECK(h.danger_grade == "A");
  CHECK(h.measures.size() == 3);
  CHECK(h.visit_day == ParseIsoDay("2019-05-09").value());
  CHECK(h.surveyors == std::vector<std::string>{"刘山林", "杜秋龙"});
  REQUIRE(h.members.size() == 3);
  CHECK(h.members[1].relation == "spouse");
  CHECK(h.members[2].age == 0);
  REQUIRE(h.signatures.size() == 4);
  CHECK(h.signatures[0].role == "household_head");
  CHECK(h.signatures[3].role == "responsible_cadre");  // 脱贫责任人
  CHECK(h.signatures[3].signer == h.cadre_name);
  CHECK(h.exit_path.empty());
  CHECK(h.exit_deadline_year == 0);
  size_t points = 0;
  for (const auto& stroke : h.signatures[0].strokes) points += stroke.size();
  CHECK(points > 200);
  CHECK(h.signatures[0].signed_at_ms != 0);
}

TEST_CASE("export: JSON lines write back to the same household", "[export]") {
  std::vector<Status> errors;
  auto rows = ParseJsonLines(ThreeHouseholds(), &errors);
  REQUIRE(rows.size() == 3);
  for (const ExportRow& row : rows) {
    const Household& h = AsHousehold(row);
    auto again = ParseExportLine(HouseholdJson(h), 7);
    REQUIRE(again.ok());
    const Household& g = AsHousehold(again.value());
    CHECK(HouseholdJson(g) == HouseholdJson(h));
    CHECK(g.members.size() == h.members.size());
    CHECK(g.signatures[2].strokes == h.signatures[2].strokes);
    CHECK(g.signatures[2].signed_at_ms == h.signatures[2].signed_at_ms);
  }
}

TEST_CASE("export: the 五清 fields travel in JSON (five_clear) and CSV, left out when empty",
          "[export]") {
  std::vector<Status> errors;
  auto rows = ParseJsonLines(ThreeHouseholds(), &errors);
  REQUIRE(rows.size() == 3);
  Household h = AsHousehold(rows[0]);
  CHECK(HouseholdJson(h).find("five_clear") == std::string::npos);
  h.exit_path = "发展中药材种植";
  h.main_difficulty = "缺技术, \"缺资金\"";
  h.past_assistance_effect = "2016年产业扶持，效果一般";
  h.assistance_plan = "技能培训、小额信贷";
  h.exit_deadline_year = 2020;
  const std::string json = HouseholdJson(h);
  CHECK(json.find("\"five_clear\":{\"exit_path\":") != std::string::npos);
  auto back = ParseExportLine(json, 1);
  REQUIRE(back.ok());
  const Household& b = AsHousehold(back.value());
  CHECK(b.exit_path == h.exit_path);
  CHECK(b.main_difficulty == h.main_difficulty);
  CHECK(b.past_assistance_effect == h.past_assistance_effect);
  CHECK(b.assistance_plan == h.assistance_plan);
  CHECK(b.exit_deadline_year == 2020);
  CHECK(HouseholdJson(b) == json);
  auto bad = ParseExportLine(
      json.substr(0, json.find("\"exit_deadline_year\":2020")) + "\"exit_deadline_year\":\"2020\"" +
          json.substr(json.find("\"exit_deadline_year\":2020") + 25),
      4);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().where() == "line 4: five_clear.exit_deadline_year");

  std::string csv;
  for (size_t i = 0; i < CsvColumns().size(); ++i) csv += (i ? "," : "") + CsvColumns()[i];
  for (const char* column : {"exit_path", "main_difficulty", "past_assistance_effect",
                             "assistance_plan", "exit_deadline_year"}) {
    CHECK(std::find(CsvColumns().begin(), CsvColumns().end(), column) != CsvColumns().end());
  }
  auto from_csv = ParseCsv(csv + "\r\n" + HouseholdCsvRows(h), &errors);
  REQUIRE(errors.empty());
  REQUIRE(from_csv.size() == 1);
  const Household& c = AsHousehold(from_csv[0]);
  CHECK(c.exit_path == h.exit_path);
  CHECK(c.main_difficulty == h.main_difficulty);
  CHECK(c.past_assistance_effect == h.past_assistance_effect);
  CHECK(c.assistance_plan == h.assistance_plan);
  CHECK(c.exit_deadline_year == 2020);
  // An empty year is an empty cell, read back as unknown.
  h.exit_deadline_year = 0;
  from_csv = ParseCsv(csv + "\r\n" + HouseholdCsvRows(h), &errors);
  REQUIRE(from_csv.size() == 1);
  CHECK(AsHousehold(from_csv[0]).exit_deadline_year == 0);
}

TEST_CASE("export: a bad line is reported with its line and field, the others still parse",
          "[export]") {
  std::string text = ThreeHouseholds();
  const size_t first_end = text.find('\n');
  std::string good = text.substr(0, first_end);
  std::string bad_type = good;
  bad_type.replace(bad_type.find("\"id_number\":\"52263119761206245X\""),
                   std::string("\"id_number\":\"52263119761206245X\"").size(), "\"id_number\":42");
  std::string no_village = good;
  no_village.replace(no_village.find("\"village\":"), 10, "\"village_x\":");
  std::string bad_date = good;
  bad_date.replace(bad_date.find("\"survey_date\":\"2019-05-09\""), 26,
                   "\"survey_date\":\"2019-02-30\"");
  const std::string all = good + "\n{not json\n" + bad_type + "\n\n" + no_village + "\n" +
                          bad_date + "\n[1,2]\n";
  std::vector<Status> errors;
  auto rows = ParseJsonLines(all, &errors);
  REQUIRE(rows.size() == 1);
  REQUIRE(errors.size() == 5);
  CHECK(errors[0].where() == "line 2");
  CHECK(errors[1].where() == "line 3: members[0].id_number");
  CHECK(errors[1].message() == "expected a string");
  CHECK(errors[2].where() == "line 5: village");
  CHECK(errors[3].where() == "line 6: survey_date");
  CHECK(errors[4].where() == "line 7");
  for (const Status& e : errors) {
    CHECK(e.message().find("52263119761206245X") == std::string::npos);
  }
}

TEST_CASE("export: village registers and misidentification reviews have their own lines",
          "[export]") {
  VillageRegister v;
  v.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e01";
  v.village = "坪新冲村";
  v.year = 2026;
  v.rural_population = 812;
  v.assigned_households = 95;
  MisidentificationReview m;
  m.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e02";
  m.household_id = "e8ef72fd-483b-44b8-bddf-b5074b961499";
  m.village = "坪新冲村";
  m.kind = "wrong_inclusion";
  m.conclusion = "confirmed";
  m.comparison_flags = {"registered_car"};
  std::vector<Status> errors;
  auto rows = ParseJsonLines(VillageRegisterJson(v) + "\n" + MisidentificationReviewJson(m) + "\n",
                             &errors);
  REQUIRE(errors.empty());
  REQUIRE(rows.size() == 2);
  const auto& vr = std::get<VillageRegister>(rows[0].row);
  CHECK(vr.rural_population == 812);
  CHECK(vr.assigned_households == 95);
  const auto& mr = std::get<MisidentificationReview>(rows[1].row);
  CHECK(mr.household_id == m.household_id);
  CHECK(mr.comparison_flags == m.comparison_flags);
  CHECK(VillageRegisterJson(v).find("needs") == std::string::npos);  // extensions left out
  CHECK(VillageRegisterJson(v).find("village_clinic") == std::string::npos);
  auto unknown = ParseExportLine(R"({"record_type":"visit","uuid":"x"})", 4);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().where() == "line 4: record_type");
}

TEST_CASE("export: a village register line carries its file, ledger, needs and assistance forces",
          "[export]") {
  VillageRegister v;
  v.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e01";
  v.village = "坪新冲村";
  v.year = 2026;
  v.poor_village = true;
  v.per_capita_income_yuan = 7772.5;
  v.leading_industry = "小麦、玉米种植";
  v.village_clinic = "yes";
  v.main_constraints = "缺水";
  v.past_assistance = "2015年修通村道，效果明显";
  v.urgent_problems = "安全饮水";
  v.needs = {{"", "饮水管网改造", 350000}, {"", "产业路硬化", 0}};
  v.liaison_leaders = {"王县长"};
  v.assisting_units = {"县水务局", "县教育局"};
  v.first_secretary = "赵文";
  v.team_leader = "蒋玉林";
  v.leading_enterprise = "某农业公司";
  v.tech_advisor = "刘工";
  v.financial_outlet = "no";
  const std::string json = VillageRegisterJson(v);
  CHECK(json.find("\"problem_ledger\":{\"main_constraints\":") != std::string::npos);
  CHECK(json.find("\"assisting_units\":[\"县水务局\",\"县教育局\"]") != std::string::npos);
  auto back = ParseExportLine(json, 2);
  REQUIRE(back.ok());
  const auto& b = std::get<VillageRegister>(back.value().row);
  CHECK(b.per_capita_income_yuan == 7772.5);
  CHECK(b.leading_industry == v.leading_industry);
  CHECK(b.village_clinic == "yes");
  CHECK(b.main_constraints == v.main_constraints);
  CHECK(b.past_assistance == v.past_assistance);
  CHECK(b.urgent_problems == v.urgent_problems);
  REQUIRE(b.needs.size() == 2);
  CHECK(b.needs[0].item == "饮水管网改造");
  CHECK(b.needs[0].amount_yuan == 350000);
  CHECK(b.needs[1].amount_yuan == 0);
  CHECK(b.liaison_leaders == v.liaison_leaders);
  CHECK(b.assisting_units == v.assisting_units);
  CHECK(b.first_secretary == "赵文");
  CHECK(b.team_leader == "蒋玉林");
  CHECK(b.leading_enterprise == v.leading_enterprise);
  CHECK(b.tech_advisor == v.tech_advisor);
  CHECK(b.financial_outlet == "no");
  CHECK(VillageRegisterJson(b) == json);
  auto bad = ParseExportLine(
      R"({"record_type":"village_register","uuid":"0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e01",)"
      R"("village":"x","needs":[{"item":"路","amount_yuan":"很多"}]})",
      5);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().where() == "line 5: needs[0].amount_yuan");
}

TEST_CASE("export: a status review line carries the procedure and the comparison flags",
          "[export]") {
  Review r;
  r.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e03";
  r.household_id = "e8ef72fd-483b-44b8-bddf-b5074b961499";
  r.village = "坪新冲村";
  r.transition = Transition::kNewInclusion;
  r.year = 2026;
  r.assessment1_day = ParseIsoDay("2026-09-01").value();
  r.assessment1_outcome = "approved";
  r.notice1_start = ParseIsoDay("2026-09-02").value();
  r.notice1_objection = true;
  r.notice1_objection_resolved = true;
  r.comparison_day = ParseIsoDay("2026-09-10").value();
  r.comparison_flags = {"commercial_flat", "registered_car"};
  r.comparison_flags_handled = true;
  r.completed_day = ParseIsoDay("2026-10-20").value();
  auto back = ParseExportLine(StatusReviewJson(r), 9);
  REQUIRE(back.ok());
  const Review& b = std::get<Review>(back.value().row);
  CHECK(b.transition == Transition::kNewInclusion);
  CHECK(b.notice1_objection);
  CHECK(b.notice1_objection_resolved);
  CHECK(b.comparison_flags == r.comparison_flags);
  CHECK(b.comparison_flags_handled);
  CHECK(b.assessment2_day == kNoDay);
  CHECK(b.completed_day == r.completed_day);
  CHECK(StatusReviewJson(b) == StatusReviewJson(r));
  auto bad = ParseExportLine(
      R"({"record_type":"status_review","uuid":"0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e03",)"
      R"("household_uuid":"e8ef72fd-483b-44b8-bddf-b5074b961499","village":"x",)"
      R"("transition":"promotion"})",
      3);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().where() == "line 3: transition");
}

TEST_CASE("export: the new procedure steps and a missed household's reviews travel in JSON",
          "[export]") {
  Review r;
  r.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e04";
  r.village = "坪新冲村";
  r.transition = Transition::kNewInclusion;
  r.missed_household = true;  // 漏评: no household record yet, named by its number
  r.household_no = "5226310020309901";
  r.head_name = "龙秀珍";
  r.year = 2026;
  r.application_day = ParseIsoDay("2026-08-20").value();
  r.assessment1_day = ParseIsoDay("2026-09-01").value();
  r.assessment1_outcome = "approved";
  r.household_acknowledged = true;
  r.notice1_start = ParseIsoDay("2026-09-02").value();
  r.township_review_day = ParseIsoDay("2026-09-09").value();
  r.township_review_outcome = "approved";
  r.notice2_start = ParseIsoDay("2026-09-10").value();
  r.county_review_day = ParseIsoDay("2026-09-17").value();
  r.county_review_outcome = "approved";
  r.comparison_day = ParseIsoDay("2026-09-18").value();
  r.comparison_departments = ComparisonDepartments();
  r.comparison_flags = {"farm_machinery"};
  r.feedback_day = ParseIsoDay("2026-09-19").value();
  r.comparison_flags_handled = true;
  r.assessment2_day = ParseIsoDay("2026-09-20").value();
  r.assessment2_outcome = "approved";
  r.announcement_start = ParseIsoDay("2026-09-21").value();
  r.announcement_objection = true;
  r.announcement_objection_resolved = true;
  r.notification_day = ParseIsoDay("2026-09-26").value();
  const std::string json = StatusReviewJson(r);
  CHECK(json.find("household_uuid") == std::string::npos);
  auto back = ParseExportLine(json, 4);
  INFO(json);
  REQUIRE(back.ok());
  const Review& b = std::get<Review>(back.value().row);
  CHECK(b.household_id.empty());
  CHECK(b.missed_household);
  CHECK(b.household_no == r.household_no);
  CHECK(b.comparison_departments == r.comparison_departments);
  CHECK(b.county_review_day == r.county_review_day);
  CHECK(b.feedback_day == r.feedback_day);
  CHECK(b.announcement_objection_resolved);
  CHECK(StatusReviewJson(b) == json);

  MisidentificationReview m;
  m.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e05";
  m.village = "坪新冲村";
  m.kind = "missed";
  m.conclusion = "confirmed";
  m.household_no = "5226310020309901";
  m.head_name = "龙秀珍";
  m.people = 2;
  auto missed = ParseExportLine(MisidentificationReviewJson(m), 5);
  REQUIRE(missed.ok());
  const auto& mb = std::get<MisidentificationReview>(missed.value().row);
  CHECK(mb.household_id.empty());
  CHECK(mb.people == 2);
  CHECK(mb.household_no == m.household_no);
  // A household_uuid that is there must still be a UUID.
  auto bad = ParseExportLine(
      R"({"record_type":"misidentification_review","uuid":"0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e05",)"
      R"("household_uuid":"HH-1","village":"x","review_kind":"missed","conclusion":"pending"})",
      6);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().where() == "line 6: household_uuid");
}

TEST_CASE("export: CSV rows round-trip households, quoting and member order", "[export]") {
  std::vector<Status> errors;
  auto rows = ParseJsonLines(ThreeHouseholds(), &errors);
  REQUIRE(rows.size() == 3);
  Household tricky = AsHousehold(rows[0]);
  tricky.cadre_unit = "县水务局, \"扶贫\"组\n二队";
  tricky.cadre_position = "=HYPERLINK(\"x\")";
  std::string csv = "\xEF\xBB\xBF";
  for (size_t i = 0; i < CsvColumns().size(); ++i) csv += (i ? "," : "") + CsvColumns()[i];
  csv += "\r\n" + HouseholdCsvRows(tricky) + HouseholdCsvRows(AsHousehold(rows[1]));
  CHECK(csv.find(",\"'=HYPERLINK(\"\"x\"\")\",") != std::string::npos);  // defused
  auto back = ParseCsv(csv, &errors);
  REQUIRE(errors.empty());
  REQUIRE(back.size() == 2);
  const Household& h = AsHousehold(back[0]);
  CHECK(back[0].line == 2);
  // Every row of the first household holds a quoted line break, so spans two lines.
  CHECK(back[1].line == 2 + 2 * tricky.members.size());
  CHECK(h.cadre_unit == tricky.cadre_unit);
  CHECK(h.members.size() == tricky.members.size());
  CHECK(h.members[1].name == tricky.members[1].name);
  CHECK(h.members[1].id_number == tricky.members[1].id_number);
  CHECK(h.income.Net() == tricky.income.Net());
  CHECK(h.other_causes == tricky.other_causes);
  CHECK(h.signatures.empty());  // CSV carries no signatures
}

TEST_CASE("export: CSV errors name the line and the column", "[export]") {
  std::vector<Status> errors;
  auto none = ParseCsv("uuid,household_no\r\n", &errors);
  CHECK(none.empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message().find("village") != std::string::npos);
  errors.clear();
  std::string header;
  for (size_t i = 0; i < CsvColumns().size(); ++i) header += (i ? "," : "") + CsvColumns()[i];
  std::vector<std::string> cells(CsvColumns().size());
  auto set = [&](const std::string& column, const std::string& value) {
    for (size_t i = 0; i < CsvColumns().size(); ++i) {
      if (CsvColumns()[i] == column) cells[i] = value;
    }
  };
  set("uuid", "e8ef72fd-483b-44b8-bddf-b5074b961499");
  set("household_no", "5226310020300000");
  set("village", "坪新冲村");
  set("poverty_status", "poor");
  set("member_name", "彭福娥");
  set("member_relation", "head");
  set("income_wage", "12k");
  std::string row;
  for (size_t i = 0; i < cells.size(); ++i) row += (i ? "," : "") + cells[i];
  auto rows = ParseCsv(header + "\n" + row + "\n\"unterminated\n", &errors);
  CHECK(rows.empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where() == "csv");
  errors.clear();
  rows = ParseCsv(header + "\n" + row + "\n", &errors);
  CHECK(rows.empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where() == "line 2: income_wage");
}

TEST_CASE("export: dates and times of the export are read exactly", "[export]") {
  CHECK(FormatIsoDay(ParseIsoDay("2020-02-29").value()) == "2020-02-29");
  CHECK_FALSE(ParseIsoDay("2019-02-29").has_value());
  CHECK_FALSE(ParseIsoDay("2019-2-28").has_value());
  CHECK(AgeOn(ParseIsoDay("2000-03-01").value(), ParseIsoDay("2026-02-28").value()) == 25);
  CHECK(AgeOn(ParseIsoDay("2000-03-01").value(), ParseIsoDay("2026-03-01").value()) == 26);
}

}  // namespace doorstep::registry
