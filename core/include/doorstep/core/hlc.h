// Hybrid logical clock (Kulkarni et al.): a 64-bit timestamp that follows wall time but never goes
// backwards and orders causally related events, even when a tablet's clock is wrong by days.
// Layout: 48 bits of Unix milliseconds, 16 bits of logical counter.
//
// Thread rules: one Hlc per store, used under the store's serialisation.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/ports.h"

namespace doorstep {

using HlcTimestamp = uint64_t;

inline constexpr int64_t HlcMillis(HlcTimestamp t) { return static_cast<int64_t>(t >> 16); }
inline constexpr uint32_t HlcCounter(HlcTimestamp t) { return static_cast<uint32_t>(t & 0xffff); }
inline constexpr HlcTimestamp MakeHlc(int64_t ms, uint32_t counter) {
  return (static_cast<uint64_t>(ms) << 16) | (counter & 0xffff);
}
// "2026-11-23T08:15:02.123Z/3"
std::string FormatHlc(HlcTimestamp t);

class Hlc {
 public:
  explicit Hlc(Clock& clock, HlcTimestamp last = 0) : clock_(clock), last_(last) {}
  // A timestamp for a local event, strictly greater than every one issued or observed before.
  HlcTimestamp Now();
  // Merges a timestamp received from elsewhere (a pulled change) so later local events order
  // after it.
  void Observe(HlcTimestamp remote);
  HlcTimestamp last() const { return last_; }

 private:
  Clock& clock_;
  HlcTimestamp last_;
};

}  // namespace doorstep
