// The server going away in the middle of a push. In-process: the HTTP server, service and store
// closed and the same SQLite file reopened on the same port, with the request cut mid-body or the
// answer lost after the batch was applied. As a real process: `doorstep-server serve` killed with
// SIGKILL while it holds half a request, at several moments after the whole request reached it
// (inside the push's transaction or after its commit), and once its answer was written; then
// started again on the same file and port. Each time the next sync must land every change exactly
// once.
#include <catch2/catch.hpp>

#include <iostream>
#include <random>
#include <thread>

#include "fault_harness.h"
#include "household_sample.h"

namespace doorstep::testing::fault {
namespace {

using Catch::Contains;

TEST_CASE("the server restarted mid-push on its file and port loses and duplicates nothing",
          "[fault]") {
  FaultRig rig;
  rig.Edit();
  rig.tablet.SyncOk();
  const int port = rig.server.port();
  const int64_t body = rig.Last("POST /v1/push").request_content_length;

  SECTION("the request is cut halfway through its body, then the server restarts") {
    for (int round = 0; round < 3; ++round) {
      const ServerLedger before = ReadLedger(rig.server.db_path());
      rig.Edit();
      rig.proxy->Enqueue(FaultRule::On("POST /v1/push")
                             .DropRequestAfter(static_cast<uint64_t>(body) / 2)
                             .InBody());
      auto cut = rig.tablet.Sync();
      CHECK(cut.push_status.code() == Code::kUnavailable);
      rig.server.Restart();
      REQUIRE(rig.server.port() == port);
      CHECK(ReadLedger(rig.server.db_path()).last_version == before.last_version);
      auto next = rig.tablet.SyncOk();
      CHECK(next.batches_replayed == 0);
      rig.CheckLandedOnce();
    }
  }
  SECTION("the batch is applied, the answer lost, then the server restarts") {
    for (int round = 0; round < 3; ++round) {
      const ServerLedger before = ReadLedger(rig.server.db_path());
      rig.Edit();
      const size_t pending = rig.tablet.Pending();
      rig.proxy->Enqueue(FaultRule::On("POST /v1/push").DropResponseAfter(0));
      auto cut = rig.tablet.Sync();
      CHECK(cut.push_status.code() == Code::kUnavailable);
      rig.server.Restart();
      REQUIRE(rig.server.port() == port);
      CHECK(ReadLedger(rig.server.db_path()).last_version ==
            before.last_version + static_cast<int64_t>(pending));
      auto next = rig.tablet.SyncOk();
      CHECK(next.batches_replayed == 1);  // the answer recorded before the restart
      CHECK(next.accepted == pending);
      rig.CheckLandedOnce();
    }
  }
  SECTION("the server is down for a whole sync, then back") {
    rig.Edit();
    rig.server.Stop();
    auto down = rig.tablet.Sync();
    CHECK(down.forms_status.code() == Code::kUnavailable);
    CHECK_THAT(down.forms_status.message(), Contains("GET /v1/forms to " + rig.proxy->url()));
    CHECK(down.push_skipped);  // unreachable: the sync stops after its first call
    CHECK(down.pull_skipped);
    rig.server.Start();
    rig.tablet.SyncOk();
    rig.CheckLandedOnce();
  }
}

// Where the server process is killed during a push.
struct KillPoint {
  enum Kind { kHoldingRequest, kAfterRequest, kAfterAnswer } kind;
  double fraction = 0;  // kHoldingRequest: share of the body the server has received
  int delay_us = 0;     // kAfterRequest: wait after the whole request reached the server
  std::string Describe() const {
    switch (kind) {
      case kHoldingRequest:
        return "holding " + std::to_string(static_cast<int>(fraction * 100)) + "% of the body";
      case kAfterRequest:
        return std::to_string(delay_us) + " us after the whole request";
      case kAfterAnswer:
        return "after writing its answer";
    }
    return "?";
  }
};

TEST_CASE("doorstep-server killed (SIGKILL) at points of a push and restarted: landed once",
          "[fault]") {
  TempDir dir;
  ServerProcess server(dir.path().string());
  const std::string token = server.Token({kVillage});
  server.Start();
  auto proxy = StartProxy(server.port());
  Tablet tablet(dir.path().string(), "TAB-K", OneAttempt());
  tablet.Enroll(proxy->url(), token);
  WriteLedger writes;
  std::mt19937_64 rng(99);
  // Five households per push: a transaction of several hundred changes (a few milliseconds), so
  // that some kill points fall inside it.
  auto edit = [&] {
    for (int i = 0; i < 5; ++i) {
      REQUIRE(tablet.store().CreateRecord("household", "", testdata::HouseholdEdits(rng)).ok());
    }
    writes.Note(tablet.store());
  };
  edit();
  tablet.SyncOk();
  CheckLandedOnce(server.db_path(), tablet, writes, kVillage);

  std::vector<KillPoint> points = {{KillPoint::kHoldingRequest, 0.0, 0},
                                   {KillPoint::kHoldingRequest, 0.5, 0},
                                   {KillPoint::kHoldingRequest, 0.99, 0}};
  for (int us : {0, 300, 700, 1000, 1500, 2000, 3000, 5000, 8000, 20000}) {
    points.push_back({KillPoint::kAfterRequest, 0, us});
  }
  points.push_back({KillPoint::kAfterAnswer, 0, 0});
  int applied_before_kill = 0;
  std::string outcomes;  // per kill point: what the next sync found
  for (const KillPoint& point : points) {
    INFO("killed " << point.Describe());
    const uint64_t seen = proxy->connections();
    edit();
    const size_t pending = tablet.Pending();
    FaultRule rule = FaultRule::On("POST /v1/push");
    if (point.kind == KillPoint::kHoldingRequest) {
      // Fractions of the body of this round's request, known once its headers arrive: hold
      // after a share of the previous round's body instead (the rounds are alike).
      const auto last = proxy->Connections("POST /v1/push").back();
      rule = rule.HoldRequestAfter(static_cast<uint64_t>(
                                       point.fraction *
                                       static_cast<double>(last.request_content_length)))
                 .InBody();
    } else if (point.kind == KillPoint::kAfterAnswer) {
      rule = rule.DropResponseAfter(0);
    }
    proxy->Enqueue(rule);

    sc::SyncResult cut;
    std::thread sync([&] { cut = tablet.Sync(); });
    const bool reached = proxy->WaitUntil(
        [&](const std::vector<ConnectionInfo>& all) {
          for (size_t i = seen; i < all.size(); ++i) {
            const ConnectionInfo& c = all[i];
            if (c.request_line.rfind("POST /v1/push", 0) != 0) continue;
            switch (point.kind) {
              case KillPoint::kHoldingRequest:
                return c.fault.find("held request") != std::string::npos;
              case KillPoint::kAfterRequest:
                return c.request_complete;
              case KillPoint::kAfterAnswer:
                return c.response_seen > 0;
            }
          }
          return false;
        },
        std::chrono::seconds(60));  // guard against a hang, not a speed check
    if (point.delay_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(point.delay_us));
    server.Kill();
    sync.join();
    REQUIRE(reached);

    server.Start();  // the same file, the same port
    const ServerLedger after_kill = ReadLedger(server.db_path());
    auto next = tablet.SyncOk();
    // The batch is either wholly there (the kill came after its commit: replayed) or not at all.
    if (next.batches_replayed == 1) ++applied_before_kill;
    outcomes += "\n  " + point.Describe() + ": " +
                (cut.push_status.ok()               ? "answered before the kill"
                 : next.batches_replayed == 1 ? "committed, answer lost (replayed)"
                                              : "not committed (sent again)");
    CHECK(next.changes_pushed + cut.changes_pushed == pending);
    CHECK((after_kill.last_version == ReadLedger(server.db_path()).last_version) ==
          (next.batches_replayed == 1 || cut.push_status.ok()));
    CheckLandedOnce(server.db_path(), tablet, writes, kVillage);
  }
  std::cout << "fault: doorstep-server killed (SIGKILL) at " << points.size()
            << " points of a push, " << applied_before_kill << " after the commit:" << outcomes
            << "\n";
}

}  // namespace
}  // namespace doorstep::testing::fault
