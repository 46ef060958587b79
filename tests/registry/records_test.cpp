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
    for (const char* role : {"household_head", "responsible_cadre", "surveyor", "team_leader"}) {
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

TEST_CASE("records: the 五清 fields of an export household are written, signed and read back",
          "[records]") {
  StoreFixture fx;
  auto store = fx.Open();
  InstallPack(*store);
  Household h = ExportHouseholds()[0];
  h.exit_path = "务工加护林员";
  h.main_difficulty = "缺技术";
  h.past_assistance_effect = "公益岗位，收入稳定";
  h.assistance_plan = "技能培训";
  h.exit_deadline_year = 2020;
  const RecordId id = Create(fx, *store, h);
  REQUIRE(store->Finalize(id).value().ok());
  auto back = ReadHousehold(*store, id);
  REQUIRE(back.ok());
  CHECK(back.value().exit_path == h.exit_path);
  CHECK(back.value().main_difficulty == h.main_difficulty);
  CHECK(back.value().past_assistance_effect == h.past_assistance_effect);
  CHECK(back.value().assistance_plan == h.assistance_plan);
  CHECK(back.value().exit_deadline_year == 2020);
  // The export's 脱贫责任人 signed over the plan as imported.
  const Signature* s = back.value().SignatureOf("responsible_cadre");
  REQUIRE(s != nullptr);
  CHECK(s->state == SignatureState::kValid);
  CHECK(s->signer == h.cadre_name);
}

TEST_CASE("records: a village register keeps its needs list and assistance forces", "[records]") {
  StoreFixture fx;
  auto store = fx.Open();
  InstallPack(*store);
  VillageRegister v;
  v.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e01";
  v.village = "坪新冲村";
  v.year = 2026;
  v.poor_village = true;
  v.per_capita_income_yuan = 7772.5;
  v.leading_industry = "小麦、玉米种植";
  v.village_clinic = "yes";
  v.main_constraints = "缺水";
  v.past_assistance = "村道硬化";
  v.urgent_problems = "安全饮水";
  v.needs = {{"", "饮水管网改造", 350000}, {"", "产业路硬化", 0}};
  v.liaison_leaders = {"王县长", "李处长"};
  v.assisting_units = {"县水务局"};
  v.first_secretary = "赵文";
  v.team_leader = "蒋玉林";
  v.leading_enterprise = "某农业公司";
  v.tech_advisor = "刘工";
  v.financial_outlet = "no";
  auto created = store->CreateRecord(kVillageRegisterForm, kPackVersion, VillageRegisterEdits(v));
  REQUIRE(created.ok());
  auto report = store->Validate(created.value());
  REQUIRE(report.ok());
  INFO(Errors(report.value()));
  CHECK(report.value().ok());
  // The same register writes the same needs instances (importing it twice changes nothing).
  auto instance_ids = [](const std::vector<Edit>& edits) {
    std::vector<std::string> ids;
    for (const Edit& e : edits) {
      if (e.op == Edit::Op::kAddInstance) ids.push_back(e.path + "[" + e.instance_id + "]");
    }
    return ids;
  };
  const std::vector<std::string> ids = instance_ids(VillageRegisterEdits(v));
  REQUIRE(ids.size() == 2);
  CHECK(ids != std::vector<std::string>{ids[0], ids[0]});
  CHECK(instance_ids(VillageRegisterEdits(v)) == ids);
  auto township = LoadTownship(*store);
  REQUIRE(township.ok());
  REQUIRE(township.value().villages.size() == 1);
  const VillageRegister& b = township.value().villages[0];
  CHECK(b.id == created.value().ToString());
  CHECK(b.per_capita_income_yuan == 7772.5);
  CHECK(b.leading_industry == v.leading_industry);
  CHECK(b.village_clinic == "yes");
  CHECK(b.main_constraints == v.main_constraints);
  CHECK(b.past_assistance == v.past_assistance);
  CHECK(b.urgent_problems == v.urgent_problems);
  REQUIRE(b.needs.size() == 2);
  CHECK(b.needs[0].item == "饮水管网改造");
  CHECK(b.needs[0].amount_yuan == 350000);
  CHECK(b.needs[1].item == "产业路硬化");
  CHECK(b.needs[1].amount_yuan == 0);  // not written: unknown
  CHECK("needs[" + b.needs[0].instance_id + "]" == ids[0]);
  CHECK(b.liaison_leaders == v.liaison_leaders);
  CHECK(b.assisting_units == v.assisting_units);
  CHECK(b.first_secretary == "赵文");
  CHECK(b.team_leader == "蒋玉林");
  CHECK(b.leading_enterprise == v.leading_enterprise);
  CHECK(b.tech_advisor == v.tech_advisor);
  CHECK(b.financial_outlet == "no");
  // An unanswered yes/no stays unanswered.
  VillageRegister bare;
  bare.id = "0b7f2a8e-1c1d-4e55-9a0b-2f6a1d9c3e02";
  bare.village = "坪新冲村";
  for (const Edit& e : VillageRegisterEdits(bare)) {
    CHECK(e.path != "village_clinic");
    CHECK(e.path != "financial_outlet");
    CHECK(e.path != "needs");
  }
}

TEST_CASE("records: an assistance visit reads back the guarantees seen and the visitor's role",
          "[records]") {
  StoreFixture fx;
  auto store = fx.Open();
  InstallPack(*store);
  using doorstep::testing::Day;
  using doorstep::testing::One;
  using doorstep::testing::Text;
  std::vector<Edit> edits = {
      Edit::Set("household_ref", Text("e8ef72fd-483b-44b8-bddf-b5074b961499")),
      Edit::Set("village", Text("坪新冲村")), Edit::Set("visit_date", Day(2026, 11, 20)),
      Edit::Set("cadre_name", Text("魏芳超")),  Edit::Set("assigned_cadre", One("yes")),
      Edit::Set("visit_kind", One("home_visit")), Edit::Set("content", Text("核实收入")),
      Edit::Set("g_housing", One("no"))};
  for (const char* g : {"g_food", "g_clothing", "g_education", "g_medical", "g_water"}) {
    edits.push_back(Edit::Set(g, One("yes")));
  }
  REQUIRE(store->CreateRecord(kAssistanceVisitForm, kPackVersion, edits).ok());
  auto township = LoadTownship(*store);
  REQUIRE(township.ok());
  REQUIRE(township.value().visits.size() == 1);
  const AssistanceVisit& v = township.value().visits[0];
  CHECK(v.visit_kind == "home_visit");
  CHECK(v.assigned_cadre);
  CHECK(v.guarantees.food);
  CHECK(v.guarantees.safe_drinking_water);
  CHECK_FALSE(v.guarantees.safe_housing);
  CHECK_FALSE(v.guarantees.AllMet());
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
  CHECK(stale == std::vector<std::string>{"household_head", "responsible_cadre", "surveyor",
                                          "team_leader"});
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
  CHECK(SignaturePath("responsible_cadre") == "sig_responsible");
  CHECK(SignaturePath("cadre").empty());
}

}  // namespace doorstep::registry
