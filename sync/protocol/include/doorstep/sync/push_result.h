// Push answers in short form. A batch is applied in one transaction, so most of its changes are
// ACCEPTED with consecutive versions: the server sends such runs as AcceptedRun entries (when the
// ChangeSet asks with `compact_results`) instead of one ChangeResult per change, and the client
// expands them back before acknowledging. The recorded answer of a batch (replays) is the short
// form too.
#pragma once

#include "doorstep/core/status.h"
#include "doorstep/sync.pb.h"

namespace doorstep::sync {

// Moves every plain ACCEPTED result (no winner, conflict or reason) into runs of consecutive
// indexes and versions; the other results stay as they are.
void CompactPushResult(v1::PushResult* result);

// The inverse: the runs back into ACCEPTED ChangeResults, all results ordered by index. Fails
// (kCorruption, naming the entry) on an empty run, an index at or past `change_count`, or an
// index answered twice; `result` is then unspecified.
Status ExpandPushResult(v1::PushResult* result, int change_count);

}  // namespace doorstep::sync
