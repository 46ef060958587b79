// The registry on the township server: importing the existing registry (建档立卡 export) so that
// tablets pull their villages pre-filled, and reading the server's records back as a Township for
// the problem list and the reports (docs/registry.md).
//
// Import. Every row goes through the form pack's own rules first: it is written into a private
// in-memory core store (nothing of it touches the disk) as a record of the pack's form, and
// validated there exactly as a record captured at the door. A row with errors is reported (line,
// member, field, message) and contributes nothing. A valid row becomes the changes a tablet would
// push, sent through SyncService::Push as the device "registry-import", one transaction per group
// of whole households, so a household is never half-imported. Rows whose only gap is a missing
// signature (a CSV export carries none) are imported as drafts awaiting signatures at the door.
// Re-importing: fields that already hold the same value are skipped (a second import of the same
// file changes nothing); a field a tablet has written since is never overwritten (the survey at
// the door is newer than the export); a field the import itself wrote earlier is updated.
//
// Layering: this is the registry pack on top of the generic server's public API (SyncService,
// ServerStore), as an app would use it; the server itself knows nothing of the registry.
//
// Thread rules: the functions use the service and store like any request thread would.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "doorstep/core/ports.h"
#include "doorstep/core/store.h"
#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/model.h"
#include "doorstep/registry/records.h"
#include "doorstep/sync/server/service.h"

namespace doorstep::registry {

using sync::server::SyncService;

inline constexpr const char* kImportDeviceId = "registry-import";

struct ImportOptions {
  std::string form_version = kPackVersion;  // version of the pack's forms the rows become
  bool dry_run = false;                 // validate and count; write nothing
  size_t households_per_transaction = 50;
  Random* random = nullptr;  // required (temporary record ids)
};

struct ImportRowError {
  size_t line = 0;
  std::string where;    // "成员 张三 (第2人) / m_id_number", "household_no", ...
  std::string message;  // the form's (Chinese) message or the parser's
};

struct ImportStats {
  size_t rows = 0;               // rows read (households, village registers, reviews)
  size_t failed_rows = 0;        // rows refused (see errors)
  size_t records_created = 0;    // records new on the server
  size_t records_updated = 0;    // records that got at least one new value
  size_t records_unchanged = 0;  // every value already held
  size_t drafts = 0;             // imported rows awaiting signatures
  size_t fields_written = 0;
  size_t fields_kept = 0;  // fields a tablet had written since: kept, not overwritten
  std::vector<ImportRowError> errors;
};

// Imports parsed rows (ParseJsonLines / ParseCsv). Fails as a whole only when the pack's
// forms are not installed on the server or the store fails; row errors land in the stats.
Result<ImportStats> ImportRegistry(SyncService& service,
                                   const std::vector<ExportRow>& rows,
                                   const ImportOptions& options);

// Pulls the records of `villages` (all when empty) from the server store into a private in-memory
// core store, exactly as a reviewer's tablet would hold them, for the registry views.
Result<std::unique_ptr<Store>> MaterializeRecords(SyncService& service,
                                                  const std::vector<std::string>& villages,
                                                  Clock* clock, Random* random);

}  // namespace doorstep::registry
