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
// Thread rules: a BlobStore is shared by every request thread; its methods may run concurrently
// (FileBlobStore keeps no state besides the directory name; flock() serialises writers of one
// blob across threads and processes, since each call opens its own descriptor).
#pragma once

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

class FileBlobStore final : public BlobStore {
 public:
  // Creates the directory (mode 0700) when missing. kIo when it cannot.
  static Result<std::unique_ptr<FileBlobStore>> Open(const std::string& dir);
  // The default blob directory of a server database file: "<db>.blobs".
  static std::string DefaultDir(const std::string& db_path) { return db_path + ".blobs"; }

  Result<BlobState> State(const Digest& sha256) override;
  Result<AppendResult> Append(const Digest& sha256, uint64_t offset, uint64_t size,
                              std::string_view bytes) override;
  Result<std::string> Read(const Digest& sha256, uint64_t offset, size_t length) override;

  const std::string& dir() const { return dir_; }

 private:
  explicit FileBlobStore(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(const Digest& sha256, bool partial) const;

  std::string dir_;
};

}  // namespace doorstep::sync::server
