// The tablet store's side of sync, driven with hand-made server answers (the HTTP round trip is
// tested in tests/sync): what is pushable, acknowledgements, adopting a conflict winner, pulled
// pages applied atomically with the cursor, and the synced state behind checksums.
#include <catch2/catch.hpp>
#include <map>

#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

std::vector<PushAck> AckAll(const std::vector<OutboxEntry>& pushed, int64_t first_version) {
  std::vector<PushAck> acks;
  int64_t v = first_version;
  for (const auto& e : pushed) {
    PushAck a;
    a.record_id = e.record_id;
    a.path = e.path;
    a.pushed_hlc = e.hlc;
    a.version = v++;
    acks.push_back(a);
  }
  return acks;
}

struct SyncFixture {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  SyncFixture() { REQUIRE(store->InstallForm(HouseholdForm()).ok()); }
};

}  // namespace

TEST_CASE("records wait in the outbox until their village is known", "[core][sync]") {
  SyncFixture s;
  auto id = s.store->CreateRecord("household").value();
  REQUIRE(s.store->SetValue(id, "head_name", Text("王秀英")).ok());
  CHECK(s.store->PushableChanges()->empty());
  CHECK(s.store->OutboxSize().value() == 3);
  REQUIRE(s.store->SetValue(id, "village", Text("坪新冲村")).ok());
  auto pushable = s.store->PushableChanges().value();
  REQUIRE(pushable.size() == 4);
  for (const auto& e : pushable) CHECK(e.scope == "坪新冲村");
  CHECK(pushable.front().path == "@form");  // oldest first: the record's form travels first
}

TEST_CASE("pushable changes are counted by village without reading them", "[core][sync]") {
  SyncFixture s;
  CHECK(s.store->PushableCountByScope()->empty());
  auto a = s.store->CreateRecord("household").value();
  REQUIRE(s.store->Apply(a, {Edit::Set("village", Text("坪新冲村")),
                             Edit::Set("head_name", Text("王秀英"))})
              .ok());
  auto b = s.store->CreateRecord("household").value();
  REQUIRE(s.store->Apply(b, {Edit::Set("village", Text("大坪村")),
                             Edit::Set("head_name", Text("李明")), Edit::Set("wage_income", Dec(1000))})
              .ok());
  auto waiting = s.store->CreateRecord("household").value();  // no village yet: not pushable
  REQUIRE(s.store->SetValue(waiting, "head_name", Text("张三")).ok());
  // The same numbers as PushableChanges grouped by scope.
  std::map<std::string, size_t> expected;
  for (const auto& e : s.store->PushableChanges().value()) ++expected[e.scope];
  auto counts = s.store->PushableCountByScope().value();
  CHECK(counts == expected);
  REQUIRE(counts.size() == 2);
  CHECK(counts["坪新冲村"] > 0);
  CHECK(counts["大坪村"] == counts["坪新冲村"] + 1);
  // Once its village is known, the waiting record counts; acknowledged changes stop counting.
  REQUIRE(s.store->SetValue(waiting, "village", Text("坪新冲村")).ok());
  counts = s.store->PushableCountByScope().value();
  expected.clear();
  for (const auto& e : s.store->PushableChanges().value()) ++expected[e.scope];
  CHECK(counts == expected);
  REQUIRE(s.store->AcknowledgePush(AckAll(s.store->PushableChanges().value(), 1), 2).ok());
  CHECK(s.store->PushableCountByScope()->empty());
}

TEST_CASE("acknowledged changes leave the outbox, an edit made during the push stays",
          "[core][sync]") {
  SyncFixture s;
  auto id = s.store->CreateRecord("household").value();
  REQUIRE(s.store->Apply(id, {Edit::Set("village", Text("坪新冲村")),
                              Edit::Set("head_name", Text("王秀英"))})
              .ok());
  auto pushed = s.store->PushableChanges().value();
  // The surveyor edits head_name while the push is in flight.
  s.fx.clock.now_ms += 1000;
  REQUIRE(s.store->SetValue(id, "head_name", Text("王秀云")).ok());
  REQUIRE(s.store->AcknowledgePush(AckAll(pushed, 10), 2).ok());
  auto left = s.store->PushableChanges().value();
  REQUIRE(left.size() == 1);
  CHECK(left[0].path == "head_name");
  CHECK(left[0].value->text() == "王秀云");
  // Its base is the version the server gave to the pushed value: not a conflict with itself.
  int64_t head_version = 0;
  for (size_t i = 0; i < pushed.size(); ++i) {
    if (pushed[i].path == "head_name") head_version = 10 + static_cast<int64_t>(i);
  }
  CHECK(left[0].base_version == head_version);
  CHECK(s.store->GetSyncValue("batch_seq").value() == "2");
  // Acknowledging the same answer again (a replayed answer) changes nothing.
  REQUIRE(s.store->AcknowledgePush(AckAll(pushed, 10), 2).ok());
  CHECK(s.store->PushableChanges()->size() == 1);
  REQUIRE(s.store->AcknowledgePush(AckAll(left, 20), 3).ok());
  CHECK(s.store->OutboxSize().value() == 0);
}

TEST_CASE("a lost conflict adopts the winner and keeps the local value in the audit trail",
          "[core][sync]") {
  SyncFixture s;
  auto id = s.store->CreateRecord("household").value();
  REQUIRE(s.store->Apply(id, {Edit::Set("village", Text("坪新冲村")), Edit::Set("wage_income", Dec(1000)),
                              Edit::Set("production_income", Dec(0)), Edit::Set("transfer_income", Dec(0)),
                              Edit::Set("production_costs", Dec(0))})
              .ok());
  REQUIRE(s.store->AddInstance(id, "members").ok());
  CHECK(s.store->GetRecord(id)->Get("per_capita_income")->decimal() == 1000);
  auto pushed = s.store->PushableChanges().value();
  auto acks = AckAll(pushed, 1);
  for (auto& a : acks) {
    if (a.path == "wage_income") {
      a.adopt = true;
      a.value = Dec(3000);
      a.value_hlc = a.pushed_hlc + 5;
      a.value_author = {"s9", "tablet-9"};
    }
  }
  REQUIRE(s.store->AcknowledgePush(acks, 2).ok());
  auto rec = s.store->GetRecord(id).value();
  CHECK(rec.Get("wage_income")->decimal() == 3000);
  CHECK(rec.Get("per_capita_income")->decimal() == 3000);  // derived values follow
  CHECK(s.store->OutboxSize().value() == 0);
  bool local_kept = false;
  for (const auto& a : s.store->AuditTrail(id).value()) {
    if (a.path == "wage_income" && a.old_value && a.old_value->decimal() == 1000 &&
        a.new_value && a.new_value->decimal() == 3000 && a.author.device_id == "tablet-9") {
      local_kept = true;
    }
  }
  CHECK(local_kept);
}

TEST_CASE("a pulled page creates records, keeps pending local edits and moves the cursor",
          "[core][sync]") {
  SyncFixture s;
  RecordId remote = Uuid::Generate(s.fx.random).value();
  auto local = s.store->CreateRecord("household").value();
  REQUIRE(s.store->Apply(local, {Edit::Set("village", Text("坪新冲村")),
                                 Edit::Set("head_name", Text("本机"))})
              .ok());
  // A page from the server: a new record from another tablet and an edit of our record's
  // head_name (we have a pending edit of it) and of its phone (we do not).
  Author other{"s2", "tablet-2"};
  HlcTimestamp t = MakeHlc(s.fx.clock.now_ms + 5000, 0);
  std::vector<RemoteRecord> records{{remote, "household", "2024.1"}, {local, "household", "2024.1"}};
  std::vector<RemoteChange> changes{
      {remote, "@form", Text("household@2024.1"), 1, t, other},
      {remote, "@state", Text("draft"), 2, t, other},
      {remote, "village", Text("坪新冲村"), 3, t, other},
      {remote, "head_name", Text("远程"), 4, t, other},
      {local, "head_name", Text("别人改的"), 5, t, other},
      {local, "phone", Text("15712345678"), 6, t, other},
  };
  auto stats = s.store->ApplyPulled(records, changes, 6);
  INFO(stats.status().ToString());
  REQUIRE(stats.ok());
  CHECK(stats->records_created == 1);
  CHECK(stats->kept_local == 1);
  CHECK(stats->applied == 5);
  CHECK(s.store->GetSyncValue("cursor").value() == "6");
  CHECK(s.store->GetRecord(remote)->Get("head_name")->text() == "远程");
  CHECK(s.store->GetRecord(local)->Get("head_name")->text() == "本机");
  CHECK(s.store->GetRecord(local)->Get("phone")->text() == "15712345678");
  // Pulled values are not pending: nothing new to push for the remote record.
  for (const auto& e : s.store->PushableChanges().value()) CHECK(e.record_id == local);
  CHECK(s.store->ListRecords()->size() == 2);
  // Local writes order after the remote clock (HLC observed).
  REQUIRE(s.store->SetValue(remote, "phone", Text("13800000000")).ok());
  CHECK(s.store->GetRecord(remote)->Get("phone") != nullptr);
  bool after = false;
  for (const auto& e : s.store->PushableChanges().value()) {
    if (e.record_id == remote) after = e.hlc > t;
  }
  CHECK(after);
}

TEST_CASE("a page for a form this device does not have changes nothing", "[core][sync]") {
  SyncFixture s;
  RecordId remote = Uuid::Generate(s.fx.random).value();
  std::vector<RemoteRecord> records{{remote, "household", "2099.1"}};
  std::vector<RemoteChange> changes{
      {remote, "@form", Text("household@2099.1"), 1, 1, {"s2", "t2"}}};
  auto r = s.store->ApplyPulled(records, changes, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kFailedPrecondition);
  CHECK(s.store->GetSyncValue("cursor").value().empty());
  CHECK(s.store->ListRecords()->empty());
}

TEST_CASE("synced fields exclude calculations, a deletion carries the record's latest version",
          "[core][sync]") {
  SyncFixture s;
  auto id = s.store->CreateRecord("household").value();
  REQUIRE(s.store->Apply(id, {Edit::Set("village", Text("坪新冲村")), Edit::AddInstance("members")}).ok());
  REQUIRE(s.store->AcknowledgePush(AckAll(s.store->PushableChanges().value(), 40), 2).ok());
  std::vector<std::string> paths;
  REQUIRE(s.store->ForEachSyncedField({"坪新冲村"}, [&](const SyncedField& f) {
    CHECK(f.scope == "坪新冲村");
    paths.push_back(f.path);
  }).ok());
  CHECK(std::find(paths.begin(), paths.end(), "household_size") == paths.end());
  CHECK(std::find(paths.begin(), paths.end(), "village") != paths.end());
  size_t other = 0;
  REQUIRE(s.store->ForEachSyncedField({"别的村"}, [&](const SyncedField&) { ++other; }).ok());
  CHECK(other == 0);
  REQUIRE(s.store->DeleteRecord(id).ok());
  auto del = s.store->PushableChanges().value();
  REQUIRE(del.size() == 1);
  CHECK(del[0].path == "@deleted");
  CHECK(del[0].base_version == 43);
}
