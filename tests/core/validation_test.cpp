// Validation: required and constraints in and out of repeats, skip logic, finalize reporting
// every error at once.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

const char *kSurvey = R"json({
  "formId": "survey", "version": "1",
  "choiceLists": [{"name": "yn", "choices": [{"value": "yes"}, {"value": "no"}]}],
  "fields": [
    {"name": "head", "type": "TEXT", "required": "true()",
           "constraint" : "string-length(.) >= 2", "constraintMessage" : {
  "zh" : "姓名至少两个字"
}
},
    {"name": "income", "type": "DECIMAL", "required": "true()", "constraint": ". >= 0"},
    {"name": "disabled", "type": "SELECT_ONE", "choiceList": "yn"},
    {"name": "disability", "type": "GROUP", "relevant": "${disabled} = 'yes'", "children": [
      {"name": "grade", "type": "INTEGER", "required": "true()", "constraint": ". >= 1 and . <= 4"}
    ]},
    {"name": "members", "type": "REPEAT", "repeatMin": 1, "repeatMax": 3, "children": [
      {"name": "name", "type": "TEXT", "required": "true()"},
      {"name": "age", "type": "INTEGER", "required": "true()", "constraint": ". >= 0 and . < 120"},
      {"name": "school", "type": "SELECT_ONE", "choiceList": "yn",
       "relevant": "${age} >= 6 and ${age} <= 18", "required": "true()"},
      {"name": "job", "type": "TEXT", "required": "${age} >= 18 and ${income} > 0"}
    ]},
    {"name": "adults", "type": "INTEGER", "calculate": "count(${members})"}
  ]
})json";

std::map<std::string, std::string> ByPath(const ValidationReport& r) {
  std::map<std::string, std::string> m;
  for (const auto& e : r.errors) m[e.path] = e.code;
  return m;
}

struct Survey {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;
  Survey() {
    REQUIRE(store->InstallForm(FormJson(kSurvey)).ok());
    id = store->CreateRecord("survey").value();
  }
};

}  // namespace

TEST_CASE("finalize reports every error at once and changes nothing", "[core][validation]") {
  Survey s;
  auto m1 = s.store->AddInstance(s.id, "members").value();
  auto m2 = s.store->AddInstance(s.id, "members").value();
  REQUIRE(s.store
              ->Apply(s.id, {Edit::Set("head", Text("王")), Edit::Set("income", Dec(-5)),
                             Edit::Set("disabled", One("yes")),
                             Edit::Set("members[" + m1 + "]/age", Int(10)),
                             Edit::Set("members[" + m2 + "]/name", Text("李四")),
                             Edit::Set("members[" + m2 + "]/age", Int(130))})
              .ok());
  auto outbox = s.store->OutboxSize().value();
  auto report = s.store->Finalize(s.id);
  REQUIRE(report.ok());
  auto errors = ByPath(report.value());
  CHECK(errors["head"] == "constraint");
  CHECK(errors["income"] == "constraint");
  CHECK(errors["grade"] == "required");
  CHECK(errors["members[" + m1 + "]/name"] == "required");
  CHECK(errors["members[" + m1 + "]/school"] == "required");
  CHECK(errors["members[" + m2 + "]/age"] == "constraint");
  CHECK(errors.count("members[" + m2 + "]/school") == 0);  // 130 is not school age
  CHECK(errors.size() == 6);
  for (const auto& e : report->errors) {
    if (e.path == "head") CHECK(e.message == "姓名至少两个字");
  }
  CHECK(s.store->GetRecord(s.id)->state == RecordState::kDraft);
  CHECK(s.store->OutboxSize().value() == outbox);
  // Validate agrees with finalize and writes nothing either.
  CHECK(ByPath(s.store->Validate(s.id).value()) == errors);
}

TEST_CASE("skip logic hides a group and its required fields", "[core][validation]") {
  Survey s;
  auto m = s.store->AddInstance(s.id, "members").value();
  REQUIRE(s.store
              ->Apply(s.id, {Edit::Set("head", Text("王五")), Edit::Set("income", Dec(0)),
                             Edit::Set("disabled", One("no")),
                             Edit::Set("members[" + m + "]/name", Text("王五")),
                             Edit::Set("members[" + m + "]/age", Int(40))})
              .ok());
  CHECK(s.store->Validate(s.id)->ok());
  REQUIRE(s.store->SetValue(s.id, "disabled", One("yes")).ok());
  CHECK(ByPath(s.store->Validate(s.id).value()) ==
        std::map<std::string, std::string>{{"grade", "required"}});
  REQUIRE(s.store->SetValue(s.id, "grade", Int(7)).ok());
  CHECK(ByPath(s.store->Validate(s.id).value()) ==
        std::map<std::string, std::string>{{"grade", "constraint"}});
}

TEST_CASE("required can depend on other fields, across the repeat boundary", "[core][validation]") {
  Survey s;
  auto m = s.store->AddInstance(s.id, "members").value();
  REQUIRE(s.store
              ->Apply(s.id, {Edit::Set("head", Text("王五")), Edit::Set("income", Dec(0)),
                             Edit::Set("members[" + m + "]/name", Text("王五")),
                             Edit::Set("members[" + m + "]/age", Int(40))})
              .ok());
  CHECK(s.store->Validate(s.id)->ok());
  REQUIRE(s.store->SetValue(s.id, "income", Dec(1000)).ok());
  CHECK(ByPath(s.store->Validate(s.id).value()) ==
        std::map<std::string, std::string>{{"members[" + m + "]/job", "required"}});
}

TEST_CASE("repeat counts are checked against repeat_min and repeat_max", "[core][validation]") {
  Survey s;
  REQUIRE(
      s.store->Apply(s.id, {Edit::Set("head", Text("王五")), Edit::Set("income", Dec(0))}).ok());
  CHECK(ByPath(s.store->Validate(s.id).value())["members"] == "repeat_min");
  std::vector<Edit> edits;
  for (int i = 0; i < 4; ++i) edits.push_back(Edit::AddInstance("members"));
  auto ids = s.store->Apply(s.id, edits).value();
  REQUIRE(ids.size() == 4);
  auto errors = ByPath(s.store->Validate(s.id).value());
  CHECK(errors["members"] == "repeat_max");
  CHECK(errors["members[" + ids[3] + "]/name"] == "required");
  CHECK(s.store->GetRecord(s.id)->Get("adults")->integer() == 4);
}

TEST_CASE("the shipped household form validates a full household and finds planted errors",
          "[core][validation]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm()).ok());
  auto id = store->CreateRecord("household").value();
  auto m = store->AddInstance(id, "members").value();
  std::string p = "members[" + m + "]/";
  REQUIRE(
      store
          ->Apply(id, {Edit::Set(p + "m_id_number", Text("52263119761206245")),
                       Edit::Set(p + "m_birth_date", Day(2016, 5, 1)),
                       Edit::Set(p + "m_health", One("disabled")),
                       Edit::Set("phone", Text("12345")), Edit::Set("visit_date", Day(2027, 1, 1))})
          .ok());
  auto rec = store->GetRecord(id).value();
  CHECK(rec.Get(p + "m_age")->integer() == 10);  // calculated from today() = 2026-11-23
  auto errors = ByPath(store->Validate(id).value());
  CHECK(errors[p + "m_id_number"] == "constraint");
  CHECK(errors[p + "m_in_school"] == "required");  // age 10 makes it relevant
  CHECK(errors[p + "m_disability_grade"] == "required");
  CHECK(errors["phone"] == "constraint");
  CHECK(errors["visit_date"] == "constraint");
  CHECK(errors["sig_head"] == "required");
}
