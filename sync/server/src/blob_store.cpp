// FileBlobStore: attachments as files, one per blob, appended under flock() (see blob_store.h).
#include "doorstep/sync/server/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/store.h"

namespace doorstep::sync::server {
namespace {

// Closes a descriptor (and so releases its flock) on every path out.
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

Status IoError(const std::string& what, const std::string& where) {
  return Status(Code::kIo, what + ": " + std::strerror(errno), where);
}

Status WriteAll(int fd, std::string_view bytes, const std::string& where) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot append to the partial attachment", where);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return IoError("cannot sync the blob directory", dir);
  return Status::Ok();
}

// Reads up to `length` bytes from `offset` (fewer at the end of the file).
Result<std::string> ReadAt(int fd, uint64_t offset, size_t length, const std::string& where) {
  std::string out(length, '\0');
  size_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fd, out.data() + got, length - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read the attachment", where);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

Result<Digest> HashFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("cannot open the partial attachment", path);
  Sha256 hash;
  uint64_t offset = 0;
  for (;;) {
    DS_ASSIGN_OR_RETURN(std::string chunk, ReadAt(fd.get(), offset, size_t{1} << 20, path));
    if (chunk.empty()) break;
    hash.Update(chunk);
    offset += chunk.size();
  }
  return hash.Final();
}

// The size of the file at `path`, or nullopt when there is none.
Result<std::optional<uint64_t>> FileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<uint64_t>();
    return IoError("cannot stat", path);
  }
  return std::optional<uint64_t>(static_cast<uint64_t>(st.st_size));
}

BlobState CompleteState(uint64_t size) {
  return BlobState{size, size, true};
}

}  // namespace

Result<std::unique_ptr<FileBlobStore>> FileBlobStore::Open(const std::string& dir,
                                                           BlobStoreOptions options) {
  if (dir.empty()) return Status(Code::kInvalidArgument, "empty blob directory", "blobs");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError("cannot create the blob directory", dir);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status(Code::kIo, "the blob directory is not a directory", dir);
  }
  std::unique_ptr<FileBlobStore> store(new FileBlobStore(dir, options));
  DS_RETURN_IF_ERROR(store->SweepPartial().status());
  return store;
}

Result<SweepResult> FileBlobStore::SweepPartial() {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  last_sweep_s_.store(now);
  std::vector<std::string> parts;
  {
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return IoError("cannot list the blob directory", dir_);
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name(e->d_name);
      if (name.size() == 64 + 5 && name.substr(64) == ".part") parts.emplace_back(name);
    }
    ::closedir(d);
  }
  SweepResult result;
  for (const auto& name : parts) {
    const std::string path = dir_ + "/" + name;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) continue;  // completed or removed meanwhile
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) continue;
    auto size = static_cast<uint64_t>(st.st_size);
    const auto is_old = [&](const struct stat& s) {
      return now - static_cast<int64_t>(s.st_mtime) > options_.partial_max_age.count();
    };
    // Being written right now (locked): never removed, whatever its age. Once locked, looked at
    // again: a chunk may have arrived between the first look and the lock.
    if (is_old(st) && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0 && ::fstat(fd.get(), &st) == 0 &&
        is_old(st)) {
      size = static_cast<uint64_t>(st.st_size);
      struct stat named {};
      if (::stat(path.c_str(), &named) == 0 && named.st_ino == st.st_ino &&
          named.st_dev == st.st_dev && ::unlink(path.c_str()) == 0) {
        ++result.removed;
        result.bytes += size;
        continue;
      }
    }
    result.partial_bytes += size;
  }
  if (result.removed > 0) DS_RETURN_IF_ERROR(SyncDir(dir_));
  return result;
}

Status FileBlobStore::CheckPartialRoom(uint64_t size) {
  DS_ASSIGN_OR_RETURN(SweepResult swept, SweepPartial());
  if (swept.partial_bytes + size <= options_.max_partial_bytes) return Status::Ok();
  return Status(Code::kUnavailable,
                "the server holds " + std::to_string(swept.partial_bytes) +
                    " bytes of unfinished uploads (limit " +
                    std::to_string(options_.max_partial_bytes) +
                    "); this photo is taken at a later sync",
                "size");
}

std::string FileBlobStore::PathOf(const Digest& sha256, bool partial) const {
  return dir_ + "/" + ToHex(sha256) + (partial ? ".part" : "");
}

Result<BlobState> FileBlobStore::State(const Digest& sha256) {
  DS_ASSIGN_OR_RETURN(auto complete, FileSize(PathOf(sha256, false)));
  if (complete) return CompleteState(*complete);
  DS_ASSIGN_OR_RETURN(auto partial, FileSize(PathOf(sha256, true)));
  return BlobState{partial.value_or(0), 0, false};
}

Result<AppendResult> FileBlobStore::Append(const Digest& sha256, uint64_t offset, uint64_t size,
                                           std::string_view bytes) {
  const std::string hex = ToHex(sha256);
  if (size == 0) return Status(Code::kInvalidArgument, "an attachment is never empty", "size");
  if (size > kMaxAttachmentBytes) {
    return Status(Code::kResourceExhausted,
                  "the attachment is " + std::to_string(size) + " bytes; the limit is " +
                      std::to_string(kMaxAttachmentBytes) + " bytes",
                  "size");
  }
  if (offset > size || bytes.size() > size - offset) {
    return Status(Code::kInvalidArgument,
                  "offset " + std::to_string(offset) + " + " + std::to_string(bytes.size()) +
                      " bytes is past the attachment's size of " + std::to_string(size),
                  "offset");
  }
  if (bytes.empty() && offset != size) {
    return Status(Code::kInvalidArgument,
                  "empty chunk; only a request at offset == size (finishing an upload) may be "
                  "empty",
                  "body");
  }
  const std::string final_path = PathOf(sha256, false);
  const std::string part_path = PathOf(sha256, true);
  // A few rounds at most: another process may rename or remove the .part between our open and
  // our lock; each round starts again from the directory.
  for (int round = 0; round < 16; ++round) {
    DS_ASSIGN_OR_RETURN(auto complete, FileSize(final_path));
    if (complete) return AppendResult{CompleteState(*complete), false};
    Fd fd(::open(part_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (fd.get() < 0) return IoError("cannot open the partial attachment", hex);
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) return IoError("cannot lock the partial attachment", hex);
    }
    struct stat locked {};
    struct stat named {};
    if (::fstat(fd.get(), &locked) != 0) return IoError("cannot stat the partial attachment", hex);
    if (::stat(part_path.c_str(), &named) != 0 || named.st_ino != locked.st_ino ||
        named.st_dev != locked.st_dev) {
      continue;  // completed or discarded by the previous holder of the lock
    }
    DS_ASSIGN_OR_RETURN(complete, FileSize(final_path));
    if (complete) {
      // Completed by another process after our first look; our open may have created this file.
      ::unlink(part_path.c_str());
      return AppendResult{CompleteState(*complete), false};
    }
    auto held = static_cast<uint64_t>(locked.st_size);
    if (held > size) {
      // Longer than the blob can be: written under another declared size, so it cannot hash to
      // this SHA-256. Start again from nothing.
      if (::ftruncate(fd.get(), 0) != 0 || ::fsync(fd.get()) != 0) {
        return IoError("cannot reset the partial attachment", hex);
      }
      held = 0;
    }
    if (offset != held) return AppendResult{BlobState{held, 0, false}, true};
    if (held == 0 && !bytes.empty()) {
      // A new upload: room among the unfinished ones (this empty .part counts nothing).
      Status room = CheckPartialRoom(size);
      if (!room.ok()) {
        ::unlink(part_path.c_str());
        return room;
      }
    } else if (static_cast<int64_t>(std::time(nullptr)) - last_sweep_s_.load() > 3600) {
      DS_RETURN_IF_ERROR(SweepPartial().status());
    }
    DS_RETURN_IF_ERROR(WriteAll(fd.get(), bytes, hex));
    if (::fsync(fd.get()) != 0) return IoError("cannot sync the partial attachment", hex);
    held += bytes.size();
    if (held < size) return AppendResult{BlobState{held, 0, false}, false};

    DS_ASSIGN_OR_RETURN(Digest digest, HashFile(part_path));
    if (digest != sha256) {
      ::unlink(part_path.c_str());
      DS_RETURN_IF_ERROR(SyncDir(dir_));
      return Status(Code::kCorruption,
                    "the " + std::to_string(size) +
                        " bytes received do not have the SHA-256 the URL names (they hash to " +
                        ToHex(digest) + "); the partial upload was discarded",
                    "body");
    }
    if (::rename(part_path.c_str(), final_path.c_str()) != 0) {
      return IoError("cannot make the verified attachment available", hex);
    }
    DS_RETURN_IF_ERROR(SyncDir(dir_));
    return AppendResult{CompleteState(size), false};
  }
  return Status(Code::kUnavailable, "the attachment kept changing under concurrent uploads", hex);
}

Result<std::string> FileBlobStore::Read(const Digest& sha256, uint64_t offset, size_t length) {
  const std::string path = PathOf(sha256, false);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      return Status(Code::kNotFound, "the server holds no complete attachment with this SHA-256",
                    ToHex(sha256));
    }
    return IoError("cannot open the attachment", ToHex(sha256));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("cannot stat the attachment", ToHex(sha256));
  const auto size = static_cast<uint64_t>(st.st_size);
  if (offset > size) {
    return Status(Code::kInvalidArgument,
                  "offset " + std::to_string(offset) + " is past the end of the attachment (" +
                      std::to_string(size) + " bytes)",
                  "offset");
  }
  return ReadAt(fd.get(), offset, static_cast<size_t>(std::min<uint64_t>(length, size - offset)),
                ToHex(sha256));
}

}  // namespace doorstep::sync::server
