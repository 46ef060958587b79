// Pushes on a bad link (fault proxy between the libcurl tablet and the real server, SQLite files on
// both sides): the request cut at many byte offsets, the answer cut or truncated at many offsets,
// and the request body corrupted on the way. After each fault one normal sync must leave every
// change on the server exactly once (one version per write, per field), the outbox empty and the
// checksums equal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "fault_harness.h"

namespace doorstep::testing::fault {
namespace {

using Catch::Contains;

constexpr int kCuts = 24;

// Offset `i` of `kCuts` spread over the first 90% of `size` (a round's request or answer may be a
// little shorter than the one measured; each round checks that its fault fired).
uint64_t Spread(uint64_t size, int i) {
  return size * 9 / 10 * static_cast<uint64_t>(i) / kCuts;
}

TEST_CASE("pushes cut at many request offsets apply nothing and land once on the next sync",
          "[fault]") {
  FaultRig rig;
  rig.Edit();
  rig.tablet.SyncOk();
  const uint64_t size = rig.Last("POST /v1/push").request_bytes;
  REQUIRE(size > 2000);  // a household with signatures: many TCP segments' worth of body

  for (int i = 0; i < kCuts; ++i) {
    const uint64_t at = Spread(size, i);
    INFO("request cut after " << at << " of ~" << size << " bytes");
    const ServerLedger before = ReadLedger(rig.server.db_path());
    rig.Edit();
    const size_t pending = rig.tablet.Pending();
    rig.proxy->Enqueue(FaultRule::On("POST /v1/push").DropRequestAfter(at));
    auto cut = rig.tablet.Sync();
    CHECK(rig.Last("POST /v1/push").fault == "dropped request at " + std::to_string(at));
    CHECK(cut.push_status.code() == Code::kUnavailable);
    CHECK_THAT(cut.push_status.message(), Contains("POST /v1/push to " + rig.proxy->url()));
    CHECK(cut.pull_status.ok());  // downloads do not wait for uploads
    CHECK_FALSE(cut.checksums_verified);
    // The server applied nothing; the tablet keeps every change and the batch it sent.
    const ServerLedger after = ReadLedger(rig.server.db_path());
    CHECK(after.last_version == before.last_version);
    CHECK(after.batches == before.batches);
    CHECK(rig.tablet.Pending() == pending);
    CHECK_FALSE(rig.tablet.store().GetSyncValue(sc::kKeyInflight).value().empty());

    auto next = rig.tablet.SyncOk();
    CHECK(next.batches_sent == 1);
    CHECK(next.batches_replayed == 0);
    CHECK(next.changes_pushed == pending);
    CHECK(next.accepted == pending);
    rig.CheckLandedOnce();
  }
  CHECK(rig.proxy->queued() == 0);
}

TEST_CASE("pushes whose answer is cut at many offsets are replayed, never applied twice",
          "[fault]") {
  FaultRig rig;
  rig.Edit();
  rig.tablet.SyncOk();
  // Headers and a short body (runs of accepted changes): ~160 bytes, so the 24 cuts fall on
  // distinct offsets across the headers and the body.
  const uint64_t size = rig.Last("POST /v1/push").response_bytes;
  REQUIRE(size > 120);

  for (int i = 0; i < kCuts; ++i) {
    const uint64_t at = Spread(size, i);
    // Even rounds: the link drops (RST); odd rounds: the answer ends early (FIN).
    const bool truncate = i % 2 == 1;
    INFO((truncate ? "answer truncated after " : "answer dropped after ") << at << " of ~" << size
                                                                          << " bytes");
    const ServerLedger before = ReadLedger(rig.server.db_path());
    rig.Edit();
    const size_t pending = rig.tablet.Pending();
    auto rule = FaultRule::On("POST /v1/push");
    rig.proxy->Enqueue(truncate ? rule.TruncateResponseAfter(at) : rule.DropResponseAfter(at));
    auto cut = rig.tablet.Sync();
    CHECK(rig.Last("POST /v1/push").fault ==
          (truncate ? "truncated response at " : "dropped response at ") + std::to_string(at));
    CHECK(cut.push_status.code() == Code::kUnavailable);
    CHECK_THAT(cut.push_status.message(), Contains("POST /v1/push to " + rig.proxy->url()));
    // The server applied the batch (one transaction, one version per change); the tablet did not
    // hear it, so nothing is acknowledged and the batch stays in flight.
    const ServerLedger after = ReadLedger(rig.server.db_path());
    CHECK(after.last_version == before.last_version + static_cast<int64_t>(pending));
    CHECK(after.batches == before.batches + 1);
    CHECK(rig.tablet.Pending() == pending);
    CHECK_FALSE(rig.tablet.store().GetSyncValue(sc::kKeyInflight).value().empty());

    auto next = rig.tablet.SyncOk();
    CHECK(next.batches_sent == 1);
    CHECK(next.batches_replayed == 1);  // the server's recorded answer
    CHECK(next.changes_pushed == pending);
    CHECK(next.accepted == pending);
    CHECK(ReadLedger(rig.server.db_path()).batches == after.batches);
    rig.CheckLandedOnce();
  }
}

TEST_CASE("a push body corrupted on the way is refused with 400 and nothing is applied",
          "[fault]") {
  FaultRig rig;
  rig.Edit();
  rig.tablet.SyncOk();
  const int64_t body = rig.Last("POST /v1/push").request_content_length;
  REQUIRE(body > 1000);

  constexpr int kOffsets = 8;
  for (int i = 0; i < kOffsets; ++i) {
    // zstd bodies carry a content checksum, gzip ones a CRC: a flipped byte anywhere is caught.
    const bool gzip = i % 4 == 3;
    const uint64_t at = static_cast<uint64_t>(body) * 9 / 10 * static_cast<uint64_t>(i) / kOffsets;
    INFO((gzip ? "gzip" : "zstd") << " body byte " << at << " of ~" << body << " corrupted");
    const ServerLedger before = ReadLedger(rig.server.db_path());
    rig.Edit();
    const size_t pending = rig.tablet.Pending();
    rig.proxy->Enqueue(FaultRule::On("POST /v1/push").CorruptRequestAt(at).InBody());
    sc::SyncOptions options;
    if (gzip) options.encoding = sync::Encoding::kGzip;
    auto bad = rig.tablet.Sync(options);
    CHECK_THAT(rig.Last("POST /v1/push").fault, Contains("corrupted request byte"));
    // The server's ErrorBody names the encoding and the problem; the client names the call.
    CHECK_THAT(bad.push_status.message(), Contains("POST /v1/push: HTTP 400"));
    CHECK_THAT(bad.push_status.message(), Contains(gzip ? "not valid gzip" : "zstd data"));
    CHECK(bad.push_status.code() == Code::kCorruption);
    // The access log line is written after the answer is sent: wait for it (guard against a
    // hang, not a speed check: 60 s).
    auto refusals = [&] {
      const auto log = rig.server.LogLines();
      return std::count_if(log.begin(), log.end(), [](const std::string& l) {
        return l.rfind("POST /v1/push 400 ", 0) == 0;
      });
    };
    for (int wait = 0; wait < 6000 && refusals() < i + 1; ++wait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(refusals() == i + 1);
    const ServerLedger after = ReadLedger(rig.server.db_path());
    CHECK(after.last_version == before.last_version);
    CHECK(after.batches == before.batches);
    CHECK(rig.tablet.Pending() == pending);
    // Damaged on the way: the same bytes stay in flight and go again.
    CHECK_FALSE(rig.tablet.store().GetSyncValue(sc::kKeyInflight).value().empty());

    auto next = rig.tablet.SyncOk();
    CHECK(next.batches_sent == 1);
    CHECK(next.batches_replayed == 0);
    CHECK(next.changes_pushed == pending);
    rig.CheckLandedOnce();
  }
}

TEST_CASE("an answer lost, then its resend corrupted, with edits between: still landed once",
          "[fault]") {
  FaultRig rig;
  rig.Edit();
  rig.tablet.SyncOk();
  const int64_t body = rig.Last("POST /v1/push").request_content_length;
  const uint64_t first_seq =
      std::stoull(rig.tablet.store().GetSyncValue(sc::kKeyBatchSeq).value());

  rig.Edit();
  rig.proxy->Enqueue(FaultRule::On("POST /v1/push").DropResponseAfter(0));
  CHECK(rig.tablet.Sync().push_status.code() == Code::kUnavailable);  // applied, answer lost
  rig.Edit();  // among others, two fields of the household the lost batch created
  rig.proxy->Enqueue(
      FaultRule::On("POST /v1/push").CorruptRequestAt(static_cast<uint64_t>(body) / 2).InBody());
  auto corrupted = rig.tablet.Sync();  // the byte-identical resend, damaged on the way
  CHECK_THAT(corrupted.push_status.message(), Contains("POST /v1/push: HTTP 400"));
  CHECK(corrupted.push_status.code() == Code::kCorruption);

  // The batch stays in flight: the next sync resends it as it is and the server replays its
  // recorded answer, so the tablet learns the versions before the new edits go out on top of
  // them. (Rebuilding it from the outbox would meet the batch number already used, 409, and send
  // the new edits on stale base versions: conflicts of the tablet with itself.)
  CHECK(std::stoull(rig.tablet.store().GetSyncValue(sc::kKeyInflight).value()) == first_seq);
  auto next = rig.tablet.SyncOk();
  CHECK(next.batches_replayed == 1);
  CHECK(next.batches_sent == 2);
  CHECK(next.conflicts == 0);
  CHECK(next.duplicates == 0);
  rig.CheckLandedOnce();
}

}  // namespace
}  // namespace doorstep::testing::fault
