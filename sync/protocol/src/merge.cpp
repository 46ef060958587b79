// The merge rule (see merge.h for the semantics).
//
// Decisions, in order:
//   1. No current state (the field was never written on the server): kAccept, whatever the
//      base_version. There is nothing to conflict with; a non-zero base_version here means the
//      server lost or never had the field's history (e.g. a restored backup), and refusing or
//      parking the value would only lose data.
//   2. Current state with the incoming change's HLC and device id: kDuplicate (a retried change;
//      an HLC is unique per device, so this is the same write). Checked before the version so a
//      retry after a lost answer, whose base_version is now stale, is not taken for a conflict.
//   3. current.version == base_version: kAccept (made on top of what the server holds).
//   4. Anything else (an older base, or a base newer than the server has ever issued for the
//      field): kConflict, and the incoming value becomes current when it wins by rule.
//
// WinsByRule's value bytes (used by callers ranking several conflict candidates) are the protobuf
// serialization of the v1::Value (deterministic: Value has no map fields); a cleared field counts
// as the empty byte string (which is also what an empty Value serializes to), so it loses a full
// tie against any value.
#include "doorstep/sync/merge.h"

#include <string_view>

namespace doorstep::sync {

bool WinsByRule(HlcTimestamp a_hlc, const std::string& a_device, const std::string& a_value_bytes,
                HlcTimestamp b_hlc, const std::string& b_device, const std::string& b_value_bytes) {
  if (a_hlc != b_hlc) return a_hlc > b_hlc;
  // std::char_traits<char>::compare compares as unsigned char (bytewise, like memcmp).
  int device = std::string_view(a_device).compare(b_device);
  if (device != 0) return device > 0;
  return std::string_view(a_value_bytes).compare(b_value_bytes) > 0;
}

MergeDecision Merge(const std::optional<FieldState>& current, const IncomingChange& incoming) {
  MergeDecision d;
  if (!current) {
    d.outcome = MergeOutcome::kAccept;
    return d;
  }
  if (current->hlc == incoming.hlc && current->device_id == incoming.device_id) {
    d.outcome = MergeOutcome::kDuplicate;
    d.incoming_wins = false;
    return d;
  }
  if (current->version == incoming.base_version) {
    d.outcome = MergeOutcome::kAccept;
    return d;
  }
  d.outcome = MergeOutcome::kConflict;
  // HLC and device cannot both tie here (that was rule 2), so the value bytes never decide.
  d.incoming_wins = WinsByRule(incoming.hlc, incoming.device_id, std::string(), current->hlc,
                               current->device_id, std::string());
  return d;
}

bool RecordDeleteConflicts(int64_t record_max_version, int64_t delete_base_version) {
  return record_max_version > delete_base_version;
}

}  // namespace doorstep::sync
