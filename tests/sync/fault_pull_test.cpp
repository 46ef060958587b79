// Pulls on a bad link: the answers of a multi-page pull cut at many byte offsets, then every
// endpoint's answer truncated or corrupted. A tablet's pull cursor must never pass a change it
// did not apply (it holds exactly the server's fields up to its cursor), errors must name the call
// and what was wrong, and the next sync must converge.
#include <catch2/catch.hpp>

#include <random>

#include "fault_harness.h"
#include "household_sample.h"

namespace doorstep::testing::fault {
namespace {

using Catch::Contains;

constexpr uint32_t kPage = 50;  // changes per pull page: several pages per pull

sc::SyncOptions Paged() {
  sc::SyncOptions o;
  o.page_size = kPage;
  return o;
}

int64_t Cursor(Tablet& t) {
  return std::stoll("0" + t.store().GetSyncValue(sc::kKeyCursor).value());
}

// The server's live fields with a version up to `cursor`: what a tablet at that cursor holds.
std::map<std::pair<std::string, std::string>, std::string> UpTo(
    const std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>>& server,
    int64_t cursor) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const auto& [key, field] : server) {
    if (field.first <= cursor && !field.second.empty()) out[key] = field.second;
  }
  return out;
}

// A township with data: tablet A (straight to the server) has pushed five households.
struct PullRig {
  TempDir dir;
  RestartableServer server{dir.path().string()};
  std::unique_ptr<FaultProxy> proxy = StartProxy(server.port());
  int tablets = 0;

  PullRig() {
    Tablet a(dir.path().string(), "TAB-A");
    a.Enroll(server.url(), server.Token({kVillage}));
    std::mt19937_64 rng(5);
    for (int i = 0; i < 5; ++i) {
      REQUIRE(a.store().CreateRecord("household", "", testdata::HouseholdEdits(rng)).ok());
    }
    a.SyncOk();
  }
  // A fresh tablet enrolled through the proxy (cursor 0).
  std::unique_ptr<Tablet> Fresh() {
    auto t = std::make_unique<Tablet>(dir.path().string(), "TAB-" + std::to_string(++tablets),
                                      OneAttempt());
    t->Enroll(proxy->url(), server.Token({kVillage}));
    return t;
  }
  ConnectionInfo Last(const std::string& prefix) {
    auto found = proxy->Connections(prefix);
    REQUIRE_FALSE(found.empty());
    return found.back();
  }
};

TEST_CASE("pulls cut at many offsets never move the cursor past what was applied", "[fault]") {
  PullRig rig;
  const auto server = ServerFields(rig.server.service());
  const auto all = UpTo(server, INT64_MAX);
  REQUIRE(all.size() > 6 * kPage);

  // Calibration: the answer size of every page of a full pull.
  std::vector<uint64_t> pages;
  {
    auto t = rig.Fresh();
    t->SyncOk(Paged());
    for (const auto& c : rig.proxy->Connections("POST /v1/pull")) pages.push_back(c.response_bytes);
  }
  REQUIRE(pages.size() > 5);
  uint64_t total = 0;
  for (uint64_t p : pages) total += p;

  constexpr int kCuts = 24;
  for (int i = 0; i < kCuts; ++i) {
    // Cut point i of kCuts over the bytes of the whole pull: page j, offset `at` in its answer.
    uint64_t point = total * (2 * static_cast<uint64_t>(i) + 1) / (2 * kCuts);
    size_t j = 0;
    while (j + 1 < pages.size() && point >= pages[j]) point -= pages[j++];
    const uint64_t at = std::min(point, pages[j] * 9 / 10);
    const bool truncate = i % 2 == 1;
    INFO("page " << j + 1 << " of " << pages.size() << (truncate ? " truncated" : " dropped")
                 << " after " << at << " of " << pages[j] << " bytes");
    auto t = rig.Fresh();
    auto rule = FaultRule::On("POST /v1/pull").Skip(static_cast<int>(j));
    rig.proxy->Enqueue(truncate ? rule.TruncateResponseAfter(at) : rule.DropResponseAfter(at));
    auto cut = t->Sync(Paged());
    CHECK_THAT(rig.Last("POST /v1/pull").fault, Contains(truncate ? "truncated" : "dropped"));
    CHECK(cut.pull_status.code() == Code::kUnavailable);
    CHECK_THAT(cut.pull_status.message(), Contains("POST /v1/pull to " + rig.proxy->url()));
    CHECK(cut.pages_pulled == j);
    // Exactly the fields up to the cursor: nothing past it, nothing missing before it.
    const int64_t cursor = Cursor(*t);
    CHECK((j == 0) == (cursor == 0));
    CHECK(TabletFields(t->store()) == UpTo(server, cursor));

    auto next = t->SyncOk(Paged());
    CHECK(next.pull_status.ok());
    CHECK(TabletFields(t->store()) == all);
    CHECK(t->Pending() == 0);
  }
  CHECK(rig.proxy->queued() == 0);
}

}  // namespace
}  // namespace doorstep::testing::fault
