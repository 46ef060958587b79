// Registry views <-> records of the form pack in a real store: an export household becomes a
// household record that the pack's own rules accept, and reads back the same.
#include <catch2/catch.hpp>

#include <variant>

#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/quality.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/resident_id.h"
#include "test_support.h"

namespace doorstep::registry {
namespace {

using doorstep::testing::ReadFileBytes;
using doorstep::testing::SourcePath;
using doorstep::testing::StoreFixture;

std::vector<Household> ExportHouseholds() {
  std::vector<Status> errors;
  auto rows = ParseJsonLines(ReadFileBytes(SourcePath("tests/data/registry_export_3.jsonl")),
                             &errors);
  REQUIRE(errors.empty());
  std::vector<Household> out;
  for (auto& r : rows) out.push_back(std::get<Household>(r.row));
  return out;
}

void InstallPack(Store& store) {
  auto pack = LoadFormPack(SourcePath("forms/registry"));
  INFO(pack.status().ToString());
  REQUIRE(pack.ok());
  CHECK(pack.value().size() == 6);
  for (const auto& def : pack.value()) REQUIRE(store.InstallForm(def).ok());
}

std::string Errors(const ValidationReport& report) {
  std::string s;
  for (const auto& e : report.errors) s += e.path + " " + e.code + " " + e.message + "\n";
  return s;
}

RecordId Create(StoreFixture& fx, Store& store, const Household& h) {
  const int64_t now = fx.clock.now_ms;
  auto id = CreateHouseholdRecord(
      store, h, kPackVersion, [&](int64_t ms) { fx.clock.now_ms = ms; }, now);
  INFO(id.status().ToString());
  REQUIRE(id.ok());
  auto report = store.Validate(id.value());
  REQUIRE(report.ok());
  INFO(Errors(report.value()));
  REQUIRE(report.value().ok());
  return id.value();
}

}  // namespace

TEST_CASE("records: export households become valid signed records and read back the same",
          "[records]") {
  StoreFixture fx;
  auto store = fx.Open();
  InstallPack(*store);
  for (const Household& h : ExportHouseholds()) {
    const RecordId id = Create(fx, *store, h);
    auto finalized = store->Finalize(id);
    REQUIRE(finalized.ok());
    REQUIRE(finalized.value().ok());
    auto back = ReadHousehold(*store, id);
    REQUIRE(back.ok());
    const Household& b = back.value();
    CHECK(b.finalized);
    CHECK(b.household_no == h.household_no);
    CHECK(b.village == h.village);
    CHECK(b.status == h.status);
    CHECK(b.main_cause == h.main_cause);
    CHECK(b.income.Net() == h.income.Net());
    CHECK(b.PerCapitaNet() == h.PerCapitaNet());
    CHECK(b.guarantees.AllMet() == h.guarantees.AllMet());
    CHECK(b.visit_day == h.visit_day);
    CHECK(b.surveyors == h.surveyors);
    CHECK(b.measures.size() == h.measures.size());
    REQUIRE(b.members.size() == h.members.size());
    for (size_t i = 0; i < h.members.size(); ++i) {
      CHECK(b.members[i].name == h.members[i].name);
      CHECK(b.members[i].id_number == h.members[i].id_number);
      CHECK(b.members[i].instance_id == MemberInstanceId(h, i));
      // Derived by the form from the ID on the visit day (the export's own age is year - year).
      CHECK(b.members[i].age == AgeFromResidentId(h.members[i].id_number, h.visit_day));
    }
    for (const char* role : {"household_head", "surveyor", "team_leader"}) {
      const Signature* s = b.SignatureOf(role);
      REQUIRE(s != nullptr);
      CHECK(s->state == SignatureState::kValid);
      CHECK(s->signed_at_ms == h.SignatureOf(role)->signed_at_ms);  // kept from the export
    }
  }
  auto township = LoadTownship(*store);
  REQUIRE(township.ok());
  CHECK(township.value().households.size() == 3);
  auto one_village = LoadTownship(*store, {ExportHouseholds()[1].village});
  REQUIRE(one_village.ok());
  CHECK(one_village.value().households.size() == 1);
}

TEST_CASE("records: a signed field edited afterwards makes every signature stale in the list",
          "[records]") {
  StoreFixture fx;
  auto store = fx.Open();
  InstallPack(*store);
  const Household h = ExportHouseholds()[0];
  const RecordId id = Create(fx, *store, h);
  REQUIRE(store->SetValue(id, "inc_wage", doorstep::testing::Dec(h.income.wage + 1000)).ok());
  auto township = LoadTownship(*store);
  REQUIRE(township.ok());
  QualityOptions options;
  options.today = h.visit_day + 30;
  std::vector<std::string> stale;
  for (const Problem& p : FindProblems(township.value(), options)) {
    if (p.code == "signature_stale") stale.push_back(p.role);
  }
  std::sort(stale.begin(), stale.end());
  CHECK(stale == std::vector<std::string>{"household_head", "surveyor", "team_leader"});
}

TEST_CASE("records: a wrong resident ID is refused by the form, naming the member", "[records]") {
  StoreFixture fx;
  auto store = fx.Open();
  InstallPack(*store);
  Household h = ExportHouseholds()[0];
  std::string& id = h.members[1].id_number;
  id[17] = id[17] == '0' ? '1' : '0';  // break the check digit
  auto created = store->CreateRecord(kHouseholdForm, kPackVersion, HouseholdEdits(h));
  REQUIRE(created.ok());
  auto report = store->Validate(created.value());
  REQUIRE(report.ok());
  REQUIRE(report.value().errors.size() >= 1);
  const ValidationError& e = report.value().errors[0];
  CHECK(e.path == "members[" + MemberInstanceId(h, 1) + "]/m_id_number");
  CHECK(e.code == "constraint");
  // The member's number, never the name (personal data stays out of import errors).
  CHECK(DescribePath(h, e.path) == "成员 第2人 (member 2) / m_id_number");
  CHECK(DescribePath(h, e.path).find(h.members[1].name) == std::string::npos);
  CHECK(e.message.find(id) == std::string::npos);
}

TEST_CASE("records: member instance ids are stable and distinct", "[records]") {
  Household h = ExportHouseholds()[0];
  const std::string a = MemberInstanceId(h, 0);
  CHECK(a == MemberInstanceId(h, 0));
  CHECK(a != MemberInstanceId(h, 1));
  CHECK(Uuid::Parse(a).ok());
  h.members[1].id_number = h.members[0].id_number;  // a repeated ID falls back to the index
  CHECK(MemberInstanceId(h, 0) != MemberInstanceId(h, 1));
  CHECK(SignaturePath("household_head") == "sig_head");
  CHECK(SignaturePath("cadre").empty());
}

}  // namespace doorstep::registry
