// Attachments (photos): content-addressed blobs in the store file (table `blob`, schema 2).
//
// A blob is stored once per SHA-256 whatever the number of fields referring to it. The upload
// bookkeeping (`uploaded`, `complete`) is written by the sync client after each chunk the server
// acknowledged, each in its own transaction, so a crash resumes from the last acknowledged chunk.
// Which blobs to upload is decided from the live field values at the time of the sync (not from
// reference counts kept on every write), so a photo replaced or cleared before it left the tablet
// is never uploaded, and a value adopted from the server or a conflict needs no bookkeeping.
#include <algorithm>
#include <set>

#include "doorstep/core/sha256.h"
#include "doorstep/core/text_check.h"
#include "record/values.h"
#include "store/impl.h"

namespace doorstep {
namespace {

constexpr size_t kMaxMediaType = record::kMaxMediaTypeBytes;
constexpr size_t kMaxFileName = record::kMaxFileNameBytes;

std::string HexOf(const std::string& sha256) {
  return ToHex(reinterpret_cast<const uint8_t*>(sha256.data()), sha256.size());
}

Status CheckSha(const std::string& sha256) {
  if (sha256.size() != 32) {
    return Status(Code::kInvalidArgument,
                  "an attachment hash is 32 bytes, got " + std::to_string(sha256.size()),
                  "sha256");
  }
  return Status::Ok();
}

// "type/subtype", printable ASCII without spaces (RFC 6838 restricted names, loosely).
Status CheckMediaType(const std::string& media_type) {
  const size_t slash = media_type.find('/');
  bool ok = !media_type.empty() && media_type.size() <= kMaxMediaType && slash != 0 &&
            slash != std::string::npos && slash + 1 < media_type.size() &&
            media_type.find('/', slash + 1) == std::string::npos;
  for (char c : media_type) {
    if (c <= ' ' || c > '~') ok = false;
  }
  if (!ok) {
    return Status(Code::kInvalidArgument,
                  "media type must look like 'image/jpeg' (type/subtype, at most " +
                      std::to_string(kMaxMediaType) + " characters, no spaces)",
                  "media_type");
  }
  return Status::Ok();
}

Status CheckBytes(std::string_view bytes) {
  if (bytes.empty()) return Status(Code::kInvalidArgument, "the attachment is empty", "bytes");
  if (bytes.size() > kMaxAttachmentBytes) {
    return Status(Code::kResourceExhausted,
                  "the attachment is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                      std::to_string(kMaxAttachmentBytes >> 20) + " MiB (" +
                      std::to_string(kMaxAttachmentBytes) + " bytes)",
                  "bytes");
  }
  return Status::Ok();
}

Status RequireDraftRecord(const LoadedRecord& rec) {
  if (rec.deleted) return Status(Code::kFailedPrecondition, "record is deleted", rec.id.ToString());
  if (rec.state == RecordState::kFinalized) {
    return Status(Code::kFailedPrecondition,
                  "record is finalized; reopen it to make a correction", rec.id.ToString());
  }
  return Status::Ok();
}

// Columns: sha256, media_type, size, uploaded, complete, added_hlc.
BlobInfo ReadInfo(const store::Stmt& st) {
  BlobInfo b;
  b.sha256 = std::string(st.Blob(0));
  b.media_type = std::string(st.Text(1));
  b.size = static_cast<uint64_t>(st.Int(2));
  b.uploaded = static_cast<uint64_t>(st.Int(3));
  b.complete = st.Int(4) != 0;
  b.added = static_cast<HlcTimestamp>(st.Int(5));
  return b;
}

// Inserts the blob unless the store holds it already; inside the caller's transaction.
Result<v1::Value> InsertBlob(Store::Impl& impl, std::string_view bytes,
                             const std::string& media_type, const std::string& file_name,
                             bool complete) {
  DS_RETURN_IF_ERROR(CheckBytes(bytes));
  DS_RETURN_IF_ERROR(CheckMediaType(media_type));
  if (file_name.size() > kMaxFileName) {
    return Status(Code::kInvalidArgument,
                  "file name is over " + std::to_string(kMaxFileName) + " bytes", "file_name");
  }
  DS_RETURN_IF_ERROR(CheckText(file_name, "file_name", "file name", false));
  const Digest digest = Sha256Of(bytes);
  const std::string sha(reinterpret_cast<const char*>(digest.data()), digest.size());
  const HlcTimestamp now = impl.hlc->Now();
  DS_ASSIGN_OR_RETURN(auto ins, impl.db->Prepare(
      "INSERT OR IGNORE INTO blob(sha256, media_type, size, uploaded, complete, added_hlc, data) "
      "VALUES(?, ?, ?, ?, ?, ?, ?)"));
  const auto size = static_cast<int64_t>(bytes.size());
  DS_RETURN_IF_ERROR(ins.BindBlob(1, sha)
                         .Bind(2, media_type)
                         .Bind(3, size)
                         .Bind(4, complete ? size : 0)
                         .Bind(5, complete ? 1 : 0)
                         .Bind(6, static_cast<int64_t>(now))
                         .BindBlob(7, bytes)
                         .Run());
  if (complete && impl.db->Changes() == 0) {
    // Held already (e.g. a photo taken here): the server has it whole now.
    DS_ASSIGN_OR_RETURN(auto upd, impl.db->Prepare(
        "UPDATE blob SET uploaded = size, complete = 1 WHERE sha256 = ?"));
    DS_RETURN_IF_ERROR(upd.BindBlob(1, sha).Run());
  }
  DS_RETURN_IF_ERROR(impl.PersistHlc());
  v1::Value value;
  auto* a = value.mutable_attachment();
  a->set_sha256(sha);
  a->set_media_type(media_type);
  a->set_size(bytes.size());
  a->set_file_name(file_name);
  return value;
}

}  // namespace

Result<v1::Value> Store::AddAttachment(std::string_view bytes, const std::string& media_type,
                                       const std::string& file_name) {
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_ASSIGN_OR_RETURN(v1::Value value, InsertBlob(*impl_, bytes, media_type, file_name, false));
  DS_RETURN_IF_ERROR(txn->Commit());
  return value;
}

Result<v1::Value> Store::Attach(const RecordId& id, const std::string& path,
                                std::string_view bytes, const std::string& media_type,
                                const std::string& file_name) {
  DS_RETURN_IF_ERROR(impl_->RequireAuthor());
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  DS_RETURN_IF_ERROR(RequireDraftRecord(rec));
  DS_ASSIGN_OR_RETURN(v1::Value value, InsertBlob(*impl_, bytes, media_type, file_name, false));
  ValidationReport unused;
  DS_RETURN_IF_ERROR(impl_->ApplyEdits(rec, {Edit::Set(path, value)}, false, &unused).status());
  DS_RETURN_IF_ERROR(txn->Commit());
  return value;
}

Result<std::optional<BlobInfo>> Store::GetBlobInfo(const std::string& sha256) {
  DS_RETURN_IF_ERROR(CheckSha(sha256));
  DS_ASSIGN_OR_RETURN(auto st, impl_->db->Prepare(
      "SELECT sha256, media_type, size, uploaded, complete, added_hlc FROM blob WHERE sha256 = ?"));
  st.BindBlob(1, sha256);
  DS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<BlobInfo>();
  return std::optional<BlobInfo>(ReadInfo(st));
}

Result<std::vector<BlobInfo>> Store::PendingUploads() {
  store::Db& db = *impl_->db;
  std::vector<BlobInfo> pending;
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT sha256, media_type, size, uploaded, complete, added_hlc FROM blob "
        "WHERE complete = 0 ORDER BY added_hlc, sha256"));
    for (;;) {
      DS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      pending.push_back(ReadInfo(st));
    }
  }
  if (pending.empty()) return pending;  // the usual case costs one index lookup
  // The blobs that live values refer to (Impl::CollectAttachmentHashes).
  std::set<std::string> referenced;
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT v.value FROM value v JOIN record r ON r.id = v.record_id "
        "WHERE r.deleted = 0 AND substr(v.value, 1, 1) = x'4A'"));
    DS_RETURN_IF_ERROR(Impl::CollectAttachmentHashes(st, &referenced));
  }
  std::erase_if(pending, [&](const BlobInfo& b) { return referenced.count(b.sha256) == 0; });
  return pending;
}

Result<std::string> Store::ReadBlob(const std::string& sha256, uint64_t offset, size_t length) {
  DS_RETURN_IF_ERROR(CheckSha(sha256));
  store::Db& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT rowid, size FROM blob WHERE sha256 = ?"));
  st.BindBlob(1, sha256);
  DS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status(Code::kNotFound, "this store does not hold the attachment", HexOf(sha256));
  }
  const int64_t rowid = st.Int(0);
  const auto size = static_cast<uint64_t>(st.Int(1));
  if (offset > size) {
    return Status(Code::kInvalidArgument,
                  "offset " + std::to_string(offset) + " is past the end of the attachment (" +
                      std::to_string(size) + " bytes)",
                  "offset");
  }
  const auto n = static_cast<size_t>(std::min<uint64_t>(length, size - offset));
  std::string out(n, '\0');
  if (n == 0) return out;
  // Incremental blob I/O: only the pages of this chunk are read, not the whole photo.
  sqlite3_blob* handle = nullptr;
  int rc = sqlite3_blob_open(db.raw(), "main", "blob", "data", rowid, 0, &handle);
  if (rc != SQLITE_OK) {
    if (handle != nullptr) sqlite3_blob_close(handle);
    return db.Error(rc, "reading attachment " + HexOf(sha256));
  }
  rc = sqlite3_blob_read(handle, out.data(), static_cast<int>(n), static_cast<int>(offset));
  sqlite3_blob_close(handle);
  if (rc != SQLITE_OK) return db.Error(rc, "reading attachment " + HexOf(sha256));
  return out;
}

Status Store::SetUploaded(const std::string& sha256, uint64_t uploaded, bool complete) {
  DS_RETURN_IF_ERROR(CheckSha(sha256));
  store::Db& db = *impl_->db;
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(db));
  uint64_t size = 0;
  {
    DS_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT size FROM blob WHERE sha256 = ?"));
    st.BindBlob(1, sha256);
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      return Status(Code::kNotFound, "this store does not hold the attachment", HexOf(sha256));
    }
    size = static_cast<uint64_t>(st.Int(0));
  }
  if (uploaded > size) {
    return Status(Code::kInvalidArgument,
                  "uploaded " + std::to_string(uploaded) + " bytes of an attachment of " +
                      std::to_string(size),
                  "uploaded");
  }
  DS_ASSIGN_OR_RETURN(auto upd, db.Prepare(
      "UPDATE blob SET uploaded = ?, complete = ? WHERE sha256 = ?"));
  DS_RETURN_IF_ERROR(upd.Bind(1, static_cast<int64_t>(complete ? size : uploaded))
                         .Bind(2, complete ? 1 : 0)
                         .BindBlob(3, sha256)
                         .Run());
  return txn->Commit();
}

Status Store::SaveFetchedBlob(const std::string& sha256, std::string_view bytes,
                              const std::string& media_type) {
  DS_RETURN_IF_ERROR(CheckSha(sha256));
  const Digest digest = Sha256Of(bytes);
  if (std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()) != sha256) {
    return Status(Code::kCorruption,
                  "the fetched bytes do not have the attachment's SHA-256; nothing stored",
                  HexOf(sha256));
  }
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_RETURN_IF_ERROR(InsertBlob(*impl_, bytes, media_type, {}, true).status());
  return txn->Commit();
}

Status Store::Impl::CollectAttachmentHashes(store::Stmt& st, std::set<std::string>* out) {
  for (;;) {
    DS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    std::string_view bytes = st.Blob(0);
    v1::Value value;
    if (value.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
        value.has_attachment()) {
      out->insert(value.attachment().sha256());
    }
  }
}

}  // namespace doorstep
