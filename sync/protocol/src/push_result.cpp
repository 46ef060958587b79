// Push answers in short form (push_result.h).
#include "doorstep/sync/push_result.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace doorstep::sync {
namespace {

bool Plain(const v1::ChangeResult& r) {
  return r.outcome() == v1::ChangeResult::ACCEPTED && !r.has_winner() && !r.winner_cleared() &&
         r.winner_hlc() == 0 && r.conflict_id() == 0 && r.reason().empty();
}

}  // namespace

void CompactPushResult(v1::PushResult* result) {
  google::protobuf::RepeatedPtrField<v1::ChangeResult> kept;
  v1::AcceptedRun* run = nullptr;
  for (auto& r : *result->mutable_results()) {
    if (!Plain(r)) {
      run = nullptr;
      *kept.Add() = std::move(r);
      continue;
    }
    // (A run never extends past the largest version: the sum below stays in range.)
    const bool extends = run != nullptr && r.index() == run->first_index() + run->count() &&
                         run->first_version() <= INT64_MAX - int64_t{run->count()} &&
                         r.version() == run->first_version() + run->count();
    if (!extends) {
      run = result->add_accepted();
      run->set_first_index(r.index());
      run->set_first_version(r.version());
    }
    run->set_count(run->count() + 1);
  }
  result->mutable_results()->Swap(&kept);
}

Status ExpandPushResult(v1::PushResult* result, int change_count) {
  const auto count = static_cast<uint64_t>(change_count < 0 ? 0 : change_count);
  std::vector<bool> seen(count, false);
  auto mark = [&](uint64_t index, const std::string& where) -> Status {
    if (index >= count) {
      return Status(Code::kCorruption,
                    "push answer names change " + std::to_string(index) + " of a batch of " +
                        std::to_string(count),
                    where);
    }
    if (seen[index]) {
      return Status(Code::kCorruption,
                    "push answer names change " + std::to_string(index) + " twice", where);
    }
    seen[index] = true;
    return Status::Ok();
  };
  for (int i = 0; i < result->results_size(); ++i) {
    const v1::ChangeResult& r = result->results(i);
    DS_RETURN_IF_ERROR(mark(r.index(), "results[" + std::to_string(i) + "].index"));
    if (r.outcome() == v1::ChangeResult::ACCEPTED && r.version() < 1) {
      // The server numbers every accepted change from 1 up.
      return Status(Code::kCorruption, "accepted change without a version",
                    "results[" + std::to_string(i) + "].version");
    }
  }
  for (int i = 0; i < result->accepted_size(); ++i) {
    const v1::AcceptedRun& run = result->accepted(i);
    const std::string where = "accepted[" + std::to_string(i) + "]";
    if (run.count() == 0) return Status(Code::kCorruption, "empty accepted run", where);
    if (run.first_version() < 1 || run.first_version() > INT64_MAX - int64_t{run.count() - 1}) {
      return Status(Code::kCorruption, "accepted run with versions out of range", where);
    }
    for (uint32_t k = 0; k < run.count(); ++k) {
      const uint64_t index = uint64_t{run.first_index()} + k;
      DS_RETURN_IF_ERROR(mark(index, where));
      v1::ChangeResult* r = result->add_results();
      r->set_index(static_cast<uint32_t>(index));
      r->set_outcome(v1::ChangeResult::ACCEPTED);
      r->set_version(run.first_version() + static_cast<int64_t>(k));
    }
  }
  result->clear_accepted();
  std::sort(result->mutable_results()->begin(), result->mutable_results()->end(),
            [](const v1::ChangeResult& a, const v1::ChangeResult& b) {
              return a.index() < b.index();
            });
  return Status::Ok();
}

}  // namespace doorstep::sync
