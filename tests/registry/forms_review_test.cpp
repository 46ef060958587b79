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

// A review whose first assessment was approved (and acknowledged by the household) on 10-20 and
// noticed from 10-21, no objection.
FormRecord Review(const char* transition) {
  return FormRecord("status_review",
                    {Edit::Set("household_ref", Text(kRef)), Edit::Set("village", Text("菖蒲塘村")),
                     Edit::Set("transition", One(transition)), Edit::Set("review_year", Int(2026)),
                     Edit::Set("assessment1_date", Day(2026, 10, 20)),
                     Edit::Set("assessment1_outcome", One("approved")),
                     Edit::Set("household_acknowledged", One("yes")),
                     Edit::Set("notice1_start", Day(2026, 10, 21)),
                     Edit::Set("notice1_objection", One("no"))});
}

// The township's (spot-)check, the announcement and the notification of an exit or a removal.
void Close(FormRecord& r) {
  r.Set("township_review_date", Day(2026, 10, 28));
  r.Set("township_review_outcome", One("approved"));
  r.Set("announcement_start", Day(2026, 10, 28));
  r.Set("announcement_objection", One("no"));
  r.Set("notification_date", Day(2026, 11, 2));
  r.Set("completed_date", Day(2026, 11, 2));
}

}  // namespace

TEST_CASE("an exit's township spot check comes 7 days after its notice started, not earlier",
          "[forms]") {
  FormRecord r = Review("exit");
  CHECK(r.DataErrors().empty());
  r.Set("township_review_outcome", One("approved"));
  r.Set("township_review_date", Day(2026, 10, 27));  // start + 6
  CHECK(r.DataErrors() == Errors{{"township_review_date", "constraint"}});
  CHECK(r.MessageOf("township_review_date").find("7天") != std::string::npos);
  r.Set("township_review_date", Day(2026, 10, 28));  // start + 7
  CHECK(r.DataErrors().empty());
  r.Set("announcement_start", Day(2026, 10, 27));  // before the spot check
  CHECK(r.DataErrors() == Errors{{"announcement_start", "constraint"}});
  r.Set("announcement_start", Day(2026, 10, 28));
  CHECK(r.DataErrors().empty());

  // A later step needs the earlier ones, the household's acknowledgement among them.
  r.Clear("notice1_start");
  r.Clear("notice1_objection");
  r.Clear("household_acknowledged");
  CHECK(r.DataErrors() == Errors{{"notice1_start", "required"},
                                 {"notice1_objection", "required"},
                                 {"household_acknowledged", "required"}});
  r.Set("notice1_start", Day(2026, 10, 19));  // before the assessment
  r.Set("notice1_objection", One("no"));
  r.Set("household_acknowledged", One("yes"));
  CHECK(r.DataErrors() == Errors{{"notice1_start", "constraint"}});
}

TEST_CASE("the household is notified 5 days after the announcement, then the review completes",
          "[forms]") {
  FormRecord r = Review("removal");
  r.Set("reason", Text("家庭成员全部迁出"));
  Close(r);
  CHECK(r.DataErrors().empty());
  r.Set("notification_date", Day(2026, 11, 1));  // announcement + 4: still during the 公告
  CHECK(r.DataErrors() == Errors{{"notification_date", "constraint"}});
  CHECK(r.MessageOf("notification_date").find("5天") != std::string::npos);
  r.Set("notification_date", Day(2026, 11, 2));  // announcement + 5
  r.Set("completed_date", Day(2026, 11, 1));     // before the notification
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("completed_date", Day(2026, 11, 2));
  CHECK(r.DataErrors().empty());
  r.Clear("notification_date");
  CHECK(r.DataErrors() == Errors{{"notification_date", "required"}});
  r.Set("notification_date", Day(2026, 11, 2));
  r.Clear("township_review_date");
  CHECK(r.DataErrors() == Errors{{"township_review_date", "required"}});
  r.Set("township_review_date", Day(2026, 10, 28));

  // Completed: the team leader signs.
  auto report = r.store->Validate(r.id);
  REQUIRE(report.ok());
  REQUIRE(report->errors.size() == 1);
  CHECK(report->errors[0].path == "sig_team_leader");
  CHECK(report->errors[0].code == "required");
  REQUIRE(r.store->Sign(r.id, "sig_team_leader", TestSignature("彭志刚")).ok());
  CHECK(r.store->Finalize(r.id)->errors.empty());
  // The township records that it applied the change outside the signature: still valid.
  REQUIRE(r.store->Reopen(r.id).ok());
  r.Set("applied_date", Day(2026, 11, 23));
  r.Set("applied_by", Text("乡镇审核员"));
  CHECK(r.store->Finalize(r.id)->errors.empty());
}

TEST_CASE("a removal needs a reason and a rejected assessment or check cannot complete",
          "[forms]") {
  FormRecord r = Review("removal");
  CHECK(r.DataErrors() == Errors{{"reason", "required"}});
  r.Set("reason", Text("识别不精准"));
  r.Set("assessment1_outcome", One("rejected"));
  CHECK(r.DataErrors().empty());  // the procedure stopped here: nothing wrong yet
  Close(r);
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("assessment1_outcome", One("approved"));
  CHECK(r.DataErrors().empty());
  r.Set("township_review_outcome", One("rejected"));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
}

TEST_CASE("objections during the notice and the announcement must be resolved", "[forms]") {
  FormRecord r = Review("exit");
  r.Set("notice1_objection", One("yes"));
  Close(r);
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  CHECK(r.MessageOf("completed_date").find("异议") != std::string::npos);
  r.Set("notice1_objection_resolved", One("no"));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("notice1_objection_resolved", One("yes"));
  CHECK(r.DataErrors().empty());
  // 告知 only after the 公告 ended without (an unresolved) objection.
  r.Set("announcement_objection", One("yes"));
  CHECK(r.DataErrors() ==
        Errors{{"notification_date", "constraint"}, {"completed_date", "constraint"}});
  CHECK(r.MessageOf("notification_date").find("无异议") != std::string::npos);
  r.Set("announcement_objection_resolved", One("yes"));
  CHECK(r.DataErrors().empty());
  // Without an objection the resolution is not asked for (not relevant).
  r.Set("notice1_objection_resolved", One("no"));
  r.Set("notice1_objection", One("no"));
  CHECK(r.DataErrors().empty());
}

TEST_CASE("new inclusions and returns: 两评议两公示一比对一公告一告知 in the documents' order",
          "[forms]") {
  FormRecord r = Review("exit");
  // For an exit these steps are not relevant: a wrong date there is not checked.
  r.Set("comparison_date", Day(2026, 10, 22));
  CHECK(r.DataErrors().empty());
  auto relevant = r.store->GetRelevantRecord(r.id).value();
  CHECK(relevant.Get("comparison_date") == nullptr);

  r.Set("transition", One("new_inclusion"));
  CHECK(r.DataErrors() == Errors{{"application_date", "required"},
                                 {"township_review_date", "required"},
                                 {"notice2_start", "required"},
                                 {"notice2_objection", "required"},
                                 {"county_review_date", "required"},
                                 {"comparison_departments", "required"}});
  r.Set("application_date", Day(2026, 10, 10));
  r.Set("township_review_date", Day(2026, 10, 28));
  r.Set("township_review_outcome", One("approved"));
  r.Set("notice2_start", Day(2026, 10, 29));
  r.Set("notice2_objection", One("no"));
  r.Set("county_review_date", Day(2026, 11, 4));  // second notice + 6
  r.Set("county_review_outcome", One("approved"));
  r.Set("comparison_departments", Many({"public_security", "housing", "agricultural_machinery"}));
  CHECK(r.DataErrors() ==
        Errors{{"county_review_date", "constraint"}, {"comparison_date", "constraint"}});
  CHECK(r.MessageOf("county_review_date").find("7天") != std::string::npos);
  CHECK(r.MessageOf("comparison_date").find("县复审") != std::string::npos);
  r.Set("county_review_date", Day(2026, 11, 5));  // second notice + 7
  r.Set("comparison_date", Day(2026, 11, 5));
  CHECK(r.DataErrors().empty());

  r.Set("comparison_flags", Many({"registered_car", "securities_holding"}));
  r.Set("assessment2_date", Day(2026, 11, 4));  // before the comparison
  CHECK(r.DataErrors() == Errors{{"assessment2_date", "constraint"},
                                 {"assessment2_outcome", "required"},
                                 {"feedback_date", "required"},
                                 {"comparison_flags_handled", "required"}});
  r.Set("feedback_date", Day(2026, 11, 6));
  r.Set("assessment2_date", Day(2026, 11, 6));
  r.Set("assessment2_outcome", One("approved"));
  r.Set("comparison_flags_handled", One("no"));
  r.Set("announcement_start", Day(2026, 11, 5));  // before the second assessment
  CHECK(r.DataErrors() == Errors{{"announcement_start", "constraint"}});
  r.Set("announcement_start", Day(2026, 11, 6));
  CHECK(r.DataErrors().empty());

  // Completion needs the findings handled and every assessment and review approved.
  r.Set("announcement_objection", One("no"));
  r.Set("notification_date", Day(2026, 11, 11));
  r.Set("completed_date", Day(2026, 11, 11));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("comparison_flags_handled", One("yes"));
  CHECK(r.DataErrors().empty());
  r.Set("county_review_outcome", One("rejected"));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("county_review_outcome", One("approved"));
  r.Set("notice2_objection", One("yes"));
  CHECK(r.DataErrors() == Errors{{"completed_date", "constraint"}});
  r.Set("notice2_objection_resolved", One("yes"));
  CHECK(r.DataErrors().empty());

  // A return follows the same procedure and names its cause.
  r.Set("transition", One("return"));
  CHECK(r.DataErrors() == Errors{{"return_cause", "required"}});
  r.Set("return_cause", One("disaster"));
  CHECK(r.DataErrors().empty());
  r.Set("comparison_date", Day(2026, 11, 4));
  CHECK(r.DataErrors() == Errors{{"comparison_date", "constraint"}});
}

TEST_CASE("a missed household's review names it by number until it is registered", "[forms]") {
  FormRecord r("status_review", {Edit::Set("village", Text("菖蒲塘村")),
                                 Edit::Set("transition", One("new_inclusion")),
                                 Edit::Set("missed_household", One("yes"))});
  CHECK(r.DataErrors() == Errors{{"household_no", "required"}, {"head_name", "required"}});
  r.Set("household_no", Text("5226310020309901"));
  r.Set("head_name", Text("龙秀珍"));
  CHECK(r.DataErrors().empty());
  r.Set("missed_household", One("no"));
  CHECK(r.DataErrors() == Errors{{"household_ref", "required"}});
}

TEST_CASE("an exit verification meets the standard only above the line with every guarantee",
          "[forms]") {
  std::vector<Edit> edits = {
      Edit::Set("household_ref", Text(kRef)),   Edit::Set("village", Text("菖蒲塘村")),
      Edit::Set("exit_year", Int(2020)),        Edit::Set("household_size", Int(4)),
      Edit::Set("net_income", Dec(16000)),      Edit::Set("poverty_line", Dec(4000)),
      Edit::Set("conclusion", One("meets")),    Edit::Set("verify_date", Day(2026, 11, 23)),
      Edit::Set("surveyors", Text("张伟、李娜"))};
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

TEST_CASE("an exit verification is surveyed by two and signed by the household and its 脱贫责任人",
          "[forms]") {
  // seeds/000: "由2人以上进行入户采集，形成贫困户和脱贫责任人签字的入户调查记录" covers 脱贫户.
  std::vector<Edit> edits = {
      Edit::Set("household_ref", Text(kRef)),   Edit::Set("village", Text("菖蒲塘村")),
      Edit::Set("exit_year", Int(2026)),        Edit::Set("household_size", Int(4)),
      Edit::Set("net_income", Dec(26000)),      Edit::Set("poverty_line", Dec(4000)),
      Edit::Set("conclusion", One("meets")),    Edit::Set("verify_date", Day(2026, 11, 20))};
  for (const char* g : {"g_food", "g_clothing", "g_education", "g_medical", "g_housing",
                        "g_water"}) {
    edits.push_back(Edit::Set(g, One("yes")));
  }
  FormRecord r("exit_verification", edits);
  CHECK(r.DataErrors() == Errors{{"surveyors", "required"}});
  r.Set("surveyors", Text("张伟"));
  CHECK(r.DataErrors() == Errors{{"surveyors", "constraint"}});
  r.Set("surveyors", Text("张伟、张伟"));
  CHECK(r.DataErrors() == Errors{{"surveyors", "constraint"}});
  CHECK(r.MessageOf("surveyors").find("张伟") == std::string::npos);
  r.Set("surveyors", Text("张伟、李娜"));
  CHECK(r.DataErrors().empty());

  auto report = r.store->Validate(r.id);
  REQUIRE(report.ok());
  Errors unsigned_errors;
  for (const auto& e : report->errors) unsigned_errors[e.path] = e.code;
  CHECK(unsigned_errors == Errors{{"sig_head", "required"},
                                  {"sig_responsible", "required"},
                                  {"sig_surveyor", "required"},
                                  {"sig_team_leader", "required"}});
  CHECK_FALSE(r.store->Sign(r.id, "sig_responsible", TestSignature("田晓梅", "张伟")).ok());
  REQUIRE(r.store->Sign(r.id, "sig_head", TestSignature("龙德成", "龙小燕")).ok());
  REQUIRE(r.store->Sign(r.id, "sig_responsible", TestSignature("田晓梅")).ok());
  REQUIRE(r.store->Sign(r.id, "sig_surveyor", TestSignature("张伟")).ok());
  REQUIRE(r.store->Sign(r.id, "sig_team_leader", TestSignature("彭志刚")).ok());
  CHECK(r.store->Finalize(r.id)->errors.empty());
}
