// The procedure forms of the registry pack: the status review (动态调整评议记录: assessment,
// 7-day notice, comparison and a second round for new inclusions and returns, 5-day
// announcement, notification, completion) and the exit verification (脱贫退出户调查核实登记表).
// Today is the FakeClock's 2026-11-23.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "doorstep/core/form.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

using Errors = std::map<std::string, std::string>;

// A record of one pack form; signature errors are left out (tested with the household form).
struct FormRecord {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;

  FormRecord(const std::string& form_id, const std::vector<Edit>& edits) {
    std::string path = DOORSTEP_REGISTRY_FORMS_DIR;
    auto def = LoadFormFile(path.append("/").append(form_id).append(".json"));
    REQUIRE(def.ok());
    REQUIRE(store->InstallForm(def.value()).ok());
    auto created = store->CreateRecord(form_id, "", edits);
    REQUIRE(created.ok());
    id = created.value();
  }
  void Set(const std::string& path, const v1::Value& value) {
    INFO(path);
    REQUIRE(store->SetValue(id, path, value).ok());
  }
  void Clear(const std::string& path) { REQUIRE(store->ClearValue(id, path).ok()); }
  v1::Value Get(const std::string& path) {
    auto rec = store->GetRecord(id);
    REQUIRE(rec.ok());
    const v1::Value* v = rec->Get(path);
    return v ? *v : v1::Value();
  }
  Errors DataErrors() {
    auto report = store->Validate(id);
    REQUIRE(report.ok());
    Errors out;
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
};

const char* kRef = "0f5c3a5e-9d1b-4c2e-8a7f-3b6d2e1c4a90";

// A review whose first assessment was approved on 10-20 and noticed from 10-21, no objection.
FormRecord Review(const char* transition) {
  return FormRecord("status_review",
                    {Edit::Set("household_ref", Text(kRef)), Edit::Set("village", Text("菖蒲塘村")),
                     Edit::Set("transition", One(transition)), Edit::Set("review_year", Int(2026)),
                     Edit::Set("assessment1_date", Day(2026, 10, 20)),
                     Edit::Set("assessment1_outcome", One("approved")),
                     Edit::Set("notice1_start", Day(2026, 10, 21)),
                     Edit::Set("notice1_objection", One("no"))});
}

}  // namespace

TEST_CASE("an exit is announced 7 days after its notice started, not earlier", "[forms]") {
  FormRecord r = Review("exit");
  CHECK(r.DataErrors().empty());
  r.Set("announcement_start", Day(2026, 10, 27));  // start + 6
  CHECK(r.DataErrors() == Errors{{"announcement_start", "constraint"}});
  CHECK(r.MessageOf("announcement_start").find("7天") != std::string::npos);
  r.Set("announcement_start", Day(2026, 10, 28));  // start + 7
  CHECK(r.DataErrors().empty());

  // A later step needs the earlier ones.
  r.Clear("notice1_start");
  r.Clear("notice1_objection");
  CHECK(r.DataErrors() ==
        Errors{{"notice1_start", "required"}, {"notice1_objection", "required"}});
  r.Set("notice1_start", Day(2026, 10, 19));  // before the assessment
  r.Set("notice1_objection", One("no"));
  CHECK(r.DataErrors() == Errors{{"notice1_start", "constraint"}});
}

TEST_CASE("a review completes 5 days after the announcement and after the notification",
          "[forms]") {
  FormRecord r = Review("removal");
  r.Set("reason", Text("家庭成员全部迁出"));
  r.Set("announcement_start", Day(2026, 10, 28));
  r.Set("notification_date", Day(2026, 10, 29));
  r.Set("completed_date", Day(2026, 11, 1));  // announcement + 4
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  CHECK(r.MessageOf("completed_date").find("5天") != std::string::npos);
  r.Set("completed_date", Day(2026, 11, 2));  // announcement + 5
  CHECK(r.DataErrors().empty());
  r.Set("notification_date", Day(2026, 11, 3));  // after the completion
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("notification_date", Day(2026, 10, 27));  // before the announcement
  CHECK(r.DataErrors() == Errors{{"notification_date", "constraint"}});
  r.Clear("notification_date");
  CHECK(r.DataErrors() == Errors{{"notification_date", "required"}});
  r.Set("notification_date", Day(2026, 11, 2));

  // Completed: the team leader signs.
  auto report = r.store->Validate(r.id);
  REQUIRE(report.ok());
  REQUIRE(report->errors.size() == 1);
  CHECK(report->errors[0].path == "sig_team_leader");
  CHECK(report->errors[0].code == "required");
  REQUIRE(r.store->Sign(r.id, "sig_team_leader", TestSignature("彭志刚")).ok());
  CHECK(r.store->Finalize(r.id)->errors.empty());
}

TEST_CASE("a removal needs a reason and a rejected assessment cannot complete", "[forms]") {
  FormRecord r = Review("removal");
  CHECK(r.DataErrors() == Errors{{"reason", "required"}});
  r.Set("reason", Text("识别不精准"));
  r.Set("assessment1_outcome", One("rejected"));
  CHECK(r.DataErrors().empty());  // the procedure stopped here: nothing wrong yet
  r.Set("announcement_start", Day(2026, 10, 28));
  r.Set("notification_date", Day(2026, 10, 28));
  r.Set("completed_date", Day(2026, 11, 2));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("assessment1_outcome", One("approved"));
  CHECK(r.DataErrors().empty());
}

TEST_CASE("an objection during the notice must be resolved before completion", "[forms]") {
  FormRecord r = Review("exit");
  r.Set("notice1_objection", One("yes"));
  r.Set("announcement_start", Day(2026, 10, 28));
  r.Set("notification_date", Day(2026, 10, 30));
  r.Set("completed_date", Day(2026, 11, 2));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  CHECK(r.MessageOf("completed_date").find("异议") != std::string::npos);
  r.Set("notice1_objection_resolved", One("no"));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("notice1_objection_resolved", One("yes"));
  CHECK(r.DataErrors().empty());
  // Without an objection the resolution is not asked for (not relevant).
  r.Set("notice1_objection_resolved", One("no"));
  r.Set("notice1_objection", One("no"));
  CHECK(r.DataErrors().empty());
}

TEST_CASE("the comparison and second round belong to new inclusions and returns only",
          "[forms]") {
  FormRecord r = Review("exit");
  // For an exit these steps are not relevant: a wrong date there is not checked.
  r.Set("comparison_date", Day(2026, 10, 22));
  r.Set("announcement_start", Day(2026, 10, 28));
  CHECK(r.DataErrors().empty());
  auto relevant = r.store->GetRelevantRecord(r.id).value();
  CHECK(relevant.Get("comparison_date") == nullptr);

  r.Set("transition", One("new_inclusion"));
  CHECK(r.DataErrors() == Errors{{"comparison_date", "constraint"},
                                 {"assessment2_date", "required"},
                                 {"notice2_start", "required"},
                                 {"notice2_objection", "required"}});
  CHECK(r.MessageOf("comparison_date").find("7天") != std::string::npos);
  r.Set("comparison_date", Day(2026, 10, 28));  // notice start + 7
  r.Set("comparison_flags", Many({"registered_car"}));
  r.Set("assessment2_date", Day(2026, 10, 27));  // before the comparison
  r.Set("notice2_start", Day(2026, 10, 30));
  r.Set("notice2_objection", One("no"));
  CHECK(r.DataErrors() == Errors{{"assessment2_date", "constraint"},
                                 {"assessment2_outcome", "required"},
                                 {"comparison_flags_handled", "required"},
                                 {"announcement_start", "constraint"}});
  r.Set("assessment2_date", Day(2026, 10, 29));
  r.Set("assessment2_outcome", One("approved"));
  r.Set("comparison_flags_handled", One("no"));
  r.Set("announcement_start", Day(2026, 11, 5));  // second notice start + 6
  CHECK(r.DataErrors() == Errors{{"announcement_start", "constraint"}});
  r.Set("announcement_start", Day(2026, 11, 6));  // second notice start + 7
  CHECK(r.DataErrors().empty());

  // Completion needs the findings handled and the second assessment approved.
  r.Set("notification_date", Day(2026, 11, 8));
  r.Set("completed_date", Day(2026, 11, 11));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("comparison_flags_handled", One("yes"));
  CHECK(r.DataErrors().empty());
  r.Set("assessment2_outcome", One("rejected"));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("assessment2_outcome", One("approved"));
  r.Set("notice2_objection", One("yes"));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("notice2_objection_resolved", One("yes"));
  CHECK(r.DataErrors().empty());

  // A return follows the same procedure.
  r.Set("transition", One("return"));
  CHECK(r.DataErrors().empty());
  r.Set("comparison_date", Day(2026, 10, 27));
  CHECK(r.DataErrors() == Errors{{"comparison_date", "constraint"}});
}

TEST_CASE("an exit verification meets the standard only above the line with every guarantee",
          "[forms]") {
  std::vector<Edit> edits = {
      Edit::Set("household_ref", Text(kRef)),   Edit::Set("village", Text("菖蒲塘村")),
      Edit::Set("exit_year", Int(2020)),        Edit::Set("household_size", Int(4)),
      Edit::Set("net_income", Dec(16000)),      Edit::Set("poverty_line", Dec(4000)),
      Edit::Set("conclusion", One("meets")),    Edit::Set("verify_date", Day(2026, 11, 23))};
  for (const char* g : {"g_food", "g_clothing", "g_education", "g_medical", "g_housing",
                        "g_water"}) {
    edits.push_back(Edit::Set(g, One("yes")));
  }
  FormRecord r("exit_verification", edits);
  CHECK(r.Get("per_capita_income").decimal() == 4000);
  CHECK(r.Get("above_line").select_one() == "no");  // at the line is not above it
  CHECK(r.DataErrors() == Errors{{"conclusion", "constraint"}});
  CHECK(r.MessageOf("conclusion").find("贫困线") != std::string::npos);

  r.Set("net_income", Dec(15000));  // 3750 per person: below
  CHECK(r.DataErrors() == Errors{{"conclusion", "constraint"}});
  r.Set("conclusion", One("not_meets"));
  CHECK(r.DataErrors().empty());

  r.Set("net_income", Dec(16002));  // 4000.5 per person
  r.Set("conclusion", One("meets"));
  CHECK(r.Get("per_capita_income").decimal() == 4000.5);
  CHECK(r.Get("above_line").select_one() == "yes");
  CHECK(r.DataErrors().empty());

  r.Set("g_medical", One("no"));
  CHECK(r.DataErrors() == Errors{{"conclusion", "constraint"}});
  r.Set("g_medical", One("yes"));
  r.Clear("poverty_line");  // no line: cannot be judged above it
  CHECK(r.Get("above_line").kind_case() == v1::Value::KIND_NOT_SET);
  CHECK(r.DataErrors() == Errors{{"conclusion", "constraint"}});
  r.Set("poverty_line", Dec(0));
  r.Set("household_size", Int(0));
  CHECK(r.DataErrors() == Errors{{"poverty_line", "constraint"},
                                 {"household_size", "constraint"},
                                 {"conclusion", "constraint"}});
}
