// The registry household form (forms/registry/household.json) in a real store: a complete
// household finalizes; household size and incomes are calculated; the status rules (main cause
// for new and returned, a lifted year for lifted; an empty household or an exit failing a
// guarantee is left to the procedure and the problem list) and the signatures' coverage; two
// surveyors, the 脱贫责任人's signature and the 五清 fields (seeds/000 and seeds/003). Member rules
// (resident ID, sex, age, changes) are in forms_member_test.cpp. Today is the FakeClock's
// 2026-11-23.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "doorstep/core/form.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

std::string FormFile(const std::string& form_id) {
  std::string path = DOORSTEP_REGISTRY_FORMS_DIR;
  return path.append("/").append(form_id).append(".json");
}

struct MemberSpec {
  const char* name;
  const char* id_number;
  const char* relation;
  const char* sex;
};

// 龙德成's household of three; every resident ID has a correct check character.
const MemberSpec kMembers[] = {
    {"龙德成", "433123197612062451", "head", "male"},
    {"吴秀英", "43312319781003024X", "spouse", "female"},
    {"龙小燕", "433123201003150068", "daughter", "female"},
};

// A household record with everything required filled in except the signatures.
struct HouseholdRecord {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;
  std::vector<std::string> members;

  HouseholdRecord() {
    auto def = LoadFormFile(FormFile("household"));
    REQUIRE(def.ok());
    REQUIRE(store->InstallForm(def.value()).ok());
    std::vector<Edit> edits = {
        Edit::Set("county", Text("凤凰县")),        Edit::Set("county_code", Text("433123")),
        Edit::Set("township", Text("廖家桥镇")),    Edit::Set("village", Text("菖蒲塘村")),
        Edit::Set("household_no", Text("4331230010010001")),
        Edit::Set("head_name", Text("龙德成")),     Edit::Set("mobile", Text("13907431234")),
        Edit::Set("poverty_status", One("poor")),   Edit::Set("status_year", Int(2015)),
        Edit::Set("identification_standard", One("national")),
        Edit::Set("identification_year", Int(2014)), Edit::Set("poverty_line", Dec(2736)),
        Edit::Set("main_cause", One("illness")),
        Edit::Set("other_causes", Many({"lack_capital", "lack_skills"})),
        Edit::Set("inc_wage", Dec(12000)),          Edit::Set("inc_production", Dec(3000)),
        Edit::Set("inc_property", Dec(0)),          Edit::Set("inc_subsidy", Dec(1200)),
        Edit::Set("inc_pension", Dec(1800)),        Edit::Set("inc_eco", Dec(300)),
        Edit::Set("production_costs", Dec(1500)),   Edit::Set("house_area", Dec(96.5)),
        Edit::Set("house_danger", One("A")),        Edit::Set("relocated", One("no")),
        Edit::Set("visit_date", Day(2026, 11, 20)), Edit::Set("surveyors", Text("张伟、李娜")),
        Edit::Set("team_leader", Text("彭志刚")),
    };
    for (const char* g : {"g_food", "g_clothing", "g_education", "g_medical", "g_housing",
                          "g_water"}) {
      edits.push_back(Edit::Set(g, One("yes")));
    }
    auto created = store->CreateRecord("household", "", edits);
    REQUIRE(created.ok());
    id = created.value();
    for (const MemberSpec& m : kMembers) {
      auto added = store->Apply(id, {Edit::AddInstance("members")});
      REQUIRE(added.ok());
      members.push_back(added.value().at(0));
      REQUIRE(store
                  ->Apply(id, {Edit::Set(M(members.size() - 1, "m_name"), Text(m.name)),
                               Edit::Set(M(members.size() - 1, "m_id_number"), Text(m.id_number)),
                               Edit::Set(M(members.size() - 1, "m_relation"), One(m.relation)),
                               Edit::Set(M(members.size() - 1, "m_sex"), One(m.sex))})
                  .ok());
    }
  }

  std::string M(size_t member, const std::string& field) const {
    return "members[" + members.at(member) + "]/" + field;
  }
  void Set(const std::string& path, const v1::Value& value) {
    INFO(path);
    REQUIRE(store->SetValue(id, path, value).ok());
  }
  void Clear(const std::string& path) { REQUIRE(store->ClearValue(id, path).ok()); }
  // The stored value (calculated fields included); an empty Value when there is none.
  v1::Value Get(const std::string& path) {
    auto rec = store->GetRecord(id);
    REQUIRE(rec.ok());
    const v1::Value* v = rec->Get(path);
    return v ? *v : v1::Value();
  }
  // Validation errors (path -> code), signatures left out: most tests never sign.
  std::map<std::string, std::string> DataErrors() {
    auto report = store->Validate(id);
    REQUIRE(report.ok());
    std::map<std::string, std::string> out;
    for (const auto& e : report->errors) {
      if (e.path.rfind("sig_", 0) != 0) out[e.path] = e.code;
    }
    return out;
  }
  std::string MessageOf(const std::string& path) {
    auto report = store->Validate(id);
    REQUIRE(report.ok());
    for (const auto& e : report->errors) {
      if (e.path == path) return e.message;
    }
    return {};
  }
  std::map<std::string, SignatureState> SignatureStates() {
    std::map<std::string, SignatureState> out;
    for (const auto& s : store->Signatures(id).value()) out[s.path] = s.state;
    return out;
  }
  void SignRequired() {
    REQUIRE(store->Sign(id, "sig_head", TestSignature("龙德成", "龙小燕")).ok());
    REQUIRE(store->Sign(id, "sig_responsible", TestSignature("田晓梅")).ok());
    REQUIRE(store->Sign(id, "sig_surveyor", TestSignature("张伟")).ok());
    REQUIRE(store->Sign(id, "sig_team_leader", TestSignature("彭志刚")).ok());
  }
  // Member `i` leaves the household (a decrease change with a date).
  void Leave(size_t i, const char* change) {
    Set(M(i, "m_change"), One(change));
    Set(M(i, "m_change_date"), Day(2026, 3, 1));
  }
};

using Errors = std::map<std::string, std::string>;

}  // namespace

TEST_CASE("a complete registry household finalizes with its four required signatures",
          "[forms]") {
  HouseholdRecord h;
  CHECK(h.DataErrors().empty());
  auto unsigned_report = h.store->Validate(h.id).value();
  Errors missing;
  for (const auto& e : unsigned_report.errors) missing[e.path] = e.code;
  CHECK(missing == Errors{{"sig_head", "required"},
                          {"sig_responsible", "required"},
                          {"sig_surveyor", "required"},
                          {"sig_team_leader", "required"}});

  h.SignRequired();
  auto report = h.store->Finalize(h.id);
  REQUIRE(report.ok());
  CHECK(report->errors.empty());
  CHECK(h.store->GetRecord(h.id)->state == RecordState::kFinalized);
}

TEST_CASE("household size and incomes are calculated and a member who died does not count",
          "[forms]") {
  HouseholdRecord h;
  CHECK(h.Get("household_size").integer() == 3);
  CHECK(h.Get("inc_transfer").decimal() == 3300);
  CHECK(h.Get("inc_total").decimal() == 18300);
  CHECK(h.Get("net_income").decimal() == 16800);
  CHECK(h.Get("per_capita_income").decimal() == 5600);
  CHECK(h.Get(h.M(2, "m_active")).integer() == 1);

  h.Set("inc_wage", Dec(12001));  // 16801 / 3, rounded to fen
  CHECK(h.Get("per_capita_income").decimal() == 5600.33);

  h.Leave(0, "death");
  CHECK(h.Get(h.M(0, "m_active")).integer() == 0);
  CHECK(h.Get("household_size").integer() == 2);
  CHECK(h.Get("per_capita_income").decimal() == 8400.5);
  // Moving in does not reduce the household.
  h.Set(h.M(1, "m_change"), One("marriage_in"));
  h.Set(h.M(1, "m_change_date"), Day(2000, 5, 1));
  CHECK(h.Get("household_size").integer() == 2);
  CHECK(h.DataErrors().empty());
}

TEST_CASE("a household whose members all left still finalizes: removal is a procedure",
          "[forms]") {
  // The surveyor records the deaths and moves truthfully; removing the household takes the
  // village's removal procedure (status_review), which the problem list and
  // registry::RequiredTransition ask for. The form must not make the surveyor choose a status.
  HouseholdRecord h;
  h.Leave(0, "death");
  h.Leave(1, "marriage_out");
  h.Leave(2, "move_out");
  CHECK(h.Get("household_size").integer() == 0);
  CHECK(h.Get("per_capita_income").kind_case() == v1::Value::KIND_NOT_SET);
  CHECK(h.DataErrors().empty());
  h.Set("poverty_status", One("removed"));
  CHECK(h.DataErrors().empty());
  // Imprisonment also takes the last member out of the count; one member back is enough.
  h.Set(h.M(2, "m_change"), One("imprisonment"));
  CHECK(h.Get("household_size").integer() == 0);
  h.Clear(h.M(2, "m_change"));
  CHECK(h.Get("household_size").integer() == 1);
  CHECK(h.DataErrors().empty());
}

TEST_CASE("the main cause is required for new and returned households only", "[forms]") {
  HouseholdRecord h;
  h.Set("other_causes", Many({"lack_capital"}));
  h.Clear("main_cause");
  CHECK(h.DataErrors().empty());  // poor

  h.Set("poverty_status", One("new"));
  CHECK(h.DataErrors() == Errors{{"main_cause", "required"}});
  h.Set("poverty_status", One("returned"));
  h.Set("lifted_year", Int(2019));
  CHECK(h.DataErrors() == Errors{{"main_cause", "required"}});
  h.Set("main_cause", One("disaster"));
  CHECK(h.DataErrors().empty());

  // Removed: no cause at all (not relevant, so not required either).
  h.Clear("main_cause");
  h.Set("poverty_status", One("removed"));
  CHECK(h.DataErrors().empty());
}

TEST_CASE("other causes must not repeat the main cause", "[forms]") {
  HouseholdRecord h;
  h.Set("other_causes", Many({"illness", "lack_capital"}));
  CHECK(h.DataErrors() == Errors{{"other_causes", "constraint"}});
  h.Set("other_causes", Many({"lack_capital", "lack_water"}));
  CHECK(h.DataErrors().empty());
}

TEST_CASE("a lifted household needs its lifted year, and an unmet guarantee does not block it",
          "[forms]") {
  HouseholdRecord h;
  h.Set("poverty_status", One("lifted"));
  CHECK(h.DataErrors() == Errors{{"lifted_year", "required"}});
  h.Set("lifted_year", Int(2013));  // before the identification year 2014
  CHECK(h.DataErrors() == Errors{{"lifted_year", "constraint"}});
  h.Set("lifted_year", Int(2026));  // the visit's year
  CHECK(h.DataErrors().empty());

  // The visit records what it finds; the exit standard is checked where exits are decided
  // (exit_verification, doorstep transition) and the problem list shows lifted_guarantee_unmet.
  h.Set("g_housing", One("no"));
  CHECK(h.DataErrors().empty());
  h.Set("lifted_year", Int(2019));
  CHECK(h.DataErrors().empty());
}

TEST_CASE("household field formats and ranges are checked", "[forms]") {
  HouseholdRecord h;
  h.Set("household_no", Text("433123001001000"));  // 15 digits
  h.Set("county_code", Text("43312"));
  h.Set("mobile", Text("23907431234"));
  h.Set("inc_eco", Dec(-1));
  h.Set("house_area", Dec(2000));
  h.Set("status_year", Int(2012));
  h.Set("visit_date", Day(2026, 11, 24));  // tomorrow
  CHECK(h.DataErrors() == Errors{{"household_no", "constraint"},
                                 {"county_code", "constraint"},
                                 {"mobile", "constraint"},
                                 {"inc_eco", "constraint"},
                                 {"house_area", "constraint"},
                                 {"status_year", "constraint"},
                                 {"visit_date", "constraint"}});
  h.Set("household_no", Text("4331230010010002"));
  h.Set("county_code", Text("433123"));
  h.Set("mobile", Text("18907431234"));
  h.Set("inc_eco", Dec(0));
  h.Set("house_area", Dec(1999.5));
  h.Set("status_year", Int(2013));
  h.Set("visit_date", Day(2026, 11, 23));
  CHECK(h.DataErrors().empty());

  h.Clear("inc_wage");
  h.Clear("g_food");
  h.Clear("village");
  CHECK(h.DataErrors() ==
        Errors{{"inc_wage", "required"}, {"g_food", "required"}, {"village", "required"}});
  CHECK(h.Get("per_capita_income").kind_case() == v1::Value::KIND_NOT_SET);
}

TEST_CASE("the head signs the household's data, not the survey team's names", "[forms]") {
  HouseholdRecord h;
  h.SignRequired();
  using S = SignatureState;
  CHECK(h.SignatureStates() == std::map<std::string, S>{{"sig_head", S::kValid},
                                                        {"sig_responsible", S::kValid},
                                                        {"sig_surveyor", S::kValid},
                                                        {"sig_team_leader", S::kValid},
                                                        {"sig_vice_leader", S::kMissing}});
  // Correcting the team leader's name concerns the team, not the household.
  h.Set("team_leader", Text("彭志强"));
  CHECK(h.SignatureStates()["sig_head"] == S::kValid);
  CHECK(h.SignatureStates()["sig_responsible"] == S::kStale);
  CHECK(h.SignatureStates()["sig_surveyor"] == S::kStale);
  CHECK(h.SignatureStates()["sig_team_leader"] == S::kStale);
  // A member's data is the household's: the head must sign again.
  h.Set(h.M(2, "m_school_status"), One("junior_high"));
  CHECK(h.SignatureStates()["sig_head"] == S::kStale);

  auto report = h.store->Finalize(h.id);
  REQUIRE(report.ok());
  Errors stale;
  for (const auto& e : report->errors) stale[e.path] = e.code;
  CHECK(stale == Errors{{"sig_head", "signature_stale"},
                        {"sig_responsible", "signature_stale"},
                        {"sig_surveyor", "signature_stale"},
                        {"sig_team_leader", "signature_stale"}});

  // The surveyor cannot have someone sign for them; the head can.
  CHECK_FALSE(h.store->Sign(h.id, "sig_surveyor", TestSignature("张伟", "李娜")).ok());
  h.SignRequired();
  REQUIRE(h.store->Sign(h.id, "sig_vice_leader", TestSignature("麻建军")).ok());
  CHECK(h.store->Finalize(h.id)->errors.empty());
}

TEST_CASE("two different surveyors survey the household (由2人以上进行入户采集)", "[forms]") {
  HouseholdRecord h;
  for (const char* bad : {"张伟", "张伟、张伟", "张伟、张伟、张伟", "张伟、", "、张伟", "张伟、、李娜",
                          "张伟,李娜", "张伟 李娜"}) {
    INFO(bad);
    h.Set("surveyors", Text(bad));
    CHECK(h.DataErrors() == Errors{{"surveyors", "constraint"}});
  }
  // The message says what is needed and never repeats the names.
  const std::string message = h.MessageOf("surveyors");
  CHECK(message.find("2人以上") != std::string::npos);
  CHECK(message.find("张伟") == std::string::npos);
  for (const char* good : {"张伟、李娜", "张伟、张伟伟", "张伟、李娜、张伟", "阿依古丽·买买提、李娜"}) {
    INFO(good);
    h.Set("surveyors", Text(good));
    CHECK(h.DataErrors().empty());
  }
  h.Clear("surveyors");
  CHECK(h.DataErrors() == Errors{{"surveyors", "required"}});
}

TEST_CASE("the 脱贫责任人 signs every household but a removed one, and cannot sign by proxy",
          "[forms]") {
  HouseholdRecord h;
  auto missing = [&] {
    auto report = h.store->Validate(h.id);
    REQUIRE(report.ok());
    Errors out;
    for (const auto& e : report->errors) {
      if (e.path == "sig_responsible") out[e.path] = e.code;
    }
    return out;
  };
  for (const char* status : {"new", "poor", "returned"}) {
    h.Set("poverty_status", One(status));
    CHECK(missing() == Errors{{"sig_responsible", "required"}});
  }
  h.Set("poverty_status", One("lifted"));
  h.Set("lifted_year", Int(2025));
  CHECK(missing() == Errors{{"sig_responsible", "required"}});
  h.Set("poverty_status", One("removed"));
  CHECK(missing().empty());

  h.Set("poverty_status", One("poor"));
  CHECK_FALSE(h.store->Sign(h.id, "sig_responsible", TestSignature("田晓梅", "李娜")).ok());
  h.SignRequired();
  CHECK(h.store->Finalize(h.id)->errors.empty());
}

TEST_CASE("the 五清 fields are optional, signed, and the deadline is a year after identification",
          "[forms]") {
  HouseholdRecord h;
  h.Set("exit_path", Text("发展中药材种植，妻子就近务工"));
  h.Set("main_difficulty", Text("缺技术、缺资金"));
  h.Set("past_assistance_effect", Text("2016年产业扶持，效果一般"));
  h.Set("assistance_plan", Text("技能培训、小额信贷"));
  h.Set("exit_deadline_year", Int(2014));  // the identification year
  CHECK(h.DataErrors().empty());
  h.Set("exit_deadline_year", Int(2013));
  CHECK(h.DataErrors() == Errors{{"exit_deadline_year", "constraint"}});
  h.Set("exit_deadline_year", Int(2101));
  CHECK(h.DataErrors() == Errors{{"exit_deadline_year", "constraint"}});
  h.Clear("identification_year");
  h.Set("exit_deadline_year", Int(2012));
  CHECK(h.DataErrors() == Errors{{"exit_deadline_year", "constraint"}});
  h.Set("exit_deadline_year", Int(2013));
  CHECK(h.DataErrors().empty());
  // Every status may leave them empty (an import of an older register must not be refused).
  for (const char* f : {"exit_path", "main_difficulty", "past_assistance_effect", "assistance_plan",
                        "exit_deadline_year"}) {
    h.Clear(f);
  }
  h.Set("poverty_status", One("new"));
  CHECK(h.DataErrors().empty());
  h.Set("poverty_status", One("returned"));
  h.Set("lifted_year", Int(2019));
  CHECK(h.DataErrors().empty());

  // The plan is the household's: the head and the team sign it, and a status written by the
  // procedure does not make the signatures stale (the fields stay relevant for every status).
  h.Set("poverty_status", One("poor"));
  h.Set("identification_year", Int(2014));
  h.Set("exit_path", Text("务工"));
  h.SignRequired();
  using S = SignatureState;
  h.Set("poverty_status", One("lifted"));
  h.Set("lifted_year", Int(2026));
  for (const auto& [path, state] : h.SignatureStates()) {
    if (path != "sig_vice_leader") CHECK(state == S::kValid);
  }
  h.Set("assistance_plan", Text("巩固：公益岗位"));
  for (const auto& [path, state] : h.SignatureStates()) {
    INFO(path);
    if (path != "sig_vice_leader") CHECK(state == S::kStale);
  }
}
