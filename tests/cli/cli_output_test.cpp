// `doorstep` binary tests, continued: signatures, exports, history, migration, outbox, keys.
#include "cli_harness.h"

using namespace doorstep::cli_testing;  // NOLINT: test file
TEST_CASE("signatures: valid, stale after an edit, valid after re-signing", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string id = cli.NewRecord();
  FillValid(cli, id);
  const std::string strokes = SourcePath("tests/cli/data/head_strokes.json");
  auto state = [&](const std::string& path) {
    const json shown = cli.ShowJson(id);
    for (const auto& s : shown["signatures"]) {
      if (s["path"] == path) return s["state"].get<std::string>();
    }
    return std::string("absent");
  };

  CHECK(state("sig_head") == "missing");
  std::string out = cli.Ok({"sign", id, "sig_head", "--strokes", strokes});
  CHECK(Contains(out, "valid"));
  CHECK(state("sig_head") == "valid");
  json sig = cli.ShowJson(id)["values"]["sig_head"];
  CHECK(sig["signer"] == "彭福娥");
  CHECK(sig["points"] == 5);

  cli.Ok({"record", "set", id, "income", "1000"});  // not covered by sig_head
  CHECK(state("sig_head") == "valid");
  cli.Ok({"record", "set", id, "members[1]/m_age", "43"});  // covered
  CHECK(state("sig_head") == "stale");
  CHECK(Contains(cli({"record", "validate", id}).out, "sig_head: signature_stale"));

  // Bare array of strokes, a proxy signer and the signer's name on the command line.
  const std::string bare = cli.dir().File("bare.json");
  WriteFile(bare, R"([[{"x":1,"y":2,"t":0},{"x":30,"y":40,"t":25}]])");
  cli.Ok({"sign", id, "sig_head", "--strokes", bare, "--signer", "彭福娥", "--proxy", "陈平丽"});
  CHECK(state("sig_head") == "valid");
  CHECK(cli.ShowJson(id)["values"]["sig_head"]["proxy_signer"] == "陈平丽");

  const std::string svg_path = cli.dir().File("sig.svg");
  cli.Ok({"signature", "svg", id, "sig_head", "-o", svg_path});
  CHECK(Slurp(svg_path).rfind("<svg", 0) == 0);
  CHECK(Contains(cli.Ok({"signature", "list", id}), "sig_head\thousehold_head\tvalid"));

  SECTION("bad strokes files change nothing") {
    const std::string before = cli.Ok({"record", "show", id, "--json"});
    const std::string broken = cli.dir().File("broken.json");
    const std::string truncated = R"({"signer": "x", "strokes": [[{"x":1,"y":2,"t":0}]] )";
    WriteFile(broken, truncated);  // ends before the closing brace
    Run r = cli({"sign", id, "sig_head", "--strokes", broken});
    CHECK(r.code == 1);
    CHECK(Contains(r.err, "invalid JSON at byte " + std::to_string(truncated.size())));

    WriteFile(broken, R"({"signer": "x", "strokes": [[{"x":1,"y":2,"t":0},{"x":3,"t":9}]]})");
    r = cli({"sign", id, "sig_head", "--strokes", broken});
    CHECK(r.code == 1);
    CHECK(Contains(r.err, "strokes[0][1]: missing key 'y'"));

    WriteFile(broken, R"({"role": "surveyor", "signer": "x", "strokes": [[{"x":1,"y":2,"t":0}]]})");
    r = cli({"sign", id, "sig_head", "--strokes", broken});
    CHECK(r.code == 1);
    CHECK(Contains(r.err, "role 'surveyor'"));

    r = cli({"sign", id, "sig_surveyor", "--strokes", bare, "--signer", "x", "--proxy", "y"});
    CHECK(r.code == 1);
    CHECK(Contains(r.err, "does not allow a proxy"));

    r = cli({"sign", id, "sig_head", "--strokes", bare});
    CHECK(r.code == 2);
    CHECK(Contains(r.err, "--signer"));
    CHECK(cli.Ok({"record", "show", id, "--json"}) == before);
  }
}

TEST_CASE("export csv and json", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string a = cli.NewRecord();
  FillValid(cli, a);
  cli.Ok({"record", "set", a, "address", "黎平县, \"高屯\"\n第五组", "causes", "illness"});
  cli.Ok({"sign", a, "sig_head", "--strokes", SourcePath("tests/cli/data/head_strokes.json")});
  std::string b = cli.NewRecord();
  cli.Ok({"record", "set", b, "head_name", "李四"});

  const std::string json_path = cli.dir().File("out.json");
  cli.Ok({"export", "--format", "json", "-o", json_path});
  json all = json::parse(Slurp(json_path));
  REQUIRE(all.size() == 2);
  json ra = all[0]["id"] == a ? all[0] : all[1];
  json rb = all[0]["id"] == a ? all[1] : all[0];
  CHECK(ra["form"] == "cli_survey");
  CHECK(ra["version"] == "1");
  CHECK(ra["state"] == "draft");
  CHECK(ra["values"]["head_name"] == "彭福娥");
  CHECK(ra["values"]["address"] == "黎平县, \"高屯\"\n第五组");
  CHECK(ra["values"]["income"] == 58624.5);
  CHECK(ra["values"]["members"][0]["m_name"] == "陈平丽");
  CHECK(ra["values"]["members"][0]["m_age"] == 42);
  CHECK(ra["values"]["members"][0]["_id"].get<std::string>().size() == 36);
  CHECK(ra["values"]["sig_head"]["state"] == "valid");
  CHECK(ra["signatures"][0]["path"] == "sig_head");
  CHECK(rb["values"]["head_name"] == "李四");
  CHECK_FALSE(rb["values"].contains("members"));

  std::string csv = cli.Ok({"export", "--format", "csv", "--form", "cli_survey"});
  auto rows = Lines(csv);
  REQUIRE(rows.size() >= 3);
  CHECK(rows[0] ==
        "_id,_form,_version,_state,head_name,address,size,income,status,causes,visit_date,phone,"
        "member_count,sig_head,sig_head.state,sig_surveyor,sig_surveyor.state\r");
  CHECK(Contains(csv, ",彭福娥,\"黎平县, \"\"高屯\"\"\n第五组\",3,58624.5,poor,illness,2019-05-09,,1,"
                      "signed by 彭福娥,valid,,missing\r\n"));
  CHECK(Contains(csv, b + ",cli_survey,1,draft,李四,"));

  std::string members = cli.Ok({"export", "--repeat", "members", "--bom"});
  CHECK(members.rfind("\xEF\xBB\xBF_record_id,_id,_index,m_name,m_age\r\n", 0) == 0);
  CHECK(Contains(members, a + ","));
  CHECK(Contains(members, ",1,陈平丽,42\r\n"));

  CHECK(Contains(cli.Ok({"export", "--labels"}), "户主姓名"));
  CHECK(Lines(cli.Ok({"export", "--state", "finalized"})).size() == 1);
  CHECK(cli({"export", "--format", "xml"}).code == 2);
  CHECK(cli({"export", "--format", "json", "--repeat", "members"}).code == 2);
  Run no_repeat = cli({"export", "--repeat", "head_name"});
  CHECK(no_repeat.code == 1);
  CHECK(Contains(no_repeat.err, "no repeat 'head_name'"));
}

TEST_CASE("history shows when, who, path, old -> new", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string id = cli.NewRecord();
  cli.Ok({"record", "set", id, "head_name", "张三"});
  cli.Ok({"record", "set", id, "head_name", "李四"});
  std::string member = Trim(cli.Ok({"record", "add-member", id, "members"}));
  cli.Ok({"record", "remove-instance", id, "members[1]"});
  std::string h = cli.Ok({"record", "history", id});
  CHECK(Contains(h, "s1@d1  head_name: (empty) -> 张三"));
  CHECK(Contains(h, "s1@d1  head_name: 张三 -> 李四"));
  CHECK(Contains(h, "members[" + member + "]: added"));
  CHECK(Contains(h, "members[" + member + "]: removed"));
  // Each line starts with a local time.
  for (const auto& line : Lines(h)) CHECK(line.size() > 21);
}

TEST_CASE("migrate reports every dropped value", "[cli]") {
  Cli cli;
  cli.Setup();
  cli.Ok({"form", "install", SourcePath("tests/cli/data/survey_v2.json")});
  std::string id = cli.NewRecord("1");
  cli.Ok({"record", "set", id, "head_name", "张三", "phone", "15792361871", "income", "12.5",
          "causes", "illness lack_water"});

  std::string dry = cli.Ok({"record", "migrate", id, "--to", "2", "--dry-run"});
  CHECK(Contains(dry, "dropped phone = 15792361871"));
  CHECK(Contains(dry, "dropped income = 12.5"));
  CHECK(Contains(dry, "dropped causes = illness lack_water"));
  CHECK(Contains(dry, "nothing changed"));
  CHECK(cli.ShowJson(id)["version"] == "1");

  std::string out = cli.Ok({"record", "migrate", id, "--to", "2"});
  CHECK(Contains(out, "dropped phone"));
  CHECK(Contains(out, "3 dropped"));
  json j = cli.ShowJson(id);
  CHECK(j["version"] == "2");
  CHECK(j["values"]["head_name"] == "张三");
  CHECK_FALSE(j["values"].contains("phone"));
  CHECK_FALSE(j["values"].contains("income"));
  CHECK(cli({"record", "migrate", id, "--to", "9"}).code == 1);
}

TEST_CASE("outbox lists pending changes without values, delete", "[cli]") {
  Cli cli;
  cli.Setup();
  std::string id = cli.NewRecord();
  cli.Ok({"record", "set", id, "head_name", "张三"});
  std::string out = cli.Ok({"outbox"});
  CHECK(Contains(out, "pending change"));
  CHECK(Contains(out, id + "\thead_name\t"));
  CHECK_FALSE(Contains(out, "张三"));
  CHECK(Contains(cli.Ok({"outbox", "--count"}), "pending change"));

  cli.Ok({"record", "delete", id});
  CHECK_FALSE(Contains(cli.Ok({"record", "list"}), id));
}

#ifdef DOORSTEP_HAS_ENCRYPTION
TEST_CASE("an encrypted store needs its key", "[cli]") {
  Cli cli;
  cli.Setup();
  ::setenv("DOORSTEP_KEY", "wrong key", 1);
  Run r = cli({"form", "list"});
  ::setenv("DOORSTEP_KEY", doorstep::testing::EncryptionKey().c_str(), 1);
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "encryption key"));
  const std::string key_file = cli.dir().File("key");
  WriteFile(key_file, doorstep::testing::EncryptionKey() + "\n");
  ::unsetenv("DOORSTEP_KEY");
  Run ok = cli({"--key-file", key_file, "form", "list"});
  ::setenv("DOORSTEP_KEY", doorstep::testing::EncryptionKey().c_str(), 1);
  CHECK(ok.code == 0);
}
#endif
