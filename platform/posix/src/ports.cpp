#include "doorstep/posix/ports.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace doorstep::posix {

int64_t SystemClock::NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int SystemClock::UtcOffsetMinutes() {
  if (std::getenv("TZ") == nullptr) return 480;
  time_t now = time(nullptr);
  tm local{};
  localtime_r(&now, &local);
  return static_cast<int>(local.tm_gmtoff / 60);
}

Status SystemRandom::Fill(uint8_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = getrandom(out + done, n - done, 0);
    if (got > 0) {
      done += static_cast<size_t>(got);
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    // getrandom unavailable: read /dev/urandom.
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status(Code::kUnavailable, "no source of randomness (getrandom and /dev/urandom failed)");
    }
    while (done < n) {
      ssize_t r = read(fd, out + done, n - done);
      if (r <= 0) {
        if (r < 0 && errno == EINTR) continue;
        close(fd);
        return Status(Code::kUnavailable, "no source of randomness (/dev/urandom read failed)");
      }
      done += static_cast<size_t>(r);
    }
    close(fd);
  }
  return Status::Ok();
}

void StderrLogger::Log(LogLevel level, std::string_view message) {
  if (level < min_) return;
  static const char* const kNames[] = {"debug", "info", "warning", "error"};
  std::fprintf(stderr, "%s: %.*s\n", kNames[static_cast<int>(level)],
               static_cast<int>(message.size()), message.data());
}

}  // namespace doorstep::posix
