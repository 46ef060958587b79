// Ports: the small interfaces through which the core reaches the outside world.
//
// The core compiles with the C++ standard library and SQLite only; everything else (wall clock,
// randomness, logging, the store's encryption key) is injected by the host. platform/posix
// implements these for Linux and the command line; the Android and iOS bridges implement them over
// their platforms. Tests inject fakes only where a real part cannot produce the case (a clock set
// to a given day).
//
// Errors: a port that can fail reports a Status (doorstep/core/status.h, the one error model,
// which lives below the core in doorstep_status); no port throws, so nothing throws across the C
// ABI that wraps them.
//
// Thread rules: implementations must be safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "doorstep/core/status.h"

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
  // Fills `out` with `n` unpredictable bytes (UUIDs, keys). Fails (kUnavailable) when the host
  // has no source of randomness; `out` is then unspecified and must not be used.
  virtual Status Fill(uint8_t* out, size_t n) = 0;
};

// Where the store's encryption key lives. The app plugs in its platform's key store: the Android
// Keystore (a key wrapped by a Keystore key) or the iOS Keychain; on Linux, posix::KeyFile keeps
// it in a 0600 file. The core asks for the key when it opens a store and passes it to SQLCipher;
// it never writes the key anywhere (not to the store, a log or an error message).
class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The key for `key_id` (the store's name or path), created from a Random on first use and the
  // same bytes on every later call. The key is text (SQLCipher derives the raw key from it).
  // Fails without creating anything when the existing key cannot be read or trusted.
  virtual Result<std::string> GetOrCreateKey(const std::string& key_id) = 0;
};

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Log lines must never contain personal data: log field paths and ids, not values.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void Log(LogLevel level, std::string_view message) = 0;
};

}  // namespace doorstep
