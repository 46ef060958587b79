// Records: typed values by path, repeat instances, calculations, finalize and migration.
#include <catch2/catch.hpp>

#include "doorstep/core/expression.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

const char* kAllTypes = R"json({
  "formId": "types", "version": "1",
  "choiceLists": [{"name": "c", "choices": [{"value": "a"}, {"value": "b"}, {"value": "c"}]}],
  "fields": [
    {"name": "t", "type": "TEXT"},
    {"name": "i", "type": "INTEGER"},
    {"name": "d", "type": "DECIMAL"},
    {"name": "dt", "type": "DATE"},
    {"name": "s1", "type": "SELECT_ONE", "choiceList": "c"},
    {"name": "sm", "type": "SELECT_MULTIPLE", "choiceList": "c"},
    {"name": "g", "type": "GEOPOINT"},
    {"name": "sig", "type": "SIGNATURE", "signature": {"role": "head", "allowProxy": true}},
    {"name": "att", "type": "ATTACHMENT"},
    {"name": "note", "type": "NOTE"},
    {"name": "grp", "type": "GROUP", "children": [{"name": "in_group", "type": "TEXT"}]},
    {"name": "r", "type": "REPEAT", "children": [
      {"name": "rx", "type": "INTEGER"},
      {"name": "rdouble", "type": "INTEGER", "calculate": "${rx} * 2"}]},
    {"name": "total", "type": "INTEGER", "calculate": "sum(${rx})"
},
    {"name": "n", "type": "INTEGER", "calculate": "count(${r})"}
  ]
})json";

struct TypesFixture {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;
  TypesFixture() {
    REQUIRE(store->InstallForm(FormJson(kAllTypes)).ok());
    auto rec = store->CreateRecord("types");
    REQUIRE(rec.ok());
    id = rec.value();
  }
  const v1::Value* Get(const std::string& path) {
    static Record last;
    last = store->GetRecord(id).value();
    return last.Get(path);
  }
};

}  // namespace

TEST_CASE("every field type stores and reads back its value", "[core][record]") {
  TypesFixture t;
  // A reference to a photo the store does not hold is refused, naming the field.
  v1::Value dangling;
  dangling.mutable_attachment()->set_sha256(std::string(32, '\x11'));
  dangling.mutable_attachment()->set_media_type("image/jpeg");
  Status refused = t.store->SetValue(t.id, "att", dangling);
  CHECK(refused.code() == Code::kFailedPrecondition);
  CHECK(refused.where() == "att");
  auto added = t.store->AddAttachment("jpeg bytes", "image/jpeg", "a.jpg");
  REQUIRE(added.ok());
  const v1::Value att = *added;
  REQUIRE(t.store
              ->Apply(t.id, {Edit::Set("t", Text("张三")), Edit::Set("i", Int(-42)),
                             Edit::Set("d", Dec(3.25)), Edit::Set("dt", Day(2020, 2, 29)),
                             Edit::Set("s1", One("b")), Edit::Set("sm", Many({"a", "c"})),
                             Edit::Set("g", Geo(26.3, 107.8)), Edit::Set("att", att),
                             Edit::Set("in_group", Text("x"))})
              .ok());
  REQUIRE(t.store->Sign(t.id, "sig", TestSignature("张三")).ok());
  CHECK(t.Get("t")->text() == "张三");
  CHECK(t.Get("i")->integer() == -42);
  CHECK(t.Get("d")->decimal() == 3.25);
  CHECK(expr::FormatIsoDate(t.Get("dt")->date()) == "2020-02-29");
  CHECK(t.Get("s1")->select_one() == "b");
  CHECK(t.Get("sm")->select_multiple().values_size() == 2);
  CHECK(t.Get("g")->geopoint().latitude() == 26.3);
  CHECK(t.Get("att")->attachment().media_type() == "image/jpeg");
  CHECK(t.Get("in_group")->text() == "x");  // groups do not appear in paths
  CHECK(t.Get("sig")->signature().signer_name() == "张三");
  CHECK(t.Get("sig")->signature().role() == "head");
}

TEST_CASE("wrong values are refused naming the path, and nothing is written", "[core][record]") {
  TypesFixture t;
  REQUIRE(t.store->SetValue(t.id, "i", Int(1)).ok());
  auto outbox_before = t.store->OutboxSize().value();
  struct Case {
    Edit edit;
    Code code;
    const char* where;
  };
  v1::Value nan;
  nan.set_decimal(std::nan(""));
  v1::Value unsorted;  // built by hand: Many() would sort it
  unsorted.mutable_select_multiple()->add_values("c");
  unsorted.mutable_select_multiple()->add_values("a");
  v1::Value bad_geo = Geo(91, 0);
  const Case cases[] = {
      {Edit::Set("i", Text("12")), Code::kInvalidArgument, "i"},
      {Edit::Set("d", nan), Code::kInvalidArgument, "d"},
      {Edit::Set("s1", One("zzz")), Code::kInvalidArgument, "s1"},
      {Edit::Set("sm", unsorted), Code::kInvalidArgument, "sm"},
      {Edit::Set("g", bad_geo), Code::kInvalidArgument, "g"},
      {Edit::Set("dt", Day(1700, 1, 1)), Code::kInvalidArgument, "dt"},
      {Edit::Set("t", Text(std::string(20000, 'x'))), Code::kInvalidArgument, "t"},
      {Edit::Set("nope", Text("x")), Code::kNotFound, "nope"},
      {Edit::Set("rx", Int(1)), Code::kInvalidArgument, "rx"},
      {Edit::Set("r[0b8e7a52-9a55-4c1e-8d0a-0a0a0a0a0a0a]/rx", Int(1)), Code::kNotFound, ""},
      {Edit::Set("total", Int(5)), Code::kInvalidArgument, "total"},
      {Edit::Set("grp", Text("x")), Code::kInvalidArgument, "grp"},
      {Edit::Set("note", Text("x")), Code::kInvalidArgument, "note"},
      {Edit::Set("sig", Text("x")), Code::kInvalidArgument, "sig"},
      {Edit::Set("@state", Text("finalized")), Code::kInvalidArgument, "@state"},
      {Edit::Set("t/", Text("x")), Code::kInvalidArgument, "t/"},
      {Edit::Set("r[not-a-uuid]/rx", Int(1)), Code::kInvalidArgument, "r[not-a-uuid]/rx"},
  };
  for (const auto& c : cases) {
    INFO(c.edit.path);
    // A good edit first: the batch must still be all-or-nothing.
    auto r = t.store->Apply(t.id, {Edit::Set("i", Int(99)), c.edit});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == c.code);
    if (*c.where) CHECK_THAT(r.status().where(), Catch::Contains(c.where));
    CHECK(t.Get("i")->integer() == 1);
  }
  CHECK(t.store->OutboxSize().value() == outbox_before);
}

TEST_CASE("repeat instances are keyed by UUID and calculations follow every change",
          "[core][record]") {
  TypesFixture t;
  auto a = t.store->AddInstance(t.id, "r");
  auto b = t.store->AddInstance(t.id, "r");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a.value() != b.value());
  REQUIRE(t.store->SetValue(t.id, "r[" + a.value() + "]/rx", Int(3)).ok());
  REQUIRE(t.store->SetValue(t.id, "r[" + b.value() + "]/rx", Int(4)).ok());
  CHECK(t.Get("total")->integer() == 7);
  CHECK(t.Get("n")->integer() == 2);
  CHECK(t.Get("r[" + a.value() + "]/rdouble")->integer() == 6);
  auto order = t.store->Instances(t.id, "r");
  REQUIRE(order.ok());
  CHECK(order.value() == std::vector<std::string>{a.value(), b.value()});

  REQUIRE(t.store->RemoveInstance(t.id, "r[" + a.value() + "]").ok());
  CHECK(t.Get("total")->integer() == 4);
  CHECK(t.Get("n")->integer() == 1);
  CHECK(t.Get("r[" + a.value() + "]/rx") == nullptr);
  CHECK(t.Get("r[" + a.value() + "]/rdouble") == nullptr);
  CHECK(t.store->RemoveInstance(t.id, "r[" + a.value() + "]").code() == Code::kNotFound);
  // A caller-chosen id (e.g. from another tablet) is kept; a duplicate is refused.
  std::string chosen = "0b8e7a52-9a55-4c1e-8d0a-0a0a0a0a0a0a";
  REQUIRE(t.store->Apply(t.id, {Edit::AddInstance("r", chosen)}).ok());
  CHECK(t.store->Apply(t.id, {Edit::AddInstance("r", chosen)}).status().code() ==
        Code::kAlreadyExists);
  REQUIRE(t.store->ClearValue(t.id, "r[" + b.value() + "]/rx").ok());
  CHECK(t.Get("total")->integer() == 0);
}

TEST_CASE("finalize excludes non-relevant values and makes the record read-only",
          "[core][record]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(FormJson(R"json({
    "formId": "skip", "version": "1",
    "fields": [
      {"name": "has_car", "type": "INTEGER", "required": "true()"
},
      {"name": "car", "type": "GROUP", "relevant": "${has_car} = 1", "children": [
        {"name": "plate", "type": "TEXT", "required": "true()"}]}
    ]
})json")).ok());
  auto id = store->CreateRecord("skip").value();
REQUIRE(
    store->Apply(id, {Edit::Set("has_car", Int(1)), Edit::Set("plate", Text("贵A12345"))}).ok());
// Hiding the group keeps the draft value (toggling back loses nothing)...
REQUIRE(store->SetValue(id, "has_car", Int(0)).ok());
CHECK(store->GetRecord(id)->Get("plate") != nullptr);
CHECK(store->GetRelevantRecord(id)->Get("plate") == nullptr);
// ...and finalize drops it, as XLSForm excludes non-relevant fields from a submission.
auto report = store->Finalize(id);
REQUIRE(report.ok());
CHECK(report->ok());
auto rec = store->GetRecord(id).value();
CHECK(rec.state == RecordState::kFinalized);
CHECK(rec.Get("plate") == nullptr);
CHECK(store->SetValue(id, "has_car", Int(1)).code() == Code::kFailedPrecondition);
REQUIRE(store->Reopen(id).ok());
REQUIRE(store->SetValue(id, "has_car", Int(1)).ok());
CHECK(store->GetRecord(id)->state == RecordState::kDraft);
}

TEST_CASE("deleted records leave the list and refuse edits", "[core][record]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm()).ok());
  auto id = store->CreateRecord("household").value();
  REQUIRE(store->DeleteRecord(id).ok());
  CHECK(store->ListRecords()->empty());
  CHECK(store->GetRecord(id)->deleted);
  CHECK(store->SetValue(id, "head_name", Text("x")).code() == Code::kFailedPrecondition);
  CHECK(store->GetRecord(RecordId{}).status().code() == Code::kNotFound);
}

TEST_CASE("Amend writes several records in one transaction, keeping each one's state",
          "[core][record]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(FormJson(R"json({
    "formId": "plain", "version": "1",
    "fields": [
      {"name": "n", "type": "INTEGER", "required": "true()", "constraint": ". < 10"},
      {"name": "note", "type": "TEXT"}
    ]
})json")).ok());
  const RecordId done = store->CreateRecord("plain", "", {Edit::Set("n", Int(1))}, true).value();
  const RecordId draft = store->CreateRecord("plain", "", {}).value();
  REQUIRE(store->GetRecord(done)->state == RecordState::kFinalized);

  auto reports = store->Amend({{done, {Edit::Set("note", Text("已办理"))}},
                               {draft, {Edit::Set("note", Text("草稿"))}}});
  REQUIRE(reports.ok());
  REQUIRE(reports->size() == 2);
  CHECK((reports->at(0).ok() && reports->at(1).ok()));
  CHECK(store->GetRecord(done)->state == RecordState::kFinalized);  // never a draft on the way
  CHECK(store->GetRecord(done)->Get("note")->text() == "已办理");
  CHECK(store->GetRecord(draft)->state == RecordState::kDraft);
  CHECK(store->GetRecord(draft)->Get("note")->text() == "草稿");

  // A finalized record that would fail validation: nothing of either write lands.
  reports = store->Amend({{draft, {Edit::Set("note", Text("不该写入"))}},
                          {done, {Edit::Set("n", Int(12))}}});
  REQUIRE(reports.ok());
  CHECK(reports->at(0).ok());
  REQUIRE(reports->at(1).errors.size() == 1);
  CHECK(reports->at(1).errors[0].path == "n");
  CHECK(store->GetRecord(draft)->Get("note")->text() == "草稿");
  CHECK(store->GetRecord(done)->Get("n")->integer() == 1);

  // A refused edit or a deleted record: an error, and nothing written.
  auto refused = store->Amend({{draft, {Edit::Set("note", Text("x"))}},
                               {done, {Edit::Set("n", Text("not a number"))}}});
  CHECK(refused.status().code() == Code::kInvalidArgument);
  CHECK(store->GetRecord(draft)->Get("note")->text() == "草稿");
  REQUIRE(store->DeleteRecord(draft).ok());
  auto gone = store->Amend({{done, {Edit::Set("note", Text("y"))}}, {draft, {}}});
  CHECK(gone.status().code() == Code::kFailedPrecondition);
  CHECK(store->GetRecord(done)->Get("note")->text() == "已办理");
}

TEST_CASE("moving a draft to a newer form version reports every value it drops",
          "[core][record][migration]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm("2024.1")).ok());
  REQUIRE(store->InstallForm(HouseholdForm("2025.1")).ok());
  auto id = store->CreateRecord("household", "2024.1").value();
  auto m = store->AddInstance(id, "members").value();
  REQUIRE(store
              ->Apply(id, {Edit::Set("head_name", Text("王秀英")),
                           Edit::Set("phone", Text("15712345678")),
                           Edit::Set("main_cause", One("illness")),
                           Edit::Set("other_causes", Many({"lack_capital", "lack_water"})),
                           Edit::Set("housing_area", Dec(80.5)),
                           Edit::Set("members[" + m + "]/m_name", Text("王秀英"))})
              .ok());
  // The old version keeps working for the draft even though 2025.1 removed a choice it uses.
  REQUIRE(store->Validate(id).ok());

  auto dry = store->MigrateRecord(id, "2025.1", true);
  REQUIRE(dry.ok());
  CHECK(store->GetRecord(id)->form_version == "2024.1");
  std::map<std::string, std::string> dropped;
  for (const auto& d : dry->dropped) dropped[d.path] = d.reason;
  CHECK(dropped.size() == 3);
  CHECK_THAT(dropped["phone"], Catch::Contains("field removed"));
  CHECK_THAT(dropped["other_causes"], Catch::Contains("choice removed"));
  CHECK_THAT(dropped["housing_area"], Catch::Contains("type changed"));

  auto done = store->MigrateRecord(id, "2025.1");
  REQUIRE(done.ok());
  CHECK(done->dropped.size() == 3);
  auto rec = store->GetRecord(id).value();
  CHECK(rec.form_version == "2025.1");
  CHECK(rec.Get("phone") == nullptr);
  CHECK(rec.Get("head_name")->text() == "王秀英");
  CHECK(rec.Get("members[" + m + "]/m_name")->text() == "王秀英");
  // What was dropped stays in the audit trail.
  bool phone_audited = false;
  for (const auto& a : store->AuditTrail(id).value()) {
    if (a.path == "phone" && a.old_value && !a.new_value) phone_audited = true;
  }
  CHECK(phone_audited);
}
