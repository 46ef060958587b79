// The sync client against the real server over HTTP on 127.0.0.1 (libcurl, SQLite files on both
// sides): enrollment, push/pull round trips, idempotent retries after a lost answer, scope,
// progress and cancel, and downloads that do not wait for uploads.
#include <catch2/catch.hpp>
#include <random>

#include "client_harness.h"
#include "doorstep/sync/wire.h"
#include "household_sample.h"

namespace doorstep::testing {
namespace {

struct TwoTablets {
  TempDir dir;
  TestServer server{dir.path().string()};
  Tablet a;
  Tablet b;
  explicit TwoTablets(Tablet::Options ao = {}, Tablet::Options bo = {})
      : a(dir.path().string(), "TAB-A", ao), b(dir.path().string(), "TAB-B", bo) {
    a.Enroll(server.url(), server.Token({kVillage}));
    b.Enroll(server.url(), server.Token({kVillage}));
  }
};

TEST_CASE("enrollment stores the device and installs the server's forms", "[sync][client]") {
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet t(dir.path().string(), "TAB-1");
  auto e = t.Enroll(server.url() + "/", server.Token({kVillage, kOtherVillage}));
  CHECK(e.server == server.url());
  CHECK_FALSE(e.device_id.empty());
  CHECK(e.villages == std::vector<std::string>{kVillage, kOtherVillage});
  CHECK_FALSE(e.reviewer);
  CHECK(e.forms_installed == 1);
  auto forms = t.store().ListForms();
  REQUIRE(forms.ok());
  REQUIRE(forms->size() == 1);
  CHECK(forms->front().version == "2024.1");
  auto stored = sc::ReadEnrollment(t.store());
  REQUIRE(stored.ok());
  CHECK(stored->device_id == e.device_id);
  CHECK(t.store().GetSyncValue(sc::kKeyCredential).value().size() >= 16);

  // A fresh sync of an empty store is complete and matches.
  auto r = t.SyncOk();
  CHECK(r.changes_pushed == 0);
  CHECK(r.checksums.size() == 2);
}

TEST_CASE("enrollment refusals name the endpoint and the reason", "[sync][client]") {
  TempDir dir;
  TestServer server(dir.path().string());
  Tablet t(dir.path().string(), "TAB-1");

  SECTION("unknown token") {
    auto e = t.client().Enroll(server.url(), "not-a-token", "TAB-1");
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.status().message(), Catch::Contains("POST /v1/enroll"));
    CHECK_THAT(e.status().message(), Catch::Contains("HTTP 40"));
    CHECK_FALSE(sc::ReadEnrollment(t.store()).ok());
  }
  SECTION("a token is used once") {
    const std::string token = server.Token({kVillage});
    t.Enroll(server.url(), token);
    Tablet other(dir.path().string(), "TAB-2");
    auto e = other.client().Enroll(server.url(), token, "TAB-2");
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.status().message(), Catch::Contains("/v1/enroll"));
  }
  SECTION("a store syncs with one server") {
    t.Enroll(server.url(), server.Token({kVillage}));
    auto e = t.client().Enroll("http://127.0.0.1:1", "x", "TAB-1");
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == Code::kFailedPrecondition);
  }
  SECTION("no server listening") {
    auto e = t.client().Enroll("http://127.0.0.1:1", "token", "TAB-1");
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == Code::kUnavailable);
    CHECK_THAT(e.status().message(), Catch::Contains("POST /v1/enroll to http://127.0.0.1:1"));
  }
  SECTION("a store that is not enrolled does not sync") {
    auto r = t.Sync();
    CHECK(r.status.code() == Code::kFailedPrecondition);
  }
  SECTION("a credential the server does not know stops the whole sync") {
    t.Enroll(server.url(), server.Token({kVillage}));
    REQUIRE(t.store().SetSyncValue(sc::kKeyCredential, "forged-credential-0000").ok());
    auto r = t.Sync();
    CHECK_FALSE(r.status.ok());
    CHECK_THAT(r.status.message(), Catch::Contains("HTTP 401"));
    CHECK(r.pull_skipped);
    CHECK_FALSE(r.checksums_verified);
  }
}

TEST_CASE("push and pull carry households between two tablets", "[sync][client]") {
  Tablet::Options keep_alive;  // A keeps its connection open between requests
  keep_alive.reuse_connection = true;
  TwoTablets t(keep_alive);
  std::mt19937_64 rng(7);
  std::vector<RecordId> ids;
  for (int i = 0; i < 3; ++i) {
    auto id = t.a.store().CreateRecord("household", "", testdata::HouseholdEdits(rng));
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  const size_t pending = t.a.Pending();
  REQUIRE(pending > 100);

  auto ra = t.a.SyncOk();
  CHECK(ra.changes_pushed == pending);
  CHECK(ra.accepted == pending);
  CHECK(ra.conflicts == 0);
  CHECK(ra.still_pending == 0);
  CHECK(ra.bytes_sent > 0);
  CHECK(t.a.Pending() == 0);

  auto rb = t.b.SyncOk();
  CHECK(rb.records_created == 3);
  CHECK(rb.changes_pulled == pending);
  for (const auto& id : ids) {
    auto ra_rec = t.a.store().GetRecord(id);
    auto rb_rec = t.b.store().GetRecord(id);
    REQUIRE(rb_rec.ok());
    REQUIRE(ra_rec->values.size() == rb_rec->values.size());
    for (size_t i = 0; i < ra_rec->values.size(); ++i) {
      CHECK(ra_rec->values[i].path == rb_rec->values[i].path);
      CHECK(ra_rec->values[i].value.SerializeAsString() ==
            rb_rec->values[i].value.SerializeAsString());
    }
  }
  CHECK(t.a.Checksum(kVillage) == t.server.Checksum(kVillage));
  CHECK(t.b.Checksum(kVillage) == t.server.Checksum(kVillage));

  // B corrects a value and adds a member; A receives both.
  REQUIRE(t.b.store().SetValue(ids[0], "phone", Text("13800000000")).ok());
  auto member = t.b.store().AddInstance(ids[0], "members");
  REQUIRE(member.ok());
  t.b.SyncOk();
  auto again = t.a.SyncOk();
  CHECK(again.values_applied >= 2);
  CHECK(TextOf(t.a.store(), ids[0], "phone") == "13800000000");
  auto instances = t.a.store().Instances(ids[0], "members");
  REQUIRE(instances.ok());
  CHECK(std::find(instances->begin(), instances->end(), *member) != instances->end());
}

TEST_CASE("a push whose answer is lost is replayed, never applied twice", "[sync][client]") {
  Tablet::Options cut;
  cut.cut_link = true;

  SECTION("retried within the sync: the retry gets the recorded answer") {
    cut.retry_attempts = 3;
    TwoTablets t(cut);
    int pushes = 0;
    t.a.link().plan = [&](const sc::HttpRequest& r) {
      return IsPush(r) && pushes++ == 0 ? CutLink::Cut::kAfterAnswer : CutLink::Cut::kNone;
    };
    auto id = t.a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
    REQUIRE(id.ok());
    const size_t pending = t.a.Pending();
    auto r = t.a.SyncOk();
    CHECK(t.a.link().cuts == 1);
    CHECK(r.batches_sent == 1);
    CHECK(r.batches_replayed == 1);
    CHECK(r.changes_pushed == pending);
    CHECK(r.accepted == pending);  // the recorded answer
    CHECK(r.conflicts == 0);
    CHECK(t.server.Conflicts().empty());
    t.b.SyncOk();
    CHECK(TextOf(t.b.store(), *id, "head_name") == "王秀英");
  }

  SECTION("the next sync resends the same batch even after new edits") {
    TwoTablets t(cut);
    bool cut_once = true;
    t.a.link().plan = [&](const sc::HttpRequest& r) {
      if (IsPush(r) && cut_once) {
        cut_once = false;
        return CutLink::Cut::kAfterAnswer;
      }
      return CutLink::Cut::kNone;
    };
    auto id = t.a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
    REQUIRE(id.ok());
    auto first = t.a.Sync();
    CHECK(first.push_status.code() == Code::kUnavailable);
    CHECK(first.pull_status.ok());  // the pull still ran
    CHECK_FALSE(t.a.store().GetSyncValue(sc::kKeyInflight).value().empty());
    CHECK(t.a.Pending() > 0);

    // Edited again before the next sync: the lost batch goes first, byte-identical.
    REQUIRE(t.a.store().SetValue(*id, "head_name", Text("王秀兰")).ok());
    REQUIRE(t.a.store().SetValue(*id, "phone", Text("13900000000")).ok());
    auto second = t.a.SyncOk();
    CHECK(second.batches_replayed == 1);
    CHECK(second.batches_sent == 2);
    CHECK(second.conflicts == 0);
    CHECK(second.still_pending == 0);
    CHECK(t.a.store().GetSyncValue(sc::kKeyInflight).value().empty());
    CHECK(t.server.Conflicts().empty());
    t.b.SyncOk();
    CHECK(TextOf(t.b.store(), *id, "head_name") == "王秀兰");
    CHECK(TextOf(t.b.store(), *id, "phone") == "13900000000");
  }

  SECTION("a request cut before it left is simply sent again") {
    TwoTablets t(cut);
    bool cut_once = true;
    t.a.link().plan = [&](const sc::HttpRequest& r) {
      if (IsPush(r) && cut_once) {
        cut_once = false;
        return CutLink::Cut::kBeforeRequest;
      }
      return CutLink::Cut::kNone;
    };
    REQUIRE(t.a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英")).ok());
    CHECK_FALSE(t.a.Sync().push_status.ok());
    auto second = t.a.SyncOk();
    CHECK(second.batches_replayed == 0);
    CHECK(second.still_pending == 0);
  }
}

TEST_CASE("records of other villages stay pending and are reported", "[sync][client]") {
  TwoTablets t;
  auto mine = t.a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
  auto other = t.a.store().CreateRecord("household", "", SmallHousehold(kOtherVillage, "李明"));
  auto unknown = t.a.store().CreateRecord("household", "", {Edit::Set("head_name", Text("张三"))});
  REQUIRE((mine.ok() && other.ok() && unknown.ok()));
  auto r = t.a.SyncOk();
  REQUIRE(r.out_of_scope.size() == 1);
  CHECK(r.out_of_scope[0].record_id == *other);
  CHECK(r.out_of_scope[0].scope == kOtherVillage);
  CHECK(r.out_of_scope[0].changes > 0);
  CHECK(r.still_pending > r.out_of_scope[0].changes);  // + the record without a village
  auto rb = t.b.SyncOk();
  CHECK(rb.records_created == 1);
  CHECK_FALSE(t.b.store().GetRecord(*other).ok());

  // The server refuses a batch touching another village as a whole (403), and applies nothing.
  auto outbox = t.a.store().PushableChanges();
  REQUIRE(outbox.ok());
  auto batches =
      sync::BuildBatches(*outbox, t.a.store().GetSyncValue(sc::kKeyDeviceId).value(),
                         std::stoull(t.a.store().GetSyncValue(sc::kKeyBatchSeq).value()));
  REQUIRE(batches.size() == 1);
  auto body = sync::EncodeBody(batches[0], sync::Encoding::kGzip);
  REQUIRE(body.ok());
  sc::CurlTransport curl(TestCurlOptions());
  auto answer = curl.Post(
      t.server.url() + "/v1/push",
      {{"Content-Type", "application/x-protobuf"},
       {"Content-Encoding", "gzip"},
       {"Authorization", "Bearer " + t.a.store().GetSyncValue(sc::kKeyCredential).value()}},
      *body);
  REQUIRE(answer.ok());
  CHECK(answer->status == 403);
  CHECK(t.server.Checksum(kOtherVillage).second == 0);
}

TEST_CASE("a tablet whose uploads fail still downloads", "[sync][client]") {
  Tablet::Options cut;
  cut.cut_link = true;
  TwoTablets t(cut);
  auto from_b = t.b.store().CreateRecord("household", "", SmallHousehold(kVillage, "陈平丽"));
  REQUIRE(from_b.ok());
  t.b.SyncOk();

  t.a.link().plan = [](const sc::HttpRequest& r) {
    return IsPush(r) ? CutLink::Cut::kBeforeRequest : CutLink::Cut::kNone;
  };
  auto from_a = t.a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
  REQUIRE(from_a.ok());
  auto r = t.a.Sync();
  CHECK(r.push_status.code() == Code::kUnavailable);
  CHECK_THAT(r.push_status.message(), Catch::Contains("POST /v1/push"));
  CHECK(r.pull_status.ok());
  CHECK_FALSE(r.pull_skipped);
  CHECK(r.records_created == 1);
  CHECK_FALSE(r.checksums_verified);  // not a complete sync
  CHECK(TextOf(t.a.store(), *from_b, "head_name") == "陈平丽");
  CHECK(t.a.Pending() > 0);

  t.a.link().plan = nullptr;
  t.a.SyncOk();
  t.b.SyncOk();
  CHECK(TextOf(t.b.store(), *from_a, "head_name") == "王秀英");
}

TEST_CASE("progress reports phases, changes and bytes both ways, cancel stops cleanly",
          "[sync][client]") {
  TwoTablets t;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 4; ++i) {
    REQUIRE(t.a.store().CreateRecord("household", "", testdata::HouseholdEdits(rng)).ok());
  }
  const size_t pending = t.a.Pending();
  sc::SyncOptions small;
  small.batch_bytes = 4 << 10;  // many batches

  SECTION("progress") {
    std::vector<sc::SyncProgress> seen;
    auto r = t.a.client().Sync(small, [&](const sc::SyncProgress& p) { seen.push_back(p); });
    REQUIRE(r.status.ok());
    CHECK(r.batches_sent > 3);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().phase == sc::SyncPhase::kDone);
    CHECK(seen.back().changes_to_push == pending);
    CHECK(seen.back().changes_pushed == pending);
    CHECK(seen.back().records_pushed == 4);
    CHECK(seen.back().bytes_sent == r.bytes_sent);
    CHECK(seen.back().bytes_received == r.bytes_received);
    CHECK(r.bytes_sent > 4000);
    bool push = false;
    bool pull = false;
    uint64_t last_sent = 0;
    for (const auto& p : seen) {
      push |= p.phase == sc::SyncPhase::kPush;
      pull |= p.phase == sc::SyncPhase::kPull;
      CHECK(p.bytes_sent >= last_sent);  // monotonic
      last_sent = p.bytes_sent;
    }
    CHECK((push && pull));

    std::vector<sc::SyncProgress> seen_b;
    auto rb = t.b.client().Sync({}, [&](const sc::SyncProgress& p) { seen_b.push_back(p); });
    REQUIRE(rb.status.ok());
    CHECK(seen_b.back().changes_pulled == pending);
    CHECK(seen_b.back().records_pulled == 4);
    CHECK(seen_b.back().bytes_received > 4000);
  }

  SECTION("cancel during the push") {
    std::atomic<bool> cancel{false};
    auto r = t.a.client().Sync(
        small,
        [&](const sc::SyncProgress& p) {
          if (p.phase == sc::SyncPhase::kPush && p.changes_pushed > 0) cancel = true;
        },
        &cancel);
    CHECK(r.status.code() == Code::kCancelled);
    CHECK(r.pull_skipped);
    CHECK(r.changes_pushed > 0);
    CHECK(r.changes_pushed < pending);
    CHECK(t.a.Pending() == pending - r.changes_pushed);
    auto rest = t.a.SyncOk();
    CHECK(rest.changes_pushed == pending - r.changes_pushed);
    t.b.SyncOk();
    CHECK(t.b.Checksum(kVillage) == t.a.Checksum(kVillage));
  }

  SECTION("cancel aborts a transfer in flight") {
    std::atomic<bool> cancel{false};
    sc::SyncOptions one_batch;
    auto r = t.a.client().Sync(
        one_batch,
        [&](const sc::SyncProgress& p) {
          if (p.phase == sc::SyncPhase::kPush && p.bytes_sent > 0) cancel = true;
        },
        &cancel);
    CHECK(r.status.code() == Code::kCancelled);
    t.a.SyncOk();
  }
}

}  // namespace
}  // namespace doorstep::testing
