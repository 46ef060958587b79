// The attachment phase of a sync and the reviewer's download (docs/sync.md "Attachments").
//
// Each pending blob: GET its state (the server is the authority on how much it holds: a chunk
// whose answer was lost is held there though not recorded here), then PUT the rest chunk by chunk
// at offset == held, recording each acknowledged chunk in the store (Store::SetUploaded, its own
// transaction) so a crash or a dropped link resumes from the last acknowledged chunk. A complete
// blob (whoever uploaded it) costs one GET and no chunk. A 409 carries the server's held size
// (another request got there first): the upload continues from it. A 422 (the whole did not hash
// to the named SHA-256) restarts the blob from zero on the next sync, unless the store's own copy
// is damaged, which is reported. A network error stops the phase (the link is down); a refusal
// of one blob (4xx) moves on to the next. Logs name hashes and counts, never file names.
#include <algorithm>
#include <optional>
#include <string>

#include "doorstep/core/sha256.h"
#include "sync_run.h"

namespace doorstep::sync::client {
namespace {

constexpr int kMaxOffsetResyncs = 16;
constexpr char kHeldBytesHeader[] = "doorstep-held-bytes";  // lower case, as the transport gives

std::string Hex(const std::string& sha256) {
  return ToHex(reinterpret_cast<const uint8_t*>(sha256.data()), sha256.size());
}

std::string PathOf(const std::string& sha256) {
  return "/v1/attachments/" + Hex(sha256);
}

// The held size of a 409 answer, or nullopt when the header is missing or malformed.
std::optional<uint64_t> HeldBytes(const CallStats& stats) {
  for (const auto& [name, value] : stats.headers) {
    if (name != kHeldBytesHeader) continue;
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
        value.size() > 19) {
      return std::nullopt;
    }
    return std::stoull(value);
  }
  return std::nullopt;
}

// True when the store's copy of the blob still hashes to its name.
Result<bool> LocalCopyIntact(Store& store, const BlobInfo& blob) {
  Sha256 hash;
  for (uint64_t offset = 0; offset < blob.size;) {
    DS_ASSIGN_OR_RETURN(std::string chunk, store.ReadBlob(blob.sha256, offset, size_t{1} << 20));
    if (chunk.empty()) break;
    hash.Update(chunk);
    offset += chunk.size();
  }
  const Digest d = hash.Final();
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size()) == blob.sha256;
}

}  // namespace

Status SyncClient::Run::Attachments() {
  DS_ASSIGN_OR_RETURN(auto pending, store_.PendingUploads());
  result_.attachments_pending = pending.size();
  if (pending.empty()) return Status::Ok();  // nothing to do: no request, no phase shown
  if (options_.attachment_chunk_bytes == 0 ||
      options_.attachment_chunk_bytes > kMaxAttachmentChunkBytes) {
    return Status(Code::kInvalidArgument,
                  "attachment chunks must be 1 byte to " +
                      std::to_string(kMaxAttachmentChunkBytes) + " bytes (the server's limit)",
                  "attachment_chunk_bytes");
  }
  progress_state_.attachments_to_upload = pending.size();
  for (const auto& b : pending) {
    progress_state_.attachment_bytes_total += b.size;
    progress_state_.attachment_bytes_held += b.uploaded;
  }
  SetPhase(SyncPhase::kAttachments);
  Status first;
  for (const BlobInfo& blob : pending) {
    if (cancelled()) return CancelledStatus("attachments");
    Status s = UploadAttachment(blob);
    if (s.ok()) continue;
    LogTo(client_.logger_, LogLevel::kWarning,
          "attachment " + Hex(blob.sha256).substr(0, 16) + " not uploaded: " + s.message());
    if (first.ok()) first = s;
    // No answer at all: the link is down; the next sync resumes every blob where it stands.
    if (s.code() == Code::kUnavailable || s.code() == Code::kCancelled || auth_refused_) break;
  }
  return first;
}

Status SyncClient::Run::UploadAttachment(const BlobInfo& blob) {
  const std::string path = PathOf(blob.sha256);
  v1::AttachmentState state;
  CallStats stats;
  Status asked = rpc_->Get(path, &state, &stats);
  Count(stats);
  if (!asked.ok()) return asked;
  uint64_t counted = blob.uploaded;  // this blob's share of attachment_bytes_held
  auto acknowledge = [&](uint64_t held, bool complete) -> Status {
    held = complete ? blob.size : std::min(held, blob.size);
    DS_RETURN_IF_ERROR(store_.SetUploaded(blob.sha256, held, complete));
    progress_state_.attachment_bytes_held += held;
    progress_state_.attachment_bytes_held -= counted;
    counted = held;
    if (complete) ++progress_state_.attachments_uploaded;
    Report();
    return Status::Ok();
  };
  if (state.complete()) {
    ++result_.attachments_already_there;
    return acknowledge(blob.size, true);
  }
  // The server's held size wins over ours: it may hold a chunk whose answer was lost, or have
  // lost a partial blob. One longer than the blob is reset by the server on the first chunk.
  uint64_t offset = state.held_bytes() > blob.size ? 0 : state.held_bytes();
  if (offset != blob.uploaded) DS_RETURN_IF_ERROR(acknowledge(offset, false));
  int resyncs = 0;
  for (;;) {
    if (cancelled()) return CancelledStatus("attachments");
    const size_t length = static_cast<size_t>(
        std::min<uint64_t>(options_.attachment_chunk_bytes, blob.size - offset));
    DS_ASSIGN_OR_RETURN(std::string chunk, store_.ReadBlob(blob.sha256, offset, length));
    if (chunk.size() != length) {
      return Status(Code::kCorruption, "the store holds fewer bytes than the attachment's size",
                    Hex(blob.sha256));
    }
    const std::string query = "?offset=" + std::to_string(offset) +
                              "&size=" + std::to_string(blob.size);
    v1::AttachmentState answer;
    Status put = rpc_->Put(path + query, std::move(chunk), &answer, &stats);
    Count(stats);
    if (put.ok()) {
      ++result_.attachment_chunks_sent;
      result_.attachment_bytes_sent += length;
      DS_RETURN_IF_ERROR(acknowledge(answer.held_bytes(), answer.complete()));
      if (answer.complete()) {
        ++result_.attachments_uploaded;
        return Status::Ok();
      }
      if (answer.held_bytes() != offset + length) {
        return Status(Code::kInternal,
                      "the server acknowledged " + std::to_string(answer.held_bytes()) +
                          " bytes after a chunk ending at " + std::to_string(offset + length),
                      Hex(blob.sha256));
      }
      offset = answer.held_bytes();
      continue;
    }
    if (stats.http_status == 409) {
      // Another request got there first (a retried chunk whose answer was lost, or a second
      // device with the same photo): continue where the server stands.
      auto held = HeldBytes(stats);
      if (!held || ++resyncs > kMaxOffsetResyncs) return put;
      offset = *held > blob.size ? 0 : *held;
      DS_RETURN_IF_ERROR(acknowledge(offset, false));
      continue;
    }
    if (stats.http_status == 422) return AttachmentRefused(blob, put);
    return put;
  }
}

Status SyncClient::Run::AttachmentRefused(const BlobInfo& blob, const Status& refusal) {
  // The server discarded its partial copy. Either the bytes sent were wrong (this store's copy is
  // damaged: report it, the photo must be taken again) or another upload spoiled the partial one
  // (start again from zero next time).
  DS_ASSIGN_OR_RETURN(bool intact, LocalCopyIntact(store_, blob));
  DS_RETURN_IF_ERROR(store_.SetUploaded(blob.sha256, 0, false));
  if (!intact) {
    return Status(Code::kCorruption,
                  "this store's copy of the attachment does not match its SHA-256 (damaged); "
                  "take the photo again",
                  Hex(blob.sha256));
  }
  return Status(Code::kCorruption,
                refusal.message() + "; the upload starts again from the beginning next sync",
                Hex(blob.sha256));
}

Result<std::string> SyncClient::FetchAttachment(const v1::Attachment& attachment,
                                                const std::atomic<bool>* cancel) {
  const std::string& sha = attachment.sha256();
  DS_ASSIGN_OR_RETURN(auto held, store_.GetBlobInfo(sha));
  if (held) return store_.ReadBlob(sha, 0, static_cast<size_t>(held->size));
  if (attachment.size() == 0 || attachment.size() > kMaxAttachmentBytes) {
    return Status(Code::kInvalidArgument,
                  "the attachment value gives a size of " + std::to_string(attachment.size()) +
                      " bytes",
                  "size");
  }
  DS_ASSIGN_OR_RETURN(auto rpc, OpenRpc(store_, transport_));
  rpc->set_cancel(cancel);
  std::string bytes;
  const std::string path = PathOf(sha) + "/data";
  while (bytes.size() < attachment.size()) {
    const uint64_t length =
        std::min<uint64_t>(kMaxAttachmentChunkBytes, attachment.size() - bytes.size());
    std::string chunk;
    Status got = rpc->GetBytes(
        path + "?offset=" + std::to_string(bytes.size()) + "&length=" + std::to_string(length),
        &chunk);
    if (!got.ok()) {
      transport_.CloseIdle();
      return got;
    }
    if (chunk.empty()) {
      transport_.CloseIdle();
      return Status(Code::kCorruption,
                    "the server's copy ends at " + std::to_string(bytes.size()) +
                        " bytes; the attachment value gives " +
                        std::to_string(attachment.size()),
                    Hex(sha));
    }
    bytes += chunk;
  }
  transport_.CloseIdle();
  DS_RETURN_IF_ERROR(store_.SaveFetchedBlob(sha, bytes, attachment.media_type()));
  return bytes;
}

}  // namespace doorstep::sync::client
