#include "doorstep/core/ports.h"

namespace doorstep {

int32_t DayOfMs(int64_t ms) {
  constexpr int64_t kDayMs = 86400000;
  return static_cast<int32_t>(ms >= 0 ? ms / kDayMs : (ms - (kDayMs - 1)) / kDayMs);
}

int32_t LocalToday(Clock& clock) {
  return DayOfMs(clock.NowMs() + int64_t{clock.UtcOffsetMinutes()} * 60000);
}

}  // namespace doorstep
