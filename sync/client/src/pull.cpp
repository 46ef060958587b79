// The pull phase: pages of changes after the cursor until the server has no more; each page is
// applied with its new cursor in one store transaction.
#include <algorithm>
#include <utility>

#include "doorstep/sync/wire.h"
#include "sync_run.h"

namespace doorstep::sync::client {
namespace {

int64_t ParseCursor(const std::string& text) {
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

Result<PullApplyStats> SyncClient::Run::ApplyPage(const v1::PullPage& page, int64_t next_cursor,
                                                  bool* forms_refreshed) {
  std::vector<RemoteRecord> records;
  std::vector<RemoteChange> changes;
  ToRemote(page, &records, &changes);
  auto applied = store_.ApplyPulled(records, changes, next_cursor);
  if (!applied.ok() && applied.status().code() == Code::kFailedPrecondition && !*forms_refreshed) {
    // A record of a form version this store does not have yet (installed on the server since
    // the forms were fetched): fetch the forms once and apply the page again.
    *forms_refreshed = true;
    CallStats stats;
    auto added = InstallServerForms(store_, *rpc_, &stats, /*conditional=*/false);
    Count(stats);
    if (!added.ok()) return added.status();
    result_.forms_installed += *added;
    applied = store_.ApplyPulled(records, changes, next_cursor);
  }
  return applied;
}

Status SyncClient::Run::Pull() {
  SetPhase(SyncPhase::kPull);
  DS_ASSIGN_OR_RETURN(std::string cursor_text, store_.GetSyncValue(kKeyCursor));
  int64_t cursor = ParseCursor(cursor_text);
  cursor_ = cursor;
  final_page_checksums_.reset();
  // Every pushed batch acknowledged: the server may leave out what this device wrote (it holds
  // those values at those versions). A batch in flight may have been applied unanswered; then
  // its values come back like anyone's.
  DS_ASSIGN_OR_RETURN(std::string inflight, store_.GetSyncValue(kKeyInflight));
  // After a village came back (ApplyScope) the device's own writes there were purged: not left out.
  DS_ASSIGN_OR_RETURN(std::string pull_whole, store_.GetSyncValue(kKeyPullWhole));
  bool forms_refreshed = false;
  for (;;) {
    if (cancelled()) return CancelledStatus("pull");
    v1::PullRequest request;
    request.set_cursor(cursor);
    request.set_page_size(options_.page_size);
    request.set_skip_own_writes(inflight.empty() && pull_whole != "1");
    // The server's checksums ride on the last page when a comparison is due.
    request.set_want_checksums(ChecksumWanted(cursor) || result_.changes_pulled > 0);
    v1::PullPage page;
    CallStats stats;
    Status got = rpc_->Post("/v1/pull", request, &page, &stats);
    Count(stats);
    if (!got.ok()) return got;
    Status valid = ValidatePullPage(page);
    if (!valid.ok()) {
      return Status(Code::kCorruption, "POST /v1/pull: " + valid.message(), valid.where());
    }
    if (page.cursor_reset()) {
      // The server never reached this cursor (its database restored from an older backup):
      // its versions since then would be skipped for good, so the pull starts again from 0.
      LogTo(client_.logger_, LogLevel::kWarning,
            "the server's last version is below this device's pull cursor " +
                std::to_string(cursor) + "; pulling this device's villages again from the start");
      cursor = 0;
      result_.cursor_reset = true;
      // Values this device holds at versions the server no longer has: pushed again next sync.
      DS_ASSIGN_OR_RETURN(result_.values_repushed, store_.RepushAbove(page.head()));
    }
    if (page.more() && page.next_cursor() <= cursor) {
      return Status(Code::kCorruption,
                    "POST /v1/pull: the cursor did not advance (" + std::to_string(cursor) + ")");
    }
    DS_ASSIGN_OR_RETURN(PullApplyStats applied,
                        ApplyPage(page, std::max(cursor, page.next_cursor()), &forms_refreshed));
    ++result_.pages_pulled;
    result_.changes_pulled += static_cast<size_t>(page.changes_size());
    result_.values_applied += applied.applied;
    result_.kept_local += applied.kept_local;
    result_.records_created += applied.records_created;
    for (const auto& r : page.records()) {
      if (r.record_id().size() == 16) {
        records_pulled_.insert(RecordId::FromBytes(r.record_id().data()));
      }
    }
    progress_state_.pages_pulled = result_.pages_pulled;
    progress_state_.changes_pulled = result_.changes_pulled;
    progress_state_.records_pulled = records_pulled_.size();
    Report();
    if (page.next_cursor() > cursor) cursor = page.next_cursor();
    cursor_ = cursor;
    if (!page.more()) {
      if (pull_whole == "1") DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyPullWhole, ""));
      // (A server that predates want_checksums sends none: the checksum step asks instead.)
      if (request.want_checksums() && page.checksums_size() > 0) {
        final_page_checksums_ = page.checksums();
      }
      return Status::Ok();
    }
  }
}

}  // namespace doorstep::sync::client
