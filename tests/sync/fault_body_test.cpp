// Answers damaged on the way, for every call of a sync (forms, push, pull, checksum): the body
// truncated (the connection ends before Content-Length bytes) or one byte of it flipped. The
// client must say which call failed and why, change nothing it should not (a corrupted push answer
// acknowledges nothing; a corrupted pull page is not applied and the cursor stays), and the next
// sync must converge.
#include <catch2/catch.hpp>

#include <random>

#include "fault_harness.h"
#include "household_sample.h"

namespace doorstep::testing::fault {
namespace {

using Catch::Contains;

struct Damage {
  bool truncate = false;
  double where = 0;  // fraction of the body
};

// Corruption at the first, a middle and the last byte (zstd's checksum), truncation in the middle.
const Damage kDamages[] = {{false, 0.0}, {false, 0.5}, {false, 1.0}, {true, 0.0}, {true, 0.6}};

FaultRule Damaging(const std::string& call, const Damage& d, int64_t body) {
  REQUIRE(body > 1);
  const auto at = static_cast<uint64_t>(d.where * static_cast<double>(body - 1));
  auto rule = FaultRule::On(call).InBody();
  return d.truncate ? rule.TruncateResponseAfter(at) : rule.CorruptResponseAt(at);
}

// The error of a damaged answer names the call and the problem.
void CheckError(const Status& s, const std::string& call, const Damage& d) {
  INFO(s.ToString());
  if (d.truncate) {
    CHECK(s.code() == Code::kUnavailable);
    CHECK_THAT(s.message(), Contains(call + " to http://127.0.0.1:"));
    CHECK_THAT(s.message(), Contains("partial file"));
  } else {
    CHECK(s.code() == Code::kCorruption);
    CHECK_THAT(s.message(), Contains(call + ": zstd data is corrupt"));
    CHECK_THAT(s.where(), Contains("offset "));
  }
}

TEST_CASE("an answer cut inside its headers is an error, not an empty answer", "[fault]") {
  FaultRig rig;
  rig.Edit(1);
  rig.tablet.SyncOk();
  Tablet other(rig.dir.path().string(), "TAB-O");
  other.Enroll(rig.server.url(), rig.server.Token({kVillage}));
  std::mt19937_64 rng(4);
  REQUIRE(other.store().CreateRecord("household", "", testdata::HouseholdEdits(rng)).ok());
  rig.writes.Note(other.store());
  other.SyncOk();
  const auto held = TabletFields(rig.tablet.store());
  const uint64_t head = rig.Last("POST /v1/pull").response_head_bytes;
  REQUIRE(head > 60);
  // libcurl takes a connection closed inside the header block for a complete answer with an empty
  // body, unless Content-Length had already come (httplib sorts its headers: it is the third
  // line, after Content-Encoding, from byte ~63 on). An empty PullPage would end the pull as if
  // the server had nothing more.
  const std::pair<uint64_t, const char*> cuts[] = {
      {20, "the connection closed inside the answer's headers"},
      {50, "the connection closed inside the answer's headers"},
      {head - 3, "Transferred a partial file"}};
  for (const auto& [at, error] : cuts) {
    INFO("pull answer truncated after " << at << " of its " << head << " header bytes");
    rig.proxy->Enqueue(FaultRule::On("POST /v1/pull").TruncateResponseAfter(at));
    auto r = rig.tablet.Sync();
    CHECK(rig.Last("POST /v1/pull").fault == "truncated response at " + std::to_string(at));
    CHECK(r.pull_status.code() == Code::kUnavailable);
    CHECK_THAT(r.pull_status.message(),
               Contains("POST /v1/pull to " + rig.proxy->url() + ": " + error));
    CHECK(r.pages_pulled == 0);
    CHECK_FALSE(r.checksums_verified);
    CHECK(TabletFields(rig.tablet.store()) == held);
  }
  rig.tablet.SyncOk();
  CHECK(TabletFields(rig.tablet.store()) == TabletFields(other.store()));
  rig.CheckLandedOnce();
}

TEST_CASE("damaged answers of every call: clear errors, nothing wrongly changed, convergence",
          "[fault]") {
  FaultRig rig;
  rig.Edit(1);
  rig.tablet.SyncOk();
  // Another tablet, straight to the server, so that pulls have something to bring.
  Tablet other(rig.dir.path().string(), "TAB-O");
  other.Enroll(rig.server.url(), rig.server.Token({kVillage}));
  std::mt19937_64 rng(3);

  // After each damaged sync: one normal sync, and everything landed once.
  auto converge = [&] {
    CHECK(rig.proxy->queued() == 0);
    rig.tablet.SyncOk();
    rig.CheckLandedOnce();
    CHECK(rig.tablet.Checksum(kVillage) == rig.server.Checksum(kVillage));
  };

  SECTION("GET /v1/forms") {
    // A tablet that holds the server's form pack gets 304 without a body (If-None-Match): forget
    // its ETag so that the pack comes whole, and is damaged.
    auto forget_forms = [&] {
      REQUIRE(rig.tablet.store().SetSyncValue(sc::kKeyFormsEtag, "").ok());
    };
    forget_forms();
    rig.tablet.SyncOk();
    const int64_t body = rig.Last("GET /v1/forms").response_content_length;
    for (const Damage& d : kDamages) {
      INFO((d.truncate ? "truncated at " : "corrupted at ") << d.where << " of the body");
      forget_forms();
      rig.proxy->Enqueue(Damaging("GET /v1/forms", d, body));
      auto r = rig.tablet.Sync();
      CHECK_FALSE(rig.Last("GET /v1/forms").fault.empty());
      CheckError(r.forms_status, "GET /v1/forms", d);
      CHECK(r.push_status.ok());  // the server answered: the sync goes on
      CHECK(r.pull_status.ok());
      CHECK_FALSE(r.checksums_verified);
      CHECK(rig.tablet.store().ListForms().value().size() == 1);
      converge();
    }
  }
  SECTION("POST /v1/push") {
    // Push answers are short (runs of accepted changes), so their size depends on the batch:
    // measure the answer to the same kind of edit as the ones damaged below (a fresh answer, not
    // a replay, which carries one more field).
    rig.Edit(1);
    rig.tablet.SyncOk();
    const int64_t body = rig.Last("POST /v1/push").response_content_length;
    for (const Damage& d : kDamages) {
      INFO((d.truncate ? "truncated at " : "corrupted at ") << d.where << " of the body");
      const ServerLedger before = ReadLedger(rig.server.db_path());
      rig.Edit(1);
      const size_t pending = rig.tablet.Pending();
      rig.proxy->Enqueue(Damaging("POST /v1/push", d, body));
      auto r = rig.tablet.Sync();
      CHECK_FALSE(rig.Last("POST /v1/push").fault.empty());
      CheckError(r.push_status, "POST /v1/push", d);
      // Applied by the server, acknowledged by nobody: every change still pending, in flight.
      CHECK(ReadLedger(rig.server.db_path()).last_version ==
            before.last_version + static_cast<int64_t>(pending));
      CHECK(rig.tablet.Pending() == pending);
      CHECK_FALSE(rig.tablet.store().GetSyncValue(sc::kKeyInflight).value().empty());
      auto next = rig.tablet.SyncOk();
      CHECK(next.batches_replayed == 1);
      converge();
    }
  }
  SECTION("POST /v1/pull") {
    for (const Damage& d : kDamages) {
      INFO((d.truncate ? "truncated at " : "corrupted at ") << d.where << " of the body");
      REQUIRE(other.store().CreateRecord("household", "", testdata::HouseholdEdits(rng)).ok());
      rig.writes.Note(other.store());  // the ledger counts every writer's changes
      other.SyncOk();
      const int64_t cursor = std::stoll(rig.tablet.store().GetSyncValue(sc::kKeyCursor).value());
      const auto held = TabletFields(rig.tablet.store());
      // The page holds a household with signatures: its answer is longer than this.
      constexpr int64_t kAtLeast = 1500;
      rig.proxy->Enqueue(Damaging("POST /v1/pull", d, kAtLeast));
      auto r = rig.tablet.Sync();
      CHECK_FALSE(rig.Last("POST /v1/pull").fault.empty());
      CheckError(r.pull_status, "POST /v1/pull", d);
      CHECK(rig.Last("POST /v1/pull").response_content_length > kAtLeast);
      CHECK(r.pages_pulled == 0);
      CHECK(std::stoll(rig.tablet.store().GetSyncValue(sc::kKeyCursor).value()) == cursor);
      CHECK(TabletFields(rig.tablet.store()) == held);
      converge();
      CHECK(TabletFields(rig.tablet.store()) == TabletFields(other.store()));
    }
  }
  SECTION("POST /v1/checksum") {
    // The server's checksums ride on the last pull page when the tablet asks for them (it
    // pushed, or its cursor is not where the last comparison matched). They are asked for
    // apart, by POST /v1/checksum, when a pull that did not ask brought changes: another
    // tablet's write before each sync makes that happen.
    auto other_writes = [&] {
      REQUIRE(other.store().CreateRecord("household", "", testdata::HouseholdEdits(rng)).ok());
      rig.writes.Note(other.store());
      other.SyncOk();
    };
    other_writes();
    rig.tablet.SyncOk();
    const int64_t body = rig.Last("POST /v1/checksum").response_content_length;
    for (const Damage& d : kDamages) {
      INFO((d.truncate ? "truncated at " : "corrupted at ") << d.where << " of the body");
      other_writes();
      rig.proxy->Enqueue(Damaging("POST /v1/checksum", d, body));
      auto r = rig.tablet.Sync();
      CHECK_FALSE(rig.Last("POST /v1/checksum").fault.empty());
      CheckError(r.checksum_status, "POST /v1/checksum", d);
      CHECK(r.push_status.ok());
      CHECK(r.pull_status.ok());
      CHECK_FALSE(r.checksums_match());
      converge();
    }
  }
}

}  // namespace
}  // namespace doorstep::testing::fault
