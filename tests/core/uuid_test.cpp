// Record ids: version 7 (time-ordered) for new records, parse and print round trips.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

TEST_CASE("time-ordered ids carry their millisecond, version 7 and variant 1", "[core][uuid]") {
  SeededRandom random;
  const int64_t ms = 1795399200123;  // 2026-11-23 (0x01a2 0x0f0c 0x5a7b)
  const Uuid u = Uuid::GenerateTimeOrdered(ms, random).value();
  int64_t read = 0;
  for (int i = 0; i < 6; ++i) read = (read << 8) | u.bytes[static_cast<size_t>(i)];
  CHECK(read == ms);
  CHECK((u.bytes[6] >> 4) == 7);
  CHECK((u.bytes[8] >> 6) == 2);
  const std::string text = u.ToString();
  CHECK(text[14] == '7');
  auto parsed = Uuid::Parse(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed == u);
  // Same millisecond: the random tail still makes them distinct.
  CHECK(Uuid::GenerateTimeOrdered(ms, random).value() != u);
  // Before 1970 is clamped to 0 rather than wrapping to the far future.
  const Uuid early = Uuid::GenerateTimeOrdered(-5, random).value();
  CHECK(std::all_of(early.bytes.begin(), early.bytes.begin() + 6, [](uint8_t b) { return b == 0; }));
}

TEST_CASE("records created one after another get ids in creation order", "[core][uuid]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm()).ok());
  std::vector<RecordId> ids;
  for (int i = 0; i < 20; ++i) {
    fx.clock.now_ms += 1000;
    auto id = store->CreateRecord(HouseholdForm().form_id());
    REQUIRE(id.ok());
    CHECK((id->bytes[6] >> 4) == 7);
    ids.push_back(*id);
  }
  CHECK(std::is_sorted(ids.begin(), ids.end()));
}

namespace {

// A host with no source of randomness: every Fill fails.
class FailingRandom final : public Random {
 public:
  Status Fill(uint8_t*, size_t) override { return Status(Code::kUnavailable, "no entropy"); }
};

}  // namespace

TEST_CASE("a failing random source is reported as a Status, not thrown", "[core][uuid]") {
  FailingRandom broken;
  CHECK(Uuid::Generate(broken).status().code() == Code::kUnavailable);
  CHECK(Uuid::GenerateTimeOrdered(1, broken).status().code() == Code::kUnavailable);
  // Through the store: creating a record (a new id) and adding a member (a new instance id) fail
  // cleanly and leave nothing behind.
  StoreFixture fx;
  StoreOptions o = fx.Options();
  o.random = &broken;
  auto store = Store::Open(o);
  REQUIRE(store.ok());
  REQUIRE((*store)->SetAuthor({"s1", "d1"}).ok());
  REQUIRE((*store)->InstallForm(HouseholdForm()).ok());
  auto rec = (*store)->CreateRecord("household");
  CHECK(rec.status().code() == Code::kUnavailable);
  CHECK((*store)->ListRecords()->empty());
}
