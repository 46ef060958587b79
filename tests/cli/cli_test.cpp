// Drives the real `doorstep` binary: every command as a clerk would type it, with stdout, stderr
// and the exit code checked, in a fresh temp directory per test. Uses the small dedicated forms in
// tests/cli/data/ so these tests do not follow changes of the demo forms.
// This file: store set-up, forms, editing records, validation and finalize.
#include "cli_harness.h"

using namespace doorstep::cli_testing;  // NOLINT: test file

TEST_CASE("init creates the store, commands without a store fail", "[cli]") {
  Cli cli;
  Run none = cli({"record", "list"});
  CHECK(none.code == 1);
  CHECK(Contains(none.err, "doorstep: error: no store at"));
  CHECK(Contains(none.err, "doorstep init"));

  Run init = cli({"init", "--surveyor", "s1", "--device", "d1"});
  REQUIRE(init.code == 0);
  CHECK(Contains(init.out, cli.db()));
  Run again = cli({"init", "--surveyor", "s2", "--device", "d9"});
  REQUIRE(again.code == 0);
  CHECK(Contains(again.out, "updated author"));

  cli.Ok({"form", "install", SourcePath("tests/cli/data/survey_v1.json")});
  std::string id = cli.NewRecord();
  cli.Ok({"record", "set", id, "head_name", "张三"});
  CHECK(Contains(cli.Ok({"record", "history", id}), "s2@d9"));

  SECTION("usage errors exit with 2") {
    Run missing = cli({"init", "--surveyor", "s1"});
    CHECK(missing.code == 2);
    CHECK(Contains(missing.err, "doorstep: error:"));
    CHECK(cli({"record", "frobnicate"}).code == 2);
    CHECK(cli({}).code == 2);
    CHECK(cli({"--help"}).code == 0);
  }
}

TEST_CASE("form install: good file, malformed JSON names the position", "[cli]") {
  Cli cli;
  cli.Ok({"init", "--surveyor", "s1", "--device", "d1"});

  std::string good = Slurp(SourcePath("tests/cli/data/survey_v1.json"));
  const size_t cut = good.find("\"fields\"");
  REQUIRE(cut != std::string::npos);
  std::string broken = good.substr(0, cut) + "\"fields\": [ {\"name\": \"x\",, } ]}";
  const size_t bad_offset = cut + std::string("\"fields\": [ {\"name\": \"x\",").size();
  const std::string broken_path = cli.dir().File("broken.json");
  WriteFile(broken_path, broken);
  Run r = cli({"form", "install", broken_path});
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "invalid JSON at byte " + std::to_string(bad_offset)));
  CHECK(Contains(r.err, "line "));
  CHECK(Contains(cli.Ok({"form", "list"}), "no forms installed"));

  const std::string unknown_path = cli.dir().File("unknown_key.json");
  WriteFile(unknown_path, R"({"formId": "x", "version": "1", "feilds": []})");
  Run unknown = cli({"form", "install", unknown_path});
  CHECK(unknown.code == 1);
  CHECK(Contains(unknown.err, "feilds"));

  Run missing = cli({"form", "install", cli.dir().File("nope.json")});
  CHECK(missing.code == 1);
  CHECK(Contains(missing.err, "cannot read form file"));

  Run ok = cli({"form", "install", SourcePath("tests/cli/data/survey_v1.json")});
  REQUIRE(ok.code == 0);
  CHECK(Contains(ok.out, "installed cli_survey@1"));
  std::string list = cli.Ok({"form", "list"});
  CHECK(Contains(list, "cli_survey\t1\t0\t"));
  CHECK(Contains(list, "命令行测试调查表"));
  CHECK(Contains(cli.Ok({"--lang", "en", "form", "list"}), "CLI test survey"));
}

TEST_CASE("record new, set and show", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string id = cli.NewRecord();
  CHECK(id.size() == 36);
  cli.Ok({"record", "set", id, "head_name", "彭福娥", "income", "58624.5", "causes",
          "schooling,illness", "visit_date", "2019-05-09", "size", "-2"});
  json j = cli.ShowJson(id);
  CHECK(j["id"] == id);
  CHECK(j["form"] == "cli_survey");
  CHECK(j["version"] == "1");
  CHECK(j["state"] == "draft");
  CHECK(j["values"]["head_name"] == "彭福娥");
  CHECK(j["values"]["income"] == 58624.5);
  CHECK(j["values"]["size"] == -2);
  CHECK(j["values"]["causes"] == json::array({"illness", "schooling"}));
  CHECK(j["values"]["visit_date"] == "2019-05-09");
  CHECK(j["validation"]["ok"] == false);

  std::string text = cli.Ok({"record", "show", id});
  CHECK(Contains(text, "户信息 (household)"));
  CHECK(Contains(text, "户主姓名 (head_name): 彭福娥"));
  CHECK(Contains(text, "size: constraint: "));
  CHECK(Contains(cli.Ok({"--lang", "en", "record", "show", id}), "Head of household (head_name)"));

  // A unique prefix of the id works; the record appears in the list.
  CHECK(Contains(cli.Ok({"record", "show", id.substr(0, 8)}), id));
  CHECK(Contains(cli.Ok({"record", "list", "--form", "cli_survey"}), id));

  cli.Ok({"record", "clear", id, "size"});
  CHECK_FALSE(cli.ShowJson(id)["values"].contains("size"));
}

TEST_CASE("bad values are refused and leave the record unchanged", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string id = cli.NewRecord();
  cli.Ok({"record", "set", id, "head_name", "彭福娥", "size", "3"});
  cli.Ok({"record", "add-member", id, "members"});
  const std::string before = cli.Ok({"record", "show", id, "--json"});

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"size", "three"}, "size: not a valid integer"},
      {{"income", "12,5"}, "income: not a valid decimal"},
      {{"visit_date", "2019-02-30"}, "visit_date: not a valid date"},
      {{"status", "rich"}, "status: not a choice of list 'status'"},
      {{"causes", "illness flood"}, "causes: not a choice"},
      {{"nope", "1"}, "no field 'nope'"},
      {{"m_name", "x"}, "inside repeat 'members'"},
      {{"members[2]/m_name", "x"}, "no instance number 2"},
      {{"member_count", "4"}, "calculated"},
      {{"sig_head", "x"}, "doorstep sign"},
      // The first pair is fine, the second is not: nothing is written.
      {{"head_name", "李四", "size", "0x10"}, "size: not a valid integer"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"record", "set", id};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Run r = cli(args);
    INFO(c.message << "\nstderr: " << r.err);
    CHECK(r.code == 1);
    CHECK(Contains(r.err, "doorstep: error: "));
    CHECK(Contains(r.err, c.message));
    CHECK(r.out.empty());
    // The bad value is never echoed in the error.
    if (c.args.back().size() > 2) CHECK_FALSE(Contains(r.err, c.args.back()));
  }
  Run odd = cli({"record", "set", id, "head_name"});
  CHECK(odd.code == 2);
  CHECK(cli({"record", "set", "ffffffff-ffff-4fff-bfff-ffffffffffff", "head_name", "x"}).code == 1);
  CHECK(cli.Ok({"record", "show", id, "--json"}) == before);
}

TEST_CASE("add-member, ordinal paths and remove-instance", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string id = cli.NewRecord();
  std::string first = Trim(cli.Ok({"record", "add-member", id, "members"}));
  auto more = Lines(cli.Ok({"record", "add-instance", id, "members", "--count", "2"}));
  REQUIRE(more.size() == 2);
  CHECK(first.size() == 36);
  cli.Ok({"record", "set", id, "members[1]/m_name", "陈平丽", "members[" + more[1] + "]/m_age",
          "7", "members[2]/m_age", "15"});
  json members = cli.ShowJson(id)["values"]["members"];
  REQUIRE(members.size() == 3);
  CHECK(members[0]["_id"] == first);
  CHECK(members[0]["m_name"] == "陈平丽");
  CHECK(members[1]["_id"] == more[0]);
  CHECK(members[1]["m_age"] == 15);
  CHECK(members[2]["m_age"] == 7);
  CHECK(cli.ShowJson(id)["values"]["member_count"] == 3);
  std::string text = cli.Ok({"record", "show", id});
  CHECK(Contains(text, "家庭成员 (members): 3"));
  CHECK(Contains(text, "[2] " + more[0]));

  cli.Ok({"record", "remove-instance", id, "members[2]"});
  members = cli.ShowJson(id)["values"]["members"];
  REQUIRE(members.size() == 2);
  CHECK(members[1]["_id"] == more[1]);
  Run bad = cli({"record", "remove-instance", id, "members"});
  CHECK(bad.code == 1);
  CHECK(Contains(bad.err, "needs an instance"));
  CHECK(cli({"record", "add-member", id, "head_name"}).code == 1);
}

TEST_CASE("finalize prints every problem at once", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string id = cli.NewRecord();
  cli.Ok({"record", "set", id, "size", "0"});
  Run r = cli({"record", "finalize", id});
  CHECK(r.code == 1);
  auto lines = Lines(r.out);
  CHECK(lines.size() >= 6);
  CHECK(Contains(r.out, "head_name: required: "));
  CHECK(Contains(r.out, "size: constraint: 家庭人口至少为1"));
  CHECK(Contains(r.out, "income: required: "));
  CHECK(Contains(r.out, "members: repeat_min: "));
  CHECK(Contains(r.out, "sig_head: required: "));
  CHECK(Contains(r.err, "not finalized"));
  CHECK(cli({"record", "validate", id}).code == 1);
  CHECK(cli.ShowJson(id)["state"] == "draft");

  cli.Ok({"record", "set", id, "size", "3"});
  FillValid(cli, id);
  cli.Ok({"sign", id, "sig_head", "--strokes", SourcePath("tests/cli/data/head_strokes.json")});
  CHECK(Trim(cli.Ok({"record", "validate", id})) == "valid");
  CHECK(Contains(cli.Ok({"record", "finalize", id}), "finalized"));
  CHECK(cli.ShowJson(id)["state"] == "finalized");
  Run edit = cli({"record", "set", id, "head_name", "李四"});
  CHECK(edit.code == 1);
  CHECK(Contains(edit.err, "reopen"));
  cli.Ok({"record", "reopen", id});
  CHECK(cli.ShowJson(id)["state"] == "draft");
  cli.Ok({"record", "set", id, "head_name", "李四"});
}
