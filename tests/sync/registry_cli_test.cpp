// The registry commands of `doorstep-server` run in-process: import (exit status, refused rows by
// line, dry run), problems and report (text for the clerk, CSV written whole).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/sample.h"
#include "doorstep/server_cli/cli.h"
#include "server_harness.h"

namespace doorstep::testing::srv {
namespace {

namespace ss = sync::server;
namespace scli = server_cli;

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

Run Server(std::vector<std::string> args) {
  static ServerTestClock clock;
  static SeededRandom random;
  args.insert(args.begin(), "doorstep-server");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  scli::CliContext ctx;
  ctx.clock = &clock;
  ctx.random = &random;
  ctx.out = &out;
  ctx.err = &err;
  Run r;
  r.code = scli::RunServerCli(static_cast<int>(argv.size()), argv.data(), ctx);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// A small generated township (2 villages, 220 households: every problem code planted).
std::string Township(const TempDir& dir) {
  registry::SampleOptions options;
  options.villages = 2;
  options.households = 220;
  options.seed = 3;
  const registry::Sample sample = registry::GenerateTownship(options);
  std::string text;
  for (const auto& v : sample.township.villages) text += registry::VillageRegisterJson(v) + "\n";
  for (const auto& h : sample.township.households) text += registry::HouseholdJson(h) + "\n";
  const std::string path = dir.File("township.jsonl");
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> FormFiles() {
  std::vector<std::string> files = {"form", "install"};
  for (const auto& e : std::filesystem::directory_iterator(SourcePath("forms/registry"))) {
    files.push_back(e.path().string());
  }
  return files;
}

}  // namespace

TEST_CASE("doorstep-server import, problems and report on a generated township",
          "[registry-cli]") {
  TempDir dir;
  const std::string db = dir.File("server.db");
  auto install = FormFiles();
  install.insert(install.end(), {"--db", db});
  REQUIRE(Server(install).code == scli::kExitOk);
  const std::string file = Township(dir);

  const Run dry = Server({"import", "--db", db, "--dry-run", file});
  CHECK(dry.out.find("dry run, nothing written") != std::string::npos);
  const Run before = Server({"problems", "--db", db, "--today", "2026-11-23"});
  REQUIRE(before.code == scli::kExitOk);
  CHECK(before.out.find("检查范围：0 个村，0 户") != std::string::npos);  // the dry run wrote nothing

  const Run import = Server({"import", "--db", db, file});
  INFO(import.out << import.err);
  // The sample plants a wrong check digit and negative incomes, which the form pack refuses:
  // those rows are listed by line, the rest imported, and the exit status says so.
  CHECK(import.code == scli::kExitFailure);
  CHECK(import.out.find(": line ") != std::string::npos);
  CHECK(import.err.find("some rows were refused") != std::string::npos);
  const Run again = Server({"import", "--db", db, file});
  CHECK(again.out.find(" 0 field(s) written") != std::string::npos);

  const std::string csv = dir.File("problems.csv");
  const Run problems =
      Server({"problems", "--db", db, "--today", "2026-11-23", "--csv", csv});
  REQUIRE(problems.code == scli::kExitOk);
  CHECK(problems.out.find("检查范围：2 个村") != std::string::npos);
  CHECK(problems.out.find("问题清单：共") != std::string::npos);
  CHECK(problems.out.find("入户走访超期") != std::string::npos);
  const std::string csv_bytes = ReadFileBytes(csv);
  CHECK(csv_bytes.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(csv + ".tmp"));

  const Run report = Server({"report", "--db", db, "--year", "2026", "--csv", dir.File("r.csv")});
  REQUIRE(report.code == scli::kExitOk);
  CHECK(report.out.find("2026 年度建档立卡统计报表") != std::string::npos);
  CHECK(report.out.find("合计") != std::string::npos);
  CHECK(std::filesystem::file_size(dir.File("r.csv")) > 100);

  const Run bad_day = Server({"problems", "--db", db, "--today", "2026-02-30"});
  CHECK(bad_day.code == scli::kExitUsage);
  CHECK(bad_day.err.find("--today") != std::string::npos);
}

TEST_CASE("doorstep-server import without the form pack fails and names the fix",
          "[registry-cli]") {
  TempDir dir;
  const std::string db = dir.File("server.db");
  REQUIRE(Server({"devices", "--db", db}).code != scli::kExitOk);  // no database yet
  std::ofstream(dir.File("one.jsonl"))
      << ReadFileBytes(SourcePath("tests/data/registry_export_3.jsonl"));
  std::vector<std::string> tiny = {"form", "install", "--db", db};
  // Create the database with an unrelated form only.
  std::ofstream(dir.File("tiny.json")) << R"({"formId": "tiny", "version": "1",
    "scopeField": "village", "fields": [{"name": "village", "type": "TEXT"}]})";
  tiny.push_back(dir.File("tiny.json"));
  REQUIRE(Server(tiny).code == scli::kExitOk);
  const Run r = Server({"import", "--db", db, dir.File("one.jsonl")});
  CHECK(r.code == scli::kExitFailure);
  CHECK(r.err.find("form install") != std::string::npos);
}

}  // namespace doorstep::testing::srv
