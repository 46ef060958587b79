// The `doorstep-server` command line, run in-process through RunServerCli.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "doorstep/server_cli/cli.h"
#include "server_harness.h"

namespace doorstep::testing::srv {
namespace {

namespace ss = sync::server;
namespace scli = server_cli;
using scli::kExitFailure;
using scli::kExitOk;
using scli::kExitUsage;

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

class Cli {
 public:
  CliRun Run(std::vector<std::string> args, std::function<void(std::ostringstream&)> serving = {}) {
    args.insert(args.begin(), "doorstep-server");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    scli::CliContext ctx;
    ctx.clock = &clock;
    ctx.random = &random;
    ctx.logger = &logger;
    ctx.out = &out;
    ctx.err = &err;
    if (serving) ctx.wait_for_shutdown = [&] { serving(out); };
    CliRun r;
    r.code = scli::RunServerCli(static_cast<int>(argv.size()), argv.data(), ctx);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  ServerTestClock clock;
  SeededRandom random;
  CapturingLogger logger;
};

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.File(name);
  std::ofstream(path) << text;
  return path;
}

const char kTiny[] = R"({"formId": "tiny", "version": "1", "scopeField": "village",
  "fields": [{"name": "village", "type": "TEXT"}, {"name": "note", "type": "TEXT"}]})";
const char kTinyChanged[] = R"({"formId": "tiny", "version": "1", "scopeField": "village",
  "fields": [{"name": "village", "type": "TEXT"}, {"name": "remark", "type": "TEXT"}]})";
const char kTiny2[] = R"({"formId": "tiny", "version": "2", "scopeField": "village",
  "fields": [{"name": "village", "type": "TEXT"}]})";

}  // namespace

TEST_CASE("doorstep-server form install, enroll, listings", "[sync][server]") {
  TempDir dir;
  Cli cli;
  const std::string db = dir.File("server.db");
  const std::string household = SourcePath("forms/household_v1.json");
  const std::string tiny = WriteFile(dir, "tiny.json", kTiny);

  CliRun installed = cli.Run({"form", "install", "--db", db, household, tiny});
  INFO(installed.err);
  REQUIRE(installed.code == kExitOk);
  CHECK(installed.out.find("household@2024.1") != std::string::npos);
  CHECK(installed.out.find("2 new form version(s) installed") != std::string::npos);
  CHECK(cli.Run({"form", "install", "--db", db, tiny}).out.find("0 new") != std::string::npos);

  SECTION("a conflicting definition installs nothing, not even the good files with it") {
    const std::string changed = WriteFile(dir, "changed.json", kTinyChanged);
    const std::string v2 = WriteFile(dir, "tiny2.json", kTiny2);
    CliRun r = cli.Run({"form", "install", "--db", db, v2, changed});
    CHECK(r.code == kExitFailure);
    CHECK(r.err.find("tiny@1") != std::string::npos);
    ss::SqliteStoreOptions o;
    o.path = db;
    auto store = ss::SqliteServerStore::Open(o);
    REQUIRE(store.ok());
    CHECK((*store)->ListForms()->size() == 2);
  }

  SECTION("enroll prints a one-time token the server accepts") {
    CliRun r = cli.Run({"enroll", "--db", db, "--team", "第一工作队", "--villages", "王家村,李家村"});
    INFO(r.err);
    REQUIRE(r.code == kExitOk);
    std::string token = r.out.substr(0, r.out.find('\n'));
    CHECK(token.size() == 32);
    ss::SqliteStoreOptions o;
    o.path = db;
    auto store = ss::SqliteServerStore::Open(o);
    REQUIRE(store.ok());
    ss::ServiceOptions so;
    so.clock = &cli.clock;
    so.random = &cli.random;
    ss::SyncService service(store->get(), so);
    v1::EnrollRequest req;
    req.set_token(token);
    auto enrolled = service.Enroll(req);
    REQUIRE(enrolled.ok());
    CHECK(enrolled->villages_size() == 2);
    CHECK(cli.Run({"devices", "--db", db}).out.find(enrolled->device_id()) != std::string::npos);

    // The office moves the device to one village, then revokes it.
    CliRun moved = cli.Run(
        {"devices", "rescope", "--db", db, enrolled->device_id(), "--villages", "李家村"});
    INFO(moved.err);
    REQUIRE(moved.code == kExitOk);
    CHECK(moved.out.find("now holds villages 李家村") != std::string::npos);
    auto info = service.Authenticate(enrolled->credential());
    REQUIRE(info.ok());
    CHECK(info->villages == std::vector<std::string>{"李家村"});
    CliRun unknown = cli.Run({"devices", "rescope", "--db", db, "nope", "--villages", "李家村"});
    CHECK(unknown.code == kExitFailure);
    CHECK(unknown.err.find("no such device") != std::string::npos);
    CHECK(cli.Run({"devices", "rescope", "--db", db, enrolled->device_id()}).code == kExitUsage);
    CliRun revoked = cli.Run({"devices", "revoke", "--db", db, enrolled->device_id()});
    INFO(revoked.err);
    REQUIRE(revoked.code == kExitOk);
    CHECK(revoked.out.find("revoked device " + enrolled->device_id()) != std::string::npos);
    CHECK_FALSE(service.Authenticate(enrolled->credential()).ok());
    CHECK(cli.Run({"devices", "--db", db}).out.find("REVOKED") != std::string::npos);
    CliRun again = cli.Run(
        {"devices", "rescope", "--db", db, enrolled->device_id(), "--villages", "王家村"});
    CHECK(again.code == kExitFailure);
    CHECK(again.err.find("revoked") != std::string::npos);
  }

  SECTION("listings of an empty server") {
    CHECK(cli.Run({"conflicts", "--db", db}).out == "0 open conflict(s)\n");
    CHECK(cli.Run({"quarantine", "--db", db}).out == "0 quarantined change(s)\n");
  }

  SECTION("failures change nothing and say why") {
    const std::string fresh = dir.File("fresh.db");
    CliRun r = cli.Run({"enroll", "--db", fresh, "--team", "t"});
    CHECK(r.code == kExitFailure);
    CHECK(r.err.find("--villages") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(fresh));
    CliRun missing = cli.Run({"conflicts", "--db", fresh});
    CHECK(missing.code == kExitFailure);
    CHECK(missing.err.find("no server database") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(fresh));
    const std::string broken = WriteFile(dir, "broken.json", "{\"formId\": ");
    CHECK(cli.Run({"form", "install", "--db", fresh, broken}).code == kExitFailure);
    CHECK_FALSE(std::filesystem::exists(fresh));
    CHECK(cli.Run({"enroll", "--team", "t"}).code == kExitUsage);
    CHECK(cli.Run({"launch"}).code == kExitUsage);
  }
}

TEST_CASE("doorstep-server serve answers until shut down", "[sync][server]") {
  TempDir dir;
  Cli cli;
  const std::string db = dir.File("server.db");
  int health = 0;
  CliRun r = cli.Run({"serve", "--db", db, "--listen", "127.0.0.1:0", "--form",
                      SourcePath("forms/household_v1.json"), "--threads", "2"},
                     [&](std::ostringstream& out) {
                       std::string text = out.str();
                       auto at = text.find("http://127.0.0.1:");
                       REQUIRE(at != std::string::npos);
                       int port = std::stoi(text.substr(at + 17));
                       httplib::Client c("127.0.0.1", port);
                       auto res = c.Get("/v1/health");
                       if (res) health = res->status;
                     });
  INFO(r.err);
  CHECK(r.code == kExitOk);
  CHECK(health == 200);
  CHECK(r.out.find("doorstep-server stopped") != std::string::npos);
  CHECK(cli.logger.All().find("GET /v1/health 200") != std::string::npos);
  CliRun busy = cli.Run({"serve", "--db", db, "--listen", "999.1.1.1:80"});
  CHECK(busy.code == kExitFailure);
}

}  // namespace doorstep::testing::srv
