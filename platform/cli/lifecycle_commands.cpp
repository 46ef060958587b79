// A record's life: `doorstep record validate|finalize|reopen|migrate|delete|history`.
#include <iostream>

#include "cli.h"
#include "doorstep/core/path.h"
#include "doorstep/core/value_text.h"
#include "output.h"

namespace doorstep::cli {
namespace {

void PrintErrors(const ValidationReport& report) {
  for (const auto& e : report.errors) {
    std::cout << e.path << ": " << e.code << ": " << e.message << "\n";
  }
}

std::string CountText(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void RunValidate(Cli& cli, const std::string& id_text) {
  Session& session = cli.session();
  RecordId id = session.ResolveRecord(id_text);
  ValidationReport report = Unwrap(session.store().Validate(id));
  if (report.ok()) {
    std::cout << "valid\n";
    return;
  }
  PrintErrors(report);
  Fail("record " + id.ToString() + " is not valid: " +
       CountText(report.errors.size(), "problem", "problems"));
}

void RunFinalize(Cli& cli, const std::string& id_text) {
  Session& session = cli.session();
  session.RequireAuthor();
  RecordId id = session.ResolveRecord(id_text);
  Record record = Unwrap(session.store().GetRecord(id));
  if (record.state == RecordState::kFinalized) {
    std::cout << "already finalized " << id.ToString() << "\n";
    return;
  }
  ValidationReport report = Unwrap(session.store().Finalize(id));
  if (report.ok()) {
    std::cout << "finalized " << id.ToString() << "\n";
    return;
  }
  PrintErrors(report);
  Fail("record " + id.ToString() + " not finalized: " +
       CountText(report.errors.size(), "problem", "problems"));
}

void RunReopen(Cli& cli, const std::string& id_text) {
  Session& session = cli.session();
  session.RequireAuthor();
  RecordId id = session.ResolveRecord(id_text);
  Check(session.store().Reopen(id));
  std::cout << "reopened " << id.ToString() << " as a draft\n";
}

void RunDelete(Cli& cli, const std::string& id_text) {
  Session& session = cli.session();
  session.RequireAuthor();
  RecordId id = session.ResolveRecord(id_text);
  Check(session.store().DeleteRecord(id));
  std::cout << "deleted " << id.ToString() << "\n";
}

void RunMigrate(Cli& cli, const std::string& id_text, const std::string& to, bool dry_run) {
  Session& session = cli.session();
  session.RequireAuthor();
  RecordId id = session.ResolveRecord(id_text);
  // The values as they are now, to show what a migration drops.
  Record before = Unwrap(session.store().GetRecord(id));
  MigrationReport report = Unwrap(session.store().MigrateRecord(id, to, dry_run));
  for (const auto& issue : report.dropped) {
    std::cout << "dropped " << issue.path;
    if (const v1::Value* v = before.Get(issue.path)) {
      std::string text = FormatValueText(*v);
      if (!text.empty()) std::cout << " = " << text;
    }
    std::cout << ": " << issue.reason << "\n";
  }
  std::cout << (dry_run ? "dry run: would migrate " : "migrated ") << id.ToString() << " from "
            << report.from_version << " to " << report.to_version << ": "
            << CountText(report.carried, "value", "values") << " carried, "
            << report.dropped.size() << " dropped" << (dry_run ? "; nothing changed" : "")
            << "\n";
}

std::string AuditValueText(const std::optional<v1::Value>& v) {
  if (!v) return "(empty)";
  if (v->has_instance()) return "(instance)";
  std::string text = FormatValueText(*v);
  return text.empty() ? "\"\"" : text;
}

void RunHistory(Cli& cli, const std::string& id_text) {
  Session& session = cli.session();
  RecordId id = session.ResolveRecord(id_text);
  auto trail = Unwrap(session.store().AuditTrail(id));
  const int offset = session.utc_offset_minutes();
  for (const auto& e : trail) {
    std::cout << FormatLocalTime(HlcMillis(e.hlc), offset) << "  " << e.author.surveyor_id << "@"
              << e.author.device_id << "  " << e.path << ": ";
    auto parsed = FieldPath::Parse(e.path);
    const bool instance = parsed.ok() && parsed->is_instance();
    if (instance && !e.old_value && e.new_value) {
      std::cout << "added\n";
    } else if (instance && e.old_value && !e.new_value) {
      std::cout << "removed\n";
    } else {
      std::cout << AuditValueText(e.old_value) << " -> " << AuditValueText(e.new_value) << "\n";
    }
  }
  if (trail.empty()) std::cout << "no changes recorded\n";
}

struct LifecycleArgs {
  std::string id;
  std::string to;
  bool dry_run = false;
};

}  // namespace

void RegisterLifecycleCommands(Cli& cli) {
  CLI::App* record = cli.Group("record", "Create, edit, check and inspect records");
  auto o = std::make_shared<LifecycleArgs>();
  auto with_id = [&](CLI::App* sub) {
    sub->add_option("id", o->id, "Record id")->required();
    return sub;
  };

  cli.Add(with_id(record->add_subcommand(
              "validate", "Check a record; prints every problem as 'path: code: message' "
                          "(exit code 1 when invalid)")),
          [&cli, o] { RunValidate(cli, o->id); });
  cli.Add(with_id(record->add_subcommand(
              "finalize", "Validate and finalize a draft; prints every problem as "
                          "'path: code: message' and exits with 1 when invalid")),
          [&cli, o] { RunFinalize(cli, o->id); });
  cli.Add(with_id(record->add_subcommand("reopen", "Turn a finalized record back into a draft")),
          [&cli, o] { RunReopen(cli, o->id); });
  cli.Add(with_id(record->add_subcommand("delete", "Delete a record (a tombstone that syncs)")),
          [&cli, o] { RunDelete(cli, o->id); });
  cli.Add(with_id(record->add_subcommand(
              "history", "Audit trail of a record: when, who, path, old -> new")),
          [&cli, o] { RunHistory(cli, o->id); });

  auto* migrate = with_id(record->add_subcommand(
      "migrate", "Move a draft to another installed version of its form; prints every dropped "
                 "value"));
  migrate->add_option("--to", o->to, "Target form version")->required();
  migrate->add_flag("--dry-run", o->dry_run, "Only report what would be carried and dropped");
  cli.Add(migrate, [&cli, o] { RunMigrate(cli, o->id, o->to, o->dry_run); });
}

}  // namespace doorstep::cli
