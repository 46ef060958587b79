// Importing the registry export into the server. See doorstep/registry/server.h.

#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <set>
#include <variant>

#include "doorstep/core/path.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/server.h"
#include "doorstep/sync/wire.h"
#include "people_index.h"

namespace doorstep::registry {
namespace {

using sync::server::DeviceInfo;
using sync::server::DeviceRow;
using sync::server::FieldRow;

// The temporary store's clock: the present while a row is written and validated, the time each
// signature was made while it is signed (so signatures keep their time).
class RowClock final : public Clock {
 public:
  int64_t now_ms = 0;
  int64_t NowMs() override { return now_ms; }
};

// One valid row, ready to push.
struct Prepared {
  size_t line = 0;
  RecordId target;   // the record id on the server (the export's uuid)
  RecordId temp;     // its id in the temporary store
  bool draft = false;
};

// A missing signature (a CSV export carries none): core reports it as "required" on a field of
// type SIGNATURE. Any other error refuses the row.
bool OnlySignatureGap(const ValidationError& e, const CompiledForm& form) {
  if (e.code != "required") return false;
  auto path = FieldPath::Parse(e.path);
  if (!path.ok() || path->is_instance()) return false;
  const FieldInfo* field = form.Find(path->leaf());
  return field != nullptr && field->def->type() == v1::SIGNATURE;
}

class Importer {
 public:
  Importer(SyncService& service, const ImportOptions& options, ImportStats* stats)
      : service_(service), options_(options), stats_(stats) {}

  Status Run(const std::vector<ExportRow>& rows) {
    DS_ASSIGN_OR_RETURN(people_, PeopleIndex::FromServer(service_));
    std::vector<const ExportRow*> group;
    size_t households = 0;
    std::set<std::string> seen;
    for (const ExportRow& row : rows) {
      ++stats_->rows;
      const std::string id = std::visit([](const auto& r) { return r.id; }, row.row);
      if (!seen.insert(id).second) {
        Fail(row.line, "uuid", "同一记录在文件中出现两次 (uuid repeats an earlier row)");
        continue;
      }
      group.push_back(&row);
      if (std::holds_alternative<Household>(row.row)) ++households;
      if (households >= options_.households_per_transaction) {
        DS_RETURN_IF_ERROR(RunGroup(group));
        group.clear();
        households = 0;
      }
    }
    if (!group.empty()) DS_RETURN_IF_ERROR(RunGroup(group));
    return Status::Ok();
  }

 private:
  void Fail(size_t line, std::string where, std::string message) {
    ++stats_->failed_rows;
    stats_->errors.push_back(ImportRowError{line, std::move(where), std::move(message)});
  }

  // One person in two households (一人多户) refuses the row, naming the other household by its
  // number (never the ID or a name: import errors name members by position). Returns whether the
  // row may go on.
  bool RefuseDuplicates(const ExportRow& row, const Household& household) {
    const auto conflicts = people_.Conflicts(household);
    if (conflicts.empty()) return true;
    ++stats_->failed_rows;
    for (const auto& [member, other] : conflicts) {
      stats_->errors.push_back(ImportRowError{
          row.line, DescribePath(household, "members[" + MemberInstanceId(household, member) +
                                                "]/m_id_number"),
          "此人已登记在户 " + other.household_no +
              "，一人不能同时在两户 (already a member of household " + other.household_no + ")"});
    }
    return false;
  }

  Status RequireForm(const std::string& form_id) {
    DS_ASSIGN_OR_RETURN(auto form, service_.Form(form_id, options_.form_version));
    if (!form) {
      return Status(Code::kFailedPrecondition,
                    "form " + form_id + "@" + options_.form_version +
                        " is not installed on the server: run `doorstep-server form install "
                        "forms/registry/*.json` first",
                    form_id);
    }
    DS_RETURN_IF_ERROR(temp_->InstallForm(form->def()));
    return Status::Ok();
  }

  // Validates a group of rows in a fresh in-memory store, then pushes the valid ones together.
  Status RunGroup(const std::vector<const ExportRow*>& group) {
    StoreOptions so;
    so.path = ":memory:";
    so.clock = &clock_;
    so.random = options_.random;
    so.durability = Durability::kOff;
    clock_.now_ms = service_.clock().NowMs();
    DS_ASSIGN_OR_RETURN(temp_, Store::Open(so));
    DS_RETURN_IF_ERROR(temp_->SetAuthor(Author{kImportDeviceId, kImportDeviceId}));
    std::set<std::string> installed;
    std::vector<Prepared> prepared;
    // People who left a household in this group are free before any row is checked.
    for (const ExportRow* row : group) {
      if (const auto* h = std::get_if<Household>(&row->row)) people_.Release(*h);
    }
    for (const ExportRow* row : group) {
      const int64_t now = service_.clock().NowMs();
      clock_.now_ms = now;
      const Household* household = std::get_if<Household>(&row->row);
      std::string form_id = household ? kHouseholdForm
                            : std::holds_alternative<VillageRegister>(row->row)
                                ? kVillageRegisterForm
                            : std::holds_alternative<Review>(row->row)
                                ? kStatusReviewForm
                                : kMisidentificationForm;
      if (installed.insert(form_id).second) DS_RETURN_IF_ERROR(RequireForm(form_id));
      const std::string target_text = std::visit([](const auto& r) { return r.id; }, row->row);
      if (household != nullptr && !RefuseDuplicates(*row, *household)) continue;
      Result<RecordId> created = Status(Code::kInternal, "unreachable");
      if (household) {
        created = CreateHouseholdRecord(
            *temp_, *household, options_.form_version, [this](int64_t ms) { clock_.now_ms = ms; },
            now);
      } else if (const auto* v = std::get_if<VillageRegister>(&row->row)) {
        created = temp_->CreateRecord(form_id, options_.form_version,
                                      VillageRegisterEdits(*v));
      } else if (const auto* r = std::get_if<Review>(&row->row)) {
        created = temp_->CreateRecord(form_id, options_.form_version,
                                      StatusReviewEdits(*r));
      } else {
        created = temp_->CreateRecord(
            form_id, options_.form_version,
            MisidentificationReviewEdits(std::get<MisidentificationReview>(row->row)));
      }
      auto where = [&](const std::string& path) {
        return household ? DescribePath(*household, path) : path;
      };
      if (!created.ok()) {
        Fail(row->line, where(created.status().where()), created.status().message());
        continue;
      }
      const RecordId temp = created.value();
      DS_ASSIGN_OR_RETURN(ValidationReport report, temp_->Validate(temp));
      bool draft = false;
      size_t failures = 0;
      DS_ASSIGN_OR_RETURN(auto form, temp_->GetForm(form_id, options_.form_version));
      for (const ValidationError& e : report.errors) {
        if (OnlySignatureGap(e, *form)) {
          draft = true;
        } else {
          ++failures;
          stats_->errors.push_back(ImportRowError{row->line, where(e.path), e.message});
        }
      }
      if (failures > 0) {
        ++stats_->failed_rows;
        DS_RETURN_IF_ERROR(temp_->DeleteRecord(temp));
        continue;
      }
      if (!draft) {
        DS_ASSIGN_OR_RETURN(ValidationReport final_report, temp_->Finalize(temp));
        if (!final_report.ok()) return Status(Code::kInternal, "validated row failed to finalize");
      }
      DS_ASSIGN_OR_RETURN(RecordId target, RecordId::Parse(target_text));
      if (household != nullptr) people_.Put(*household);
      prepared.push_back(Prepared{row->line, target, temp, draft});
    }
    return Push(prepared);
  }

  Status Push(const std::vector<Prepared>& prepared) {
    if (prepared.empty()) return Status::Ok();
    std::map<RecordId, const Prepared*> by_temp;
    for (const Prepared& p : prepared) by_temp[p.temp] = &p;
    DS_ASSIGN_OR_RETURN(auto entries, temp_->PushableChanges());
    // What the server holds for these records now.
    std::map<RecordId, std::map<std::string, FieldRow>> current;
    {
      DS_ASSIGN_OR_RETURN(auto txn, service_.store().Begin());
      for (const Prepared& p : prepared) {
        DS_ASSIGN_OR_RETURN(auto fields, txn->GetRecordFields(p.target));
        auto& m = current[p.target];
        for (FieldRow& f : fields) m.emplace(f.path, std::move(f));
      }
    }  // rolled back: read only
    std::vector<OutboxEntry> out;
    std::map<RecordId, size_t> written;
    for (OutboxEntry& e : entries) {
      auto it = by_temp.find(e.record_id);
      if (it == by_temp.end()) continue;  // a deleted (failed) row
      const RecordId target = it->second->target;
      e.record_id = target;
      auto& fields = current[target];
      auto f = fields.find(e.path);
      if (f != fields.end()) {
        const FieldRow& row = f->second;
        if (row.author.device_id != kImportDeviceId) {
          ++stats_->fields_kept;
          continue;
        }
        const bool same = e.value ? (!row.cleared && google::protobuf::util::MessageDifferencer::Equals(
                                                          *e.value, row.value))
                                  : row.cleared;
        if (same) continue;
        e.base_version = row.version;
      } else {
        if (!e.value) continue;  // clearing what the server never had
        e.base_version = 0;
      }
      ++written[target];
      out.push_back(std::move(e));
    }
    for (const Prepared& p : prepared) {
      if (p.draft) ++stats_->drafts;
      if (!written.count(p.target)) {
        ++stats_->records_unchanged;
      } else if (current[p.target].empty()) {
        ++stats_->records_created;
      } else {
        ++stats_->records_updated;
      }
    }
    stats_->fields_written += out.size();
    if (out.empty() || options_.dry_run) return Status::Ok();
    // Batch numbers only need to be new for this device: the clock in thousandths, moved on
    // when an earlier import (same millisecond, e.g. a fixed test clock) already used one.
    if (next_seq_ == 0) next_seq_ = static_cast<uint64_t>(service_.clock().NowMs()) * 1000;
    auto batches = sync::BuildBatches(out, kImportDeviceId, next_seq_, SIZE_MAX);
    DeviceInfo device;
    device.device_id = kImportDeviceId;
    device.team = "township office";
    device.reviewer = true;
    for (v1::ChangeSet& set : batches) {
      Result<v1::PushResult> pushed = Status(Code::kInternal, "not pushed");
      for (int attempt = 0; attempt < 10000; ++attempt) {
        set.set_batch_seq(next_seq_++);
        pushed = service_.Push(device, set);
        if (pushed.ok() || pushed.status().code() != Code::kConflict) break;
      }
      DS_RETURN_IF_ERROR(pushed.status());
      for (const auto& r : pushed.value().results()) {
        if (r.outcome() == v1::ChangeResult::QUARANTINED) {
          return Status(Code::kInternal, "the server quarantined an imported change: " + r.reason());
        }
      }
    }
    return Status::Ok();
  }

  SyncService& service_;
  const ImportOptions& options_;
  ImportStats* stats_;
  RowClock clock_;
  std::unique_ptr<Store> temp_;
  uint64_t next_seq_ = 0;
  PeopleIndex people_;
};

}  // namespace

Result<ImportStats> ImportRegistry(SyncService& service,
                                   const std::vector<ExportRow>& rows,
                                   const ImportOptions& options) {
  if (!options.random) return Status(Code::kInvalidArgument, "ImportOptions.random is required");
  ImportStats stats;
  if (!options.dry_run) {
    // The import pushes like a device, and recorded batches belong to a device row. Its
    // credential digest is all zeros: no credential hashes to it, so nobody can sync as it.
    DS_ASSIGN_OR_RETURN(auto txn, service.store().Begin());
    DS_ASSIGN_OR_RETURN(auto device, txn->GetDevice(kImportDeviceId));
    if (!device) {
      DeviceRow row;
      row.device_id = kImportDeviceId;
      row.name = "registry import";
      row.team = "township office";
      row.reviewer = true;
      row.enrolled_ms = service.clock().NowMs();
      DS_RETURN_IF_ERROR(txn->PutDevice(row));
      DS_RETURN_IF_ERROR(txn->Commit());
    }
  }
  Importer importer(service, options, &stats);
  DS_RETURN_IF_ERROR(importer.Run(rows));
  return stats;
}

}  // namespace doorstep::registry
