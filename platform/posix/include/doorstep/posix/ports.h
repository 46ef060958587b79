// POSIX implementations of the core's ports (see doorstep/core/ports.h).
// Thread rules: all three are safe to call from any thread.
#pragma once

#include "doorstep/core/ports.h"

namespace doorstep::posix {

// Wall clock from clock_gettime(CLOCK_REALTIME); the UTC offset from the process time zone
// (falls back to +08:00 when TZ is unset, since the product is used in China).
class SystemClock final : public Clock {
 public:
  int64_t NowMs() override;
  int UtcOffsetMinutes() override;
};

// getrandom(2), falling back to /dev/urandom.
class SystemRandom final : public Random {
 public:
  void Fill(uint8_t* out, size_t n) override;
};

// Writes "level: message" lines to stderr at or above a minimum level.
class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(LogLevel min_level = LogLevel::kWarning) : min_(min_level) {}
  void Log(LogLevel level, std::string_view message) override;

 private:
  LogLevel min_;
};

}  // namespace doorstep::posix
