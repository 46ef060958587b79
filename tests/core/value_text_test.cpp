// ParseValueText / FormatValueText: strict parsing per field type, errors that name the field and
// the expected format without repeating the input, and formatting that reads back.
#include "doorstep/core/value_text.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

namespace doorstep {
namespace {

v1::Field MakeField(const std::string& name, v1::FieldType type, const std::string& list = {}) {
  v1::Field f;
  f.set_name(name);
  f.set_type(type);
  f.mutable_label()->set_zh(name);
  if (!list.empty()) f.set_choice_list(list);
  return f;
}

std::shared_ptr<const CompiledForm> TestForm() {
  v1::FormDef def;
  def.set_form_id("value_text");
  def.set_version("1");
  def.mutable_title()->set_zh("值文本");
  *def.add_fields() = MakeField("name", v1::TEXT);
  *def.add_fields() = MakeField("age", v1::INTEGER);
  *def.add_fields() = MakeField("income", v1::DECIMAL);
  *def.add_fields() = MakeField("born", v1::DATE);
  *def.add_fields() = MakeField("sex", v1::SELECT_ONE, "sex");
  *def.add_fields() = MakeField("causes", v1::SELECT_MULTIPLE, "causes");
  *def.add_fields() = MakeField("gps", v1::GEOPOINT);
  *def.add_fields() = MakeField("photo", v1::ATTACHMENT);
  *def.add_fields() = MakeField("intro", v1::NOTE);
  v1::Field members = MakeField("members", v1::REPEAT);
  *members.add_children() = MakeField("m_name", v1::TEXT);
  *def.add_fields() = members;
  v1::Field sig = MakeField("sig_head", v1::SIGNATURE);
  sig.mutable_signature()->set_role("household_head");
  *def.add_fields() = sig;
  auto* sex = def.add_choice_lists();
  sex->set_name("sex");
  for (const char* c : {"male", "female"}) sex->add_choices()->set_value(c);
  auto* causes = def.add_choice_lists();
  causes->set_name("causes");
  for (const char* c : {"illness", "disability", "schooling"}) causes->add_choices()->set_value(c);
  auto form = CompiledForm::Compile(def);
  INFO(form.status().ToString());
  REQUIRE(form.ok());
  return form.value();
}

struct Fixture {
  std::shared_ptr<const CompiledForm> form = TestForm();
  Result<v1::Value> Parse(const std::string& field, std::string_view text) const {
    const FieldInfo* info = form->Find(field);
    REQUIRE(info != nullptr);
    return ParseValueText(*form, *info, text);
  }
  // Expects a kInvalidArgument naming the field and not echoing the input.
  void ExpectInvalid(const std::string& field, const std::string& text) const {
    auto r = Parse(field, text);
    INFO(field << " <- '" << text << "'");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().where() == field);
    CHECK_FALSE(r.status().message().empty());
    if (text.size() >= 3) CHECK(r.status().message().find(text) == std::string::npos);
  }
};

}  // namespace

TEST_CASE("text is taken as is", "[core][value_text]") {
  Fixture f;
  auto v = f.Parse("name", "  张 三, \"x\"  ");
  REQUIRE(v.ok());
  CHECK(v->text() == "  张 三, \"x\"  ");
  auto empty = f.Parse("name", "");
  REQUIRE(empty.ok());
  CHECK(empty->kind_case() == v1::Value::kText);
}

TEST_CASE("integers are strict base-10 int64", "[core][value_text]") {
  Fixture f;
  CHECK(f.Parse("age", "42")->integer() == 42);
  CHECK(f.Parse("age", "-7")->integer() == -7);
  CHECK(f.Parse("age", "9223372036854775807")->integer() == std::numeric_limits<int64_t>::max());
  CHECK(f.Parse("age", "-9223372036854775808")->integer() == std::numeric_limits<int64_t>::min());
  for (const char* bad : {"", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "abc", "４２",
                          "9223372036854775808", "12345678901234567890"}) {
    f.ExpectInvalid("age", bad);
  }
  auto r = f.Parse("age", "forty");
  CHECK(r.status().message().find("not a valid integer") != std::string::npos);
}

TEST_CASE("decimals are finite numbers", "[core][value_text]") {
  Fixture f;
  CHECK(f.Parse("income", "1250.5")->decimal() == 1250.5);
  CHECK(f.Parse("income", "-0.25")->decimal() == -0.25);
  CHECK(f.Parse("income", "1e3")->decimal() == 1000.0);
  CHECK(f.Parse("income", "7")->decimal() == 7.0);
  for (const char* bad : {"", "inf", "-inf", "nan", "1,5", "1.5.2", " 1", "1e999", "+2", "abc"}) {
    f.ExpectInvalid("income", bad);
  }
}

TEST_CASE("dates are YYYY-MM-DD with a valid day", "[core][value_text]") {
  Fixture f;
  auto v = f.Parse("born", "1970-01-02");
  REQUIRE(v.ok());
  CHECK(v->date() == 1);
  CHECK(f.Parse("born", "2024-02-29")->date() == expr::DaysFromCivil(2024, 2, 29));
  CHECK(f.Parse("born", "1969-12-31")->date() == -1);
  for (const char* bad : {"", "2023-02-29", "2024-13-01", "2024-3-1", "2024/03/01", "20240301",
                          "2024-03-01T00:00", "yesterday"}) {
    f.ExpectInvalid("born", bad);
  }
}

TEST_CASE("select_one takes one choice of the list", "[core][value_text]") {
  Fixture f;
  CHECK(f.Parse("sex", "female")->select_one() == "female");
  for (const char* bad : {"", "Female", "unknown", "male female"}) f.ExpectInvalid("sex", bad);
  CHECK(f.Parse("sex", "other").status().message().find("'sex'") != std::string::npos);
}

TEST_CASE("select_multiple is sorted and unique", "[core][value_text]") {
  Fixture f;
  auto v = f.Parse("causes", "schooling illness,illness ,  disability");
  REQUIRE(v.ok());
  REQUIRE(v->select_multiple().values_size() == 3);
  CHECK(v->select_multiple().values(0) == "disability");
  CHECK(v->select_multiple().values(1) == "illness");
  CHECK(v->select_multiple().values(2) == "schooling");
  CHECK(f.Parse("causes", "illness")->select_multiple().values_size() == 1);
  for (const char* bad : {"", " , ", "illness flood", "Illness"}) f.ExpectInvalid("causes", bad);
}

TEST_CASE("geopoints are checked for range", "[core][value_text]") {
  Fixture f;
  auto v = f.Parse("gps", "26.311821 107.803902");
  REQUIRE(v.ok());
  CHECK(v->geopoint().latitude() == 26.311821);
  CHECK(v->geopoint().longitude() == 107.803902);
  CHECK(v->geopoint().altitude() == 0);
  auto full = f.Parse("gps", "26.5,107.25, 410 23");
  REQUIRE(full.ok());
  CHECK(full->geopoint().altitude() == 410);
  CHECK(full->geopoint().accuracy_m() == 23);
  for (const char* bad : {"", "26.5", "91 100", "-90.5 100", "26 181", "26 -180.1", "1 2 3 4 5",
                          "26 107 0 -1", "north east", "26 nan"}) {
    f.ExpectInvalid("gps", bad);
  }
  CHECK(f.Parse("gps", "-90 -180")->geopoint().latitude() == -90);
  CHECK(f.Parse("gps", "95 0").status().message().find("latitude") != std::string::npos);
}

TEST_CASE("attachments accept only a sha256 reference", "[core][value_text]") {
  Fixture f;
  const std::string hex(64, 'a');
  auto v = f.Parse("photo", "sha256:" + hex);
  REQUIRE(v.ok());
  CHECK(v->attachment().sha256() == std::string(32, '\xaa'));
  CHECK(FormatValueText(*v) == "sha256:" + hex);
  f.ExpectInvalid("photo", "/tmp/house.jpg");
  f.ExpectInvalid("photo", "sha256:" + std::string(63, 'a'));
  f.ExpectInvalid("photo", "sha256:" + std::string(63, 'a') + "g");
  // Names the command that exists (not "doorstep record attach").
  CHECK(f.Parse("photo", "x.jpg").status().message().find("doorstep attach ID FIELD FILE") !=
        std::string::npos);
}

TEST_CASE("signatures, repeats, groups and notes are not settable", "[core][value_text]") {
  Fixture f;
  auto sig = f.Parse("sig_head", "张三");
  REQUIRE_FALSE(sig.ok());
  CHECK(sig.status().message().find("doorstep sign") != std::string::npos);
  auto rep = f.Parse("members", "2");
  REQUIRE_FALSE(rep.ok());
  CHECK(rep.status().message().find("add-member") != std::string::npos);
  f.ExpectInvalid("intro", "text");
}

TEST_CASE("formatting reads back", "[core][value_text]") {
  Fixture f;
  for (const auto& [field, text] :
       std::vector<std::pair<std::string, std::string>>{{"name", "李四"},
                                                        {"age", "-12"},
                                                        {"income", "0.1"},
                                                        {"income", "123456.789"},
                                                        {"income", "1e+21"},
                                                        {"born", "2019-05-09"},
                                                        {"sex", "male"},
                                                        {"causes", "illness schooling"},
                                                        {"gps", "26.311821 107.803902 410.5 23"}}) {
    INFO(field << " " << text);
    auto v = f.Parse(field, text);
    REQUIRE(v.ok());
    CHECK(FormatValueText(*v) == text);
    auto again = f.Parse(field, FormatValueText(*v));
    REQUIRE(again.ok());
    CHECK(again->SerializeAsString() == v->SerializeAsString());
  }
  CHECK(FormatDecimal(2.0) == "2");
  CHECK(FormatDecimal(1.0 / 3) == "0.3333333333333333");
}

TEST_CASE("formatting of signatures and other kinds", "[core][value_text]") {
  v1::Value sig;
  sig.mutable_signature()->set_signer_name("彭福娥");
  CHECK(FormatValueText(sig) == "signed by 彭福娥");
  sig.mutable_signature()->set_proxy_signer_name("陈平丽");
  CHECK(FormatValueText(sig) == "signed by 陈平丽 for 彭福娥");
  v1::Value inst;
  inst.mutable_instance()->set_ordinal(3);
  CHECK(FormatValueText(inst).empty());
  CHECK(FormatValueText(v1::Value()).empty());
  v1::Value flag;
  flag.set_flag(true);
  CHECK(FormatValueText(flag) == "true");
  v1::Value geo;
  geo.mutable_geopoint()->set_latitude(26.5);
  geo.mutable_geopoint()->set_longitude(107.0);
  CHECK(FormatValueText(geo) == "26.5 107 0 0");
}

}  // namespace doorstep
