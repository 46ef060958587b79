// The sync commands of the `doorstep` binary (enroll, sync, conflicts, resolve) against the
// in-process server, and `doorstep-demo` end to end. Skipped when the command line is not built.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "client_harness.h"

namespace doorstep::testing {
namespace {

std::string Binary() {
  return (std::filesystem::path(DOORSTEP_BINARY_DIR) / "platform" / "cli" / "doorstep").string();
}

std::string DemoBinary() {
  return (std::filesystem::path(DOORSTEP_BINARY_DIR) / "examples" / "demo" / "doorstep-demo")
      .string();
}

struct Output {
  int code = -1;
  std::string text;  // stdout and stderr
};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Output Run(const std::vector<std::string>& args, const std::string& binary = Binary()) {
  std::string cmd = Quote(binary);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>&1";
  Output out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.text.append(buf, n);
  const int status = pclose(p);
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

bool HaveBinary() {
  if (std::filesystem::exists(Binary())) return true;
  WARN("the doorstep command line is not built; skipped");
  return false;
}

TEST_CASE("doorstep-demo: two tablets converge and the checksums are equal", "[sync][client]") {
  if (!HaveBinary()) return;
  REQUIRE(std::filesystem::exists(DemoBinary()));
  Output out = Run({}, DemoBinary());
  INFO(out.text);
  REQUIRE(out.code == 0);
  CHECK_THAT(out.text, Catch::Contains("三方一致"));
  CHECK_THAT(out.text, Catch::Contains("TAB-B holds the same values: yes"));
  CHECK_THAT(out.text, Catch::Contains("[1] 12500"));
  CHECK_THAT(out.text, Catch::Contains("TAB-B 工资性收入 wage_income = 12500"));
  // Three checksum lines ("  server  <village>  <64 hex>  N fields") with one digest.
  std::set<std::string> digests;
  int lines = 0;
  std::istringstream text(out.text);
  for (std::string l; std::getline(text, l);) {
    std::istringstream words(l);
    std::string who, village, digest;
    words >> who >> village >> digest;
    if ((who == "server" || who == "TAB-A" || who == "TAB-B") && digest.size() == 64 &&
        l.find(" fields") != std::string::npos) {
      digests.insert(digest);
      ++lines;
    }
  }
  CHECK(lines == 3);
  CHECK(digests.size() == 1);
}

TEST_CASE("doorstep enroll, sync, conflicts and resolve", "[sync][client]") {
  if (!HaveBinary()) return;
  TempDir dir;
  TestServer server(dir.path().string());
  const std::string a = dir.File("a.db");
  const std::string b = dir.File("b.db");
  const std::string office = dir.File("office.db");
  REQUIRE(Run({"--db", a, "init", "--surveyor", "S1", "--device", "TAB-A"}).code == 0);
  REQUIRE(Run({"--db", b, "init", "--surveyor", "S2", "--device", "TAB-B"}).code == 0);
  REQUIRE(Run({"--db", office, "init", "--surveyor", "R1", "--device", "OFFICE"}).code == 0);

  auto bad = Run({"--db", a, "enroll", "--server", server.url(), "--token", "nope"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.text, Catch::Contains("doorstep: error: POST /v1/enroll: HTTP 401"));
  CHECK(Run({"--db", a, "enroll", "--server", server.url()}).code == 2);  // usage
  CHECK(Run({"--db", a, "sync"}).code == 1);                              // not enrolled

  auto enrolled =
      Run({"--db", a, "enroll", "--server", server.url(), "--token", server.Token({kVillage})});
  INFO(enrolled.text);
  REQUIRE(enrolled.code == 0);
  CHECK_THAT(enrolled.text, Catch::Contains("villages 坪新冲村"));
  REQUIRE(Run({"--db", b, "enroll", "--server", server.url(), "--token", server.Token({kVillage})})
              .code == 0);
  REQUIRE(
      Run({"--db", office, "enroll", "--server", server.url(), "--token", server.Token({}, true)})
          .code == 0);

  auto created = Run({"--db", a, "record", "new", "household"});
  REQUIRE(created.code == 0);
  const std::string id = created.text.substr(0, 36);
  REQUIRE(Run({"--db", a, "record", "set", id, "village", kVillage, "head_name", "王秀英"}).code ==
          0);
  auto synced = Run({"--db", a, "sync"});
  INFO(synced.text);
  REQUIRE(synced.code == 0);
  CHECK_THAT(synced.text, Catch::Contains("checksum 坪新冲村: matches the server"));
  REQUIRE(Run({"--db", b, "sync"}).code == 0);

  REQUIRE(Run({"--db", a, "record", "set", id, "head_name", "王秀兰"}).code == 0);
  REQUIRE(Run({"--db", b, "record", "set", id, "head_name", "王秀云"}).code == 0);
  REQUIRE(Run({"--db", a, "sync"}).code == 0);
  auto conflicted = Run({"--db", b, "sync"});
  CHECK_THAT(conflicted.text, Catch::Contains("in conflict"));
  auto listed = Run({"--db", a, "conflicts"});
  INFO(listed.text);
  REQUIRE(listed.code == 0);
  CHECK_THAT(listed.text, Catch::Contains("1 open conflict"));
  CHECK_THAT(listed.text, Catch::Contains("[1] 王秀兰\tS1@TAB-A"));
  CHECK_THAT(listed.text, Catch::Contains("[2] 王秀云\tS2@TAB-B"));
  CHECK_THAT(listed.text, Catch::Contains("户主姓名"));
  const std::string conflict_id = std::to_string(server.Conflicts().at(0).id());

  CHECK(Run({"--db", office, "resolve", conflict_id}).code == 2);  // --choose missing
  auto refused = Run({"--db", a, "resolve", conflict_id, "--choose", "1"});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.text, Catch::Contains("HTTP 403"));
  auto resolved = Run({"--db", office, "resolve", conflict_id, "--choose", "1", "--note", "ok"});
  INFO(resolved.text);
  REQUIRE(resolved.code == 0);
  CHECK_THAT(resolved.text, Catch::Contains("chose [1] 王秀兰"));
  REQUIRE(Run({"--db", a, "sync"}).code == 0);
  REQUIRE(Run({"--db", b, "sync"}).code == 0);
  auto shown = Run({"--db", b, "record", "show", id});
  CHECK_THAT(shown.text, Catch::Contains("王秀兰"));
  CHECK_THAT(Run({"--db", a, "conflicts"}).text, Catch::Contains("no open conflicts"));
  CHECK_THAT(Run({"--db", a, "conflicts", "--all"}).text, Catch::Contains("chosen by"));
}

}  // namespace
}  // namespace doorstep::testing
