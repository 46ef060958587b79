// The merge rule: one implementation shared by the township server (which applies it to every
// pushed change) and the tablets (which use it to predict outcomes in tests and tools), so the two
// sides can never disagree on a rule.
//
//   same version   the change was made on top of the field's current server version: it wins and
//                  becomes the next version.
//   otherwise      two people edited the field concurrently. Every value is kept: the server opens
//                  (or extends) a conflict holding all of them, and picks a deterministic winner as
//                  the field's current value: higher HLC, then higher device id (bytewise), then
//                  the bytes of the value, so every server and every replay picks the same one.
//   same write     a change with the HLC and author of the current value is a retry of a change
//                  already applied: DUPLICATE, nothing changes.
//
// Deletes: record deletion is the field "@deleted"; removing a repeat instance clears its marker
// and its fields. A deletion is a change like any other, so it conflicts with a concurrent edit of
// the same field instead of winning by rule. For "@deleted" the device sends as base_version the
// highest version it has seen of any field of the record, so a deletion made without seeing a
// later edit of any field opens a conflict (see RecordDeleteConflicts).
//
// Thread rules: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "doorstep/core/hlc.h"
#include "doorstep/value.pb.h"

namespace doorstep::sync {

// A field's current state on the server (absent when the field was never written).
struct FieldState {
  int64_t version = 0;
  HlcTimestamp hlc = 0;
  std::string device_id;
  bool cleared = false;
  v1::Value value;  // meaningful when !cleared
};

// One incoming change.
struct IncomingChange {
  int64_t base_version = 0;
  HlcTimestamp hlc = 0;
  std::string device_id;
  bool cleared = false;
  v1::Value value;
};

enum class MergeOutcome {
  kAccept,     // incoming becomes the current value at a new version
  kConflict,   // concurrent: keep both; `incoming_wins` says which becomes current
  kDuplicate,  // already applied (same HLC and device as the current value)
};

struct MergeDecision {
  MergeOutcome outcome = MergeOutcome::kAccept;
  bool incoming_wins = true;  // for kConflict: the incoming value becomes current
};

// Decides what happens to `incoming` given the field's `current` state (nullopt: never written).
MergeDecision Merge(const std::optional<FieldState>& current, const IncomingChange& incoming);

// True when `a` wins over `b` by rule (higher HLC, then device id, then value bytes).
bool WinsByRule(HlcTimestamp a_hlc, const std::string& a_device, const std::string& a_value_bytes,
                HlcTimestamp b_hlc, const std::string& b_device, const std::string& b_value_bytes);

// A deletion ("@deleted" = true) conflicts when the record changed after the version the deleting
// device had seen, and an edit conflicts when it arrives for a record deleted by a change the
// editing device had not seen.
bool RecordDeleteConflicts(int64_t record_max_version, int64_t delete_base_version);

}  // namespace doorstep::sync
