// Store::Impl: state shared by the store's implementation files. Private to the core.
//
//   schema.cpp   migrations by PRAGMA user_version
//   store.cpp    open, identity, forms
//   write.cpp    the write path: edits, calculations, outbox, audit (one transaction per call)
//   edit_session.cpp  the write path's in-memory phases: edits applied, calculations, validation
//   read.cpp     records, validation, signatures, outbox and audit queries
//   migrate.cpp  moving a draft to another form version
//   attachments.cpp  content-addressed blobs (photos) and their upload bookkeeping
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "doorstep/core/store.h"
#include "record/model.h"
#include "store/sqlite.h"

namespace doorstep {

// Applies schema migrations up to kStoreSchemaVersion (one transaction). kSchemaTooNew when the
// file is newer.
Status MigrateSchema(store::Db& db);

// One record loaded for reading or writing.
struct LoadedRecord {
  RecordId id;
  std::shared_ptr<const CompiledForm> form;
  RecordState state = RecordState::kDraft;
  bool deleted = false;
  HlcTimestamp created = 0;
  HlcTimestamp updated = 0;
  record::ValueMap values;  // every live value, metadata included (cleared fields are absent)
  // Every stored row, cleared ones included.
  struct Row {
    int64_t version = 0;  // server version last seen
    HlcTimestamp hlc = 0;
    int64_t author = 0;
    bool cleared = false;
  };
  std::map<std::string, Row> rows;
  int64_t next_audit_seq = 1;
  bool in_outbox = false;  // the record has a row in `outbox`
};

class Store::Impl {
 public:
  StoreOptions options;
  std::unique_ptr<store::Db> db;
  std::unique_ptr<Hlc> hlc;
  Author author;
  int64_t author_id = 0;  // 0 = not set
  int64_t next_outbox_seq = 1;  // next `value.pending` sequence
  std::map<std::string, std::shared_ptr<const CompiledForm>> forms;  // "id@version"

  int32_t TodayDays() const;
  // Adds `ack` to the quarantine table (inside the caller's transaction).
  Status AddQuarantine(const PushAck& ack, bool by_server);

  Result<std::shared_ptr<const CompiledForm>> Form(const std::string& form_id,
                                                   const std::string& version);
  Result<LoadedRecord> Load(const RecordId& id);

  // The write path (write.cpp). Runs `edits` (and optionally finalize) on `rec` inside the
  // caller's transaction and writes every resulting change.
  // `metadata` values ("@form", "@state", ...) are set first. On validation failure during
  // finalize, returns kValidation and fills `report`; the caller rolls back.
  Result<std::vector<std::string>> ApplyEdits(
      LoadedRecord& rec, const std::vector<Edit>& edits, bool finalize, ValidationReport* report,
      const std::vector<std::pair<std::string, v1::Value>>& metadata = {});
  // ApplyEdits' persist phase: writes each path of `originals` (path -> value as loaded) whose
  // value in `rec` differs, then the record row and the clock.
  Status PersistEdits(LoadedRecord& rec,
                      const std::map<std::string, std::optional<v1::Value>>& originals,
                      HlcTimestamp now);
  // Writes one value change (set when `value` is non-null, clear otherwise) with outbox and audit.
  // Derived (calculated) values are stored but neither pushed nor audited: every side recomputes.
  Status WriteValue(LoadedRecord& rec, const std::string& path, const v1::Value* old_value,
                    const v1::Value* value, HlcTimestamp hlc, bool derived);
  Status PersistHlc();
  Status RequireAuthor() const;
  // Recomputes the calculated fields of a loaded record and writes what changed (derived writes).
  Status RecomputeDerived(LoadedRecord& rec);
  // The id of an author row, inserted when missing.
  Result<int64_t> AuthorId(const Author& author);
  // The record's scope: the value of its form's scope_field ("" when unset or no scope field).
  std::string ScopeOf(const LoadedRecord& rec) const;
  Status SetMeta(const std::string& key, const std::string& value);
  // Pending changes of at most `max_records` outbox records after `after_outbox_seq` (read.cpp).
  Result<std::vector<OutboxEntry>> PendingWindow(int64_t after_outbox_seq, size_t max_records);
  // Keeps the entries whose record's village is known, with scope and "@deleted" base (sync.cpp).
  Result<std::vector<OutboxEntry>> Pushable(std::vector<OutboxEntry> pending, size_t limit);
  // Whether a record's pending changes may be pushed (its form has no scope field, or the record's
  // scope is filled in), and its scope; read without loading the record (sync.cpp).
  Result<std::pair<bool, std::string>> PushScope(const RecordId& id);
  // The record's scope value ("" when its form has no scope field or the field is empty).
  Result<std::string> ScopeOfId(const RecordId& id);
  // Steps `st` (column 0: serialized values) and adds the SHA-256 of every attachment among them
  // to `out`. Statements select attachment values cheaply with substr(value, 1, 1) = x'4A': a
  // serialized v1::Value holding an attachment starts with the tag of field 9, length-delimited,
  // the only field of the oneof that is set (cleared values are empty and never match).
  static Status CollectAttachmentHashes(store::Stmt& st, std::set<std::string>* out);
  // kFailedPrecondition naming `path` when the store holds no blob with the attachment's hash.
  Status RequireBlob(const v1::Attachment& attachment, const std::string& path);
};

}  // namespace doorstep
