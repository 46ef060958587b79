// `doorstep sample` place options (--county, --county-code, --township, --villages-names) and the
// problem list's --max-assistance-gap-days: accepted values reach the file, wrong ones are named.
#include "cli_harness.h"

namespace doorstep::cli_testing {
namespace {

TEST_CASE("sample --county --county-code --township --villages-names", "[cli][registry]") {
  Cli cli;
  const std::string out = cli.dir().File("t.jsonl");
  const Run ok = cli.Raw({"sample", "--households", "30", "--out", out, "--county", "丹寨县",
                          "--county-code", "522636", "--township", "龙泉镇", "--villages-names",
                          "卡拉村,高要村，马寨村", "--today", "2025-01-15"});
  INFO(ok.out << ok.err);
  REQUIRE(ok.code == 0);
  CHECK(Contains(ok.out, "丹寨县龙泉镇（522636"));
  CHECK(Contains(ok.out, " 3 个村"));
  const std::string text = Slurp(out);
  for (const char* name : {"卡拉村", "高要村", "马寨村", "丹寨县", "龙泉镇", "\"522636"}) {
    CHECK(Contains(text, name));
  }
  CHECK_FALSE(Contains(text, "\"2026-"));  // no date after --today
}

TEST_CASE("sample refuses a bad county code or village list by option name", "[cli][registry]") {
  Cli cli;
  const std::string out = cli.dir().File("t.jsonl");
  const Run code = cli.Raw({"sample", "--out", out, "--county-code", "992631"});
  CHECK(code.code == 1);
  CHECK(Contains(code.err, "--county-code: must be 6 digits starting with a province code"));
  const Run count =
      cli.Raw({"sample", "--out", out, "--villages", "4", "--villages-names", "甲村,乙村"});
  CHECK(count.code == 1);
  CHECK(Contains(count.err, "--villages-names: gives 2 names but --villages is 4"));
  const Run twice = cli.Raw({"sample", "--out", out, "--villages-names", "甲村,甲村"});
  CHECK(twice.code == 1);
  CHECK(Contains(twice.err, "--villages-names"));
  std::ifstream none(out);
  CHECK_FALSE(none.good());  // nothing written
}

TEST_CASE("problems --max-assistance-gap-days is range-checked", "[cli][registry]") {
  Cli cli;
  const Run r = cli.Raw({"problems", "--max-assistance-gap-days", "0"});
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--max-assistance-gap-days"));
}

}  // namespace
}  // namespace doorstep::cli_testing
