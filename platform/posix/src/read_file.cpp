#include "doorstep/posix/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace doorstep::posix {

std::string FormatLimit(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30) && bytes % (uint64_t{1} << 30) == 0) {
    return std::to_string(bytes >> 30) + " GiB";
  }
  if (bytes >= (uint64_t{1} << 20) && bytes % (uint64_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

namespace {

// "4 MiB (4194304 bytes)", or "1000 bytes" when that is already exact.
std::string LimitText(uint64_t bytes) {
  const std::string exact = std::to_string(bytes) + " bytes";
  const std::string unit = FormatLimit(bytes);
  return unit == exact ? exact : unit + " (" + exact + ")";
}

}  // namespace

Result<std::string> ReadFileLimited(const std::string& path, uint64_t max_bytes,
                                    const std::string& what) {
  const std::string named = what + " '" + path + "'";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const Code code = err == ENOENT    ? Code::kNotFound
                      : err == EACCES ? Code::kPermissionDenied
                                      : Code::kUnavailable;
    return Status(code, "cannot read " + named + ": " + std::strerror(err), path);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return Status(Code::kInvalidArgument, named + " is a directory, not a file", path);
    }
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
      return Status(Code::kResourceExhausted,
                    named + " is " + std::to_string(st.st_size) + " bytes; the limit is " +
                        LimitText(max_bytes),
                    path);
    }
  }
  std::string out;
  if (S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status(Code::kUnavailable, "cannot read " + named + ": " + std::strerror(errno),
                    path);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return Status(Code::kResourceExhausted,
                    named + " holds more than " + LimitText(max_bytes) + ", the limit",
                    path);
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace doorstep::posix
