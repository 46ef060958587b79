// The township server's push handler (SyncService::Push) on a real SQLite store in a temporary
// directory (on tmpfs when /dev/shm exists), with the household form installed and a team device
// enrolled for one village: the input is a ChangeSet body (identity encoding), decoded and
// validated as the HTTP layer does, then pushed. A bad change must be QUARANTINED or refused with
// a Status; a crash, a sanitizer report or a new batch not answered change by change is a finding.
// State carries over between inputs (later pushes meet earlier records, as on a real server).
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>

#include "doorstep/core/form.h"
#include "doorstep/posix/ports.h"
#include "doorstep/sync/codec.h"
#include "doorstep/sync/push_result.h"
#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/sqlite_store.h"
#include "doorstep/sync/wire.h"
#include "fuzz_common.h"

using namespace doorstep;
namespace ss = doorstep::sync::server;

namespace {

class FixedClock final : public Clock {
 public:
  int64_t NowMs() override { return now_ms += 1000; }
  int64_t now_ms = 1795399200000;  // 2026-11-23
};

class CountingRandom final : public Random {
 public:
  Status Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng());
    return Status::Ok();
  }
  std::mt19937_64 rng{2026};
};

struct Server {
  std::string dir;
  FixedClock clock;
  CountingRandom random;
  std::unique_ptr<ss::SqliteServerStore> store;
  std::unique_ptr<ss::SyncService> service;
  ss::DeviceInfo device;
  uint64_t batch_seq = 0;

  Server() {
    const char* base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    dir = std::string(base) + "/doorstep-fuzz-push-" + std::to_string(getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ss::SqliteStoreOptions so;
    so.path = dir + "/server.db";
    so.connections = 1;
    auto opened = ss::SqliteServerStore::Open(so);
    if (!opened.ok()) fuzz::Broken("cannot open the server store");
    store = std::move(opened).value();
    ss::ServiceOptions o;
    o.clock = &clock;
    o.random = &random;
    service = std::make_unique<ss::SyncService>(store.get(), o);
    auto form = LoadFormFile(DOORSTEP_FUZZ_FORM);
    if (!form.ok() || !service->InstallForms({*form}).ok()) fuzz::Broken("cannot install the form");
    auto token = service->CreateEnrollmentToken("第一工作队", {"坪新冲村"}, false);
    if (!token.ok()) fuzz::Broken("cannot make a token");
    v1::EnrollRequest request;
    request.set_token(token->token);
    request.set_device_name("tablet");
    auto enrolled = service->Enroll(request);
    if (!enrolled.ok()) fuzz::Broken("cannot enroll");
    auto info = service->Authenticate(enrolled->credential());
    if (!info.ok()) fuzz::Broken("cannot authenticate");
    device = *info;
  }
  ~Server() { std::filesystem::remove_all(dir); }
};

Server* server = nullptr;

void Cleanup() {
  delete server;
  server = nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  server = new Server();
  std::atexit(Cleanup);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v1::ChangeSet set;
  if (!sync::DecodeBody(fuzz::AsText(data, size), sync::Encoding::kIdentity, &set).ok()) return 0;
  if (!sync::ValidateChangeSet(set).ok()) return 0;
  // Each input is a new batch of the device (a repeated number would get the recorded answer).
  set.set_device_id(server->device.device_id);
  set.set_batch_seq(++server->batch_seq);
  auto result = server->service->Push(server->device, set);
  if (!result.ok()) return 0;
  // Every change of a new batch is answered exactly once.
  v1::PushResult answer = *result;
  if (answer.replayed() || !sync::ExpandPushResult(&answer, set.changes_size()).ok() ||
      answer.results_size() != set.changes_size()) {
    fuzz::Broken("a new batch was not answered change by change");
  }
  return 0;
}
