// Member rules of the registry household form (forms/registry/household.json): the full
// GB 11643 resident-ID check expressed in the form (shape, province, birth date, ISO 7064
// MOD 11-2 check character), sex against the ID, birth date and age calculated from the ID,
// disability grade and member changes. Today is the FakeClock's 2026-11-23.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "doorstep/core/form.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

std::string FormFile(const std::string& form_id) {
  std::string path = DOORSTEP_REGISTRY_FORMS_DIR;
  return path.append("/").append(form_id).append(".json");
}

// The 18-character ID for 17 digits: the check character computed here independently of the form.
std::string WithCheck(const std::string& first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17.at(i) - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

// One household record with one member; only the member's own errors are looked at.
struct MemberRecord {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;
  std::string member;

  MemberRecord() {
    auto def = LoadFormFile(FormFile("household"));
    REQUIRE(def.ok());
    REQUIRE(store->InstallForm(def.value()).ok());
    id = store->CreateRecord("household").value();
    member = store->AddInstance(id, "members").value();
    Set("m_name", Text("龙德成"));
    Set("m_sex", One("male"));
    Set("m_id_number", Text("433123197612062451"));
  }
  std::string Path(const std::string& field) const {
    return "members[" + member + "]/" + field;
  }
  void Set(const std::string& field, const v1::Value& value) {
    INFO(field);
    REQUIRE(store->SetValue(id, Path(field), value).ok());
  }
  void Clear(const std::string& field) { REQUIRE(store->ClearValue(id, Path(field)).ok()); }
  v1::Value Get(const std::string& field) {
    auto rec = store->GetRecord(id);
    REQUIRE(rec.ok());
    const v1::Value* v = rec->Get(Path(field));
    return v ? *v : v1::Value();
  }
  // Errors of this member's fields: field name -> code.
  std::map<std::string, std::string> Errors() {
    auto report = store->Validate(id);
    REQUIRE(report.ok());
    std::map<std::string, std::string> out;
    const std::string prefix = "members[" + member + "]/";
    for (const auto& e : report->errors) {
      if (e.path.rfind(prefix, 0) == 0) out[e.path.substr(prefix.size())] = e.code;
    }
    return out;
  }
  std::string MessageOf(const std::string& field) {
    auto report = store->Validate(id);
    REQUIRE(report.ok());
    for (const auto& e : report->errors) {
      if (e.path == Path(field)) return e.message;
    }
    return {};
  }
};

using Errors = std::map<std::string, std::string>;

int32_t DayOf(int y, int m, int d) { return Day(y, m, d).date(); }

}  // namespace

TEST_CASE("the resident ID check in the form accepts valid IDs, X and x check characters",
          "[forms]") {
  MemberRecord r;
  CHECK(WithCheck("43312319761206245") == "433123197612062451");
  CHECK(WithCheck("43010219850714106") == "43010219850714106X");
  struct Case {
    std::string id;
    const char* sex;
  };
  const Case valid[] = {
      {"433123197612062451", "male"},
      {WithCheck("43010219850714106"), "female"},  // check character X
      {"43010219850714106x", "female"},            // lower-case x: the same number
      {WithCheck("43312320000229008"), "female"},  // born on 29 February of a leap year
      {WithCheck("11010519491231001"), "male"},    // Beijing, 1949
      {WithCheck("82000020261123003"), "male"},    // Macao, born today
      {WithCheck("65010218800101002"), "female"},  // the earliest birth year accepted
  };
  for (const Case& c : valid) {
    INFO(c.id);
    r.Set("m_id_number", Text(c.id));
    r.Set("m_sex", One(c.sex));
    CHECK(r.Errors().empty());
  }
}

TEST_CASE("the resident ID check refuses bad IDs on the member's own path", "[forms]") {
  MemberRecord r;
  const std::string refused[] = {
      "433123197612062452",              // wrong check digit
      "43312319761206245",               // 17 characters
      "4331231976120624511",             // 19 characters
      "4331231976A2062451",              // a letter
      WithCheck("43312319900230001"),    // 30 February
      WithCheck("43312319901301001"),    // month 13
      WithCheck("43312319010229001"),    // 1901 was not a leap year
      WithCheck("43312320261124001"),    // born tomorrow
      WithCheck("43312318791231001"),    // before 1880
      WithCheck("00312319761206245"),    // no province 00
      WithCheck("90312319761206245"),    // no province 90
      "43312319781003024Y",              // check character not a digit or X
  };
  for (const std::string& id : refused) {
    INFO(id);
    r.Set("m_id_number", Text(id));
    CHECK(r.Errors() == Errors{{"m_id_number", "constraint"}});
    const std::string message = r.MessageOf("m_id_number");
    CHECK(message.find("身份证号码无效") == 0);
    CHECK(message.find(id) == std::string::npos);  // never the number itself
  }
  r.Clear("m_id_number");
  CHECK(r.Errors() == Errors{{"m_id_number", "required"}});
}

TEST_CASE("sex must match the 17th digit of the resident ID", "[forms]") {
  MemberRecord r;  // ...245-1: 5 is odd, a man
  CHECK(r.Errors().empty());
  r.Set("m_sex", One("female"));
  CHECK(r.Errors() == Errors{{"m_sex", "constraint"}});
  CHECK(r.MessageOf("m_sex").find("第17位") != std::string::npos);
  r.Set("m_id_number", Text("43312319781003024X"));  // 4: even, a woman
  CHECK(r.Errors().empty());
  r.Set("m_sex", One("male"));
  CHECK(r.Errors() == Errors{{"m_sex", "constraint"}});
  // With an ID that is not even shaped like one, only the ID is reported.
  r.Set("m_id_number", Text("4331231978"));
  CHECK(r.Errors() == Errors{{"m_id_number", "constraint"}});
}

TEST_CASE("birth date and age are calculated from the ID and the visit date", "[forms]") {
  MemberRecord r;
  CHECK(r.Get("m_birth_date").date() == DayOf(1976, 12, 6));
  CHECK(r.Get("m_age").integer() == 49);  // today 2026-11-23, no visit date yet

  r.Set("m_id_number", Text(WithCheck("43312319901121537")));  // born 1990-11-21
  CHECK(r.Get("m_birth_date").date() == DayOf(1990, 11, 21));
  CHECK(r.Get("m_age").integer() == 36);
  REQUIRE(r.store->SetValue(r.id, "visit_date", Day(2026, 11, 20)).ok());
  CHECK(r.Get("m_age").integer() == 35);  // the day before the birthday
  REQUIRE(r.store->SetValue(r.id, "visit_date", Day(2026, 11, 21)).ok());
  CHECK(r.Get("m_age").integer() == 36);  // on the birthday

  r.Set("m_id_number", Text(WithCheck("43312320000229008")));  // 29 February 2000
  REQUIRE(r.store->SetValue(r.id, "visit_date", Day(2025, 2, 28)).ok());
  CHECK(r.Get("m_age").integer() == 24);
  REQUIRE(r.store->SetValue(r.id, "visit_date", Day(2025, 3, 1)).ok());
  CHECK(r.Get("m_age").integer() == 25);

  // An invalid date in the ID gives no birth date and no age.
  r.Set("m_id_number", Text(WithCheck("43312319900230001")));
  CHECK(r.Get("m_birth_date").kind_case() == v1::Value::KIND_NOT_SET);
  CHECK(r.Get("m_age").kind_case() == v1::Value::KIND_NOT_SET);
}

TEST_CASE("a member change needs a date between the birth and today", "[forms]") {
  MemberRecord r;  // born 1976-12-06
  CHECK(r.Get("m_active").integer() == 1);
  r.Set("m_change", One("move_out"));
  CHECK(r.Get("m_active").integer() == 0);
  CHECK(r.Errors() == Errors{{"m_change_date", "required"}});
  r.Set("m_change_date", Day(2026, 11, 24));
  CHECK(r.Errors() == Errors{{"m_change_date", "constraint"}});
  r.Set("m_change_date", Day(1976, 12, 5));
  CHECK(r.Errors() == Errors{{"m_change_date", "constraint"}});
  r.Set("m_change_date", Day(1976, 12, 6));
  CHECK(r.Errors().empty());
  r.Set("m_change_date", Day(2026, 11, 23));
  CHECK(r.Errors().empty());
  // No change: the date is not asked for.
  r.Clear("m_change");
  CHECK(r.Get("m_active").integer() == 1);
  CHECK(r.Errors().empty());
}

TEST_CASE("member names, disability grades and migrant months are checked", "[forms]") {
  MemberRecord r;
  r.Set("m_name", Text("龙"));
  r.Set("m_migrant_months", Int(13));
  r.Set("m_health", One("disabled"));
  CHECK(r.Errors() == Errors{{"m_name", "constraint"},
                             {"m_migrant_months", "constraint"},
                             {"m_disability_grade", "required"}});
  r.Set("m_name", Text("欧阳娜娜"));
  r.Set("m_migrant_months", Int(12));
  r.Set("m_disability_grade", Int(5));
  CHECK(r.Errors() == Errors{{"m_disability_grade", "constraint"}});
  r.Set("m_disability_grade", Int(4));
  CHECK(r.Errors().empty());
  // A healthy member's grade is not relevant and not checked.
  r.Set("m_health", One("healthy"));
  r.Set("m_disability_grade", Int(9));
  CHECK(r.Errors().empty());
}
