// The merge rule, table-driven: every rule of merge.h, duplicates, and order independence.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "doorstep/core/values.h"
#include "doorstep/sync/merge.h"

namespace doorstep::sync {
namespace {

FieldState State(int64_t version, HlcTimestamp hlc, std::string device, const std::string& text) {
  FieldState s;
  s.version = version;
  s.hlc = hlc;
  s.device_id = std::move(device);
  s.value = values::Text(text);
  return s;
}

IncomingChange Change(int64_t base, HlcTimestamp hlc, std::string device, const std::string& text,
                      bool cleared = false) {
  IncomingChange c;
  c.base_version = base;
  c.hlc = hlc;
  c.device_id = std::move(device);
  c.cleared = cleared;
  if (!cleared) c.value = values::Text(text);
  return c;
}

const char* Name(MergeOutcome o) {
  switch (o) {
    case MergeOutcome::kAccept:
      return "accept";
    case MergeOutcome::kConflict:
      return "conflict";
    case MergeOutcome::kDuplicate:
      return "duplicate";
  }
  return "?";
}

struct Row {
  const char* rule;
  std::optional<FieldState> current;
  IncomingChange incoming;
  MergeOutcome outcome;
  bool incoming_wins;  // checked for kAccept (true) and kConflict
};

}  // namespace

TEST_CASE("the merge rule, case by case", "[sync][protocol]") {
  const HlcTimestamp t100 = MakeHlc(1795399200000, 0);
  const HlcTimestamp t101 = MakeHlc(1795399200000, 1);
  const HlcTimestamp t200 = MakeHlc(1795399300000, 0);
  const std::vector<Row> rows = {
      {"never written, never seen: accept", std::nullopt, Change(0, t100, "dev-a", "x"),
       MergeOutcome::kAccept, true},
      {"never written, but a base version is claimed: accept (nothing to conflict with)",
       std::nullopt, Change(7, t100, "dev-a", "x"), MergeOutcome::kAccept, true},
      {"never written, cleared: accept", std::nullopt, Change(0, t100, "dev-a", "", true),
       MergeOutcome::kAccept, true},
      {"made on the current version: accept", State(3, t100, "dev-a", "old"),
       Change(3, t200, "dev-b", "new"), MergeOutcome::kAccept, true},
      {"made on the current version with an older HLC: still accept (versions, not clocks)",
       State(3, t200, "dev-a", "old"), Change(3, t100, "dev-b", "new"), MergeOutcome::kAccept,
       true},
      {"made on the current version by the same device: accept", State(3, t100, "dev-a", "old"),
       Change(3, t101, "dev-a", "new"), MergeOutcome::kAccept, true},
      {"clear made on the current version: accept", State(3, t100, "dev-a", "old"),
       Change(3, t200, "dev-b", "", true), MergeOutcome::kAccept, true},
      {"stale base, newer HLC: conflict, incoming wins", State(4, t100, "dev-a", "a"),
       Change(3, t200, "dev-b", "b"), MergeOutcome::kConflict, true},
      {"stale base, older HLC: conflict, current stays", State(4, t200, "dev-a", "a"),
       Change(3, t100, "dev-b", "b"), MergeOutcome::kConflict, false},
      {"never seen (base 0) but written since: conflict", State(1, t100, "dev-a", "a"),
       Change(0, t200, "dev-b", "b"), MergeOutcome::kConflict, true},
      {"same HLC, higher device wins", State(4, t100, "dev-a", "a"), Change(3, t100, "dev-b", "b"),
       MergeOutcome::kConflict, true},
      {"same HLC, lower device loses", State(4, t100, "dev-b", "a"), Change(3, t100, "dev-a", "b"),
       MergeOutcome::kConflict, false},
      {"a base newer than the server ever issued: conflict", State(3, t100, "dev-a", "a"),
       Change(9, t200, "dev-b", "b"), MergeOutcome::kConflict, true},
      {"a stale clear with a newer HLC wins the conflict", State(5, t100, "dev-a", "a"),
       Change(2, t200, "dev-b", "", true), MergeOutcome::kConflict, true},
      {"the same device's own later edit on a stale base: conflict by HLC",
       State(5, t100, "dev-a", "a"), Change(4, t101, "dev-a", "b"), MergeOutcome::kConflict, true},
      {"retry of the applied change (same HLC and device, stale base): duplicate",
       State(5, t100, "dev-a", "x"), Change(4, t100, "dev-a", "x"), MergeOutcome::kDuplicate,
       false},
      {"retry with the current base: duplicate, not a second accept", State(5, t100, "dev-a", "x"),
       Change(5, t100, "dev-a", "x"), MergeOutcome::kDuplicate, false},
      {"same HLC but another device is no duplicate", State(5, t100, "dev-a", "x"),
       Change(5, t100, "dev-b", "x"), MergeOutcome::kAccept, true},
      {"same device but another HLC is no duplicate", State(5, t100, "dev-a", "x"),
       Change(4, t200, "dev-a", "x"), MergeOutcome::kConflict, true},
  };
  for (const Row& row : rows) {
    INFO(row.rule);
    MergeDecision d = Merge(row.current, row.incoming);
    CHECK(Name(d.outcome) == std::string(Name(row.outcome)));
    if (row.outcome != MergeOutcome::kDuplicate) CHECK(d.incoming_wins == row.incoming_wins);
  }
}

TEST_CASE("WinsByRule orders by HLC, then device bytes, then value bytes", "[sync][protocol]") {
  const std::string v1 = values::Text("a").SerializeAsString();
  const std::string v2 = values::Text("b").SerializeAsString();
  CHECK(WinsByRule(2, "a", v1, 1, "z", v2));
  CHECK_FALSE(WinsByRule(1, "z", v2, 2, "a", v1));
  CHECK(WinsByRule(1, "b", v1, 1, "a", v2));
  CHECK_FALSE(WinsByRule(1, "a", v2, 1, "b", v1));
  CHECK(WinsByRule(1, "a", v2, 1, "a", v1));
  CHECK_FALSE(WinsByRule(1, "a", v1, 1, "a", v2));
  // Bytewise means unsigned: 0xff sorts above ASCII, a longer string above its prefix.
  CHECK(WinsByRule(1, "\xff", v1, 1, "z", v1));
  CHECK(WinsByRule(1, "dev-a2", v1, 1, "dev-a", v1));
  // A cleared value (empty bytes) loses a full tie against any value.
  CHECK(WinsByRule(1, "a", v1, 1, "a", ""));
  // Full tie: neither wins.
  CHECK_FALSE(WinsByRule(1, "a", v1, 1, "a", v1));
  // The HLC counter counts: same millisecond, higher counter wins.
  CHECK(WinsByRule(MakeHlc(1000, 2), "a", v1, MakeHlc(1000, 1), "z", v2));
  // 64-bit HLCs compare unsigned.
  CHECK(WinsByRule(~HlcTimestamp{0}, "a", v1, 1, "a", v1));
}

TEST_CASE("WinsByRule is a strict order: exactly one side wins unless fully equal",
          "[sync][protocol]") {
  std::mt19937_64 rng(11);
  const std::string devices[] = {"", "a", "b", "ab", "\xff", "dev-1", "dev-2"};
  const std::string values[] = {"", values::Text("x").SerializeAsString(),
                                values::Text("y").SerializeAsString(), std::string("\x80", 1)};
  for (int i = 0; i < 5000; ++i) {
    HlcTimestamp ah = rng() % 3, bh = rng() % 3;
    const std::string& ad = devices[rng() % 7];
    const std::string& bd = devices[rng() % 7];
    const std::string& av = values[rng() % 4];
    const std::string& bv = values[rng() % 4];
    bool ab = WinsByRule(ah, ad, av, bh, bd, bv);
    bool ba = WinsByRule(bh, bd, bv, ah, ad, av);
    bool equal = ah == bh && ad == bd && av == bv;
    INFO(i);
    if (equal) {
      CHECK_FALSE(ab);
      CHECK_FALSE(ba);
    } else {
      CHECK(ab != ba);
    }
  }
}

TEST_CASE("concurrent edits end with the same value whatever order they arrive in",
          "[sync][protocol]") {
  // Several devices edit one field on top of version 1. The server applies them in some order
  // (accept the first, conflict the rest); the final value must be the winner by rule.
  struct Edit {
    HlcTimestamp hlc;
    std::string device;
    std::string text;
  };
  std::vector<Edit> edits = {{MakeHlc(5000, 0), "dev-c", "c"},
                             {MakeHlc(5000, 0), "dev-a", "a"},
                             {MakeHlc(4000, 9), "dev-z", "z"},
                             {MakeHlc(5000, 1), "dev-b", "b"}};
  std::vector<size_t> order = {0, 1, 2, 3};
  std::string expected;
  int permutations = 0;
  do {
    FieldState cur = State(1, MakeHlc(1000, 0), "dev-0", "base");
    for (size_t i : order) {
      const Edit& e = edits[i];
      MergeDecision d = Merge(cur, Change(1, e.hlc, e.device, e.text));
      bool replace = d.outcome == MergeOutcome::kAccept ||
                     (d.outcome == MergeOutcome::kConflict && d.incoming_wins);
      REQUIRE(d.outcome != MergeOutcome::kDuplicate);
      if (replace) cur = State(cur.version + 1, e.hlc, e.device, e.text);
    }
    if (expected.empty()) expected = cur.value.text();
    CHECK(cur.value.text() == expected);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  CHECK(permutations == 24);
  CHECK(expected == "b");  // highest HLC
}

TEST_CASE("a replayed batch changes nothing", "[sync][protocol]") {
  FieldState cur = State(1, MakeHlc(1000, 0), "dev-0", "base");
  IncomingChange c = Change(1, MakeHlc(2000, 0), "dev-a", "new");
  MergeDecision first = Merge(cur, c);
  REQUIRE(first.outcome == MergeOutcome::kAccept);
  cur = State(2, c.hlc, c.device_id, "new");
  MergeDecision again = Merge(cur, c);
  CHECK(again.outcome == MergeOutcome::kDuplicate);
}

TEST_CASE("a deletion conflicts only with edits it had not seen", "[sync][protocol]") {
  CHECK_FALSE(RecordDeleteConflicts(5, 5));  // saw everything
  CHECK(RecordDeleteConflicts(6, 5));        // an edit at version 6 was not seen
  CHECK_FALSE(RecordDeleteConflicts(4, 5));  // saw more than the record has (nothing missed)
  CHECK_FALSE(RecordDeleteConflicts(0, 0));  // brand-new record deleted before any sync
  CHECK(RecordDeleteConflicts(1, 0));        // deleted without ever seeing the server's copy
}

}  // namespace doorstep::sync
