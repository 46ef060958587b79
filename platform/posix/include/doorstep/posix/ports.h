// POSIX implementations of the core's ports (see doorstep/core/ports.h).
// Thread rules: all four are safe to call from any thread.
#pragma once

#include <string>
#include <utility>

#include "doorstep/core/ports.h"

namespace doorstep::posix {

// Wall clock from clock_gettime(CLOCK_REALTIME); the UTC offset from the process time zone
// (falls back to +08:00 when TZ is unset, since the product is used in China).
class SystemClock final : public Clock {
 public:
  int64_t NowMs() override;
  int UtcOffsetMinutes() override;
};

// getrandom(2), falling back to /dev/urandom; kUnavailable when neither gives bytes.
class SystemRandom final : public Random {
 public:
  Status Fill(uint8_t* out, size_t n) override;
};

// The Linux key store: one key file per store, mode 0600, holding 64 hex digits (32 bytes from
// `random`). Without a directory the key of store "village.db" is "village.db.key" next to it;
// with one, "<directory>/<key_id with '/' as '_'>.key". Created with O_CREAT|O_EXCL (two processes
// racing get the same key), fsynced before use. A key file that is a symlink, not a regular file,
// not owned by this user, has any group or other permission bit (chmod 600), or does not hold 64
// hex digits is refused (kPermissionDenied / kCorruption) and left as it is; nothing is created
// then. Messages name the file, never the key. Android and iOS apps use their platform's key store
// (Keystore, Keychain) instead.
class KeyFile final : public KeyStore {
 public:
  explicit KeyFile(Random& random, std::string directory = {})
      : random_(random), directory_(std::move(directory)) {}
  Result<std::string> GetOrCreateKey(const std::string& key_id) override;
  // The file that holds the key of `key_id`.
  std::string PathFor(const std::string& key_id) const;

 private:
  Random& random_;
  std::string directory_;
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
