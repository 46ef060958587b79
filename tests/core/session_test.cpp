// FormSession: the question list an app draws, the change list after every edit, navigation,
// ordinal paths, and the store staying the one source of truth.
#include <catch2/catch.hpp>

#include <algorithm>

#include "doorstep/core/session.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

// A draft of the registry household form with `members` members (names 张一, 张二, ...).
RecordId RegistryHousehold(Store& store, int members) {
  auto def = LoadFormFile(SourcePath("forms/registry/household.json"));
  REQUIRE(def.ok());
  REQUIRE(store.InstallForm(def.value()).ok());
  std::vector<Edit> edits = {
      Edit::Set("county", Text("某县")),        Edit::Set("township", Text("某乡")),
      Edit::Set("village", Text("某村")),       Edit::Set("household_no", Text("5201020304050607")),
      Edit::Set("head_name", Text("张一")),     Edit::Set("poverty_status", One("poor")),
      Edit::Set("inc_wage", Dec(12000)),        Edit::Set("inc_production", Dec(3000)),
      Edit::Set("inc_property", Dec(0)),        Edit::Set("inc_subsidy", Dec(500)),
      Edit::Set("inc_pension", Dec(0)),         Edit::Set("inc_eco", Dec(0)),
      Edit::Set("production_costs", Dec(1000)), Edit::Set("visit_date", Day(2026, 11, 1)),
  };
  const char* names[] = {"张一", "张二", "张三", "张四", "张五", "张六", "张七"};
  for (int i = 0; i < members; ++i) {
    std::string id = "00000000-0000-4000-8000-00000000000" + std::to_string(i);
    std::string p = "members[" + id + "]";
    edits.push_back(Edit::AddInstance("members", id));
    edits.push_back(Edit::Set(p + "/m_name", Text(names[i % 7])));
    edits.push_back(Edit::Set(p + "/m_sex", One(i % 2 ? "female" : "male")));
    edits.push_back(Edit::Set(p + "/m_health", One("healthy")));
  }
  auto id = store.CreateRecord("household", "", edits);
  REQUIRE(id.ok());
  return id.value();
}

std::unique_ptr<FormSession> OpenSession(Store& store, const RecordId& id,
                                         const std::string& lang = "zh") {
  auto s = FormSession::Open(store, id, lang);
  REQUIRE(s.ok());
  return std::move(s).value();
}

bool Has(const EditOutcome& o, const std::string& path, ChangeKind kind) {
  return std::find(o.changes.begin(), o.changes.end(), QuestionChange{path, kind}) !=
         o.changes.end();
}

const char* kSmall = R"json({
  "formId": "small", "version": "1",
  "title": {"zh": "小表", "en": "Small"},
  "choiceLists": [{"name": "yn", "choices": [
      {"value": "yes", "label": {"zh": "是", "en": "Yes"}},
      {"value": "no", "label": {"zh": "否"}}]}],
  "fields": [
    {"name": "name", "type": "TEXT", "label": {"zh": "姓名", "en": "Name"}, "required": "true()"},
    {"name": "age", "type": "INTEGER", "label": {"en": "Age"},
     "constraint": ". >= 0 and . < 130",
     "constraintMessage": {"zh": "年龄不对", "en": "Bad age"}},
    {"name": "double_age", "type": "INTEGER", "calculate": "${age} * 2"},
    {"name": "has_kids", "type": "SELECT_ONE", "choiceList": "yn"},
    {"name": "kids", "type": "GROUP", "relevant": "${has_kids} = 'yes'", "children": [
      {"name": "kid_count", "type": "INTEGER", "required": "true()"}]},
    {"name": "born", "type": "DATE"},
    {"name": "sig", "type": "SIGNATURE", "signature": {"role": "head", "covers": ["name"]}}
  ]
})json";

struct Small {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;
  Small() {
    REQUIRE(store->InstallForm(FormJson(kSmall)).ok());
    id = store->CreateRecord("small").value();
  }
};

SignatureInput Strokes(const std::string& who) {
  SignatureInput in;
  in.signer_name = who;
  in.canvas_width = 100;
  in.canvas_height = 50;
  in.strokes = {{{1, 1, 0, std::nullopt}, {5, 5, 10, std::nullopt}, {9, 2, 20, std::nullopt}}};
  return in;
}

}  // namespace

TEST_CASE("session questions follow the form with groups and repeats expanded",
          "[core][session]") {
  StoreFixture fx;
  auto store = fx.Open();
  RecordId id = RegistryHousehold(*store, 2);
  auto s = OpenSession(*store, id);
  const auto& qs = s->questions();
  REQUIRE(qs.size() > 40);
  CHECK(qs[0].kind == QuestionKind::kGroup);
  CHECK(qs[0].path == "location");
  CHECK(qs[0].label == "户籍地址");
  CHECK(qs[1].path == "county");
  CHECK(qs[1].depth == 1);
  CHECK(qs[1].display == "某县");
  int members = s->IndexOf("members");
  REQUIRE(members > 0);
  CHECK(qs[members].kind == QuestionKind::kRepeat);
  CHECK(qs[members].instance_count == 2);
  const Question& first = qs[members + 1];
  CHECK(first.kind == QuestionKind::kInstance);
  CHECK(first.instance_count == 1);
  CHECK(first.label == "张一");
  CHECK(qs[members + 2].path == first.path + "/m_name");
  CHECK(qs[members + 2].depth == first.depth + 1);
  // Select display text and choices in the session language.
  const Question* sex = s->Find("members[2]/m_sex");
  REQUIRE(sex != nullptr);
  CHECK(sex->display == "女");
  CHECK(sex->choices.size() == 2);
  // Calculated values are present and read-only; totals follow the incomes.
  const Question* total = s->Find("inc_total");
  REQUIRE(total != nullptr);
  CHECK(total->read_only);
  CHECK(total->display == "15500");
  CHECK(s->Find("visit_date")->display == "2026-11-01");
  // Non-relevant questions stay in the list.
  CHECK_FALSE(s->Find("lifted_year")->relevant);
  CHECK(s->Find("members[1]/m_name")->required);
}

TEST_CASE("session labels fall back between zh and en", "[core][session]") {
  Small t;
  auto s = OpenSession(*t.store, t.id, "en");
  CHECK(s->Find("name")->label == "Name");
  CHECK(s->Find("age")->label == "Age");
  CHECK(s->Find("has_kids")->choices[1].label == "否");  // no English label
  CHECK(s->Find("double_age")->label == "double_age");  // no label at all: the name
  REQUIRE(s->SetLanguage("zh").ok());
  CHECK(s->Find("name")->label == "姓名");
  CHECK(s->Find("age")->label == "Age");  // no Chinese label
  CHECK(s->Find("has_kids")->choices[0].label == "是");
  CHECK(s->SetLanguage("fr").code() == Code::kInvalidArgument);
  CHECK(FormSession::Open(*t.store, t.id, "fr").status().code() == Code::kInvalidArgument);
}

TEST_CASE("session edits report relevance, values, errors and required flags",
          "[core][session]") {
  Small t;
  auto s = OpenSession(*t.store, t.id);
  CHECK(s->Find("name")->error_code == "required");
  CHECK_FALSE(s->Find("kid_count")->relevant);

  auto o = s->Set("has_kids", One("yes"));
  REQUIRE(o.ok());
  CHECK(Has(*o, "has_kids", ChangeKind::kValue));
  CHECK(Has(*o, "kids", ChangeKind::kAppeared));
  CHECK(Has(*o, "kid_count", ChangeKind::kAppeared));
  CHECK(Has(*o, "kid_count", ChangeKind::kErrorAppeared));  // required, now relevant
  CHECK(s->Find("has_kids")->display == "是");

  o = s->Set("has_kids", One("no"));
  REQUIRE(o.ok());
  CHECK(Has(*o, "kid_count", ChangeKind::kDisappeared));
  CHECK(Has(*o, "kid_count", ChangeKind::kErrorCleared));

  o = s->SetText("age", "200");
  REQUIRE(o.ok());
  CHECK(Has(*o, "age", ChangeKind::kValue));
  CHECK(Has(*o, "double_age", ChangeKind::kValue));
  CHECK(Has(*o, "age", ChangeKind::kErrorAppeared));
  CHECK(s->Find("age")->error_code == "constraint");
  CHECK(s->Find("age")->error_message == "年龄不对");
  CHECK(s->Find("double_age")->value->integer() == 400);
  REQUIRE(s->SetLanguage("en").ok());
  CHECK(s->Find("age")->error_message == "Bad age");
  CHECK(s->FirstError() == "name");

  o = s->SetText("age", "40");
  REQUIRE(o.ok());
  CHECK(Has(*o, "age", ChangeKind::kErrorCleared));
  CHECK(s->Find("double_age")->display == "80");
  o = s->SetText("name", "李四");
  REQUIRE(o.ok());
  CHECK(Has(*o, "name", ChangeKind::kErrorCleared));
  CHECK(s->FirstError() == "");  // kid_count is required but not relevant
}

TEST_CASE("session: relevance on the registry household and calculated totals",
          "[core][session]") {
  StoreFixture fx;
  auto store = fx.Open();
  RecordId id = RegistryHousehold(*store, 1);
  auto s = OpenSession(*store, id);
  auto o = s->Set("poverty_status", One("lifted"));
  REQUIRE(o.ok());
  CHECK(Has(*o, "lifted_year", ChangeKind::kAppeared));
  CHECK(Has(*o, "lifted_year", ChangeKind::kRequired));
  o = s->Set("inc_wage", Dec(20000));
  REQUIRE(o.ok());
  CHECK(Has(*o, "inc_total", ChangeKind::kValue));
  CHECK(Has(*o, "net_income", ChangeKind::kValue));
  CHECK(s->Find("inc_total")->display == "23500");
  // Nothing unrelated is reported.
  CHECK_FALSE(Has(*o, "county", ChangeKind::kValue));
}

TEST_CASE("session: repeat instances are added, labelled, addressed by ordinal and removed",
          "[core][session]") {
  StoreFixture fx;
  auto store = fx.Open();
  RecordId id = RegistryHousehold(*store, 2);
  auto s = OpenSession(*store, id);

  auto added = s->AddInstance("members");
  REQUIRE(added.ok());
  const std::string inst = added->instance_path;
  REQUIRE(!inst.empty());
  CHECK(Has(*added, inst, ChangeKind::kInserted));
  CHECK(Has(*added, inst + "/m_name", ChangeKind::kInserted));
  CHECK(Has(*added, "members", ChangeKind::kValue));
  CHECK(s->Find(inst)->label == "家庭成员 3");
  CHECK(s->Find("members[3]") == s->Find(inst));

  auto named = s->SetText("members[3]/m_name", "王五");
  REQUIRE(named.ok());
  CHECK(Has(*named, inst, ChangeKind::kLabel));
  auto list = s->Instances("members");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 3);
  CHECK((*list)[2].label == "王五");
  CHECK((*list)[2].ordinal == 3);
  CHECK((*list)[0].label == "张一");

  auto bad = s->SetText("members[4]/m_name", "x");
  CHECK(bad.status().code() == Code::kInvalidArgument);
  CHECK(bad.status().where() == "members[4]/m_name");
  CHECK(bad.status().message().find("no instance number 4") != std::string::npos);
  CHECK(s->Find("members[9]/m_name") == nullptr);

  auto removed = s->RemoveInstance("members[1]");
  REQUIRE(removed.ok());
  std::string first = (*list)[0].path;
  CHECK(Has(*removed, first, ChangeKind::kRemoved));
  CHECK(Has(*removed, first + "/m_name", ChangeKind::kRemoved));
  CHECK(removed->changes.front().kind == ChangeKind::kRemoved);
  CHECK(s->Find("members[1]")->label == "张二");
  CHECK(s->Find("members")->instance_count == 2);
  // The session's copy and a fresh read of the store agree.
  auto fresh = OpenSession(*store, id);
  REQUIRE(fresh->questions().size() == s->questions().size());
  for (size_t i = 0; i < s->questions().size(); ++i) {
    CHECK(fresh->questions()[i].path == s->questions()[i].path);
    CHECK(fresh->questions()[i].display == s->questions()[i].display);
    CHECK(fresh->questions()[i].label == s->questions()[i].label);
  }
}

TEST_CASE("ResolveOrdinalPath resolves ordinals and names the path it refuses", "[core][session]") {
  StoreFixture fx;
  auto store = fx.Open();
  RecordId id = RegistryHousehold(*store, 2);
  auto form = store->GetForm("household", store->LatestVersion("household").value()).value();
  auto instances = store->Instances(id, "members").value();
  auto ok = ResolveOrdinalPath(*store, id, *form, "members[2]/m_name", PathKind::kValue);
  REQUIRE(ok.ok());
  CHECK(ok->path == "members[" + instances[1] + "]/m_name");
  CHECK(ok->field->name == "m_name");
  auto inst = ResolveOrdinalPath(*store, id, *form, "members[1]", PathKind::kInstance);
  REQUIRE(inst.ok());
  CHECK(inst->path == "members[" + instances[0] + "]");
  struct Bad {
    const char* text;
    PathKind kind;
    const char* says;
  };
  for (const Bad& b : {Bad{"members[3]/m_name", PathKind::kValue, "no instance number 3"},
                       Bad{"members[0]/m_name", PathKind::kValue, "numbers start at 1"},
                       Bad{"m_name", PathKind::kValue, "inside repeat 'members'"},
                       Bad{"members", PathKind::kValue, "is a repeat"},
                       Bad{"members/m_name", PathKind::kValue, "members[1]/m_name"},
                       Bad{"location", PathKind::kValue, "is a group"},
                       Bad{"head_name", PathKind::kRepeat, "is not a repeat"},
                       Bad{"@state", PathKind::kValue, "metadata"}}) {
    auto r = ResolveOrdinalPath(*store, id, *form, b.text, b.kind);
    INFO(b.text << ": " << r.status().ToString());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().where() == b.text);
    CHECK(r.status().message().find(b.says) != std::string::npos);
  }
  auto unknown = ResolveOrdinalPath(*store, id, *form, "nope", PathKind::kValue);
  CHECK(unknown.status().code() == Code::kNotFound);
}

TEST_CASE("session: a covered edit makes a valid signature stale", "[core][session]") {
  Small t;
  auto s = OpenSession(*t.store, t.id);
  REQUIRE(s->SetText("name", "李四").ok());
  CHECK(s->Find("sig")->signature_state == SignatureState::kMissing);
  auto signed_ = s->Sign("sig", Strokes("李四"));
  REQUIRE(signed_.ok());
  CHECK(Has(*signed_, "sig", ChangeKind::kSignature));
  CHECK(Has(*signed_, "sig", ChangeKind::kValue));
  CHECK(s->Find("sig")->signature_state == SignatureState::kValid);
  CHECK(s->Find("sig")->signer_name == "李四");
  // Not covered: the signature stays valid.
  auto o = s->SetText("age", "30");
  REQUIRE(o.ok());
  CHECK_FALSE(Has(*o, "sig", ChangeKind::kSignatureStale));
  o = s->SetText("name", "李五");
  REQUIRE(o.ok());
  CHECK(Has(*o, "sig", ChangeKind::kSignatureStale));
  CHECK(Has(*o, "sig", ChangeKind::kErrorAppeared));
  CHECK(s->Find("sig")->error_code == "signature_stale");
  auto states = t.store->Signatures(t.id).value();
  CHECK(states[0].state == SignatureState::kStale);
}

TEST_CASE("session: finalized records are read-only until reopened", "[core][session]") {
  Small t;
  auto s = OpenSession(*t.store, t.id);
  auto report = s->Finalize();
  REQUIRE(report.ok());
  CHECK_FALSE(report->ok());  // name is required
  CHECK(s->state() == RecordState::kDraft);
  REQUIRE(s->SetText("name", "李四").ok());
  EditOutcome outcome;
  report = s->Finalize(&outcome);
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(s->state() == RecordState::kFinalized);
  CHECK(Has(outcome, "name", ChangeKind::kReadOnly));
  CHECK(s->Find("name")->read_only);
  auto refused = s->SetText("name", "王五");
  CHECK(refused.status().code() == Code::kFailedPrecondition);
  CHECK(t.store->GetRecord(t.id)->Get("name")->text() == "李四");
  auto reopened = s->Reopen();
  REQUIRE(reopened.ok());
  CHECK(Has(*reopened, "name", ChangeKind::kReadOnly));
  CHECK_FALSE(s->Find("name")->read_only);
  CHECK(s->Find("double_age")->read_only);  // calculated
  REQUIRE(s->SetText("name", "王五").ok());
}

TEST_CASE("session: Refresh sees writes made through the store", "[core][session]") {
  Small t;
  auto s = OpenSession(*t.store, t.id);
  REQUIRE(t.store->SetValue(t.id, "age", Int(7)).ok());
  CHECK_FALSE(s->Find("age")->value.has_value());
  auto o = s->Refresh();
  REQUIRE(o.ok());
  CHECK(Has(*o, "age", ChangeKind::kValue));
  CHECK(Has(*o, "double_age", ChangeKind::kValue));
  CHECK(s->Find("double_age")->value->integer() == 14);
  REQUIRE(t.store->DeleteRecord(t.id).ok());
  CHECK(s->Refresh().status().code() == Code::kNotFound);
  CHECK(FormSession::Open(*t.store, t.id).status().code() == Code::kNotFound);
}

TEST_CASE("session: an invalid value leaves the store and the session unchanged",
          "[core][session]") {
  Small t;
  auto s = OpenSession(*t.store, t.id);
  REQUIRE(s->SetText("age", "5").ok());
  auto before = t.store->GetRecord(t.id).value();
  auto bad = s->Set("has_kids", One("maybe"));
  CHECK(bad.status().code() == Code::kInvalidArgument);
  CHECK(bad.status().where() == "has_kids");
  CHECK(s->SetText("age", "five").status().code() == Code::kInvalidArgument);
  CHECK(s->SetText("age", "five").status().where() == "age");
  CHECK(s->Set("double_age", Int(3)).status().code() == Code::kInvalidArgument);
  auto after = t.store->GetRecord(t.id).value();
  CHECK(after.values.size() == before.values.size());
  CHECK(after.updated == before.updated);
  CHECK(s->Find("age")->value->integer() == 5);
  CHECK_FALSE(s->Find("has_kids")->value.has_value());
}

TEST_CASE("session navigation steps through relevant fields", "[core][session]") {
  Small t;
  auto s = OpenSession(*t.store, t.id);
  CHECK(s->Next("") == "name");
  CHECK(s->Next("name") == "age");
  CHECK(s->Next("has_kids") == "born");  // kid_count is not relevant
  CHECK(s->Previous("") == "sig");
  CHECK(s->Previous("born") == "has_kids");
  CHECK(s->Previous("name") == "");
  REQUIRE(s->Set("has_kids", One("yes")).ok());
  CHECK(s->Next("has_kids") == "kid_count");
  CHECK(s->Next("sig") == "");
  CHECK(s->Next("nope") == "");
}

TEST_CASE("a form's instance_label must name a field of its repeat", "[core][session]") {
  auto bad = CompiledForm::Compile(FormJson(R"json({"formId": "f", "version": "1", "fields": [
    {"name": "r", "type": "REPEAT", "instanceLabel": "x", "children": [
      {"name": "a", "type": "TEXT"}]},
    {"name": "x", "type": "TEXT"}]})json"));
  CHECK(bad.status().code() == Code::kInvalidArgument);
  auto good = CompiledForm::Compile(FormJson(R"json({"formId": "f", "version": "1", "fields": [
    {"name": "r", "type": "REPEAT", "instanceLabel": "b", "children": [
      {"name": "a", "type": "TEXT"}, {"name": "b", "type": "INTEGER"}]}]})json"));
  CHECK(good.ok());
}
