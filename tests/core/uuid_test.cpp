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
  const Uuid u = Uuid::GenerateTimeOrdered(ms, random);
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
  CHECK(Uuid::GenerateTimeOrdered(ms, random) != u);
  // Before 1970 is clamped to 0 rather than wrapping to the far future.
  const Uuid early = Uuid::GenerateTimeOrdered(-5, random);
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
