// Installing forms: validation of definitions, several versions side by side, JSON loading.
#include <catch2/catch.hpp>

#include "doorstep/core/form.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

std::string MiniForm(const std::string& fields, const std::string& version = "1") {
  return R"({"formId":"mini","version":")" + version + R"(","fields":[)" + fields +
         R"(],"choiceLists":[{"name":"yn","choices":[{"value":"yes"},{"value":"no"}]}]})";
}

Status CompileStatus(const std::string& json) {
  auto def = LoadFormJson(json);
  if (!def.ok()) return def.status();
  return CompiledForm::Compile(def.value()).status();
}

}  // namespace

TEST_CASE("the shipped household forms compile", "[core][form]") {
  for (const char* v : {"2024.1", "2025.1"}) {
    auto compiled = CompiledForm::Compile(HouseholdForm(v));
    INFO(compiled.status().ToString());
    REQUIRE(compiled.ok());
    const FieldInfo* age = compiled.value()->Find("m_age");
    REQUIRE(age != nullptr);
    CHECK(age->repeats == std::vector<std::string>{"members"});
    CHECK(age->display_path == "members/m_age");
    const FieldInfo* sig = compiled.value()->Find("sig_head");
    REQUIRE(sig != nullptr);
    // Covers every data field but not signatures or calculations.
    CHECK(std::binary_search(sig->covers.begin(), sig->covers.end(), "m_id_number"));
    CHECK(std::binary_search(sig->covers.begin(), sig->covers.end(), "members"));
    CHECK_FALSE(std::binary_search(sig->covers.begin(), sig->covers.end(), "m_age"));
    CHECK_FALSE(std::binary_search(sig->covers.begin(), sig->covers.end(), "sig_surveyor"));
  }
}

TEST_CASE("expression errors name the form, the field, the property and the column",
          "[core][form]") {
  Status s = CompileStatus(MiniForm(
      R"({"name":"a","type":"INTEGER"},{"name":"b","type":"INTEGER","relevant":"${a} > (1 +"})"));
  REQUIRE(s.code() == Code::kParse);
  CHECK_THAT(s.where(), Catch::StartsWith("mini@1: b: relevant: column "));

  s = CompileStatus(MiniForm(R"({"name":"a","type":"INTEGER","constraint":"${zz} > 1"})"));
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::Contains("unknown field ${zz}"));
  CHECK_THAT(s.where(), Catch::Contains("mini@1: a"));
}

TEST_CASE("malformed definitions are refused with the field at fault", "[core][form]") {
  struct Case {
    const char* fields;
    const char* expect;
  };
  const Case cases[] = {
      {R"({"name":"a","type":"TEXT"},{"name":"a","type":"TEXT"})", "duplicate field name"},
      {R"({"name":"1a","type":"TEXT"})", "field name must match"},
      {R"({"name":"a"})", "missing or unknown field type"},
      {R"({"name":"a","type":"SELECT_ONE","choiceList":"nope"})", "unknown choice list"},
      {R"({"name":"g","type":"GROUP"})", "needs children"},
      {R"({"name":"a","type":"TEXT","children":[{"name":"b","type":"TEXT"}]})", "only groups"},
      {R"({"name":"s","type":"SIGNATURE"})", "signature.role"},
      {R"({"name":"s","type":"SIGNATURE","signature":{"role":"x","covers":["nope"]}})",
       "covers unknown field"},
      {R"({"name":"a","type":"INTEGER","calculate":"${b}"},{"name":"b","type":"INTEGER","calculate":"${a}"})",
       "cycle"},
      {R"({"name":"r","type":"REPEAT","repeatMin":3,"repeatMax":2,"children":[{"name":"x","type":"TEXT"}]})",
       "repeat_max"},
  };
  for (const auto& c : cases) {
    INFO(c.fields);
    Status s = CompileStatus(MiniForm(c.fields));
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.ToString(), Catch::Contains(c.expect));
  }
}

TEST_CASE("bad JSON is a parse error, not a crash", "[core][form]") {
  auto def = LoadFormJson(R"({"formId": "x", "fields": [ {"name": "a", "type": "NOPE"} ]})");
  REQUIRE_FALSE(def.ok());
  CHECK(def.status().code() == Code::kParse);
  auto missing = LoadFormFile("/nonexistent/form.json");
  CHECK(missing.status().code() == Code::kIo);
}

TEST_CASE("form versions install side by side, reinstalling is a no-op, changes need a version",
          "[core][form]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm("2024.1")).ok());
  REQUIRE(store->InstallForm(HouseholdForm("2025.1")).ok());
  REQUIRE(store->InstallForm(HouseholdForm("2024.1")).ok());  // identical: fine
  auto changed = HouseholdForm("2024.1");
  changed.mutable_title()->set_zh("改过的标题");
  Status s = store->InstallForm(changed);
  CHECK(s.code() == Code::kAlreadyExists);
  CHECK(s.where() == "household@2024.1");
  auto forms = store->ListForms();
  REQUIRE(forms.ok());
  REQUIRE(forms->size() == 2);
  CHECK(store->LatestVersion("household").value() == "2025.1");
  // A record started on the old version stays on it.
  auto old_rec = store->CreateRecord("household", "2024.1");
  REQUIRE(old_rec.ok());
  CHECK(store->GetRecord(old_rec.value())->form_version == "2024.1");
  auto new_rec = store->CreateRecord("household");
  CHECK(store->GetRecord(new_rec.value())->form_version == "2025.1");
  CHECK(store->CreateRecord("household", "1999").status().code() == Code::kNotFound);
}
