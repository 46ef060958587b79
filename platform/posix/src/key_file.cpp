// posix::KeyFile: the store's encryption key in a 0600 file (see doorstep/posix/ports.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "doorstep/posix/ports.h"

namespace doorstep::posix {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kKeyHexDigits = 2 * kKeyBytes;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status Errno(Code code, const std::string& what, const std::string& path) {
  return Status(code, what + ": " + std::strerror(errno), path);
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Reads and checks an existing key file through an open descriptor.
Result<std::string> ReadKey(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Errno(Code::kIo, "cannot stat the key file", path);
  if (!S_ISREG(st.st_mode)) {
    return Status(Code::kPermissionDenied, "the key file is not a regular file", path);
  }
  if (st.st_uid != ::geteuid()) {
    return Status(Code::kPermissionDenied, "the key file belongs to another user", path);
  }
  if ((st.st_mode & 077) != 0) {
    return Status(Code::kPermissionDenied,
                  "the key file is readable or writable by group or others (chmod 600 it)", path);
  }
  char buf[kKeyHexDigits + 2];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t r = ::read(fd, buf + got, sizeof buf - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno(Code::kIo, "cannot read the key file", path);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  if (got == kKeyHexDigits + 1 && buf[kKeyHexDigits] == '\n') got = kKeyHexDigits;
  bool ok = got == kKeyHexDigits;
  for (size_t i = 0; ok && i < got; ++i) ok = IsHex(buf[i]);
  if (!ok) return Status(Code::kCorruption, "the key file does not hold 64 hex digits", path);
  return std::string(buf, kKeyHexDigits);
}

Status WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return Errno(Code::kIo, "cannot write the key file", path);
    done += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0) return Errno(Code::kIo, "cannot sync the key file", path);
  return Status::Ok();
}

// Creates the key file with a fresh key. kAlreadyExists when another process created it first.
Result<std::string> CreateKey(Random& random, const std::string& path) {
  uint8_t raw[kKeyBytes];
  DS_RETURN_IF_ERROR(random.Fill(raw, sizeof raw));  // before the file exists: nothing to undo
  static const char kHex[] = "0123456789abcdef";
  std::string key;
  key.reserve(kKeyHexDigits);
  for (uint8_t b : raw) {
    key.push_back(kHex[b >> 4]);
    key.push_back(kHex[b & 15]);
  }
  std::memset(raw, 0, sizeof raw);
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) return Status(Code::kAlreadyExists, "the key file exists", path);
    return Errno(Code::kIo, "cannot create the key file", path);
  }
  Status written = WriteAll(fd.get(), key, path);
  if (!written.ok()) {
    ::unlink(path.c_str());  // a half-written key must not be taken for the key next time
    return written;
  }
  return key;
}

}  // namespace

std::string KeyFile::PathFor(const std::string& key_id) const {
  if (directory_.empty()) return key_id + ".key";
  std::string name = key_id;
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return directory_ + "/" + name + ".key";
}

Result<std::string> KeyFile::GetOrCreateKey(const std::string& key_id) {
  if (key_id.empty()) return Status(Code::kInvalidArgument, "a key id (store name) is required");
  const std::string path = PathFor(key_id);
  for (int attempt = 0; attempt < 2; ++attempt) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode)) {
        return Status(Code::kPermissionDenied, "the key file is a symbolic link", path);
      }
      // O_NOFOLLOW: a symlink swapped in after the lstat is refused too (ELOOP).
      Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
      if (fd.get() < 0) {
        if (errno == ELOOP) {
          return Status(Code::kPermissionDenied, "the key file is a symbolic link", path);
        }
        return Errno(Code::kIo, "cannot open the key file", path);
      }
      return ReadKey(fd.get(), path);
    }
    if (errno != ENOENT) return Errno(Code::kIo, "cannot stat the key file", path);
    auto created = CreateKey(random_, path);
    if (created.ok() || created.status().code() != Code::kAlreadyExists) return created;
    // Another process created it between our lstat and open: read theirs.
  }
  return Status(Code::kIo, "the key file appeared and vanished while being created", path);
}

}  // namespace doorstep::posix
