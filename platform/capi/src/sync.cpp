// The C ABI over the sync client: cancel flags, enrollment, a full sync with progress and its
// report, the server's conflicts.
#include "doorstep/core/value_text.h"
#include "doorstep/sync/client/sync_client.h"
#include "internal.h"

namespace doorstep::capi {
namespace {

namespace sc = sync::client;

int Phase(sc::SyncPhase phase) {
  switch (phase) {
    case sc::SyncPhase::kForms: return DS_PHASE_FORMS;
    case sc::SyncPhase::kPush: return DS_PHASE_PUSH;
    case sc::SyncPhase::kPull: return DS_PHASE_PULL;
    case sc::SyncPhase::kChecksum: return DS_PHASE_CHECKSUM;
    case sc::SyncPhase::kAttachments: return DS_PHASE_ATTACHMENTS;
    case sc::SyncPhase::kDone: return DS_PHASE_DONE;
  }
  return DS_PHASE_DONE;
}

std::string RecordText(const std::string& bytes) {
  return bytes.size() == 16 ? Uuid::FromBytes(bytes.data()).ToString() : std::string();
}

std::unique_ptr<ds_sync_report> Report(const sc::SyncResult& r) {
  auto report = std::make_unique<ds_sync_report>();
  report->changes_pushed = r.changes_pushed;
  report->changes_pulled = r.changes_pulled;
  report->records_created = r.records_created;
  report->records_purged = r.records_purged;
  report->still_pending = r.still_pending;
  report->bytes_sent = r.bytes_sent;
  report->bytes_received = r.bytes_received;
  report->checksums_match = r.checksums_verified && r.checksums_match();
  for (const auto& c : r.conflicts_seen) {
    report->conflicts.push_back({c.record_id.ToString(), c.path, c.local_value_won});
  }
  for (const auto& q : r.quarantined_changes) {
    report->quarantined.push_back({q.record_id.ToString(), q.path, q.reason});
  }
  return report;
}

Logger* StoreLogger(ds_store* store) {
  return store->logger.enabled() ? &store->logger : nullptr;
}

Status CheckStore(const char* function, ds_store* store, const ds_transport* transport) {
  DS_CAPI_REQUIRE(function, store);
  DS_CAPI_REQUIRE(function, transport);
  if (transport->send == nullptr) {
    return Status(Code::kInvalidArgument, std::string(function) + ": transport->send is NULL",
                  "transport");
  }
  return Status::Ok();
}

}  // namespace
}  // namespace doorstep::capi

using namespace doorstep;
using namespace doorstep::capi;

extern "C" {

ds_cancel* ds_cancel_create(void) {
  return Guard<ds_cancel*>("ds_cancel_create", nullptr, [] { return new ds_cancel(); });
}

void ds_cancel_destroy(ds_cancel* cancel) { delete cancel; }

void ds_cancel_request(ds_cancel* cancel) {
  if (cancel != nullptr) cancel->flag.store(true);
}

ds_status ds_sync_enroll(ds_store* store, const ds_transport* transport, const char* server_url,
                         const char* token, const char* device_name) {
  return Boundary("ds_sync_enroll", [&]() -> Status {
    DS_RETURN_IF_ERROR(CheckStore("ds_sync_enroll", store, transport));
    DS_CAPI_REQUIRE("ds_sync_enroll", server_url);
    DS_CAPI_REQUIRE("ds_sync_enroll", token);
    DS_CAPI_REQUIRE("ds_sync_enroll", device_name);
    auto http = MakeTransport(transport);
    sc::SyncClient client(*store->store, *http, StoreLogger(store));
    return client.Enroll(server_url, token, device_name).status();
  });
}

ds_status ds_sync(ds_store* store, const ds_transport* transport, ds_progress_fn progress,
                  void* progress_context, ds_cancel* cancel, ds_sync_report** report) {
  if (report != nullptr) *report = nullptr;
  return Boundary("ds_sync", [&]() -> Status {
    DS_RETURN_IF_ERROR(CheckStore("ds_sync", store, transport));
    auto http = MakeTransport(transport);
    sc::SyncClient client(*store->store, *http, StoreLogger(store));
    sc::ProgressFn on_progress;
    if (progress != nullptr) {
      on_progress = [progress, progress_context](const sc::SyncProgress& p) {
        ds_sync_progress c{};
        c.phase = Phase(p.phase);
        c.changes_to_push = p.changes_to_push;
        c.changes_pushed = p.changes_pushed;
        c.changes_pulled = p.changes_pulled;
        c.bytes_sent = p.bytes_sent;
        c.bytes_received = p.bytes_received;
        progress(progress_context, &c);
      };
    }
    sc::SyncResult result =
        client.Sync(sc::SyncOptions{}, on_progress, cancel == nullptr ? nullptr : &cancel->flag);
    if (report != nullptr) *report = Report(result).release();
    return result.status;
  });
}

void ds_sync_report_free(ds_sync_report* report) { delete report; }

uint64_t ds_sync_report_changes_pushed(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->changes_pushed;
}
uint64_t ds_sync_report_changes_pulled(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->changes_pulled;
}
uint64_t ds_sync_report_records_created(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->records_created;
}
uint64_t ds_sync_report_records_purged(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->records_purged;
}
uint64_t ds_sync_report_still_pending(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->still_pending;
}
uint64_t ds_sync_report_bytes_sent(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->bytes_sent;
}
uint64_t ds_sync_report_bytes_received(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->bytes_received;
}
int ds_sync_report_checksums_match(const ds_sync_report* r) {
  return r != nullptr && r->checksums_match ? 1 : 0;
}

size_t ds_sync_report_conflict_count(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->conflicts.size();
}
const char* ds_sync_report_conflict_record(const ds_sync_report* r, size_t i) {
  return r == nullptr || i >= r->conflicts.size() ? kEmpty : r->conflicts[i].record.c_str();
}
const char* ds_sync_report_conflict_path(const ds_sync_report* r, size_t i) {
  return r == nullptr || i >= r->conflicts.size() ? kEmpty : r->conflicts[i].path.c_str();
}
int ds_sync_report_conflict_local_won(const ds_sync_report* r, size_t i) {
  return r == nullptr || i >= r->conflicts.size() ? 0 : (r->conflicts[i].local_won ? 1 : 0);
}

size_t ds_sync_report_quarantined_count(const ds_sync_report* r) {
  return r == nullptr ? 0 : r->quarantined.size();
}
const char* ds_sync_report_quarantined_record(const ds_sync_report* r, size_t i) {
  return r == nullptr || i >= r->quarantined.size() ? kEmpty : r->quarantined[i].record.c_str();
}
const char* ds_sync_report_quarantined_path(const ds_sync_report* r, size_t i) {
  return r == nullptr || i >= r->quarantined.size() ? kEmpty : r->quarantined[i].path.c_str();
}
const char* ds_sync_report_quarantined_reason(const ds_sync_report* r, size_t i) {
  return r == nullptr || i >= r->quarantined.size() ? kEmpty : r->quarantined[i].reason.c_str();
}

// --- conflicts -------------------------------------------------------------------------------

ds_status ds_sync_conflicts(ds_store* store, const ds_transport* transport, int all,
                            ds_conflict_list** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_sync_conflicts", [&]() -> Status {
    DS_RETURN_IF_ERROR(CheckStore("ds_sync_conflicts", store, transport));
    DS_CAPI_REQUIRE("ds_sync_conflicts", out);
    auto http = MakeTransport(transport);
    sc::SyncClient client(*store->store, *http, StoreLogger(store));
    DS_ASSIGN_OR_RETURN(v1::ConflictList conflicts, client.ListConflicts(all != 0));
    auto list = std::make_unique<ds_conflict_list>();
    for (const v1::Conflict& c : conflicts.conflicts()) {
      // The server's answer is input: a conflict whose winner names no candidate is dropped
      // (logged by id), never handed on as an index the host would trust.
      if (c.winner() >= static_cast<uint32_t>(c.candidates_size())) {
        if (Logger* log = StoreLogger(store)) {
          log->Log(LogLevel::kWarning, "ds_sync_conflicts: conflict " + std::to_string(c.id()) +
                                           " names no candidate as winner; skipped");
        }
        continue;
      }
      ds_conflict_list::Row row;
      row.id = c.id();
      row.record = RecordText(c.record_id());
      row.path = c.path();
      row.resolved = c.resolved();
      row.winner = c.winner();
      for (const auto& candidate : c.candidates()) {
        ds_conflict_list::Candidate out_candidate;
        if (!candidate.cleared()) out_candidate.value = FormatValueText(candidate.value());
        out_candidate.surveyor = candidate.author().surveyor_id();
        out_candidate.device = candidate.author().device_id();
        row.candidates.push_back(std::move(out_candidate));
      }
      list->rows.push_back(std::move(row));
    }
    *out = list.release();
    return Status::Ok();
  });
}

void ds_conflict_list_free(ds_conflict_list* list) { delete list; }

size_t ds_conflict_list_count(const ds_conflict_list* list) {
  return list == nullptr ? 0 : list->rows.size();
}

int64_t ds_conflict_list_id(const ds_conflict_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? 0 : row->id;
}

const char* ds_conflict_list_record(const ds_conflict_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->record.c_str();
}

const char* ds_conflict_list_path(const ds_conflict_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->path.c_str();
}

int ds_conflict_list_resolved(const ds_conflict_list* list, size_t i) {
  auto* row = Row(list, i);
  return row != nullptr && row->resolved ? 1 : 0;
}

size_t ds_conflict_list_candidate_count(const ds_conflict_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? 0 : row->candidates.size();
}

const char* ds_conflict_list_candidate_value(const ds_conflict_list* list, size_t i, size_t j) {
  auto* row = Row(list, i);
  if (row == nullptr || j >= row->candidates.size()) return kEmpty;
  return row->candidates[j].value.c_str();
}

const char* ds_conflict_list_candidate_surveyor(const ds_conflict_list* list, size_t i,
                                                size_t j) {
  auto* row = Row(list, i);
  if (row == nullptr || j >= row->candidates.size()) return kEmpty;
  return row->candidates[j].surveyor.c_str();
}

const char* ds_conflict_list_candidate_device(const ds_conflict_list* list, size_t i, size_t j) {
  auto* row = Row(list, i);
  if (row == nullptr || j >= row->candidates.size()) return kEmpty;
  return row->candidates[j].device.c_str();
}

size_t ds_conflict_list_winner(const ds_conflict_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? 0 : row->winner;
}

}  // extern "C"
