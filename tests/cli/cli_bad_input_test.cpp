// Bad input at the command line (docs/bad-input.md): text that is not UTF-8, files that are too
// big or not stores, half-good form installs, unknown commands, absurd counts.
#include <catch2/catch.hpp>
#include <fstream>

#include "cli_harness.h"

using namespace doorstep::cli_testing;

TEST_CASE("text that is not UTF-8 or holds escape codes is refused, the record stays usable",
          "[cli][bad-input]") {
  Cli cli;
  cli.Setup();
  const std::string id = cli.NewRecord();
  cli.Ok({"record", "set", id, "head_name", "彭福娥"});
  for (const std::string& bad :
       {std::string("\xff"), std::string("\xED\xA0\x80"), std::string("红\x1b[2J")}) {
    Run r = cli({"record", "set", id, "head_name", bad});
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(Contains(r.err, "head_name"));
    CHECK((Contains(r.err, "not valid UTF-8") || Contains(r.err, "control character")));
  }
  // Everything still works on the record and the store.
  CHECK(Contains(cli.Ok({"record", "show", id}), "彭福娥"));
  CHECK(Contains(cli.Ok({"outbox"}), "pending change"));
  cli.Ok({"record", "set", id, "head_name", "彭福英"});
  CHECK(Contains(cli.Ok({"record", "show", id}), "彭福英"));
}

TEST_CASE("an author id that is not UTF-8 is refused at init", "[cli][bad-input]") {
  Cli cli;
  Run r = cli({"init", "--surveyor", "S\xff", "--device", "T1"});
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "surveyor id is not valid UTF-8 (byte 1)"));
}

TEST_CASE("form install is all or nothing", "[cli][bad-input]") {
  Cli cli;
  cli.Ok({"init", "--surveyor", "s1", "--device", "d1"});
  std::string second = Slurp(SourcePath("tests/cli/data/survey_v1.json"));
  const size_t at = second.find("\"version\": \"1\"");
  REQUIRE(at != std::string::npos);
  second.replace(at, 14, "\"version\": \"9\"");
  const size_t req = second.find("\"required\": \"true()\"");
  REQUIRE(req != std::string::npos);
  second.replace(req, 20, "\"required\": \"((\"");  // parses as JSON, does not compile
  const std::string bad = cli.dir().File("bad.json");
  WriteFile(bad, second);
  Run r = cli({"form", "install", SourcePath("tests/cli/data/survey_v1.json"), bad});
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "cli_survey@9"));
  CHECK(Contains(cli.Ok({"form", "list"}), "no forms installed"));
}

TEST_CASE("input files have size limits", "[cli][bad-input]") {
  Cli cli;
  cli.Setup();
  Run form = cli({"form", "install", "/dev/zero"});
  CHECK(form.code == 1);
  CHECK(Contains(form.err, "form file '/dev/zero' holds more than 4 MiB (4194304 bytes), the limit"));
  const std::string id = cli.NewRecord();
  Run strokes = cli({"sign", id, "sig_head", "--signer", "彭福娥", "--strokes", "/dev/zero"});
  CHECK(strokes.code != 0);
  CHECK(Contains(strokes.err, "4 MiB"));
  Run dir = cli({"form", "install", cli.dir().path().string()});
  CHECK(dir.code == 1);
  CHECK(Contains(dir.err, "is a directory"));
  // A number no double holds is valid JSON syntax but not a coordinate (it escaped as an
  // internal error before).
  const std::string huge = cli.dir().File("huge.json");
  {
    std::ofstream out(huge);
    out << R"([[{"x": 1e400, "y": 1, "t": 0}]])";
  }
  Run overflow = cli({"sign", id, "sig_head", "--signer", "彭福娥", "--strokes", huge});
  CHECK(overflow.code == 1);
  CHECK(Contains(overflow.err, "strokes file '" + huge + "': unusable JSON"));
  CHECK_FALSE(Contains(overflow.err, "internal error"));
}

TEST_CASE("files that are not stores are named for what they are", "[cli][bad-input]") {
  Cli cli;
  WriteFile(cli.db(), "");
  Run empty = cli({"outbox"});
  CHECK(empty.code == 1);
  CHECK(Contains(empty.err, "empty (0 bytes)"));
  CHECK(Slurp(cli.db()).empty());  // left as it was
  WriteFile(cli.db(), "household_no,head_name\n1,x\n");
  Run text = cli({"outbox"});
  CHECK(text.code == 1);
  if (!doorstep::testing::EncryptionEnabled()) {
    CHECK(Contains(text.err, "not an SQLite database"));
    CHECK_FALSE(Contains(text.err, "key"));
  }
}

TEST_CASE("unknown commands are named, absurd counts refused", "[cli][bad-input]") {
  Cli cli;
  cli.Setup();
  Run top = cli({"frobnicate"});
  CHECK(top.code == 2);
  CHECK(Contains(top.err, "unknown command 'frobnicate'"));
  Run sub = cli({"record", "frob"});
  CHECK(sub.code == 2);
  CHECK(Contains(sub.err, "unknown command 'frob' of 'record'"));
  const std::string id = cli.NewRecord();
  Run count = cli({"record", "add-instance", id, "members", "--count", "100000000"});
  CHECK(count.code == 2);
  CHECK(Contains(count.err, "--count"));
  CHECK_FALSE(Contains(count.err, "bad_alloc"));
}
