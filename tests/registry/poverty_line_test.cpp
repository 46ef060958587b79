// Poverty lines: the built-in table, carry-forward, provincial lines, the JSON format.
#include "doorstep/registry/poverty_line.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <optional>
#include <string>

#include "test_support.h"

namespace doorstep::registry {
namespace {

const std::string kShippedFile = std::string(DOORSTEP_REGISTRY_FORMS_DIR) + "/../poverty_lines.json";

// The Status of a FromJson that must fail.
Status JsonError(const std::string& text) {
  Result<PovertyLines> r = PovertyLines::FromJson(text);
  REQUIRE_FALSE(r.ok());
  return r.status();
}

TEST_CASE("national poverty lines by year", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  CHECK(lines.Line(2014) == 2736.0);
  CHECK(lines.Line(2015) == 2855.0);
  CHECK(lines.Line(2016) == 2952.0);
  CHECK(lines.Line(2017) == 3335.0);
  CHECK(lines.Line(2018) == 3535.0);
  CHECK(lines.Line(2019) == 3747.0);
  CHECK(lines.Line(2020) == 4000.0);
  CHECK(lines.national().size() == 7);
}

TEST_CASE("the last poverty line stays in force in later years", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  CHECK(lines.Line(2021) == 4000.0);
  CHECK(lines.Line(2026) == 4000.0);
  CHECK(lines.Line(2026, "32") == 6000.0);
  CHECK(lines.Line(2026, "52") == 4000.0);
}

TEST_CASE("a provincial poverty line overrides the national one", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  CHECK(lines.Line(2016, "32") == 6000.0);
  CHECK(lines.Line(2018, "32") == 6000.0);
  // A whole county code is cut to its province.
  CHECK(lines.Line(2018, "320102") == 6000.0);
  REQUIRE(lines.provinces().count("32") == 1);
  CHECK(lines.provinces().at("32").name == "江苏省");
}

TEST_CASE("a province falls back to the national line", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  // Jiangsu's table starts in 2016: 2015 is the national line.
  CHECK(lines.Line(2015, "32") == 2855.0);
  // Guizhou has no table of its own.
  CHECK(lines.Line(2016, "52") == 2952.0);
  CHECK(lines.Line(2016, "522631") == 2952.0);
  CHECK(lines.Line(2016, "") == 2952.0);
}

TEST_CASE("no poverty line before 2014", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  CHECK(lines.Line(2013) == std::nullopt);
  CHECK(lines.Line(2013, "32") == std::nullopt);
  CHECK(lines.Line(0) == std::nullopt);
  CHECK(PovertyLines().Line(2020) == std::nullopt);
}

TEST_CASE("the built-in poverty lines equal the shipped file", "[rules]") {
  Result<PovertyLines> file = PovertyLines::LoadFile(kShippedFile);
  REQUIRE(file.ok());
  CHECK(*file == PovertyLines::BuiltIn());
  CHECK_FALSE(file->note().empty());
  // And the comparison itself can fail.
  Result<PovertyLines> other = PovertyLines::FromJson(R"({"national": {"2014": 2736}})");
  REQUIRE(other.ok());
  CHECK_FALSE(*other == PovertyLines::BuiltIn());
}

TEST_CASE("poverty lines round-trip through ToJson", "[rules]") {
  const PovertyLines lines = PovertyLines::BuiltIn();
  Result<PovertyLines> back = PovertyLines::FromJson(lines.ToJson());
  REQUIRE(back.ok());
  CHECK(*back == lines);
  Result<PovertyLines> fractional =
      PovertyLines::FromJson(R"({"national": {"2014": 2736.5}, "provinces": {"44": {"lines":
      {"2017": 4000}}}})");
  REQUIRE(fractional.ok());
  CHECK(fractional->Line(2015) == 2736.5);
  CHECK(fractional->Line(2017, "44") == 4000.0);
  Result<PovertyLines> again = PovertyLines::FromJson(fractional->ToJson());
  REQUIRE(again.ok());
  CHECK(*again == *fractional);
}

TEST_CASE("malformed poverty-line JSON is a parse error", "[rules]") {
  Status s = JsonError("{\"national\": {\"2014\": 2736,}");
  CHECK(s.code() == Code::kParse);
  CHECK(s.message() == "poverty lines: not valid JSON");
  s = JsonError("[1, 2]");
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message() == "poverty lines: \"\": the document must be a JSON object");
}

TEST_CASE("poverty-line JSON errors name the key at fault", "[rules]") {
  struct Case {
    const char* json;
    const char* where;
    const char* message;
  };
  const Case cases[] = {
      {R"({"nationl": {"2014": 2736}})", "nationl",
       R"(poverty lines: "nationl": unknown key (expected "national", "provinces" or "note"))"},
      {R"({"note": "no table"})", "national", R"(poverty lines: "national": missing)"},
      {R"({"national": [2736]})", "national",
       R"(poverty lines: "national": must be an object of year -> line)"},
      {R"({"national": {"20x4": 2736}})", "national/20x4",
       R"(poverty lines: "national/20x4": the key must be a 4-digit year)"},
      {R"({"national": {"14": 2736}})", "national/14",
       R"(poverty lines: "national/14": the key must be a 4-digit year)"},
      {R"({"national": {"2014": "2736"}})", "national/2014",
       R"(poverty lines: "national/2014": the line must be a number (yuan per year))"},
      {R"({"national": {"2014": -1}})", "national/2014",
       R"(poverty lines: "national/2014": the line must be positive)"},
      {R"({"national": {"2014": 0}})", "national/2014",
       R"(poverty lines: "national/2014": the line must be positive)"},
      {R"({"national": {}, "provinces": [1]})", "provinces",
       R"(poverty lines: "provinces": must be an object keyed by province)"},
      {R"({"national": {}, "provinces": {"99": {"lines": {}}}})", "provinces/99",
       R"(poverty lines: "provinces/99": not a two-digit province code)"},
      {R"({"national": {}, "provinces": {"32": {"name": "江苏省"}}})", "provinces/32/lines",
       R"(poverty lines: "provinces/32/lines": missing)"},
      {R"({"national": {}, "provinces": {"32": 6000}})", "provinces/32",
       R"(poverty lines: "provinces/32": must be an object with "lines")"},
      {R"({"national": {}, "provinces": {"32": {"lines": {}, "nmae": "x"}}})", "provinces/32/nmae",
       R"(poverty lines: "provinces/32/nmae": unknown key (expected "name" or "lines"))"},
      {R"({"national": {}, "provinces": {"32": {"name": 32, "lines": {}}}})", "provinces/32/name",
       R"(poverty lines: "provinces/32/name": must be a string)"},
      {R"({"national": {}, "provinces": {"32": {"lines": {"2016": null}}}})",
       "provinces/32/lines/2016",
       R"(poverty lines: "provinces/32/lines/2016": the line must be a number (yuan per year))"},
      {R"({"national": {}, "note": 1})", "note", R"(poverty lines: "note": must be a string)"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    Status s = JsonError(c.json);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.where() == c.where);
    CHECK(s.message() == c.message);
  }
}

TEST_CASE("LoadFile reports unreadable files and names the path of a bad one", "[rules]") {
  doorstep::testing::TempDir dir;
  Result<PovertyLines> missing = PovertyLines::LoadFile(dir.File("absent.json"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kIo);
  CHECK(missing.status().where() == dir.File("absent.json"));

  const std::string bad = dir.File("bad.json");
  std::ofstream(bad) << R"({"national": {"2014": -5}})";
  Result<PovertyLines> r = PovertyLines::LoadFile(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().where() == bad + ": national/2014");
}

}  // namespace
}  // namespace doorstep::registry
