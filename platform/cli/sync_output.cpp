// Progress bar, sync summaries and conflict listings of the sync commands and the demo.
#include "sync_output.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "doorstep/core/path.h"
#include "doorstep/core/value_text.h"
#include "output.h"

namespace doorstep::cli {
namespace {

using sync::client::SyncPhase;
using sync::client::SyncProgress;
using sync::client::SyncResult;

const char* PhaseLabel(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::kForms:
      return "表单 forms";
    case SyncPhase::kPush:
      return "上传 push";
    case SyncPhase::kPull:
      return "下载 pull";
    case SyncPhase::kChecksum:
      return "核对 check";
    case SyncPhase::kAttachments:
      return "照片 photos";
    case SyncPhase::kDone:
      return "完成 done";
  }
  return "";
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string AuthorText(const v1::AuthorRef& a) {
  if (a.surveyor_id().empty()) return a.device_id();
  return a.surveyor_id() + "@" + a.device_id();
}

// "户主姓名 (head_name)" when the store knows the record's form, else the path.
std::string FieldTitle(Store* store, const RecordId& record, const std::string& path,
                       const std::string& lang) {
  if (path == kMetaDeleted) return "记录删除 (@deleted)";
  if (store == nullptr) return path;
  auto rec = store->GetRecord(record);
  if (!rec.ok()) return path;
  auto form = store->GetForm(rec->form_id, rec->form_version);
  auto parsed = FieldPath::Parse(path);
  if (!form.ok() || !parsed.ok() || parsed->segments.empty()) return path;
  const FieldInfo* info = (*form)->Find(parsed->leaf());
  if (info == nullptr || info->def == nullptr) return path;
  std::string label = LabelText(info->def->label(), lang, "");
  if (parsed->is_instance()) label += lang == "en" ? " (member)" : "（成员）";
  return label.empty() ? path : label + "  " + path;
}

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return buf;
}

bool StderrIsTerminal() {
  return isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled, std::string label)
    : out_(out), enabled_(enabled), label_(std::move(label)) {}

void ProgressBar::Update(const SyncProgress& progress) {
  const bool phase_changed = progress.phase != last_.phase;
  last_ = progress;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!phase_changed && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(progress);
}

void ProgressBar::Draw(const SyncProgress& p) {
  constexpr size_t kWidth = 20;
  std::ostringstream line;
  if (!label_.empty()) line << label_ << " ";
  line << PhaseLabel(p.phase) << " ";
  if (p.phase == SyncPhase::kPush && p.changes_to_push > 0) {
    const size_t filled = std::min(kWidth, p.changes_pushed * kWidth / p.changes_to_push);
    line << "[" << std::string(filled, '#') << std::string(kWidth - filled, '-') << "] ";
  }
  line << "up " << p.changes_pushed << "/" << p.changes_to_push << " changes (" << p.records_pushed
       << "/" << p.records_to_push << " records) " << FormatBytes(p.bytes_sent) << " | down "
       << p.changes_pulled << " changes (" << p.records_pulled << " records) "
       << FormatBytes(p.bytes_received);
  if (p.attachments_to_upload > 0) {
    // Photos apart from the records: how many are on the server, and how much of their bytes.
    line << " | photos " << p.attachments_uploaded << "/" << p.attachments_to_upload << " "
         << FormatBytes(p.attachment_bytes_held) << "/" << FormatBytes(p.attachment_bytes_total);
  }
  out_ << "\r" << line.str() << "\x1b[K" << std::flush;
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!enabled_ || !drawn_) return;
  Draw(last_);
  out_ << "\n" << std::flush;
  drawn_ = false;
  enabled_ = false;
}

void PrintSyncSummary(std::ostream& out, const SyncResult& r, const std::string& indent) {
  if (r.forms_installed > 0) {
    out << indent << "installed "
        << Plural(r.forms_installed, "new form version", "new form versions") << "\n";
  }
  if (r.scope_changed) {
    out << indent << "the township changed this device's villages: removed "
        << Plural(r.records_purged, "record", "records") << " of villages it no longer holds";
    if (r.photos_purged > 0) out << " (and " << Plural(r.photos_purged, "photo", "photos") << ")";
    if (r.purge_kept_unpushed > 0) {
      out << "; kept " << Plural(r.purge_kept_unpushed, "record", "records")
          << " with changes not pushed yet";
    }
    out << "\n";
  }
  if (r.push_skipped) {
    out << indent << "push skipped\n";
  } else {
    out << indent << "pushed " << Plural(r.changes_pushed, "change", "changes") << " in "
        << Plural(r.batches_sent, "batch", "batches");
    if (r.batches_replayed > 0) {
      out << " (" << r.batches_replayed << " answered from the server's record)";
    }
    out << ": " << r.accepted << " accepted, " << r.duplicates << " already there, " << r.conflicts
        << " in conflict, " << r.quarantined << " quarantined";
    if (r.refused > 0) out << ", " << r.refused << " refused (kept on this tablet)";
    out << "; " << FormatBytes(r.bytes_sent - r.attachment_wire_bytes_sent) << " sent\n";
    if (r.clock_restamped > 0) {
      out << indent << "warning: this tablet's clock is more than a day ahead of the server's; "
          << Plural(r.clock_restamped, "change was", "changes were")
          << " stored under the server's time. Set the date and time.\n";
    }
  }
  if (r.pull_skipped) {
    out << indent << "pull skipped\n";
  } else {
    out << indent << "pulled " << Plural(r.changes_pulled, "change", "changes") << " in "
        << Plural(r.pages_pulled, "page", "pages") << ": " << r.values_applied << " applied, "
        << r.records_created << " new records, " << r.kept_local
        << " kept (edited here, not yet pushed); "
        << FormatBytes(r.bytes_received - r.attachment_wire_bytes_received) << " received\n";
  }
  for (const auto& c : r.conflicts_seen) {
    out << indent << "conflict " << c.conflict_id << ": record " << c.record_id.ToString() << " "
        << c.path
        << (c.local_value_won ? " (this tablet's value is current)"
                              : " (another value is current; adopted here)")
        << "\n";
  }
  for (const auto& q : r.quarantined_changes) {
    out << indent << (q.refused_here ? "refused, kept on this tablet: record "
                                     : "quarantined by the server: record ")
        << q.record_id.ToString() << " " << q.path << ": " << q.reason << "\n";
  }
  for (const auto& o : r.out_of_scope) {
    out << indent << "not pushed: record " << o.record_id.ToString() << " of village '" << o.scope
        << "' (not one of this tablet's villages): " << Plural(o.changes, "change", "changes")
        << " stay pending\n";
  }
  if (r.still_pending > 0) {
    out << indent << Plural(r.still_pending, "change", "changes") << " still pending\n";
  }
  if (r.attachments_pending > 0 || r.attachments_remaining > 0) {
    out << indent << "photos: " << r.attachments_uploaded << " uploaded";
    if (r.attachments_already_there > 0) {
      out << ", " << r.attachments_already_there << " already on the server";
    }
    out << " (" << Plural(r.attachment_chunks_sent, "chunk", "chunks") << ", "
        << FormatBytes(r.attachment_bytes_sent) << "; " << FormatBytes(r.attachment_wire_bytes_sent)
        << " sent)";
    if (r.attachments_remaining > 0) {
      out << "; " << r.attachments_remaining << " waiting"
          << (r.attachments_skipped ? " (not attempted)" : "")
          << " (the next sync resumes them where they stopped)";
    }
    out << "\n";
    if (!r.attachments_status.ok()) {
      out << indent << "photo upload failed: " << r.attachments_status.ToString() << "\n";
    }
  }
  if (r.checksums_unchanged) {
    out << indent << "checksums: nothing moved since the last matching comparison (not compared "
                     "again)\n";
  }
  for (const auto& c : r.checksums) {
    out << indent << "checksum " << c.scope << ": "
        << (c.match() ? "matches the server" : "MISMATCH") << " ("
        << (c.local_sha256.empty() ? std::string("-") : c.local_sha256.substr(0, 16)) << ", "
        << Plural(c.local_fields, "field", "fields");
    if (!c.match()) {
      out << "; server "
          << (c.server_sha256.empty() ? std::string("-") : c.server_sha256.substr(0, 16)) << ", "
          << Plural(c.server_fields, "field", "fields");
    }
    out << ")\n";
  }
}

std::string CandidateValueText(const std::string& path, const v1::Conflict::Candidate& c) {
  if (path == kMetaDeleted) {
    const bool deleted = !c.cleared() && c.value().has_flag() && c.value().flag();
    return deleted ? "删除 deleted" : "保留 kept";
  }
  auto parsed = FieldPath::Parse(path);
  if (parsed.ok() && parsed->is_instance()) return c.cleared() ? "移除 removed" : "存在 present";
  if (c.cleared()) return "(清空 cleared)";
  return FormatValueText(c.value());
}

void PrintConflict(std::ostream& out, const v1::Conflict& conflict, Store* store,
                   const std::string& lang, int utc_offset_minutes, const std::string& indent) {
  RecordId record{};
  if (conflict.record_id().size() == 16) record = RecordId::FromBytes(conflict.record_id().data());
  out << indent << "conflict " << conflict.id() << "  "
      << (conflict.resolved() ? "resolved 已处理" : "open 待处理") << "  village "
      << conflict.scope() << "\n";
  out << indent << "  record " << record.ToString() << "\n";
  out << indent << "  field  " << FieldTitle(store, record, conflict.path(), lang) << "\n";
  for (int i = 0; i < conflict.candidates_size(); ++i) {
    const auto& c = conflict.candidates(i);
    out << indent << "  [" << (i + 1) << "] " << CandidateValueText(conflict.path(), c) << "\t"
        << AuthorText(c.author()) << "\t"
        << FormatLocalTime(HlcMillis(c.hlc()), utc_offset_minutes);
    if (static_cast<uint32_t>(i) == conflict.winner()) {
      out << (conflict.resolved() ? "\t<- winner by rule" : "\t<- current (winner by rule)");
    }
    if (conflict.resolved() && static_cast<uint32_t>(i) == conflict.resolution()) {
      out << "\t<- chosen by " << conflict.resolved_by();
    }
    out << "\n";
  }
}

}  // namespace doorstep::cli
