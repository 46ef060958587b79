// The registry form pack (forms/registry/*.json): every form loads, compiles and installs, keeps
// the field names other code maps, and has Chinese and English text everywhere; the rules of the
// village register, the misidentification review and the assistance visit. The household form is
// tested in forms_household_test.cpp and forms_member_test.cpp, the status review and the exit
// verification in forms_review_test.cpp. Today is the FakeClock's 2026-11-23.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
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

v1::FormDef LoadPackForm(const std::string& form_id) {
  auto def = LoadFormFile(FormFile(form_id));
  INFO(def.status().ToString());
  REQUIRE(def.ok());
  return std::move(def).value();
}

using Errors = std::map<std::string, std::string>;

// A record of one pack form; errors of signature fields are left out unless asked for.
struct FormRecord {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;

  FormRecord(const std::string& form_id, const std::vector<Edit>& edits) {
    REQUIRE(store->InstallForm(LoadPackForm(form_id)).ok());
    auto created = store->CreateRecord(form_id, "", edits);
    REQUIRE(created.ok());
    id = created.value();
  }
  void Set(const std::string& path, const v1::Value& value) {
    INFO(path);
    REQUIRE(store->SetValue(id, path, value).ok());
  }
  void Clear(const std::string& path) { REQUIRE(store->ClearValue(id, path).ok()); }
  Errors AllErrors(bool with_signatures) {
    auto report = store->Validate(id);
    REQUIRE(report.ok());
    Errors out;
    for (const auto& e : report->errors) {
      if (with_signatures || e.path.rfind("sig_", 0) != 0) out[e.path] = e.code;
    }
    return out;
  }
  Errors DataErrors() { return AllErrors(false); }
};

// Every label, hint and constraint message has both texts; returns the places that do not.
void CollectMissingText(const google::protobuf::RepeatedPtrField<v1::Field>& fields,
                        std::vector<std::string>* out) {
  for (const auto& f : fields) {
    if (f.label().zh().empty() || f.label().en().empty()) out->push_back(f.name() + "/label");
    if (f.has_hint() && (f.hint().zh().empty() || f.hint().en().empty())) {
      out->push_back(f.name() + "/hint");
    }
    if (!f.constraint().empty() &&
        (f.constraint_message().zh().empty() || f.constraint_message().en().empty())) {
      out->push_back(f.name() + "/constraint_message");
    }
    CollectMissingText(f.children(), out);
  }
}

const char* kRef = "0f5c3a5e-9d1b-4c2e-8a7f-3b6d2e1c4a90";

}  // namespace

TEST_CASE("every registry form loads, installs and keeps the mapped field names", "[forms]") {
  struct Expected {
    const char* form_id;
    const char* title;
    std::vector<const char*> fields;
  };
  const std::vector<Expected> pack = {
      {"household", "建档立卡贫困户调查登记表",
       {"county", "county_code", "township", "village", "village_group", "household_no",
        "head_name", "mobile", "poverty_status", "status_year", "identification_standard",
        "identification_year", "poverty_line", "lifted_year", "main_cause", "other_causes",
        "members", "m_name", "m_id_number", "m_relation", "m_sex", "m_birth_date", "m_age",
        "m_ethnicity", "m_education", "m_school_status", "m_health", "m_disability_grade",
        "m_labor", "m_migrant_months", "m_medical_insurance", "m_pension_insurance",
        "m_low_income", "m_extreme_support", "m_change", "m_change_date", "m_active",
        "household_size", "inc_wage", "inc_production", "inc_property", "inc_subsidy",
        "inc_pension", "inc_eco", "production_costs", "inc_transfer", "inc_total", "net_income",
        "per_capita_income", "g_food", "g_clothing", "g_education", "g_medical", "g_housing",
        "g_water", "house_area", "house_danger", "relocated", "cadre_name", "cadre_unit",
        "cadre_position", "cadre_phone", "measures", "a_type", "a_description", "a_year",
        "a_amount", "exit_path", "main_difficulty", "past_assistance_effect", "assistance_plan",
        "exit_deadline_year", "gps", "visit_date", "surveyors", "team_leader",
        "vice_team_leader", "sig_head", "sig_responsible", "sig_surveyor", "sig_team_leader",
        "sig_vice_leader"}},
      {"status_review", "动态调整评议记录",
       {"household_ref", "household_no", "head_name", "village", "transition",
        "missed_household", "review_year", "reason", "return_cause", "application_date",
        "assessment1_date", "assessment1_outcome", "household_acknowledged", "notice1_start",
        "notice1_objection", "notice1_objection_resolved", "township_review_date",
        "township_review_outcome", "notice2_start", "notice2_objection",
        "notice2_objection_resolved", "county_review_date", "county_review_outcome",
        "comparison_date", "comparison_departments", "comparison_flags", "feedback_date",
        "assessment2_date", "comparison_flags_handled", "assessment2_outcome",
        "announcement_start", "announcement_objection", "announcement_objection_resolved",
        "notification_date", "completed_date", "sig_team_leader", "applied_date", "applied_by",
        "duplicate_override"}},
      {"exit_verification", "脱贫退出户调查核实登记表",
       {"household_ref", "household_no", "head_name", "village", "exit_year", "household_size",
        "net_income", "per_capita_income", "poverty_line", "above_line", "g_food", "g_clothing",
        "g_education", "g_medical", "g_housing", "g_water", "house_danger", "conclusion",
        "verify_date", "surveyors", "sig_head", "sig_responsible", "sig_surveyor",
        "sig_team_leader"}},
      {"misidentification_review", "识别不精准户调查核定登记表",
       {"household_ref", "household_no", "head_name", "village", "review_year", "review_kind",
        "people", "comparison_flags", "per_capita_income", "findings", "conclusion", "review_date",
        "sig_surveyor", "sig_team_leader"}},
      {"village_register", "贫困村登记表",
       {"county", "county_code", "township", "village", "register_year",
        "registered_households", "registered_population", "rural_population",
        "assigned_households", "poor_village", "village_exit_year", "collective_income",
        "per_capita_income", "road_access", "safe_water_access", "electricity_access",
        "broadband_access", "leading_industry", "village_clinic", "main_constraints",
        "past_assistance", "urgent_problems", "needs", "need_item", "need_amount",
        "liaison_leaders", "assisting_units", "first_secretary", "team_leader",
        "leading_enterprise", "tech_advisor", "financial_outlet", "sig_team_leader"}},
      {"assistance_visit", "帮扶走访记录",
       {"household_ref", "household_no", "head_name", "village", "visit_date", "cadre_name",
        "cadre_unit", "assigned_cadre", "visit_kind", "content", "g_food", "g_clothing",
        "g_education", "g_medical", "g_housing", "g_water", "problems", "measures_taken",
        "follow_up_date", "sig_cadre", "sig_head"}},
  };
  StoreFixture fx;
  auto store = fx.Open();
  for (const Expected& e : pack) {
    INFO(e.form_id);
    v1::FormDef def = LoadPackForm(e.form_id);
    CHECK(def.form_id() == e.form_id);
    CHECK(def.version() == "2026.1");
    CHECK(def.title().zh() == e.title);
    CHECK_FALSE(def.title().en().empty());
    CHECK(def.scope_field() == "village");
    std::vector<std::string> missing_text;
    CollectMissingText(def.fields(), &missing_text);
    for (const auto& list : def.choice_lists()) {
      for (const auto& c : list.choices()) {
        if (c.label().zh().empty() || c.label().en().empty()) {
          missing_text.push_back(list.name() + "/" + c.value());
        }
      }
    }
    CHECK(missing_text.empty());
    auto compiled = CompiledForm::Compile(def);
    REQUIRE(compiled.ok());
    for (const char* name : e.fields) {
      INFO(name);
      CHECK((*compiled)->Find(name) != nullptr);
    }
    Status installed = store->InstallForm(def);
    INFO(installed.ToString());
    CHECK(installed.ok());
  }
  CHECK(store->ListForms()->size() == pack.size());

  // The directory holds these forms and nothing else: LoadFormPack reads every *.json there.
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(DOORSTEP_REGISTRY_FORMS_DIR)) {
    files.insert(entry.path().filename().string());
  }
  std::set<std::string> expected;
  for (const Expected& e : pack) expected.insert(std::string(e.form_id) + ".json");
  CHECK(files == expected);
}

TEST_CASE("the village register keeps the rural population within the registered one",
          "[forms]") {
  FormRecord r("village_register",
               {Edit::Set("village", Text("菖蒲塘村")), Edit::Set("register_year", Int(2026)),
                Edit::Set("registered_households", Int(412)),
                Edit::Set("registered_population", Int(1100)),
                Edit::Set("rural_population", Int(1100)), Edit::Set("poor_village", One("no"))});
  CHECK(r.DataErrors().empty());
  r.Set("rural_population", Int(1101));
  CHECK(r.DataErrors() == Errors{{"rural_population", "constraint"}});
  r.Set("rural_population", Int(-1));
  CHECK(r.DataErrors() == Errors{{"rural_population", "constraint"}});
  r.Set("rural_population", Int(1050));
  r.Set("assigned_households", Int(-3));
  r.Set("county_code", Text("4331"));
  CHECK(r.DataErrors() ==
        Errors{{"assigned_households", "constraint"}, {"county_code", "constraint"}});
  r.Set("assigned_households", Int(96));
  r.Set("county_code", Text("433123"));

  // The exit year belongs to poor villages only.
  r.Set("village_exit_year", Int(2010));
  CHECK(r.DataErrors().empty());
  r.Set("poor_village", One("yes"));
  CHECK(r.DataErrors() == Errors{{"village_exit_year", "constraint"}});
  r.Set("village_exit_year", Int(2019));
  CHECK(r.DataErrors().empty());
  r.Clear("village");
  CHECK(r.DataErrors() == Errors{{"village", "required"}});
}

TEST_CASE("a misidentification review names its household unless the household was missed",
          "[forms]") {
  FormRecord r("misidentification_review",
               {Edit::Set("village", Text("菖蒲塘村")), Edit::Set("review_year", Int(2026)),
                Edit::Set("review_kind", One("wrong_inclusion")),
                Edit::Set("comparison_flags", Many({"commercial_flat", "registered_car"})),
                Edit::Set("conclusion", One("confirmed"))});
  CHECK(r.DataErrors() == Errors{{"household_ref", "required"}});
  r.Set("review_kind", One("missed"));
  // A missed household has no record yet: its number, head and size say who it is.
  CHECK(r.DataErrors() == Errors{{"household_no", "required"},
                                 {"head_name", "required"},
                                 {"people", "required"}});
  r.Set("household_no", Text("5226310020309901"));
  r.Set("head_name", Text("龙秀珍"));
  r.Set("people", Int(0));
  CHECK(r.DataErrors() == Errors{{"people", "constraint"}});
  r.Set("people", Int(3));
  CHECK(r.DataErrors().empty());
  r.Set("household_ref", Text("0F5C3A5E-9D1B-4C2E-8A7F-3B6D2E1C4A90"));  // upper case
  CHECK(r.DataErrors() == Errors{{"household_ref", "constraint"}});
  r.Set("household_ref", Text(kRef));
  r.Set("review_kind", One("wrong_exit"));
  r.Set("review_date", Day(2026, 11, 24));
  CHECK(r.DataErrors() == Errors{{"review_date", "constraint"}});
  r.Set("review_date", Day(2026, 11, 23));
  CHECK(r.DataErrors().empty());
  r.Clear("conclusion");
  CHECK(r.DataErrors() == Errors{{"conclusion", "required"}});
}

TEST_CASE("an assistance visit is dated, followed up later and signed by the head at home",
          "[forms]") {
  FormRecord r("assistance_visit",
               {Edit::Set("household_ref", Text(kRef)), Edit::Set("village", Text("菖蒲塘村")),
                Edit::Set("visit_date", Day(2026, 11, 20)), Edit::Set("cadre_name", Text("田晓梅")),
                Edit::Set("assigned_cadre", One("yes")), Edit::Set("visit_kind", One("phone")),
                Edit::Set("content", Text("了解务工收入")),
                Edit::Set("measures_taken", Many({"employment_transfer", "skills_training"}))});
  CHECK(r.AllErrors(true) == Errors{{"sig_cadre", "required"}});
  REQUIRE(r.store->Sign(r.id, "sig_cadre", TestSignature("田晓梅")).ok());
  CHECK(r.AllErrors(true).empty());

  r.Set("follow_up_date", Day(2026, 11, 19));
  CHECK(r.DataErrors() == Errors{{"follow_up_date", "constraint"}});
  r.Set("follow_up_date", Day(2026, 11, 20));
  CHECK(r.DataErrors().empty());
  r.Set("follow_up_date", Day(2026, 12, 20));  // a planned date may lie ahead
  r.Set("visit_date", Day(2026, 11, 24));
  CHECK(r.DataErrors() == Errors{{"visit_date", "constraint"}});
  r.Set("visit_date", Day(2026, 11, 21));

  // A home visit needs the head's signature (a proxy may sign for the head) and what the cadre
  // saw of the guarantees.
  r.Set("visit_kind", One("home_visit"));
  for (const char* g : {"g_food", "g_clothing", "g_education", "g_medical", "g_housing",
                        "g_water"}) {
    r.Set(g, One("yes"));
  }
  REQUIRE(r.store->Sign(r.id, "sig_cadre", TestSignature("田晓梅")).ok());
  CHECK(r.AllErrors(true) == Errors{{"sig_head", "required"}});
  REQUIRE(r.store->Sign(r.id, "sig_head", TestSignature("龙德成", "龙小燕")).ok());
  CHECK(r.store->Finalize(r.id)->errors.empty());
}

TEST_CASE("an assistance visit needs its household, cadre and content", "[forms]") {
  FormRecord r("assistance_visit", {Edit::Set("village", Text("菖蒲塘村"))});
  CHECK(r.DataErrors() == Errors{{"household_ref", "required"},
                                 {"visit_date", "required"},
                                 {"cadre_name", "required"},
                                 {"assigned_cadre", "required"},
                                 {"content", "required"}});
}

TEST_CASE("a home visit records the 两不愁三保障 it saw and other visits do not ask", "[forms]") {
  FormRecord r("assistance_visit",
               {Edit::Set("household_ref", Text(kRef)), Edit::Set("village", Text("菖蒲塘村")),
                Edit::Set("visit_date", Day(2026, 11, 20)), Edit::Set("cadre_name", Text("田晓梅")),
                Edit::Set("assigned_cadre", One("no")), Edit::Set("visit_kind", One("other")),
                Edit::Set("content", Text("村委会座谈"))});
  CHECK(r.DataErrors().empty());
  r.Set("visit_kind", One("home_visit"));
  CHECK(r.DataErrors() == Errors{{"g_food", "required"},
                                 {"g_clothing", "required"},
                                 {"g_education", "required"},
                                 {"g_medical", "required"},
                                 {"g_housing", "required"},
                                 {"g_water", "required"}});
  for (const char* g : {"g_food", "g_clothing", "g_education", "g_medical", "g_water"}) {
    r.Set(g, One("yes"));
  }
  r.Set("g_housing", One("no"));  // a dangerous house is recorded, not refused
  CHECK(r.DataErrors().empty());
  r.Set("visit_kind", One("phone"));
  CHECK(r.DataErrors().empty());
  r.Clear("assigned_cadre");
  CHECK(r.DataErrors() == Errors{{"assigned_cadre", "required"}});
}

TEST_CASE("the village register keeps its file, problem ledger, needs list and assistance forces",
          "[forms]") {
  FormRecord r("village_register",
               {Edit::Set("village", Text("菖蒲塘村")), Edit::Set("register_year", Int(2026)),
                Edit::Set("poor_village", One("yes")), Edit::Set("per_capita_income", Dec(7772)),
                Edit::Set("leading_industry", Text("小麦、玉米种植")),
                Edit::Set("village_clinic", One("yes")),
                Edit::Set("main_constraints", Text("缺水，交通不便")),
                Edit::Set("past_assistance", Text("2015年修通村道，效果明显")),
                Edit::Set("urgent_problems", Text("安全饮水")),
                Edit::Set("liaison_leaders", Text("王县长")),
                Edit::Set("assisting_units", Text("县水务局、县教育局")),
                Edit::Set("first_secretary", Text("赵文")),
                Edit::Set("leading_enterprise", Text("某农业公司")),
                Edit::Set("tech_advisor", Text("农技站刘工")),
                Edit::Set("financial_outlet", One("no"))});
  CHECK(r.DataErrors().empty());
  r.Set("per_capita_income", Dec(-1));
  CHECK(r.DataErrors() == Errors{{"per_capita_income", "constraint"}});
  r.Set("per_capita_income", Dec(0));
  CHECK(r.DataErrors().empty());

  // Each line of the needs list names its project; the amount cannot be negative.
  const std::string need = "needs[00000000-0000-4000-8000-000000000001]";
  REQUIRE(r.store->Apply(r.id, {Edit::AddInstance("needs", need.substr(6, 36))}).ok());
  CHECK(r.DataErrors() == Errors{{need + "/need_item", "required"}});
  r.Set(need + "/need_item", Text("饮水管网改造"));
  r.Set(need + "/need_amount", Dec(-500));
  CHECK(r.DataErrors() == Errors{{need + "/need_amount", "constraint"}});
  r.Set(need + "/need_amount", Dec(350000));
  CHECK(r.DataErrors().empty());
}
