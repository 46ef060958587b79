// A push answer (PushResult, short form) as a tablet receives it: decoded and expanded against a
// batch of N changes (N from the first byte) as the client does before acknowledging anything.
// Invariants: an expanded answer has each index at most once, every index < N, in order; and
// compacting it again and expanding gives the same results.
#include "doorstep/sync/codec.h"
#include "doorstep/sync/push_result.h"
#include "fuzz_common.h"

using namespace doorstep;

namespace {

bool SameResults(const v1::PushResult& a, const v1::PushResult& b) {
  if (a.results_size() != b.results_size()) return false;
  for (int i = 0; i < a.results_size(); ++i) {
    if (a.results(i).SerializeAsString() != b.results(i).SerializeAsString()) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int changes = data[0] * 4;
  const auto encoding = static_cast<sync::Encoding>(data[1] % 3);
  v1::PushResult answer;
  if (!sync::DecodeBody(fuzz::AsText(data + 2, size - 2), encoding, &answer).ok()) return 0;
  // Fields this build does not know are kept by the parser but never compacted: not compared.
  answer.DiscardUnknownFields();
  if (!sync::ExpandPushResult(&answer, changes).ok()) return 0;
  int64_t last = -1;
  for (const auto& r : answer.results()) {
    if (static_cast<int64_t>(r.index()) <= last || r.index() >= static_cast<uint32_t>(changes)) {
      fuzz::Broken("an expanded answer has an index out of order or out of range");
    }
    last = r.index();
  }
  v1::PushResult again = answer;
  sync::CompactPushResult(&again);
  if (!sync::ExpandPushResult(&again, changes).ok() || !SameResults(again, answer)) {
    fuzz::Broken("compact + expand changed an expanded answer");
  }
  return 0;
}
