// SyncClient::Run: the order of the phases, progress reporting, the overall result.
#include "sync_run.h"

#include <algorithm>
#include <utility>

namespace doorstep::sync::client {

bool SyncClient::Run::InScope(const std::string& scope) const {
  if (enrollment_.reviewer && enrollment_.villages.empty()) return !scope.empty();
  return std::find(enrollment_.villages.begin(), enrollment_.villages.end(), scope) !=
         enrollment_.villages.end();
}

Status SyncClient::Run::CancelledStatus(const char* phase) const {
  return Status(Code::kCancelled, std::string("sync cancelled during ") + phase);
}

void SyncClient::Run::SetPhase(SyncPhase phase) {
  progress_state_.phase = phase;
  Report();
}

void SyncClient::Run::Report() {
  if (progress_) progress_(progress_state_);
}

void SyncClient::Run::Count(const CallStats& stats) {
  done_sent_ += stats.bytes_sent;
  done_received_ += stats.bytes_received;
  progress_state_.bytes_sent = done_sent_;
  progress_state_.bytes_received = done_received_;
  if (stats.http_status == 401) auth_refused_ = true;
  if (stats.http_status != 0) answered_ = true;
}

Result<size_t> SyncClient::Run::PushableInScope() {
  // Counted by the store per village, without reading the changes: memory does not follow the
  // outbox (which may hold a whole village of records waiting for another device's villages).
  DS_ASSIGN_OR_RETURN(auto by_scope, store_.PushableCountByScope());
  size_t n = 0;
  for (const auto& [scope, count] : by_scope) {
    if (InScope(scope)) n += count;
  }
  return n;
}

Status SyncClient::Run::Forms() {
  SetPhase(SyncPhase::kForms);
  CallStats stats;
  ScopeChange scope;
  auto added = InstallServerForms(store_, *rpc_, &stats, true, &scope);
  Count(stats);
  if (!added.ok()) return added.status();
  result_.forms_installed = *added;
  if (scope.changed) {
    enrollment_.villages = scope.villages;
    enrollment_.reviewer = scope.reviewer;
    result_.scope_changed = true;
    result_.records_purged = scope.purged.records;
    result_.photos_purged = scope.purged.blobs;
    result_.purge_kept_unpushed = scope.purged.kept_unpushed;
    LogTo(client_.logger_, LogLevel::kInfo,
          "the township changed this device's villages (" +
              std::to_string(scope.villages.size()) + " now); " +
              std::to_string(scope.purged.records) + " records of other villages removed, " +
              std::to_string(scope.purged.kept_unpushed) + " kept until their changes are pushed");
  }
  return Status::Ok();
}

SyncResult SyncClient::Run::Execute() {
  std::string moved_to;  // a new server address, stored once the server there answered
  Status opened = Open(&moved_to);
  if (!opened.ok()) {
    result_.status = opened;
    return result_;
  }
  RecordPhases();
  const bool complete = CatchUp();
  if (options_.verify_checksums && complete) result_.checksum_status = Checksums(cursor_);
  AttachmentPhase();
  Finish(moved_to);
  return result_;
}

Status SyncClient::Run::Open(std::string* moved_to) {
  DS_ASSIGN_OR_RETURN(enrollment_, ReadEnrollment(store_));
  if (auto verified = store_.GetSyncValue(kKeyVerifiedCursor); verified.ok()) {
    verified_cursor_ = *verified;
  }
  if (!options_.server_url.empty()) {
    DS_ASSIGN_OR_RETURN(std::string url, NormalizeServerUrl(options_.server_url));
    if (url != enrollment_.server) *moved_to = url;
  }
  result_.server = moved_to->empty() ? enrollment_.server : *moved_to;
  DS_ASSIGN_OR_RETURN(rpc_, OpenRpc(store_, client_.transport_, *moved_to, options_.encoding));
  rpc_->set_cancel(cancel_);
  rpc_->set_progress([this](uint64_t sent, uint64_t received) {
    progress_state_.bytes_sent = done_sent_ + sent;
    progress_state_.bytes_received = done_received_ + received;
    Report();
  });
  return Status::Ok();
}

void SyncClient::Run::RecordPhases() {
  if (options_.refresh_forms) {
    result_.forms_status = cancelled() ? CancelledStatus("forms") : Forms();
    // No answer at all after every retry: the server is unreachable; the other phases would
    // only wait through their own retries.
    unreachable_ = result_.forms_status.code() == Code::kUnavailable && !answered_;
  }
  if (options_.push) {
    if (unreachable_ || auth_refused_) {
      result_.push_skipped = true;
    } else {
      result_.push_status = cancelled() ? CancelledStatus("push") : Push();
    }
  }
  if (unreachable_) result_.pull_skipped = true;
  if (options_.pull && !unreachable_) {
    if (auth_refused_ || cancelled()) {
      result_.pull_skipped = true;
      if (cancelled()) result_.pull_status = CancelledStatus("pull");
    } else {
      result_.pull_status = Pull();
    }
  }
}

bool SyncClient::Run::CatchUp() {
  bool complete = result_.forms_status.ok() && result_.push_status.ok() &&
                  result_.pull_status.ok() && options_.push && options_.pull && !cancelled();
  if (!complete) return false;
  // A record whose fields came in several pages may have been edited here while its village was
  // still unknown; the pull made those edits pushable. One more push and pull sends them.
  auto waiting = PushableInScope();
  if (waiting.ok() && *waiting > 0) {
    result_.push_status = Push();
    if (result_.push_status.ok()) result_.pull_status = Pull();
    complete = result_.push_status.ok() && result_.pull_status.ok() && !cancelled();
  }
  // Changes still pending in the device's villages (edited during the sync) would make the
  // comparison fail for no fault; the next sync compares.
  waiting = PushableInScope();
  if (!waiting.ok() || *waiting > 0) complete = false;
  return complete;
}

void SyncClient::Run::AttachmentPhase() {
  // Photos after the records: a record never waits on its photos, and a failed upload is
  // reported apart (attachments_status), never as the sync's status.
  if (options_.push && options_.upload_attachments && !unreachable_ && !auth_refused_ &&
      !cancelled()) {
    const uint64_t sent = done_sent_;
    const uint64_t received = done_received_;
    result_.attachments_status = Attachments();
    result_.attachment_wire_bytes_sent = done_sent_ - sent;
    result_.attachment_wire_bytes_received = done_received_ - received;
  } else {
    result_.attachments_skipped = true;
  }
  if (result_.attachments_skipped || result_.attachments_pending > 0) {
    if (auto left = store_.PendingUploads(); left.ok()) result_.attachments_remaining = left->size();
  }
}

void SyncClient::Run::Finish(const std::string& moved_to) {
  if (!moved_to.empty() && answered_ && !auth_refused_) {
    Status stored = store_.SetSyncValue(kKeyServer, moved_to);
    if (stored.ok()) {
      LogTo(client_.logger_, LogLevel::kInfo, "server address changed to " + moved_to);
    } else if (result_.status.ok()) {
      result_.status = stored;
    }
  }
  auto pending = store_.OutboxSize();  // a count: the changes themselves are not read
  if (pending.ok()) result_.still_pending = static_cast<size_t>(*pending);
  for (const Status* s : {&result_.forms_status, &result_.push_status, &result_.pull_status,
                          &result_.checksum_status}) {
    if (!s->ok() && result_.status.ok()) result_.status = *s;
  }
  if (cancelled() && result_.status.code() != Code::kCancelled) {
    result_.status = CancelledStatus(SyncPhaseName(progress_state_.phase));
  }
  result_.bytes_sent = done_sent_;
  result_.bytes_received = done_received_;
  SetPhase(SyncPhase::kDone);
  if (!result_.status.ok()) {
    LogTo(client_.logger_, LogLevel::kWarning, "sync failed: " + result_.status.message());
  }
}

}  // namespace doorstep::sync::client
