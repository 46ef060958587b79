// `doorstep-demo`: the product's main job end to end, in one process and a temporary directory.
// A township server (SQLite file, HTTP on 127.0.0.1) and two tablets of one village with the real
// libcurl client: capture, sync, offline edits on both (one conflicting), sync, the merged
// household, the conflict with every value, a reviewer's resolution, and the per-village checksums
// of the server and both tablets, which must be equal.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli.h"
#include "demo_data.h"
#include "doorstep/core/sha256.h"
#include "doorstep/core/value_text.h"
#include "doorstep/sync/client/curl_transport.h"
#include "doorstep/sync/client/sync_client.h"
#include "doorstep/sync/server/http_server.h"
#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/sqlite_store.h"
#include "sync_output.h"

#ifndef DOORSTEP_FORMS_DIR
#define DOORSTEP_FORMS_DIR "forms"
#endif

namespace doorstep::cli {
namespace {

namespace sc = sync::client;
namespace ss = sync::server;

struct DemoOptions {
  bool keep = false;
  std::string form;
};

struct Tablet {
  std::string name;
  std::unique_ptr<Store> store;
  sc::CurlTransport transport;
  std::unique_ptr<sc::SyncClient> client;
};

class Demo {
 public:
  explicit Demo(const DemoOptions& options) : options_(options) {}
  void Run();

 private:
  void Step(const std::string& title) {
    static const bool bold = isatty(STDOUT_FILENO) == 1;
    std::cout << "\n"
              << (bold ? "\033[1m" : "") << "== " << ++step_ << ". " << title
              << " ==" << (bold ? "\033[0m" : "") << "\n";
  }
  void StartServer(const v1::FormDef& form);
  Tablet& OpenTablet(Tablet& t, const std::string& name, const std::string& surveyor);
  void Enroll(Tablet& t, const std::vector<std::string>& villages, bool reviewer);
  sc::SyncResult Sync(Tablet& t);
  void Edit(Tablet& t, const RecordId& id, const std::vector<doorstep::Edit>& edits);
  void PrintChecksums();

  // Removes the directory (unless kept) after every store below is closed: declared first, so
  // destroyed last.
  struct DirGuard {
    std::filesystem::path dir;
    bool keep = false;
    ~DirGuard() {
      std::error_code ec;
      if (!keep && !dir.empty()) std::filesystem::remove_all(dir, ec);
    }
  } guard_;
  DemoOptions options_;
  int step_ = 0;
  std::filesystem::path dir_;
  posix::SystemClock clock_;
  posix::SystemRandom random_;
  std::unique_ptr<ss::SqliteServerStore> server_store_;
  std::unique_ptr<ss::SyncService> service_;
  std::unique_ptr<ss::HttpServer> http_;
  Tablet a_, b_, office_;
};

v1::FormDef LoadDemoForm(const std::string& given) {
  std::vector<std::string> candidates;
  if (!given.empty()) {
    candidates.push_back(given);
  } else {
    candidates = {"forms/household_v1.json",
                  std::string(DOORSTEP_FORMS_DIR) + "/household_v1.json"};
  }
  for (const auto& path : candidates) {
    if (!std::filesystem::exists(path)) continue;
    auto def = LoadFormFile(path);
    if (!def.ok()) Fail("form file '" + path + "': " + def.status().message());
    return std::move(def).value();
  }
  Fail("cannot find forms/household_v1.json; run from the source tree or give --form FILE");
}

void Demo::StartServer(const v1::FormDef& form) {
  ss::SqliteStoreOptions so;
  so.path = (dir_ / "township.db").string();
  server_store_ = Unwrap(ss::SqliteServerStore::Open(so));
  ss::ServiceOptions service_options;
  service_options.clock = &clock_;
  service_options.random = &random_;
  service_ = std::make_unique<ss::SyncService>(server_store_.get(), service_options);
  Unwrap(service_->InstallForms({form}));
  ss::HttpServerOptions http_options;
  http_options.threads = 4;
  http_ = std::make_unique<ss::HttpServer>(service_.get(), http_options);
  Check(http_->Start());
  std::cout << "  数据库 database   " << so.path << "\n"
            << "  表单 form         " << form.form_id() << "@" << form.version() << " "
            << form.title().zh() << "\n"
            << "  服务 listening    " << http_->url() << "\n";
}

Tablet& Demo::OpenTablet(Tablet& t, const std::string& name, const std::string& surveyor) {
  t.name = name;
  StoreOptions so;
  so.path = (dir_ / (name + ".db")).string();
  so.clock = &clock_;
  so.random = &random_;
  t.store = Unwrap(Store::Open(so));
  Check(t.store->SetAuthor({surveyor, name}));
  t.client = std::make_unique<sc::SyncClient>(*t.store, t.transport);
  return t;
}

void Demo::Enroll(Tablet& t, const std::vector<std::string>& villages, bool reviewer) {
  auto token = Unwrap(service_->CreateEnrollmentToken("第一工作队", villages, reviewer));
  auto e = Unwrap(t.client->Enroll(http_->url(), token.token, t.name));
  std::cout << "  " << t.name << "  token " << token.token.substr(0, 6) << "…  -> device "
            << e.device_id.substr(0, 8) << "…, "
            << (e.reviewer ? "乡镇审核 reviewer (all villages)" : "村 village " + e.villages[0])
            << ", " << e.forms_installed << " form installed\n";
}

sc::SyncResult Demo::Sync(Tablet& t) {
  ProgressBar bar(std::cerr, StderrIsTerminal(), t.name);
  auto r = t.client->Sync({}, [&bar](const sc::SyncProgress& p) { bar.Update(p); });
  bar.Finish();
  std::cout << "  " << t.name << " 同步 sync: 上传 pushed " << r.changes_pushed << " ("
            << r.accepted << " accepted, " << r.conflicts << " conflicts), 下载 pulled "
            << r.changes_pulled << " (" << r.values_applied << " applied, " << r.records_created
            << " new records), " << FormatBytes(r.bytes_sent) << " up, "
            << FormatBytes(r.bytes_received) << " down";
  if (r.checksums_verified)
    std::cout << (r.checksums_match() ? ", 校验一致 checksum ok" : ", MISMATCH");
  std::cout << "\n";
  for (const auto& c : r.conflicts_seen) {
    std::cout << "      冲突 conflict " << c.conflict_id << " on " << c.path << ": "
              << (c.local_value_won ? "this tablet's value is current by rule"
                                    : "the other value is current by rule; adopted here")
              << "\n";
  }
  if (!r.status.ok()) Fail(t.name + ": " + r.status.message());
  return r;
}

void Demo::Edit(Tablet& t, const RecordId& id, const std::vector<doorstep::Edit>& edits) {
  Unwrap(t.store->Apply(id, edits));
}

void Demo::PrintChecksums() {
  v1::ChecksumRequest request;
  request.add_scopes(demo::kVillage);
  auto server = Unwrap(service_->Checksums(ss::DeviceInfo::Admin(), request));
  std::vector<std::pair<std::string, v1::ScopeChecksum>> rows;
  for (const auto& c : server.scopes()) {
    if (c.scope() == demo::kVillage) rows.emplace_back("server", c);
  }
  for (Tablet* t : {&a_, &b_}) {
    for (const auto& c : Unwrap(sc::LocalChecksums(*t->store, {demo::kVillage}))) {
      rows.emplace_back(t->name, c);
    }
  }
  bool equal = rows.size() == 3;
  for (const auto& [who, c] : rows) {
    const std::string hex =
        ToHex(reinterpret_cast<const uint8_t*>(c.sha256().data()), c.sha256().size());
    std::cout << "  " << who << std::string(8 - std::min<size_t>(who.size(), 7), ' ') << c.scope()
              << "  " << hex << "  " << c.fields() << " fields\n";
    equal = equal && c.sha256() == rows.front().second.sha256() &&
            c.fields() == rows.front().second.fields();
  }
  if (!equal) Fail("the checksums differ: the server and the tablets do not hold the same data");
  std::cout << "  三方一致 server, TAB-A and TAB-B hold exactly the same village data\n";
}

void Demo::Run() {
  const v1::FormDef form = LoadDemoForm(options_.form);
  char tmpl[] = "/tmp/doorstep-demo.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) Fail("cannot create a temporary directory");
  dir_ = tmpl;
  guard_.dir = dir_;
  guard_.keep = options_.keep;

  std::cout << "Doorstep demo: two tablets of " << demo::kVillage
            << " and the township office (临时目录 " << dir_.string() << ")\n";
  Step("乡镇服务器启动 The township server starts (in this process)");
  StartServer(form);

  Step("登记设备 Two tablets of one village and the township reviewer enroll (libcurl)");
  OpenTablet(a_, "TAB-A", "S017");
  OpenTablet(b_, "TAB-B", "S023");
  OpenTablet(office_, "OFFICE", "R001");
  Enroll(a_, {demo::kVillage}, false);
  Enroll(b_, {demo::kVillage}, false);
  Enroll(office_, {}, true);

  Step("TAB-A 入户录入三户 captures three households offline, then syncs");
  std::vector<RecordId> ids;
  for (int n = 0; n < 3; ++n) {
    ids.push_back(
        Unwrap(a_.store->CreateRecord(form.form_id(), form.version(), demo::HouseholdEdits(n))));
    std::cout << "  " << demo::HouseholdHead(n) << "户  record " << ids.back().ToString() << "\n";
  }
  Sync(a_);
  Step("TAB-B 同步 syncs and receives them");
  Sync(b_);
  const RecordId& household = ids[0];

  Step("离线修改 Both tablets edit " + demo::HouseholdHead(0) + "户 offline");
  std::cout << "  TAB-A: 工资性收入 wage_income 12000 -> 12500, 联系电话 phone -> 13908551234, "
               "adds member 彭小军 (son)\n";
  auto edits_a = Unwrap(demo::NewMember(random_, "彭小军", "son", "male", 2001, 3, 15));
  edits_a.push_back(doorstep::Edit::Set("wage_income", values::Dec(12500)));
  edits_a.push_back(doorstep::Edit::Set("phone", values::Text("13908551234")));
  Edit(a_, household, edits_a);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // B edits later: wins by rule
  std::cout << "  TAB-B: 工资性收入 wage_income 12000 -> 13200, 住房面积 housing_area -> 90, "
               "adds member 陈丽 (other); "
            << demo::HouseholdHead(1) << "户 村民小组 -> 第六村民组\n";
  auto edits_b = Unwrap(demo::NewMember(random_, "陈丽", "other", "female", 2003, 8, 9));
  edits_b.push_back(doorstep::Edit::Set("wage_income", values::Dec(13200)));
  edits_b.push_back(doorstep::Edit::Set("housing_area", values::Dec(90)));
  Edit(b_, household, edits_b);
  Edit(b_, ids[1], {doorstep::Edit::Set("village_group", values::Text("第六村民组"))});

  Step("两轮同步 Both tablets sync, twice each, so both see everything");
  for (int round = 0; round < 2; ++round) {
    Sync(a_);
    Sync(b_);
  }

  Step("合并后的数据 The merged household (TAB-A), both new members present");
  demo::PrintHousehold(std::cout, *a_.store, household, "  ");
  const bool same = demo::SameRecord(*a_.store, *b_.store, household);
  std::cout << "  TAB-B holds the same values: " << (same ? "yes 是" : "NO") << "\n";
  if (!same) Fail("TAB-A and TAB-B differ after a full sync");

  Step("待处理冲突 The township office syncs and sees the open conflict with every value");
  Sync(office_);
  auto open = Unwrap(office_.client->ListConflicts());
  for (const auto& c : open.conflicts()) {
    PrintConflict(std::cout, c, office_.store.get(), "zh", clock_.UtcOffsetMinutes(), "  ");
  }
  if (open.conflicts_size() != 1) Fail("expected exactly one open conflict");

  Step("审核处理 The reviewer checks the wage slip and chooses TAB-A's value");
  const v1::Conflict& conflict = open.conflicts(0);
  uint32_t choice = 0;
  for (int i = 0; i < conflict.candidates_size(); ++i) {
    if (conflict.candidates(i).value().decimal() == 12500) choice = static_cast<uint32_t>(i);
  }
  auto resolved =
      Unwrap(office_.client->Resolve(conflict.id(), choice, "核对工资条 wage slip checked"));
  std::cout << "  resolved conflict " << resolved.id() << ": chose [" << choice + 1 << "] "
            << CandidateValueText(resolved.path(), resolved.candidates(static_cast<int>(choice)))
            << " (by " << resolved.resolved_by().substr(0, 8) << "…)\n";

  Step("再次同步 Both tablets sync again: the decision reaches both");
  Sync(a_);
  Sync(b_);
  for (Tablet* t : {&a_, &b_}) {
    auto rec = Unwrap(t->store->GetRecord(household));
    const v1::Value* wage = rec.Get("wage_income");
    std::cout << "  " << t->name << " 工资性收入 wage_income = "
              << (wage != nullptr ? FormatDecimal(wage->decimal()) : std::string("-")) << "\n";
  }

  Step("校验 Per-village checksums: server, TAB-A, TAB-B");
  PrintChecksums();
  http_->Stop();
  if (options_.keep) {
    std::cout << "\nfiles kept in " << dir_.string()
              << " (township.db, TAB-A.db, TAB-B.db, OFFICE.db)\n";
  }
}

}  // namespace
}  // namespace doorstep::cli

int main(int argc, char** argv) {
  using namespace doorstep;
  cli::DemoOptions options;
  CLI::App app(
      "doorstep-demo: two tablets and the township server in one process: capture, sync, "
      "conflict, resolution, checksums",
      "doorstep-demo");
  app.add_flag("--keep", options.keep, "Keep the temporary directory with the databases");
  app.add_option("--form", options.form,
                 "Form definition to use (default: forms/household_v1.json)");
  if (auto done = app::Parse(app, argc, argv, "doorstep-demo", std::cout, std::cerr)) return *done;
  return app::RunGuarded("doorstep-demo", std::cout, std::cerr, [&] {
    cli::Demo(options).Run();
    return app::kExitOk;
  });
}
