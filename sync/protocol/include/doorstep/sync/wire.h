// Building and reading interned change messages (ChangeSet, PullPage): every distinct path and
// author appears once per message and changes refer to them by index; record ids are 16 raw bytes.
//
// Thread rules: builders and views are used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/core/store.h"
#include "doorstep/sync.pb.h"
#include "doorstep/sync/codec.h"

namespace doorstep::sync {

// Interns paths and authors into a message's tables.
class Interner {
 public:
  uint32_t Path(const std::string& path, google::protobuf::RepeatedPtrField<std::string>* table);
  uint32_t AuthorIndex(const Author& author,
                       google::protobuf::RepeatedPtrField<v1::AuthorRef>* table);
  void Clear();

 private:
  std::map<std::string, uint32_t> paths_;
  std::map<std::pair<std::string, std::string>, uint32_t> authors_;
};

// Converts an outbox entry into a FieldChange of `set` (interning path and author).
void AddChange(const OutboxEntry& entry, Interner* interner, v1::ChangeSet* set);

// Splits pending changes into ChangeSets whose compressed size stays at or under `max_bytes`
// (a single change larger than that still goes, alone). Batches are numbered from `first_seq`.
// Changes of one record stay in order. Batches fill to within a few changes of `max_bytes`: a
// batch ends at a record boundary or inside a record after its header (its "@form" and the change
// carrying OutboxEntry::scope), so the server learns a new record's form and village from the
// first part. `encoding` is the one that will be used on the wire.
std::vector<v1::ChangeSet> BuildBatches(const std::vector<OutboxEntry>& entries,
                                        const std::string& device_id, uint64_t first_seq,
                                        size_t max_bytes = kDefaultBatchBytes,
                                        Encoding encoding = Encoding::kZstd);

// Checks the structure of a received ChangeSet: record ids of 16 bytes, path and author indexes in
// range, paths that parse (doorstep::FieldPath), a value or `cleared` on each change. The error's
// `where` names the change: "changes[12].path_index".
Status ValidateChangeSet(const v1::ChangeSet& set);
Status ValidatePullPage(const v1::PullPage& page);

// Accessors that resolve indexes (call only on validated messages).
RecordId ChangeRecordId(const v1::FieldChange& change);
const std::string& ChangePath(const v1::ChangeSet& set, const v1::FieldChange& change);
const std::string& ChangePath(const v1::PullPage& page, const v1::FieldChange& change);
Author ChangeAuthor(const v1::ChangeSet& set, const v1::FieldChange& change);
Author ChangeAuthor(const v1::PullPage& page, const v1::FieldChange& change);

// Converts a validated pull page into the core store's input.
void ToRemote(const v1::PullPage& page, std::vector<RemoteRecord>* records,
              std::vector<RemoteChange>* changes);

}  // namespace doorstep::sync
