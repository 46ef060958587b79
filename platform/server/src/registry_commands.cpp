// The registry pack's server commands: import, problems, report (docs/registry.md). Built on the
// registry's server side (doorstep/registry/server.h) and its commands (doorstep/registry/commands.h).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "doorstep/posix/read_file.h"
#include "doorstep/registry/commands.h"
#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/server.h"
#include "server_cli.h"

namespace doorstep::server_cli {
namespace {

// The day of the report's 拟 figures: --as-of, else today, or 31 December of a past year.
int32_t ReportDay(const std::string& as_of, int year, int32_t today) {
  if (!as_of.empty()) {
    auto day = registry::ParseIsoDay(as_of);
    if (!day) UsageFail("--as-of: expected a date YYYY-MM-DD");
    return *day;
  }
  return std::min(today, registry::DayFromCivil(year, 12, 31));
}

struct ImportCommand {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string form_version = registry::kPackVersion;
  bool dry_run = false;
};

// An import file is read whole (a county's export is ~50 MB per 10,000 households).
constexpr uint64_t kMaxImportFileBytes = uint64_t{1} << 30;

std::string ReadFile(const std::string& file) {
  auto read = posix::ReadFileLimited(file, kMaxImportFileBytes, "import file");
  if (!read.ok()) Fail(read.status().message());
  return std::move(read).value();
}

// Imports one file; returns the number of refused rows.
size_t ImportFile(ServerSession& session, const ImportCommand& c, const std::string& file,
                  const registry::ImportOptions& options) {
  std::ostream& out = session.out();
  const bool csv = c.format == "csv" || (c.format == "auto" && file.size() > 4 &&
                                         file.compare(file.size() - 4, 4, ".csv") == 0);
  const std::string text = ReadFile(file);
  std::vector<Status> parse_errors;
  auto rows = csv ? registry::ParseCsv(text, &parse_errors)
                  : registry::ParseJsonLines(text, &parse_errors);
  auto stats = Unwrap(registry::ImportRegistry(session.Open(false), rows, options));
  for (const Status& e : parse_errors) out << file << ": " << e.where() << ": " << e.message() << "\n";
  for (const auto& e : stats.errors) {
    out << file << ": line " << e.line << ": " << e.where << ": " << e.message << "\n";
  }
  const size_t refused = stats.failed_rows + parse_errors.size();
  out << file << (c.dry_run ? " (dry run, nothing written)" : "") << ": "
      << stats.rows + parse_errors.size() << " row(s), " << refused << " refused; records "
      << stats.records_created << " created, " << stats.records_updated << " updated, "
      << stats.records_unchanged << " unchanged (" << stats.drafts
      << " awaiting signatures); " << stats.fields_written << " field(s) written, "
      << stats.fields_kept << " kept from tablets\n";
  return refused;
}

int Import(ServerSession& session, const ImportCommand& c) {
  registry::ImportOptions options;
  options.form_version = c.form_version;
  options.dry_run = c.dry_run;
  options.random = session.context().random;
  size_t failed = 0;
  for (const std::string& file : c.files) failed += ImportFile(session, c, file, options);
  if (failed == 0) return kExitOk;
  session.out().flush();
  *session.context().err
      << "doorstep-server: some rows were refused (listed above); the others were imported\n";
  return kExitFailure;
}

void AddImport(ServerCli& cli) {
  auto c = std::make_shared<ImportCommand>();
  CLI::App* import = cli.Add(
      &cli.app(), "import",
      "Import the existing registry (JSON Lines or CSV) so tablets pull it pre-filled",
      [c](ServerSession& s) { return Import(s, *c); });
  import->add_option("files", c->files, "Export files (.jsonl or .csv)")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--format", c->format, "auto (by extension), jsonl or csv")
      ->check(CLI::IsMember({"auto", "jsonl", "csv"}));
  import->add_option("--form-version", c->form_version, "Version of the registry forms to fill");
  import->add_flag("--dry-run", c->dry_run, "Validate and count, write nothing");
}

registry::Township LoadTownship(ServerSession& session, const std::vector<std::string>& villages) {
  auto& service = session.Open(false);
  const CliContext& ctx = session.context();
  auto store = Unwrap(registry::MaterializeRecords(service, villages, ctx.clock, ctx.random));
  return Unwrap(registry::LoadTownship(*store, villages));
}

struct ProblemsCommand {
  registry::ProblemsRequest request;
  std::string today;
};

int Problems(ServerSession& session, ProblemsCommand& c) {
  c.request.today = session.Today();
  if (!c.today.empty()) {
    auto day = registry::ParseIsoDay(c.today);
    if (!day) UsageFail("--today: expected a date YYYY-MM-DD");
    c.request.today = *day;
  }
  auto township = LoadTownship(session, c.request.villages);
  Check(registry::RunProblems(township, c.request, session.out()).status());
  return kExitOk;
}

void AddProblems(ServerCli& cli) {
  auto c = std::make_shared<ProblemsCommand>();
  registry::ProblemsRequest& r = c->request;
  CLI::App* problems = cli.Add(&cli.app(), "problems", "The problem list (问题清单) per village",
                               [c](ServerSession& s) { return Problems(s, *c); });
  problems->add_option("--village", r.villages, "Only these villages");
  problems->add_option("--today", c->today, "Date the checks are made on (YYYY-MM-DD)");
  problems->add_option("--max-visit-age-days", r.max_visit_age_days,
                       "A visit older than this is stale")->check(CLI::Range(1, 3650));
  problems->add_option("--max-assistance-gap-days", r.max_assistance_gap_days,
                       "A poor household not visited by its cadre for longer is listed "
                       "(default 31)")->check(CLI::Range(1, 3650));
  problems->add_option("--far-above-factor", r.far_above_factor,
                       "Poor households above this multiple of the line are listed");
  problems->add_option("--max-per-capita", r.max_per_capita_yuan,
                       "Per-capita net income above this (yuan) is implausible");
  problems->add_option("--lines", r.lines_file, "Poverty-line table (JSON)")
      ->check(CLI::ExistingFile);
  problems->add_option("--csv", r.csv_file, "Also write the list as CSV");
}

void AddReport(ServerCli& cli) {
  auto r = std::make_shared<registry::ReportRequest>();
  auto as_of = std::make_shared<std::string>();
  CLI::App* report = cli.Add(&cli.app(), "report", "Village and township report",
                             [r, as_of](ServerSession& s) {
                               if (r->year == 0) r->year = registry::YearOfDay(s.Today());
                               r->as_of = ReportDay(*as_of, r->year, s.Today());
                               auto township = LoadTownship(s, r->villages);
                               Check(registry::RunReport(township, *r, s.out()));
                               return kExitOk;
                             });
  report->add_option("--village", r->villages, "Only these villages");
  report->add_option("--year", r->year, "Report year (default: this year)");
  report->add_option("--as-of", *as_of,
                     "Day of the proposed (拟) figures, YYYY-MM-DD (default: today, or 31 December "
                     "of a past year)");
  report->add_option("--csv", r->csv_file, "Also write the report as CSV");
}

}  // namespace

void RegisterRegistryCommands(ServerCli& cli) {
  AddImport(cli);
  AddProblems(cli);
  AddReport(cli);
}

}  // namespace doorstep::server_cli
