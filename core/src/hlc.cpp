#include "doorstep/core/hlc.h"

#include <algorithm>
#include <cstdio>

#include "doorstep/core/expression.h"
#include "doorstep/core/ports.h"

namespace doorstep {

HlcTimestamp Hlc::Now() {
  int64_t wall = std::max<int64_t>(0, clock_.NowMs());
  HlcTimestamp candidate = MakeHlc(wall, 0);
  last_ = candidate > last_ ? candidate : last_ + 1;
  return last_;
}

void Hlc::Observe(HlcTimestamp remote) {
  if (remote > last_) last_ = remote;
}

std::string FormatHlc(HlcTimestamp t) {
  int64_t ms = HlcMillis(t);
  int64_t days = DayOfMs(ms);
  int64_t rem = ms - days * 86400000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ/%u",
                expr::FormatIsoDate(static_cast<int32_t>(days)).c_str(),
                static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000), HlcCounter(t));
  return buf;
}

}  // namespace doorstep
