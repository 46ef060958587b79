// Attachment (photo) storage of the township server, apart from ServerStore: blobs are large,
// content-addressed and written chunk by chunk, which suits files better than database rows, and
// every ServerStore (SQLite, PostgreSQL) shares the same blob directory.
//
// Protocol (docs/sync.md "Attachments"): a device uploads a blob of `size` bytes whose SHA-256 it
// names, in chunks, each appended only at offset == held bytes. Once the server holds `size`
// bytes it hashes them; only a matching hash makes the blob complete and readable, a mismatch
// discards the partial blob. A complete blob answers complete to everyone (deduplication across
// devices).
//
// FileBlobStore keeps a directory (by default next to the database, "<db>.blobs"):
//   <hex>.part  a partial blob, appended with O_APPEND and fsync'd per chunk
//   <hex>       a complete, verified blob (renamed from .part after verification; the directory
//               is fsync'd so the rename survives a power cut)
// Several server processes may share the directory: every change of a blob happens under an
// exclusive flock() of its .part file, and a process that waited for the lock checks that the
// path still names the file it locked (the holder may have renamed or removed it) before
// writing. A crash mid-chunk may leave a torn tail in the .part; the hash check at the end then
// discards it and the device uploads again (never accepted wrong).
//
// Unfinished uploads are bounded: a new upload is refused with kUnavailable (HTTP 503: the tablet
// tries again at a later sync) while the .part files hold more than
// BlobStoreOptions::max_partial_bytes, and a .part file not written to for partial_max_age is
// removed (a tablet that never came back; swept when the store opens, then at most once an hour
// from Append, or by SweepPartial). A partial upload that is removed is simply uploaded again.
// The limit is checked when an upload starts, without a lock over the directory: uploads started
// at the same moment may pass it by up to one attachment (20 MiB) each.
//
// Thread rules: a BlobStore is shared by every request thread; its methods may run concurrently
// (FileBlobStore keeps no state besides the directory name; flock() serialises writers of one
// blob across threads and processes, since each call opens its own descriptor).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "doorstep/core/sha256.h"
#include "doorstep/core/status.h"

namespace doorstep::sync::server {

struct BlobState {
  uint64_t held = 0;  // bytes held (the size when complete)
  uint64_t size = 0;  // known once complete; 0 while partial
  bool complete = false;
};

struct AppendResult {
  BlobState state;
  // `offset` was not the held size and nothing was written (HTTP 409); state.held tells the
  // device where to continue. Never set for a complete blob.
  bool offset_conflict = false;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual Result<BlobState> State(const Digest& sha256) = 0;
  // Appends `bytes` at `offset` of the blob of `size` bytes. A complete blob answers complete at
  // once (nothing written). Once `size` bytes are held the SHA-256 is verified: a match makes the
  // blob complete, a mismatch removes the partial blob and fails with kCorruption (HTTP 422).
  // kInvalidArgument when offset + bytes exceed `size` or `bytes` is empty before the end;
  // kResourceExhausted when `size` exceeds kMaxAttachmentBytes; kIo for file system errors.
  virtual Result<AppendResult> Append(const Digest& sha256, uint64_t offset, uint64_t size,
                                      std::string_view bytes) = 0;
  // Up to `length` bytes of a complete blob from `offset`. kNotFound unless complete.
  virtual Result<std::string> Read(const Digest& sha256, uint64_t offset, size_t length) = 0;
};

struct BlobStoreOptions {
  uint64_t max_partial_bytes = uint64_t{4} << 30;  // all .part files together
  std::chrono::seconds partial_max_age{14 * 24 * 3600};
};

struct SweepResult {
  size_t removed = 0;       // .part files removed
  uint64_t bytes = 0;       // their bytes
  uint64_t partial_bytes = 0;  // bytes of the .part files left
};

class FileBlobStore final : public BlobStore {
 public:
  // Creates the directory (mode 0700) when missing and sweeps old partial uploads. kIo when it
  // cannot.
  static Result<std::unique_ptr<FileBlobStore>> Open(const std::string& dir,
                                                     BlobStoreOptions options = {});
  // The default blob directory of a server database file: "<db>.blobs".
  static std::string DefaultDir(const std::string& db_path) { return db_path + ".blobs"; }

  Result<BlobState> State(const Digest& sha256) override;
  Result<AppendResult> Append(const Digest& sha256, uint64_t offset, uint64_t size,
                              std::string_view bytes) override;
  Result<std::string> Read(const Digest& sha256, uint64_t offset, size_t length) override;

  // Removes the .part files not written to for options.partial_max_age (a file being written,
  // i.e. locked, is left alone) and counts the bytes of those left.
  Result<SweepResult> SweepPartial();

  const std::string& dir() const { return dir_; }

 private:
  FileBlobStore(std::string dir, BlobStoreOptions options)
      : dir_(std::move(dir)), options_(options) {}
  std::string PathOf(const Digest& sha256, bool partial) const;
  // kUnavailable when starting an upload of `size` bytes would put the .part files over the
  // limit (after a sweep).
  Status CheckPartialRoom(uint64_t size);

  std::string dir_;
  BlobStoreOptions options_;
  std::atomic<int64_t> last_sweep_s_{0};
};

}  // namespace doorstep::sync::server
