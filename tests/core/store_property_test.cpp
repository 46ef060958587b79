// Property test: 1,000 random records, valid and invalid edits mixed, with random finalize,
// reopen, delete and migration calls, never corrupt the store (PRAGMA integrity_check) and every
// refused batch leaves the record exactly as it was.
#include <catch2/catch.hpp>

#include "household_sample.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

v1::Value RandomValue(std::mt19937_64& rng) {
  switch (rng() % 7) {
    case 0: return Text(std::string(rng() % 30, static_cast<char>('a' + rng() % 26)));
    case 1: return Int(static_cast<int64_t>(rng() % 200) - 50);
    case 2: return Dec(static_cast<double>(rng() % 100000) / 7.0 - 1000);
    case 3: return Day(1900 + static_cast<int>(rng() % 150), 1 + static_cast<int>(rng() % 12), 1);
    case 4: return One(rng() % 2 ? "yes" : "maybe");
    case 5: return Many({"illness", "lack_land"});
    default: return Geo(static_cast<double>(rng() % 200) - 100, 107.8);
  }
}

const char* const kPaths[] = {"head_name", "phone", "wage_income", "visit_date", "main_cause",
                              "other_causes", "gps", "housing_danger", "household_size",
                              "no_such_field", "m_name", "food_clothing_ok", "housing_area"};

}  // namespace

TEST_CASE("1,000 random valid and invalid records never corrupt the store",
          "[core][property]") {
  const uint64_t seed = 20261123;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm("2024.1")).ok());
  REQUIRE(store->InstallForm(HouseholdForm("2025.1")).ok());
  int finalized = 0, refused = 0, accepted = 0;
  for (int i = 0; i < 1000; ++i) {
    INFO("record " << i);
    bool valid = rng() % 2 == 0;
    auto edits = testdata::HouseholdEdits(rng, {1 + static_cast<int>(rng() % 4), valid});
    if (!valid) {
      // Corrupt one edit with a random path/value mix.
      size_t k = rng() % edits.size();
      if (edits[k].op == Edit::Op::kSet) {
        edits[k].path = kPaths[rng() % std::size(kPaths)];
        edits[k].value = RandomValue(rng);
      }
    }
    auto id = store->CreateRecord("household", "2024.1", edits, valid && rng() % 2 == 0);
    if (!id.ok()) {
      ++refused;
      continue;
    }
    ++accepted;
    // Then a few random batches on the record.
    for (int b = 0; b < 3; ++b) {
      auto before = store->GetRecord(id.value()).value();
      std::vector<Edit> batch;
      for (int j = 0; j < 3; ++j) {
        batch.push_back(Edit::Set(kPaths[rng() % std::size(kPaths)], RandomValue(rng)));
      }
      auto r = store->Apply(id.value(), batch);
      if (!r.ok()) {
        auto after = store->GetRecord(id.value()).value();
        REQUIRE(after.values.size() == before.values.size());
        for (size_t v = 0; v < after.values.size(); ++v) {
          REQUIRE(after.values[v].path == before.values[v].path);
          REQUIRE(after.values[v].value.SerializeAsString() ==
                  before.values[v].value.SerializeAsString());
        }
      }
    }
    switch (rng() % 5) {
      case 0: {
        auto rep = store->Finalize(id.value());
        if (rep.ok() && rep->ok()) ++finalized;
        break;
      }
      case 1: REQUIRE(store->DeleteRecord(id.value()).ok()); break;
      case 2: (void)store->MigrateRecord(id.value(), "2025.1"); break;
      default: break;
    }
    if (i % 250 == 249) {
      REQUIRE(store->IntegrityCheck().value() == "ok");
      store.reset();
      store = fx.Open();
    }
  }
  INFO("accepted " << accepted << " refused " << refused << " finalized " << finalized);
  CHECK(store->IntegrityCheck().value() == "ok");
  CHECK(accepted > 300);
  CHECK(refused > 100);
  CHECK(finalized > 20);
}
