// doorstep-server's registry import and the township views on a real server store: rows validated by
// the form pack, whole households per transaction, re-import changes nothing, tablet edits are
// never overwritten, and a generated township's problem list finds exactly what was planted.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <tuple>
#include <variant>

#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/quality.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/report.h"
#include "doorstep/registry/resident_id.h"
#include "doorstep/registry/sample.h"
#include "doorstep/registry/server.h"
#include "server_harness.h"

namespace doorstep::testing::srv {
namespace {

using registry::ImportOptions;
using registry::ImportRegistry;
using registry::ImportStats;
using registry::MaterializeRecords;

std::string Export3() { return ReadFileBytes(SourcePath("tests/data/registry_export_3.jsonl")); }

void InstallPack(ServerFixture& fx) {
  auto pack = registry::LoadFormPack(SourcePath("forms/registry"));
  REQUIRE(pack.ok());
  REQUIRE(fx.service->InstallForms(pack.value()).ok());
}

ImportStats Import(ServerFixture& fx, const std::string& text, bool csv = false) {
  std::vector<Status> parse_errors;
  auto rows = csv ? registry::ParseCsv(text, &parse_errors)
                  : registry::ParseJsonLines(text, &parse_errors);
  REQUIRE(parse_errors.empty());
  ImportOptions options;
  options.random = &fx.random;
  auto stats = ImportRegistry(*fx.service, rows, options);
  INFO(stats.status().ToString());
  REQUIRE(stats.ok());
  return stats.value();
}

registry::Township Township(ServerFixture& fx, const std::vector<std::string>& villages = {}) {
  auto store = MaterializeRecords(*fx.service, villages, &fx.clock, &fx.random);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  auto township = registry::LoadTownship(*store.value(), villages);
  REQUIRE(township.ok());
  return township.value();
}

std::optional<sync::server::FieldRow> Field(ServerFixture& fx, const std::string& record,
                                            const std::string& path) {
  auto txn = fx.store->Begin();
  REQUIRE(txn.ok());
  auto f = txn.value()->GetField(Uuid::Parse(record).value(), path);
  REQUIRE(f.ok());
  return f.value();
}

}  // namespace

TEST_CASE("registry import: export households land on the server, a second import changes nothing",
          "[registry-import]") {
  ServerFixture fx(false);
  InstallPack(fx);
  const ImportStats first = Import(fx, Export3());
  CHECK(first.rows == 3);
  CHECK(first.failed_rows == 0);
  CHECK(first.records_created == 3);
  CHECK(first.drafts == 0);
  CHECK(first.fields_written > 3 * 60);
  const ImportStats second = Import(fx, Export3());
  CHECK(second.records_created == 0);
  CHECK(second.records_updated == 0);
  CHECK(second.records_unchanged == 3);
  CHECK(second.fields_written == 0);

  const registry::Township t = Township(fx);
  REQUIRE(t.households.size() == 3);
  for (const registry::Household& h : t.households) {
    CHECK(h.finalized);
    CHECK(h.SignatureOf("household_head")->state == registry::SignatureState::kValid);
  }
  auto scopes = fx.store->ListScopes();
  REQUIRE(scopes.ok());
  CHECK(scopes.value().size() == 3);  // one village each: tablets pull their own
}

TEST_CASE("registry import: a failing row is reported by line and member and not half-imported",
          "[registry-import]") {
  ServerFixture fx(false);
  InstallPack(fx);
  std::string text = Export3();
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(text, &errors);
  auto second = std::get<registry::Household>(rows[1].row);
  std::string& id = second.members.back().id_number;
  id[17] = id[17] == '0' ? '1' : '0';
  const size_t first_end = text.find('\n');
  const size_t second_end = text.find('\n', first_end + 1);
  text = text.substr(0, first_end + 1) + registry::HouseholdJson(second) +
         text.substr(second_end);
  const ImportStats stats = Import(fx, text);
  CHECK(stats.failed_rows == 1);
  CHECK(stats.records_created == 2);
  REQUIRE(stats.errors.size() == 1);
  CHECK(stats.errors[0].line == 2);
  // The member by number, never by name: personal data stays out of import errors.
  const std::string member = "member " + std::to_string(second.members.size());
  CHECK(stats.errors[0].where.find(member) != std::string::npos);
  CHECK(stats.errors[0].where.find(second.members.back().name) == std::string::npos);
  CHECK(stats.errors[0].message.find(second.members.back().name) == std::string::npos);
  CHECK(stats.errors[0].message.find(second.members.back().id_number) == std::string::npos);
  CHECK(stats.errors[0].where.find("m_id_number") != std::string::npos);
  CHECK_FALSE(Field(fx, second.id, "household_no").has_value());
  CHECK_FALSE(Field(fx, second.id, "@form").has_value());
  CHECK(Township(fx).households.size() == 2);
}

TEST_CASE("registry import: one person in two households is refused, naming the other household",
          "[registry-import]") {
  ServerFixture fx(false);
  InstallPack(fx);
  const std::string text = Export3();
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(text, &errors);
  REQUIRE(errors.empty());
  Import(fx, text);
  const auto holder = std::get<registry::Household>(rows[0].row);
  REQUIRE(holder.members.size() >= 2);
  registry::Member moved = holder.members.back();  // not the head
  moved.relation = "spouse";
  moved.instance_id.clear();
  auto dup = std::get<registry::Household>(rows[2].row);
  dup.id = "3c8e2a51-6f0d-4b7a-9e1c-2d5f8a0b6c34";
  dup.household_no = dup.household_no.substr(0, 12) + "9902";
  registry::Member head = dup.members[0];  // a new head: only the moved member repeats
  head.id_number = head.id_number.substr(0, 14) + "981";
  head.id_number += registry::ResidentIdCheckChar(head.id_number);
  head.instance_id.clear();
  dup.head_id_number = head.id_number;
  dup.members = {head, moved};
  ImportStats stats = Import(fx, registry::HouseholdJson(dup) + "\n");
  for (const auto& e : stats.errors) UNSCOPED_INFO(e.line << " " << e.where << ": " << e.message);
  CHECK(stats.failed_rows == 1);
  CHECK(stats.records_created == 0);
  REQUIRE(stats.errors.size() == 1);
  CHECK(stats.errors[0].where.find("member 2") != std::string::npos);
  CHECK(stats.errors[0].where.find("m_id_number") != std::string::npos);
  CHECK(stats.errors[0].message.find("此人已登记在户 " + holder.household_no) != std::string::npos);
  CHECK(stats.errors[0].message.find(moved.id_number) == std::string::npos);
  CHECK(stats.errors[0].message.find(moved.name) == std::string::npos);
  CHECK_FALSE(Field(fx, dup.id, "@form").has_value());

  // Once the person has moved out of the other household (the export's update of it, earlier in
  // the file) the new household may have them; a third household of the same file that shares a
  // member with the new one is refused.
  auto left = holder;
  left.members.back().change = "move_out";
  left.members.back().change_day = registry::ParseIsoDay("2026-03-01").value();
  auto twin = dup;
  twin.id = "9a4b7c2d-1e3f-4a5b-8c6d-7e8f9a0b1c2d";
  twin.household_no = dup.household_no.substr(0, 12) + "9903";
  twin.members = {dup.members[0]};
  stats = Import(fx, registry::HouseholdJson(left) + "\n" + registry::HouseholdJson(dup) + "\n" +
                         registry::HouseholdJson(twin) + "\n");
  for (const auto& e : stats.errors) UNSCOPED_INFO(e.line << " " << e.where << ": " << e.message);
  CHECK(stats.records_updated == 1);
  CHECK(stats.records_created == 1);
  CHECK(stats.failed_rows == 1);
  REQUIRE(stats.errors.size() == 1);
  CHECK(stats.errors[0].line == 3);
  CHECK(stats.errors[0].message.find("此人已登记在户 " + dup.household_no) != std::string::npos);
  CHECK(Field(fx, dup.id, "@form").has_value());
}

TEST_CASE("registry import: tablet edits are kept, export updates of imported fields land",
          "[registry-import]") {
  ServerFixture fx(false);
  InstallPack(fx);
  Import(fx, Export3());
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(Export3(), &errors);
  auto h = std::get<registry::Household>(rows[0].row);
  auto wage = Field(fx, h.id, "inc_wage");
  REQUIRE(wage.has_value());
  EnrolledDevice tablet = fx.Enroll({h.village});
  BatchBuilder b(tablet.device_id, 1, Author{"s9", tablet.device_id});
  b.Set(Uuid::Parse(h.id).value(), "inc_wage", Dec(1234), wage->version,
        MakeHlc(fx.clock.now_ms.load(), 0));
  auto pushed = fx.service->Push(tablet.info, b.set());
  REQUIRE(pushed.ok());
  REQUIRE(pushed.value().results(0).outcome() == v1::ChangeResult::ACCEPTED);

  fx.clock.now_ms += 3600000;  // the updated export is imported an hour later
  h.income.wage = 99999;  // the export disagrees with the tablet: the tablet's survey is newer
  h.phone = "13900000000";  // an export-only update of a field no tablet touched
  const ImportStats stats = Import(fx, registry::HouseholdJson(h) + "\n");
  CHECK(stats.fields_kept >= 1);
  CHECK(stats.records_updated == 1);
  CHECK(Field(fx, h.id, "inc_wage")->value.decimal() == 1234);
  CHECK(Field(fx, h.id, "mobile")->value.text() == "13900000000");
}

TEST_CASE("registry import: CSV households without signatures arrive as drafts to sign",
          "[registry-import]") {
  ServerFixture fx(false);
  InstallPack(fx);
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(Export3(), &errors);
  std::string csv;
  for (size_t i = 0; i < registry::CsvColumns().size(); ++i) {
    csv += (i ? "," : "") + registry::CsvColumns()[i];
  }
  csv += "\r\n";
  for (auto& r : rows) csv += registry::HouseholdCsvRows(std::get<registry::Household>(r.row));
  const ImportStats stats = Import(fx, csv, /*csv=*/true);
  CHECK(stats.failed_rows == 0);
  CHECK(stats.records_created == 3);
  CHECK(stats.drafts == 3);
  const registry::Township t = Township(fx);
  REQUIRE(t.households.size() == 3);
  for (const auto& h : t.households) {
    CHECK_FALSE(h.finalized);
    CHECK(h.SignatureOf("household_head")->state == registry::SignatureState::kMissing);
  }
}

TEST_CASE("registry import: without the form pack on the server nothing is imported",
          "[registry-import]") {
  ServerFixture fx(false);
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(Export3(), &errors);
  ImportOptions options;
  options.random = &fx.random;
  auto stats = ImportRegistry(*fx.service, rows, options);
  REQUIRE_FALSE(stats.ok());
  CHECK(stats.status().message().find("form install") != std::string::npos);
}

TEST_CASE("registry township: 14 villages and 1,300 generated households import, and the problem "
          "list finds exactly the planted problems",
          "[registry-import]") {
  ServerFixture fx(false);
  InstallPack(fx);
  registry::SampleOptions options;
  options.villages = 14;
  options.households = 1300;
  options.seed = 7;
  const registry::Sample sample = registry::GenerateTownship(options);
  std::string text;
  for (const auto& v : sample.township.villages) text += registry::VillageRegisterJson(v) + "\n";
  for (const auto& h : sample.township.households) text += registry::HouseholdJson(h) + "\n";
  for (const auto& r : sample.township.misidentification_reviews) {
    text += registry::MisidentificationReviewJson(r) + "\n";
  }
  for (const auto& r : sample.township.reviews) text += registry::StatusReviewJson(r) + "\n";
  const ImportStats stats = Import(fx, text);
  // The form pack refuses some planted problems at the door already (a wrong check digit, a
  // negative income): those rows are reported by line and stay out. Every refused row must hold
  // such a planted problem.
  // One person in two households is refused at import too: the later of the two households.
  const std::set<std::string> form_enforced = {"invalid_resident_id", "income_implausible",
                                               "duplicate_id_across_households"};
  std::set<std::string> refused;
  for (const auto& e : stats.errors) {
    const size_t index = e.line - 1 - sample.township.villages.size();
    REQUIRE(index < sample.township.households.size());
    refused.insert(sample.township.households[index].id);
  }
  CHECK(stats.failed_rows == refused.size());
  for (const std::string& id : refused) {
    bool explained = false;
    for (const auto& p : sample.planted) {
      explained = explained || (p.household_id == id && form_enforced.count(p.code) > 0);
    }
    INFO("refused household " << id);
    CHECK(explained);
  }
  CHECK(refused.size() < sample.township.households.size() / 20);

  const registry::Township t = Township(fx);
  CHECK(t.households.size() == sample.township.households.size() - refused.size());
  CHECK(t.villages.size() == 14);
  CHECK(t.misidentification_reviews.size() == sample.township.misidentification_reviews.size());
  REQUIRE(t.reviews.size() == sample.township.reviews.size());
  REQUIRE_FALSE(t.reviews.empty());
  size_t with_flags = 0;
  for (const auto& r : t.reviews) with_flags += r.comparison_flags.empty() ? 0 : 1;
  size_t planted_flags = 0;
  for (const auto& r : sample.township.reviews) planted_flags += r.comparison_flags.empty() ? 0 : 1;
  CHECK(with_flags == planted_flags);  // the departments' comparison flags arrive as imported

  registry::QualityOptions q;
  q.today = options.today;
  using Key = std::tuple<std::string, std::string, int, std::string>;
  std::vector<Key> found;
  for (const auto& p : registry::FindProblems(t, q)) {
    found.emplace_back(p.code, p.household_id, p.member_index, p.role);
  }
  // Planted problems of the imported households (the generator plants one problem per household,
  // so both sides of a planted duplicate are imported).
  // The other side of a duplicate refused at import holds its member alone now.
  std::set<std::string> refused_ids;
  auto member_id = [&](const registry::PlantedProblem& p) -> std::string {
    for (const auto& h : sample.township.households) {
      if (h.id == p.household_id && p.member_index >= 0) return h.members.at(p.member_index).id_number;
    }
    return {};
  };
  for (const auto& p : sample.planted) {
    if (refused.count(p.household_id) && p.code == "duplicate_id_across_households") {
      refused_ids.insert(member_id(p));
    }
  }
  std::vector<Key> planted;
  for (const auto& p : sample.planted) {
    if (refused.count(p.household_id)) continue;
    if (p.code == "duplicate_id_across_households" && refused_ids.count(member_id(p))) continue;
    planted.emplace_back(p.code, p.household_id, p.member_index, p.role);
  }
  std::sort(found.begin(), found.end());
  std::sort(planted.begin(), planted.end());
  CHECK(planted.size() >= 14);
  CHECK(found == planted);

  const registry::TownshipReport report = registry::BuildReport(t, 2026);
  CHECK(report.villages.size() == 14);
  int households = 0;
  for (const auto& [status, count] : report.total.by_status) households += count.households;
  CHECK(households == static_cast<int>(t.households.size()));
  CHECK(report.total.incidence.has_value());
}

}  // namespace doorstep::testing::srv
