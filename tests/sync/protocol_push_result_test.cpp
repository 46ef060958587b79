// Push answers in short form: CompactPushResult / ExpandPushResult (push_result.h).
#include <catch2/catch.hpp>
#include <cstdint>

#include "doorstep/sync/push_result.h"

namespace doorstep::testing {
namespace {

using sync::CompactPushResult;
using sync::ExpandPushResult;

v1::ChangeResult Accepted(uint32_t index, int64_t version) {
  v1::ChangeResult r;
  r.set_index(index);
  r.set_outcome(v1::ChangeResult::ACCEPTED);
  r.set_version(version);
  return r;
}

TEST_CASE("push answers compact into accepted runs and expand back exactly", "[sync][protocol]") {
  v1::PushResult full;
  full.set_batch_seq(4);
  for (uint32_t i = 0; i < 5; ++i) *full.add_results() = Accepted(i, 100 + i);  // one run
  v1::ChangeResult conflict;
  conflict.set_index(5);
  conflict.set_outcome(v1::ChangeResult::CONFLICT);
  conflict.set_version(105);
  conflict.set_conflict_id(9);
  conflict.set_winner_hlc(77);
  *full.add_results() = conflict;
  for (uint32_t i = 6; i < 9; ++i) *full.add_results() = Accepted(i, 106 + i);  // versions jump
  *full.add_results() = Accepted(9, 200);  // another jump: a run of its own

  v1::PushResult compact = full;
  CompactPushResult(&compact);
  REQUIRE(compact.accepted_size() == 3);
  CHECK(compact.accepted(0).first_index() == 0);
  CHECK(compact.accepted(0).count() == 5);
  CHECK(compact.accepted(0).first_version() == 100);
  CHECK(compact.accepted(1).first_index() == 6);
  CHECK(compact.accepted(1).count() == 3);
  CHECK(compact.accepted(1).first_version() == 112);
  CHECK(compact.accepted(2).count() == 1);
  REQUIRE(compact.results_size() == 1);  // only the conflict is spelled out
  CHECK(compact.results(0).conflict_id() == 9);
  CHECK(compact.ByteSizeLong() < full.ByteSizeLong());

  // A batch of 1,000 accepted changes answers in one run of a few bytes.
  v1::PushResult big;
  for (uint32_t i = 0; i < 1000; ++i) *big.add_results() = Accepted(i, 5000 + i);
  const size_t big_full = big.ByteSizeLong();
  CompactPushResult(&big);
  CHECK(big.accepted_size() == 1);
  CHECK(big.ByteSizeLong() < 16);
  CHECK(big_full > 8000);

  v1::PushResult back = compact;
  REQUIRE(ExpandPushResult(&back, 10).ok());
  CHECK(back.accepted_size() == 0);
  CHECK(back.SerializeAsString() == full.SerializeAsString());
}

TEST_CASE("an expanded push answer must name each change of the batch once", "[sync][protocol]") {
  v1::PushResult r;
  auto* run = r.add_accepted();
  run->set_first_index(2);
  run->set_count(3);
  run->set_first_version(10);

  SECTION("past the batch") {
    Status s = ExpandPushResult(&r, 4);
    CHECK(s.code() == Code::kCorruption);
    CHECK(s.where() == "accepted[0]");
    CHECK_THAT(s.message(), Catch::Contains("change 4 of a batch of 4"));
  }
  SECTION("twice") {
    *r.add_results() = Accepted(3, 50);
    Status s = ExpandPushResult(&r, 10);
    CHECK(s.code() == Code::kCorruption);
    CHECK_THAT(s.message(), Catch::Contains("change 3 twice"));
  }
  SECTION("an empty run") {
    r.mutable_accepted(0)->set_count(0);
    Status s = ExpandPushResult(&r, 10);
    CHECK(s.code() == Code::kCorruption);
    CHECK_THAT(s.message(), Catch::Contains("empty accepted run"));
  }
  SECTION("versions out of range") {
    r.mutable_accepted(0)->set_first_version(INT64_MAX - 1);  // the third would overflow
    Status s = ExpandPushResult(&r, 10);
    CHECK(s.code() == Code::kCorruption);
    CHECK(s.where() == "accepted[0]");
    CHECK_THAT(s.message(), Catch::Contains("versions out of range"));
    r.mutable_accepted(0)->set_first_version(0);
    CHECK(ExpandPushResult(&r, 10).code() == Code::kCorruption);
  }
  SECTION("an accepted change without a version (found by fuzz_push_answer)") {
    *r.add_results() = Accepted(0, 0);
    Status s = ExpandPushResult(&r, 10);
    CHECK(s.code() == Code::kCorruption);
    CHECK(s.where() == "results[0].version");
  }
  SECTION("in range") {
    REQUIRE(ExpandPushResult(&r, 5).ok());
    REQUIRE(r.results_size() == 3);
    CHECK(r.results(2).index() == 4);
    CHECK(r.results(2).version() == 12);
  }
}

}  // namespace
}  // namespace doorstep::testing
