// The push phase: the batch left in flight by an earlier sync first (byte-identical, so the
// server replays its answer if it had applied it), then the pending changes of the device's
// villages in batches; each answer is acknowledged in one store transaction that also advances
// the batch number.
#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "doorstep/sync/push_result.h"
#include "doorstep/sync/wire.h"
#include "sync_run.h"

namespace doorstep::sync::client {

// Records read from the outbox at a time by the push (a household is ~110 values; a 256 KiB
// batch holds ~100 households of the registry form). bench_sync: client peak RSS at 1,000
// households 73 MiB with 250, 60 MiB with 100, the same number of requests; at 10,000 households
// (exp driver, same client) 65.0 MiB with 100, 54.4 MiB with 50, the same requests and time.
constexpr size_t kPushWindowRecords = 50;
namespace {

uint64_t ParseSeq(const std::string& text) {
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// "<batch_seq> <encoding> <base64 of the encoded body>"
std::string InflightValue(uint64_t seq, Encoding encoding, const std::string& body) {
  return std::to_string(seq) + " " + EncodingName(encoding) + " " + Base64Encode(body);
}

bool SameValue(const v1::Value& a, const v1::Value& b) {
  return a.SerializeAsString() == b.SerializeAsString();
}

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status SyncClient::Run::Push() {
  SetPhase(SyncPhase::kPush);
  DS_ASSIGN_OR_RETURN(std::string seq_text, store_.GetSyncValue(kKeyBatchSeq));
  uint64_t seq = std::max<uint64_t>(1, ParseSeq(seq_text));
  DS_RETURN_IF_ERROR(ResendInflight(seq));
  DS_ASSIGN_OR_RETURN(seq_text, store_.GetSyncValue(kKeyBatchSeq));

  result_.out_of_scope.clear();  // this pass's view
  // Window by window through the outbox (kPushWindowRecords records at a time), so memory follows
  // the window, not the outbox: 10,000 households pending are ~1 M decoded values. The last
  // (partly filled) batch of a window is not sent but carried into the next window, so batches
  // stay as full as with the whole outbox at once.
  std::map<RecordId, size_t> out_of_scope;
  std::map<RecordId, std::string> scopes;
  std::set<RecordId> records;
  std::vector<OutboxEntry> carry;
  int64_t after = 0;
  for (;;) {
    if (cancelled()) return CancelledStatus("push");
    int64_t scanned = 0;
    DS_ASSIGN_OR_RETURN(auto entries, store_.PushableWindow(after, kPushWindowRecords, &scanned));
    const bool last = scanned == 0;
    after = std::max(after, scanned);
    std::vector<OutboxEntry> in_scope = std::move(carry);
    carry = {};
    const size_t added =
        SplitByScope(std::move(entries), &in_scope, &records, &out_of_scope, &scopes);
    progress_state_.changes_to_push += added;
    progress_state_.records_to_push = records.size();
    Report();
    if (in_scope.empty()) {
      if (last) break;
      continue;
    }
    DS_RETURN_IF_ERROR(PushEntries(std::move(in_scope), last, &carry));
    if (last) break;
  }
  for (const auto& [id, n] : out_of_scope) {
    result_.out_of_scope.push_back({id, scopes[id], n});
    LogTo(client_.logger_, LogLevel::kWarning,
          "record " + id.ToString() + " is outside this device's villages; " + std::to_string(n) +
              " changes stay pending");
  }
  return Status::Ok();
}

size_t SyncClient::Run::SplitByScope(std::vector<OutboxEntry> entries,
                                     std::vector<OutboxEntry>* in_scope,
                                     std::set<RecordId>* records,
                                     std::map<RecordId, size_t>* out_of_scope,
                                     std::map<RecordId, std::string>* scopes) {
  // One vector sized once (growth by doubling would hold up to twice the entries), and the
  // window's own vector freed (on return) before the batches are built.
  in_scope->reserve(in_scope->size() + entries.size());
  size_t added = 0;
  for (auto& e : entries) {
    if (InScope(e.scope)) {
      records->insert(e.record_id);
      in_scope->push_back(std::move(e));
      ++added;
    } else {
      ++(*out_of_scope)[e.record_id];
      (*scopes)[e.record_id] = e.scope;
    }
  }
  return added;
}

Status SyncClient::Run::PushEntries(std::vector<OutboxEntry> in_scope, bool last,
                                    std::vector<OutboxEntry>* carry) {
  // Changes that cannot be encoded (store.h, OutboxEntry::problem) never enter a batch: one
  // would make the whole batch undecodable.
  std::vector<PushAck> unencodable;
  size_t kept = 0;
  for (auto& e : in_scope) {
    if (!e.problem.empty()) {
      PushAck ack;
      ack.record_id = e.record_id;
      ack.path = e.path;
      ack.pushed_hlc = e.hlc;
      ack.reason = e.problem;
      unencodable.push_back(std::move(ack));
      continue;
    }
    if (&in_scope[kept] != &e) in_scope[kept] = std::move(e);
    ++kept;
  }
  in_scope.resize(kept);
  if (!unencodable.empty()) DS_RETURN_IF_ERROR(QuarantineHere(unencodable));
  DS_ASSIGN_OR_RETURN(std::string seq_text, store_.GetSyncValue(kKeyBatchSeq));
  const uint64_t seq = std::max<uint64_t>(1, ParseSeq(seq_text));
  std::vector<v1::ChangeSet> batches =
      BuildBatches(in_scope, enrollment_.device_id, seq, options_.batch_bytes, rpc_->encoding());
  size_t send = batches.size();
  if (!last && send > 0) {
    // Batches cover consecutive runs of the entries: the last one is their tail.
    const auto tail = static_cast<size_t>(batches.back().changes_size());
    carry->assign(std::make_move_iterator(in_scope.end() - static_cast<std::ptrdiff_t>(tail)),
                  std::make_move_iterator(in_scope.end()));
    --send;
  }
  in_scope = {};
  for (size_t i = 0; i < send; ++i) {
    if (cancelled()) return CancelledStatus("push");
    v1::ChangeSet& batch = batches[i];
    batch.set_device_clock_ms(static_cast<uint64_t>(WallClockMs()));
    batch.set_compact_results(true);  // ACCEPTED runs instead of one result per change
    auto body = EncodeBody(batch, rpc_->encoding());
    if (!body.ok()) return body.status();
    DS_RETURN_IF_ERROR(store_.SetSyncValue(
        kKeyInflight, InflightValue(batch.batch_seq(), rpc_->encoding(), *body)));
    DS_RETURN_IF_ERROR(SendBatch(batch, *body, rpc_->encoding()));
    batch = v1::ChangeSet();  // sent and acknowledged: its memory goes before the next one
  }
  return Status::Ok();
}

Status SyncClient::Run::ResendInflight(uint64_t batch_seq) {
  DS_ASSIGN_OR_RETURN(std::string inflight, store_.GetSyncValue(kKeyInflight));
  if (inflight.empty()) return Status::Ok();
  const size_t a = inflight.find(' ');
  const size_t b = a == std::string::npos ? a : inflight.find(' ', a + 1);
  bool usable = b != std::string::npos && ParseSeq(inflight.substr(0, a)) == batch_seq;
  Encoding encoding = Encoding::kIdentity;
  std::string body;
  v1::ChangeSet set;
  if (usable) {
    auto enc = ParseEncoding(inflight.substr(a + 1, b - a - 1));
    auto bytes = Base64Decode(std::string_view(inflight).substr(b + 1));
    usable = enc.ok() && bytes.ok() && DecodeBody(*bytes, *enc, &set).ok() &&
             set.batch_seq() == batch_seq && ValidateChangeSet(set).ok();
    if (usable) {
      encoding = *enc;
      body = std::move(bytes).value();
    }
  }
  if (!usable) {
    // Acknowledged already (the batch number moved on) or unreadable: its changes, if still
    // pending, go out in fresh batches.
    return store_.SetSyncValue(kKeyInflight, "");
  }
  LogTo(client_.logger_, LogLevel::kInfo,
        "resending batch " + std::to_string(batch_seq) + " left unacknowledged");
  progress_state_.changes_to_push += static_cast<size_t>(set.changes_size());
  Report();
  return SendBatch(set, body, encoding);
}

Status SyncClient::Run::SendBatch(const v1::ChangeSet& set, const std::string& body,
                                  Encoding encoding) {
  Status refusal;
  DS_ASSIGN_OR_RETURN(bool acknowledged, TrySend(set, body, encoding, &refusal));
  if (acknowledged) return Status::Ok();
  return IsolateRefused(set, refusal);
}

Result<bool> SyncClient::Run::TrySend(const v1::ChangeSet& set, const std::string& body,
                                      Encoding encoding, Status* refusal) {
  CallStats stats;
  v1::PushResult answer;
  Status sent = rpc_->PostEncoded("/v1/push", body, encoding, &answer, &stats);
  Count(stats);
  if (!sent.ok()) {
    const int http = stats.http_status;
    if (http == 409) {
      // The server holds other content under this number (e.g. a store restored from a
      // backup): the number is used up. Nothing was acknowledged; the changes stay pending and
      // the next sync sends them under the next number.
      DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyBatchSeq, std::to_string(set.batch_seq() + 1)));
      DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyInflight, ""));
      return Status(sent.code(),
                    sent.message() + " (batch " + std::to_string(set.batch_seq()) +
                        " skipped; the next sync sends its changes again)",
                    sent.where());
    }
    // A body the server could not decode was damaged on the way: the bytes kept in flight decode
    // here (ResendInflight checks them; a new batch was just encoded), so they stay in flight and
    // the next sync resends them as they are. Rebuilding instead would be wrong when an earlier
    // attempt of this batch was applied and its answer lost: the rebuilt batch would meet its
    // number (409), and edits made since would reach the server on a stale base version (a
    // conflict of the device with itself). Found by tests/sync/fault_push_test.cpp.
    const bool damaged = sent.code() == Code::kCorruption || sent.code() == Code::kParse;
    if (http >= 400 && http < 500 && http != 401 && !damaged) {
      // Refused without being applied: nothing of it is on the server.
      DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyInflight, ""));
      // Only a Doorstep server's refusal of the content (its ErrorBody: invalid_argument 400,
      // permission_denied 403, resource_exhausted 413) is isolated change by change. Anything
      // else (a 404 from a wrong URL, a proxy's or captive portal's page, a 429) says nothing
      // about the changes: they stay pending.
      for (const char* code : {"400 invalid_argument", "403 permission_denied",
                               "413 resource_exhausted"}) {
        if (sent.message().find(std::string("HTTP ") + code) != std::string::npos) {
          *refusal = sent;
          return false;
        }
      }
    }
    return sent;
  }
  ++result_.batches_sent;
  if (answer.replayed()) ++result_.batches_replayed;
  DS_RETURN_IF_ERROR(AcknowledgeResult(set, answer));
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyInflight, ""));
  return true;
}

namespace {

// The change a refusal names ("(at changes[12])" or "(at changes[12].path_index)" at the end of
// the message, as rpc.cpp writes the ErrorBody's `where`), or -1.
int NamedChange(const Status& refusal, int changes) {
  static const std::string kPrefix = "changes[";
  const std::string& text = refusal.message();
  const size_t at = text.rfind("(at changes[");
  if (at == std::string::npos) return -1;
  const std::string where = text.substr(at + 4);
  int n = 0;
  size_t i = kPrefix.size();
  for (; i < where.size() && where[i] >= '0' && where[i] <= '9'; ++i) {
    if (n > changes) return -1;
    n = n * 10 + (where[i] - '0');
  }
  if (i == kPrefix.size() || i >= where.size() || where[i] != ']' || n >= changes) return -1;
  return n;
}

// The changes `keep` of `set` as a batch of their own (paths and authors re-interned, so a bad
// entry of a table travels only with the changes that use it).
v1::ChangeSet Part(const v1::ChangeSet& set, const std::vector<int>& keep) {
  v1::ChangeSet part;
  part.set_device_id(set.device_id());
  std::map<uint32_t, uint32_t> paths, authors;
  for (int i : keep) {
    v1::FieldChange* c = part.add_changes();
    *c = set.changes(i);
    auto p = paths.try_emplace(c->path_index(), static_cast<uint32_t>(part.paths_size()));
    if (p.second) part.add_paths(set.paths(static_cast<int>(c->path_index())));
    c->set_path_index(p.first->second);
    auto a = authors.try_emplace(c->author_index(), static_cast<uint32_t>(part.authors_size()));
    if (a.second) *part.add_authors() = set.authors(static_cast<int>(c->author_index()));
    c->set_author_index(a.first->second);
  }
  return part;
}

}  // namespace

Status SyncClient::Run::QuarantineHere(const std::vector<PushAck>& refused) {
  DS_RETURN_IF_ERROR(store_.QuarantineRefused(refused));
  for (const auto& ack : refused) {
    ++result_.refused;
    result_.quarantined_changes.push_back({ack.record_id, ack.path, ack.reason, true});
    LogTo(client_.logger_, LogLevel::kWarning,
          "change of " + ack.record_id.ToString() + " " + ack.path +
              " refused; kept on this device: " + ack.reason);
  }
  return Status::Ok();
}

Status SyncClient::Run::IsolateRefused(v1::ChangeSet set, Status refusal) {
  // Parts still to send, the next one last. Every round either quarantines at least one change
  // or halves the records of a part of two or more, so a batch of n changes costs at most 2n
  // requests (a refusal that names no change and no record ends with that record's changes
  // quarantined here, all of them).
  std::vector<v1::ChangeSet> parts;
  for (;;) {
    const int n = set.changes_size();
    std::vector<bool> bad(static_cast<size_t>(n), false);
    const int named = NamedChange(refusal, n);
    if (named >= 0) {
      bad[static_cast<size_t>(named)] = true;
      if (refusal.code() == Code::kPermissionDenied) {  // a record-level refusal
        for (int i = 0; i < n; ++i) {
          if (set.changes(i).record_id() == set.changes(named).record_id()) {
            bad[static_cast<size_t>(i)] = true;
          }
        }
      }
    }
    // Records in order of appearance: a part is split between records, never inside one (the
    // server needs a new record's "@form" and village with its other changes).
    std::vector<std::string> records;
    for (const auto& c : set.changes()) {
      if (std::find(records.begin(), records.end(), c.record_id()) == records.end()) {
        records.push_back(c.record_id());
      }
    }
    if (named < 0 && records.size() <= 1) bad.assign(static_cast<size_t>(n), true);
    std::vector<PushAck> refused;
    std::vector<int> keep;
    for (int i = 0; i < n; ++i) {
      if (!bad[static_cast<size_t>(i)]) {
        keep.push_back(i);
        continue;
      }
      const v1::FieldChange& c = set.changes(i);
      PushAck ack;
      ack.record_id = ChangeRecordId(c);
      ack.path = ChangePath(set, c);
      ack.pushed_hlc = c.hlc();
      ack.reason = "refused by the server: " + refusal.message();
      refused.push_back(std::move(ack));
    }
    if (!refused.empty()) {
      DS_RETURN_IF_ERROR(QuarantineHere(refused));
      if (!keep.empty()) parts.push_back(Part(set, keep));
    } else {
      const std::set<std::string> first(records.begin(),
                                        records.begin() + static_cast<std::ptrdiff_t>(records.size() / 2));
      std::vector<int> front, back;
      for (int i : keep) (first.count(set.changes(i).record_id()) ? front : back).push_back(i);
      parts.push_back(Part(set, back));
      parts.push_back(Part(set, front));
    }
    for (;;) {
      if (parts.empty()) return Status::Ok();
      if (cancelled()) return CancelledStatus("push");
      set = std::move(parts.back());
      parts.pop_back();
      DS_ASSIGN_OR_RETURN(std::string seq_text, store_.GetSyncValue(kKeyBatchSeq));
      set.set_batch_seq(std::max<uint64_t>(1, ParseSeq(seq_text)));
      set.set_device_clock_ms(static_cast<uint64_t>(WallClockMs()));
      set.set_compact_results(true);
      auto body = EncodeBody(set, rpc_->encoding());
      if (!body.ok()) return body.status();
      DS_RETURN_IF_ERROR(store_.SetSyncValue(
          kKeyInflight, InflightValue(set.batch_seq(), rpc_->encoding(), *body)));
      DS_ASSIGN_OR_RETURN(bool acknowledged, TrySend(set, *body, rpc_->encoding(), &refusal));
      if (!acknowledged) break;  // isolate within this part
    }
  }
}

Status SyncClient::Run::AcknowledgeResult(const v1::ChangeSet& set,
                                          const v1::PushResult& compact) {
  if (compact.batch_seq() != set.batch_seq()) {
    return Status(Code::kCorruption, "POST /v1/push: answer for batch " +
                                         std::to_string(compact.batch_seq()) + " to batch " +
                                         std::to_string(set.batch_seq()));
  }
  v1::PushResult answer = compact;
  Status expanded = ExpandPushResult(&answer, set.changes_size());
  if (!expanded.ok()) {
    return Status(expanded.code(), "POST /v1/push: " + expanded.message(), expanded.where());
  }
  std::vector<PushAck> acks;
  acks.reserve(static_cast<size_t>(answer.results_size()));
  std::vector<bool> answered(static_cast<size_t>(set.changes_size()), false);
  std::map<size_t, int64_t> adopted;  // ack index -> conflict id
  for (const auto& r : answer.results()) {
    if (r.index() >= static_cast<uint32_t>(set.changes_size()) || answered[r.index()]) {
      return Status(Code::kCorruption, "POST /v1/push: answer with a bad change index",
                    "results.index " + std::to_string(r.index()));
    }
    answered[r.index()] = true;
    const v1::FieldChange& change = set.changes(static_cast<int>(r.index()));
    PushAck ack;
    ack.record_id = ChangeRecordId(change);
    ack.path = ChangePath(set, change);
    ack.pushed_hlc = change.hlc();
    ack.version = r.version();
    switch (r.outcome()) {
      case v1::ChangeResult::ACCEPTED:
        ++result_.accepted;
        if (r.winner_hlc() != 0 && r.winner_hlc() != change.hlc()) {
          // Stored under the server's clock: this device's clock is far ahead (docs/sync.md).
          ++result_.clock_restamped;
        }
        break;
      case v1::ChangeResult::DUPLICATE:
        ++result_.duplicates;
        break;
      case v1::ChangeResult::CONFLICT: {
        const bool ours = r.winner_hlc() == change.hlc() &&
                          r.winner_cleared() == change.cleared() &&
                          (change.cleared() || SameValue(r.winner(), change.value()));
        if (!ours) {
          ack.adopt = true;
          if (!r.winner_cleared()) ack.value = r.winner();
          ack.value_hlc = r.winner_hlc();
          adopted[acks.size()] = r.conflict_id();
        }
        ++result_.conflicts;
        result_.conflicts_seen.push_back({r.conflict_id(), ack.record_id, ack.path, ours});
        break;
      }
      case v1::ChangeResult::QUARANTINED:
        ack.quarantined = true;
        ack.reason = r.reason();
        ++result_.quarantined;
        result_.quarantined_changes.push_back({ack.record_id, ack.path, r.reason()});
        LogTo(client_.logger_, LogLevel::kWarning,
              "change of " + ack.record_id.ToString() + " " + ack.path +
                  " quarantined by the server: " + r.reason());
        break;
      default:
        continue;  // unknown outcome: leave the change pending
    }
    records_pushed_.insert(ack.record_id);
    acks.push_back(std::move(ack));
  }
  if (!adopted.empty()) FillWinnerAuthors(adopted, &acks);
  DS_RETURN_IF_ERROR(store_.AcknowledgePush(acks, set.batch_seq() + 1));
  result_.changes_pushed += acks.size();
  progress_state_.changes_pushed += acks.size();
  progress_state_.records_pushed = records_pushed_.size();
  Report();
  return Status::Ok();
}

void SyncClient::Run::FillWinnerAuthors(const std::map<size_t, int64_t>& adopted,
                                        std::vector<PushAck>* acks) {
  // A push answer names the winning value of a lost conflict but not who wrote it; the conflict
  // record does, so the adopted value keeps its real author in the audit trail. Best effort: on
  // failure the next pull cannot fix the author (same version), but values are unaffected.
  v1::ConflictList list;
  CallStats stats;
  Status got = rpc_->Get("/v1/conflicts?open=1", &list, &stats);
  Count(stats);
  if (!got.ok()) {
    LogTo(client_.logger_, LogLevel::kWarning,
          "cannot read the authors of conflict winners: " + got.message());
    return;
  }
  std::map<int64_t, const v1::Conflict*> by_id;
  for (const auto& c : list.conflicts()) by_id[c.id()] = &c;
  for (const auto& [index, conflict_id] : adopted) {
    PushAck& ack = (*acks)[index];
    auto it = by_id.find(conflict_id);
    if (it == by_id.end()) continue;
    for (const auto& candidate : it->second->candidates()) {
      if (candidate.hlc() == ack.value_hlc && candidate.cleared() == !ack.value.has_value()) {
        ack.value_author = {candidate.author().surveyor_id(), candidate.author().device_id()};
        break;
      }
    }
  }
}

}  // namespace doorstep::sync::client
