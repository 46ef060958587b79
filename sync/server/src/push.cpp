// SyncService::Push: one batch in one transaction (see docs/sync.md and docs/server.md).
//
//   1. (device, batch_seq) seen before: the recorded answer (replayed), or kConflict when the
//      batch content differs.
//   2. Plan every record of the batch before writing anything: its form version (the batch's
//      "@form", else the stored one) and scope (the batch's scope-field value, else the stored
//      one). A record stored in, or moving to, a village outside the device's is kPermissionDenied
//      for the whole batch. A record whose form version is not installed or that has no scope is
//      quarantined, change by change.
//   3. Apply changes in order through sync::Merge; "@deleted" against edits as service.h says.
//   4. Re-derive the header of every touched record (a new village re-versions the record), record
//      the device's clock skew, store the answer under (device, batch_seq).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <unordered_set>

#include "doorstep/core/path.h"
#include "doorstep/sync/merge.h"
#include "doorstep/sync/push_result.h"
#include "doorstep/sync/wire.h"
#include "push_checks.h"
#include "service_internal.h"

namespace doorstep::sync::server {
namespace {

// The highest HLC a store keeps: both stores hold HLCs as signed 64-bit integers, so anything
// from 2^63 up would come back negative (stamped 1970) on every tablet.
constexpr HlcTimestamp kMaxHlc = static_cast<HlcTimestamp>(INT64_MAX);
constexpr int64_t kMaxHlcMillis = INT64_MAX >> 16;

using internal::CandidateOf;
using internal::JudgePath;
using internal::PathVerdict;
using internal::ValueProblem;
using internal::WriteField;

const std::string kDeleted(kMetaDeleted);
const std::string kForm(kMetaForm);

// SHA-256 of the batch as the device built it: deterministic serialization, device_clock_ms left
// out (a retry carries the time it was re-sent). The same bytes as serializing a copy with the
// field cleared, without copying the batch: a top-level field is encoded on its own, so the
// field's bytes are cut out of the serialization.
Digest BatchDigest(const v1::ChangeSet& set) {
  using google::protobuf::internal::WireFormatLite;
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    set.SerializeToCodedStream(&coded);
  }
  if (set.device_clock_ms() == 0) return Sha256Of(bytes);
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  Sha256 hash;
  size_t kept_from = 0;
  for (;;) {
    const size_t at = static_cast<size_t>(in.CurrentPosition());
    const uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    if (!WireFormatLite::SkipField(&in, tag)) break;  // our own serialization: cannot happen
    if (WireFormatLite::GetTagFieldNumber(tag) == v1::ChangeSet::kDeviceClockMsFieldNumber) {
      hash.Update(std::string_view(bytes).substr(kept_from, at - kept_from));
      kept_from = static_cast<size_t>(in.CurrentPosition());
    }
  }
  hash.Update(std::string_view(bytes).substr(kept_from));
  return hash.Final();
}

struct RecordPlan {
  RecordRow row;
  bool exists = false;  // the record row is in the store (before or since this batch began)
  std::shared_ptr<const CompiledForm> form;
  std::string quarantine;  // non-empty: why every change of the record is quarantined
  int64_t max_before = 0;  // the record's highest version before this batch
  bool touched = false;
  std::vector<int> changes;  // indexes into the batch, in order
  bool created = false;      // the store had no such record before this batch
  // Created records: the paths this batch wrote (views of the batch's strings or of constants).
  std::unordered_set<std::string_view> written;
  // "@deleted" as last read or written by this batch (outer empty: not read yet).
  std::optional<std::optional<FieldRow>> deleted;
};

bool SameWrite(const v1::Conflict::Candidate& c, HlcTimestamp hlc, const std::string& device) {
  return c.hlc() == hlc && c.author().device_id() == device;
}

// Index of the candidate for (hlc, device), adding `candidate` when none matches.
uint32_t AddCandidate(v1::Conflict* conflict, const v1::Conflict::Candidate& candidate) {
  for (int i = 0; i < conflict->candidates_size(); ++i) {
    if (SameWrite(conflict->candidates(i), candidate.hlc(), candidate.author().device_id())) {
      return static_cast<uint32_t>(i);
    }
  }
  *conflict->add_candidates() = candidate;
  return static_cast<uint32_t>(conflict->candidates_size() - 1);
}

v1::Value Flag(bool on) {
  v1::Value v;
  v.set_flag(on);
  return v;
}

class PushRun {
 public:
  PushRun(SyncService& service, ServerTxn& txn, const DeviceInfo& device, const v1::ChangeSet& set,
          int64_t now)
      : service_(service), txn_(txn), device_(device), set_(set), now_(now) {}

  Result<v1::PushResult> Run(const Digest& digest) {
    DS_ASSIGN_OR_RETURN(auto done, txn_.GetBatch(device_.device_id, set_.batch_seq()));
    if (done) {
      if (done->body_sha256 != digest) {
        return Status(Code::kConflict,
                      "batch " + std::to_string(set_.batch_seq()) +
                          " of this device was already applied with different content",
                      "batch_seq");
      }
      v1::PushResult replay;
      if (!replay.ParseFromString(done->result)) {
        return Status(Code::kCorruption, "recorded push result does not decode", "batch_seq");
      }
      replay.set_replayed(true);
      replay.set_server_clock_ms(now_);
      return replay;
    }
    DS_RETURN_IF_ERROR(Plan());
    for (int i = 0; i < set_.changes_size(); ++i) DS_RETURN_IF_ERROR(Apply(i));
    for (auto& [id, plan] : plans_) {
      if (!plan.touched) continue;
      DS_RETURN_IF_ERROR(
          internal::RefreshRecord(txn_, &plan.row, plan.form->def().scope_field(), now_));
    }
    DS_RETURN_IF_ERROR(RecordDevice());
    result_.set_batch_seq(set_.batch_seq());
    result_.set_server_clock_ms(now_);
    if (set_.compact_results()) CompactPushResult(&result_);
    BatchRow batch{device_.device_id, set_.batch_seq(), digest, result_.SerializeAsString(), now_};
    DS_RETURN_IF_ERROR(txn_.PutBatch(batch));
    return result_;
  }

  int future_hlcs() const { return future_count_; }
  int rebound_authors() const { return rebound_authors_; }
  int quarantined() const { return quarantined_; }
  int conflicts() const { return conflicts_; }

 private:
  Status Plan() {
    // The author's device is the authenticated one, by its id or the name it enrolled with (a
    // tablet's author device label): a device cannot write in another's name (a tablet naming
    // the reviewer's device). Any other is bound to the pushing device's name. The surveyor id
    // is the device's to state.
    const std::string& bound = device_.name.empty() ? device_.device_id : device_.name;
    authors_.reserve(static_cast<size_t>(set_.authors_size()));
    for (const auto& a : set_.authors()) {
      if (a.device_id() == device_.device_id || a.device_id() == bound) {
        authors_.push_back(Author{a.surveyor_id(), a.device_id()});
      } else {
        ++rebound_authors_;
        authors_.push_back(Author{a.surveyor_id(), bound});
      }
    }
    change_plans_.reserve(static_cast<size_t>(set_.changes_size()));
    for (int i = 0; i < set_.changes_size(); ++i) {
      RecordPlan& plan = plans_[ChangeRecordId(set_.changes(i))];
      plan.changes.push_back(i);
      change_plans_.push_back(&plan);
    }
    std::vector<RecordId> ids;  // in id order (the map's), the order records are locked in
    ids.reserve(plans_.size());
    for (const auto& entry : plans_) ids.push_back(entry.first);
    DS_ASSIGN_OR_RETURN(auto headers, txn_.GetRecords(ids));
    size_t next = 0;
    for (auto& [id, plan] : plans_) {
      const std::string where = "changes[" + std::to_string(plan.changes.front()) + "]";
      std::optional<RecordRow>& stored = headers[next++];
      if (stored && !device_.InScope(stored->scope)) {
        return Status(Code::kPermissionDenied,
                      "the record belongs to a village that is not one of this device's", where);
      }
      // The batch's last word on "@form" and on the scope field, if any.
      const v1::FieldChange* form_change = nullptr;
      for (int i : plan.changes) {
        if (ChangePath(set_, set_.changes(i)) == kForm) form_change = &set_.changes(i);
      }
      std::string form_id = stored ? stored->form_id : "";
      std::string version = stored ? stored->form_version : "";
      if (form_change != nullptr && !form_change->cleared()) {
        auto key = internal::SplitFormKey(form_change->value().text());
        if (!key) {
          plan.quarantine = "@form is not 'form_id@version'";
        } else if (stored && key->first != stored->form_id) {
          plan.quarantine = "@form names another form than the record's";
        } else {
          form_id = key->first;
          version = key->second;
        }
      } else if (!stored) {
        plan.quarantine = "record unknown to the server and the batch carries no @form";
      }
      if (plan.quarantine.empty()) {
        DS_ASSIGN_OR_RETURN(plan.form, service_.Form(form_id, version, &txn_));
        if (!plan.form) plan.quarantine = "form " + form_id + "@" + version + " is not installed";
      }
      std::string scope = stored ? stored->scope : "";
      if (plan.quarantine.empty()) {
        const std::string& scope_field = plan.form->def().scope_field();
        if (scope_field.empty()) {
          plan.quarantine = "form " + plan.form->key() + " has no scope_field";
        } else {
          for (int i : plan.changes) {
            const auto& c = set_.changes(i);
            if (ChangePath(set_, c) != scope_field) continue;
            scope = c.cleared() ? "" : internal::ScopeText(c.value());
            const PathVerdict verdict = JudgePath(*plan.form, scope_field);
            std::string bad = verdict.problem;
            if (bad.empty()) bad = ValueProblem(*plan.form, verdict, scope_field, c);
            if (!bad.empty()) plan.quarantine = "scope field '" + scope_field + "': " + bad;
          }
          if (scope.empty() && plan.quarantine.empty()) {
            plan.quarantine = "scope field '" + scope_field + "' is empty";
          }
        }
      }
      if (plan.quarantine.empty() && !device_.InScope(scope)) {
        return Status(Code::kPermissionDenied,
                      "the record's village is not one of this device's villages", where);
      }
      if (stored) {
        plan.row = *stored;
        plan.exists = true;
        plan.max_before = stored->max_version;
      } else {
        plan.created = true;
        plan.row.id = id;
        plan.row.form_id = form_id;
        plan.row.form_version = version;
        plan.row.scope = scope;
        plan.row.created_ms = now_;
      }
    }
    return Status::Ok();
  }

  Status Apply(int index) {
    const v1::FieldChange& ch = set_.changes(index);
    RecordPlan& plan = *change_plans_[static_cast<size_t>(index)];
    const std::string& path = ChangePath(set_, ch);
    const Author& author = authors_[ch.author_index()];
    v1::ChangeResult* result = result_.add_results();
    result->set_index(static_cast<uint32_t>(index));

    // A clock further ahead than max_future_ms (a tablet's wrong date, or a broken or hostile
    // device): the value is accepted, so honest data never waits for a reviewer, but under the
    // server's clock, so it cannot win every later conflict. The answer names the HLC stored.
    HlcTimestamp hlc = ch.hlc();
    const int64_t lead = HlcMillis(ch.hlc()) - now_;
    if (ch.hlc() > kMaxHlc || lead > service_.options().max_future_ms) {
      ++future_count_;
      max_future_ms_ = std::max(max_future_ms_, std::min<int64_t>(lead, kMaxHlcMillis));
      hlc = service_.Restamp(now_);
    }
    std::string problem = plan.quarantine;
    if (problem.empty()) {
      // Paths repeat across the records of a batch: judged once per (form, path).
      auto [it, added] = verdicts_.try_emplace({plan.form.get(), ch.path_index()});
      if (added) it->second = JudgePath(*plan.form, path);
      problem = it->second.problem;
      if (problem.empty()) problem = ValueProblem(*plan.form, it->second, path, ch);
    }
    if (!problem.empty()) return Quarantine(index, path, author, problem, result);

    if (!plan.exists) {
      DS_RETURN_IF_ERROR(txn_.PutRecord(plan.row));
      plan.exists = true;
    }
    plan.touched = true;
    IncomingChange in;
    in.base_version = ch.base_version();
    in.hlc = hlc;
    in.device_id = author.device_id;
    in.cleared = ch.cleared();
    if (!ch.cleared()) in.value = ch.value();

    if (path == kDeleted && !ch.cleared() && ch.value().flag()) {
      return ApplyDeletion(plan, ch, in, author, result);
    }
    std::optional<FieldRow> deleted;  // set when this edit reaches a deleted record
    if (path != kDeleted) {
      DS_ASSIGN_OR_RETURN(const FieldRow* d, Deleted(plan));
      // An edit of a record deleted by a change its device had not seen.
      if (d != nullptr && !d->cleared && d->value.flag() && d->version > ch.base_version()) {
        deleted = *d;
      }
    }
    DS_RETURN_IF_ERROR(MergeOne(plan, path, in, author, result));
    if (hlc != ch.hlc() && result->outcome() == v1::ChangeResult::ACCEPTED) {
      result->set_winner_hlc(hlc);  // accepted under the server's clock (docs/sync.md)
    }
    if (deleted && result->outcome() != v1::ChangeResult::DUPLICATE) {
      return KeepAlive(plan, *deleted, in, author);
    }
    return Status::Ok();
  }

  // The current row of (record, path). A record this batch created holds only what it wrote.
  Result<std::optional<FieldRow>> Current(const RecordPlan& plan, const std::string& path) {
    if (plan.created && plan.written.count(path) == 0) return std::optional<FieldRow>();
    return txn_.GetField(plan.row.id, path);
  }

  // The record's "@deleted" row (nullptr: none), read once per batch.
  Result<const FieldRow*> Deleted(RecordPlan& plan) {
    if (!plan.deleted) {
      DS_ASSIGN_OR_RETURN(auto row, Current(plan, kDeleted));
      plan.deleted = std::move(row);
    }
    return *plan.deleted ? &**plan.deleted : nullptr;
  }

  // Every field write of the batch: keeps Current() and Deleted() true. `absent`: the field has
  // no current row.
  Result<FieldRow> Write(RecordPlan& plan, const std::string& path, bool cleared,
                         const v1::Value& value, HlcTimestamp hlc, const Author& author,
                         const std::string& pushed_by, bool absent) {
    DS_ASSIGN_OR_RETURN(FieldRow row, WriteField(txn_, &plan.row, path, cleared, value, hlc,
                                                 author, now_, pushed_by, absent));
    if (plan.created) plan.written.insert(path);
    if (path == kDeleted) plan.deleted = std::optional<FieldRow>(row);
    return row;
  }

  Status MergeOne(RecordPlan& plan, const std::string& path, const IncomingChange& in,
                  const Author& author, v1::ChangeResult* result) {
    DS_ASSIGN_OR_RETURN(auto current, Current(plan, path));
    std::optional<FieldState> state;
    if (current) {
      state = FieldState{current->version, current->hlc, current->author.device_id,
                         current->cleared, current->value};
    }
    MergeDecision d = Merge(state, in);
    if (d.outcome == MergeOutcome::kDuplicate) {
      result->set_outcome(v1::ChangeResult::DUPLICATE);
      result->set_version(current->version);
      return Status::Ok();
    }
    if (d.outcome == MergeOutcome::kAccept) {
      DS_ASSIGN_OR_RETURN(FieldRow row, Write(plan, path, in.cleared, in.value, in.hlc, author,
                                              device_.device_id, !current));
      result->set_outcome(v1::ChangeResult::ACCEPTED);
      result->set_version(row.version);
      return Status::Ok();
    }
    // Concurrent edit: keep every value in the field's conflict; the field holds the rule winner.
    FieldRow incoming;
    incoming.cleared = in.cleared;
    incoming.value = in.value;
    incoming.hlc = in.hlc;
    incoming.author = author;
    incoming.version = current->version;
    FieldRow winner = *current;
    if (d.incoming_wins) {
      DS_ASSIGN_OR_RETURN(winner, Write(plan, path, in.cleared, in.value, in.hlc, author,
                                        device_.device_id, false));
      incoming.version = winner.version;
    }
    DS_ASSIGN_OR_RETURN(int64_t conflict_id,
                        SaveConflict(plan, path, {CandidateOf(*current), CandidateOf(incoming)},
                                     CandidateOf(winner)));
    SetConflictResult(result, winner.cleared, winner.value, winner.hlc, winner.version, conflict_id);
    return Status::Ok();
  }

  // A deletion. Without a later change of the record than the deleting device had seen, it is an
  // ordinary new version; otherwise it opens a "@deleted" conflict and the record stays alive.
  Status ApplyDeletion(RecordPlan& plan, const v1::FieldChange& ch, const IncomingChange& in,
                       const Author& author, v1::ChangeResult* result) {
    DS_ASSIGN_OR_RETURN(const FieldRow* current, Deleted(plan));
    if (current != nullptr &&
        ((current->hlc == in.hlc && current->author.device_id == in.device_id) ||
         (!current->cleared && current->value.flag()))) {
      result->set_outcome(v1::ChangeResult::DUPLICATE);  // the record is deleted already
      result->set_version(current->version);
      return Status::Ok();
    }
    if (!RecordDeleteConflicts(plan.max_before, ch.base_version())) {
      DS_ASSIGN_OR_RETURN(FieldRow row, Write(plan, kDeleted, false, in.value, in.hlc, author,
                                              device_.device_id, current == nullptr));
      result->set_outcome(v1::ChangeResult::ACCEPTED);
      result->set_version(row.version);
      return Status::Ok();
    }
    // The "kept" side is the latest change of the record, which the deleting device had not seen.
    DS_ASSIGN_OR_RETURN(auto fields, txn_.GetRecordFields(plan.row.id));
    auto latest = std::max_element(fields.begin(), fields.end(), [](const auto& a, const auto& b) {
      return a.version < b.version;
    });
    if (latest == fields.end()) return Status(Code::kInternal, "edited record without fields");
    FieldRow kept = *latest;
    kept.cleared = false;
    kept.value = Flag(false);
    FieldRow deletion;
    deletion.value = in.value;
    deletion.hlc = in.hlc;
    deletion.author = author;
    deletion.version = plan.row.max_version;
    DS_ASSIGN_OR_RETURN(int64_t conflict_id,
                        SaveConflict(plan, kDeleted, {CandidateOf(kept), CandidateOf(deletion)},
                                     CandidateOf(kept)));
    if (current) {
      SetConflictResult(result, current->cleared, current->value, current->hlc, current->version,
                        conflict_id);
    } else {
      SetConflictResult(result, true, v1::Value(), 0, 0, conflict_id);
    }
    return Status::Ok();
  }

  // An edit reached a record deleted by a change its device had not seen: the record comes back
  // ("@deleted" = false, written with the edit's HLC and author) and a "@deleted" conflict holds
  // both sides for a reviewer.
  Status KeepAlive(RecordPlan& plan, const FieldRow& deleted, const IncomingChange& in,
                   const Author& author) {
    DS_ASSIGN_OR_RETURN(FieldRow kept,
                        Write(plan, kDeleted, false, Flag(false), in.hlc, author, {}, false));
    return SaveConflict(plan, kDeleted, {CandidateOf(deleted), CandidateOf(kept)}, CandidateOf(kept))
        .status();
  }

  // Opens or extends the open conflict of (record, path) with `candidates`; `winner` is the
  // candidate the field now holds. Returns the conflict id.
  Result<int64_t> SaveConflict(RecordPlan& plan, const std::string& path,
                               const std::vector<v1::Conflict::Candidate>& candidates,
                               const v1::Conflict::Candidate& winner) {
    DS_ASSIGN_OR_RETURN(auto existing, txn_.GetOpenConflict(plan.row.id, path));
    v1::Conflict c;
    if (existing) {
      c = *existing;
    } else {
      c.set_record_id(std::string(plan.row.id.AsBytes()));
      c.set_path(path);
      c.set_scope(plan.row.scope);
    }
    for (const auto& cand : candidates) AddCandidate(&c, cand);
    c.set_winner(AddCandidate(&c, winner));
    ++conflicts_;
    if (existing) {
      DS_RETURN_IF_ERROR(txn_.UpdateConflict(c));
      return c.id();
    }
    return txn_.AddConflict(c);
  }

  static void SetConflictResult(v1::ChangeResult* result, bool cleared, const v1::Value& value,
                                HlcTimestamp hlc, int64_t version, int64_t conflict_id) {
    result->set_outcome(v1::ChangeResult::CONFLICT);
    result->set_version(version);
    if (cleared) {
      result->set_winner_cleared(true);
    } else {
      *result->mutable_winner() = value;
    }
    result->set_winner_hlc(hlc);
    result->set_conflict_id(conflict_id);
  }

  Status Quarantine(int index, const std::string& path, const Author& author,
                    const std::string& reason, v1::ChangeResult* result) {
    const v1::FieldChange& ch = set_.changes(index);
    QuarantineRow q;
    q.entry.set_device_id(device_.device_id);
    q.entry.set_batch_seq(set_.batch_seq());
    q.entry.set_record_id(ch.record_id());
    q.entry.set_path(path);
    q.entry.set_reason(reason);
    q.entry.set_received_ms(now_);
    v1::ChangeSet one;
    one.set_device_id(set_.device_id().empty() ? device_.device_id : set_.device_id());
    one.set_batch_seq(set_.batch_seq());
    one.set_device_clock_ms(set_.device_clock_ms());
    one.add_paths(path);
    v1::AuthorRef* a = one.add_authors();
    a->set_surveyor_id(author.surveyor_id);
    a->set_device_id(author.device_id);
    v1::FieldChange* copy = one.add_changes();
    *copy = ch;
    copy->set_path_index(0);
    copy->set_author_index(0);
    q.change = one.SerializeAsString();
    DS_RETURN_IF_ERROR(txn_.AddQuarantine(q).status());
    result->set_outcome(v1::ChangeResult::QUARANTINED);
    result->set_reason(reason);
    ++quarantined_;
    return Status::Ok();
  }

  // Last seen, clock skew and future HLCs of the pushing device.
  Status RecordDevice() {
    DS_ASSIGN_OR_RETURN(auto row, txn_.GetDevice(device_.device_id));
    if (!row) return Status::Ok();  // an administrator's import: no device row
    row->last_seen_ms = now_;
    if (set_.device_clock_ms() != 0) {
      row->clock_skew_ms = static_cast<int64_t>(set_.device_clock_ms()) - now_;
    }
    row->future_hlc_count += future_count_;
    row->max_future_hlc_ms = std::max(row->max_future_hlc_ms, max_future_ms_);
    return txn_.PutDevice(*row);
  }

  SyncService& service_;
  ServerTxn& txn_;
  const DeviceInfo& device_;
  const v1::ChangeSet& set_;
  const int64_t now_;
  std::map<RecordId, RecordPlan> plans_;
  std::vector<RecordPlan*> change_plans_;  // by change index
  std::vector<Author> authors_;            // the batch's author table
  std::map<std::pair<const CompiledForm*, uint32_t>, PathVerdict> verdicts_;
  v1::PushResult result_;
  int future_count_ = 0;
  int rebound_authors_ = 0;
  int64_t max_future_ms_ = 0;
  int quarantined_ = 0;
  int conflicts_ = 0;
};

}  // namespace

HlcTimestamp SyncService::Restamp(int64_t now_ms) {
  uint64_t last = last_restamp_.load();
  for (;;) {
    const uint64_t next = std::max<uint64_t>(MakeHlc(now_ms, 0), last + 1);
    if (last_restamp_.compare_exchange_weak(last, next)) return next;
  }
}

Result<v1::PushResult> SyncService::Push(const DeviceInfo& device, const v1::ChangeSet& set) {
  DS_RETURN_IF_ERROR(ValidateChangeSet(set));
  if (set.batch_seq() == 0) {
    return Status(Code::kInvalidArgument, "batch_seq starts at 1", "batch_seq");
  }
  if (!set.device_id().empty() && set.device_id() != device.device_id) {
    return Status(Code::kPermissionDenied, "the change set names another device", "device_id");
  }
  const Digest digest = BatchDigest(set);
  const int64_t now = clock().NowMs();
  int future = 0, quarantined = 0, conflicts = 0, rebound = 0;
  auto result = internal::RunTxn<v1::PushResult>(
      *store_, options_.max_attempts, [&](ServerTxn& txn) -> Result<v1::PushResult> {
        PushRun run(*this, txn, device, set, now);
        auto r = run.Run(digest);
        future = run.future_hlcs();
        rebound = run.rebound_authors();
        quarantined = run.quarantined();
        conflicts = run.conflicts();
        return r;
      });
  if (!result.ok()) return result;
  const std::string batch = "device " + device.device_id + " batch " +
                            std::to_string(set.batch_seq());
  if (future > 0) {
    Log(LogLevel::kWarning,
        batch + ": " + std::to_string(future) +
            " change(s) with an HLC more than " +
            std::to_string(options_.max_future_ms / 3600000) +
            " h ahead of the server clock, stored under the server's clock");
  }
  if (rebound > 0) {
    Log(LogLevel::kWarning, batch + ": " + std::to_string(rebound) +
                                " author(s) named another device; bound to this device");
  }
  if (quarantined > 0) {
    Log(LogLevel::kWarning, batch + ": " + std::to_string(quarantined) + " change(s) quarantined");
  }
  if (conflicts > 0) {
    Log(LogLevel::kInfo, batch + ": " + std::to_string(conflicts) + " conflict(s) opened or extended");
  }
  return result;
}

}  // namespace doorstep::sync::server
