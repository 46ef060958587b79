// Ports: the small interfaces through which the core reaches the outside world.
//
// The core compiles with the C++ standard library and SQLite only; everything else (wall clock,
// randomness, logging) is injected by the host. platform/posix implements these for Linux and
// the command line; the Android and iOS bridges implement them over their platforms. Tests inject
// fakes only where a real part cannot produce the case (a clock set to a given day).
//
// Thread rules: implementations must be safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace doorstep {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in Unix milliseconds (may be wrong by days on a tablet).
  virtual int64_t NowMs() = 0;
  // Minutes east of UTC for the local calendar date (China: +480). Used by today().
  virtual int UtcOffsetMinutes() { return 480; }
};

// The day (days since 1970-01-01, rounded down, also before 1970) that Unix time `ms` falls on.
int32_t DayOfMs(int64_t ms);
// Today in the clock's local calendar as a day number: what today() and every "today" default
// (problem lists, reports, transitions) use.
int32_t LocalToday(Clock& clock);

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with `n` unpredictable bytes (UUIDs, keys).
  virtual void Fill(uint8_t* out, size_t n) = 0;
};

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Log lines must never contain personal data: log field paths and ids, not values.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void Log(LogLevel level, std::string_view message) = 0;
};

}  // namespace doorstep
