// The `doorstep-server` command line (see cli.h).
#include "doorstep/sync/server/cli.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "doorstep/core/form.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/value_text.h"
#include "doorstep/registry/commands.h"
#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/records.h"
#include "doorstep/sync/server/blob_store.h"
#include "doorstep/sync/server/http_server.h"
#include "doorstep/sync/server/pg_store.h"
#include "doorstep/sync/server/registry.h"
#include "doorstep/sync/server/service.h"
#include "doorstep/sync/server/sqlite_store.h"

namespace doorstep::sync::server {
namespace {

struct Failure {
  int code;
  std::string message;
};

[[noreturn]] void Fail(const Status& s) {
  throw Failure{kExitFailure, s.where().empty() ? s.message() : s.where() + ": " + s.message()};
}
[[noreturn]] void Fail(const std::string& message) { throw Failure{kExitFailure, message}; }

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) Fail(r.status());
  return std::move(r).value();
}
void Check(const Status& s) {
  if (!s.ok()) Fail(s);
}

std::string Time(int64_t ms) {
  if (ms == 0) return "-";
  std::string t = FormatHlc(MakeHlc(ms, 0));
  return t.substr(0, t.find('/'));
}

struct Options {
  std::string db;
  std::string key_file;
  std::string pg;  // PostgreSQL connection string: the PostgreSQL store instead of the --db file
  std::string pg_schema = "doorstep";
};

class Commands {
 public:
  Commands(const CliContext& ctx, const Options& opts) : ctx_(ctx), opts_(opts) {}

  void Serve(const std::string& listen, const std::vector<std::string>& form_files, int threads,
             const std::string& blobs_dir) {
    std::string host;
    int port = 0;
    Check(ParseListenAddress(listen, &host, &port));
    auto forms = LoadForms(form_files);
    serving_ = true;
    Open(true);
    if (!forms.empty()) Check(service_->InstallForms(forms));
    HttpServerOptions options;
    options.host = host;
    options.port = port;
    options.threads = threads;
    options.logger = ctx_.logger;
    // Attachments (photos) live in a directory next to the database unless --blobs names one.
    std::unique_ptr<FileBlobStore> blobs;
    const std::string dir = blobs_dir.empty() && !opts_.db.empty()
                                ? FileBlobStore::DefaultDir(opts_.db)
                                : blobs_dir;
    if (!dir.empty()) blobs = Check(FileBlobStore::Open(dir));
    options.blobs = blobs.get();
    HttpServer server(service_.get(), options);
    Check(server.Start());
    out() << "doorstep-server listening on " << server.url() << std::endl;
    if (ctx_.wait_for_shutdown) ctx_.wait_for_shutdown();
    server.Stop();
    out() << "doorstep-server stopped" << std::endl;
  }

  void Enroll(const std::string& team, std::vector<std::string> villages, bool reviewer) {
    if (team.empty()) Fail("--team must not be empty");
    for (auto& v : villages) {
      if (v.empty()) Fail("--villages holds an empty village name");
    }
    if (villages.empty() && !reviewer) Fail("--villages is required (or --reviewer)");
    Open(true);
    auto token = Check(service_->CreateEnrollmentToken(team, villages, reviewer));
    out() << token.token << "\n";
  }

  void InstallForms(const std::vector<std::string>& files) {
    auto forms = LoadForms(files);
    Open(true);
    size_t added = Check(service_->InstallForms(forms));
    for (const auto& f : forms) out() << f.form_id() << "@" << f.version() << "\n";
    out() << added << " new form version(s) installed\n";
  }

  void Conflicts(bool all) {
    Open(false);
    auto list = Check(service_->Conflicts(DeviceInfo::Admin(), !all));
    for (const auto& c : list.conflicts()) {
      out() << "conflict " << c.id() << "  record " << RecordText(c.record_id()) << "  path "
            << c.path() << "  village " << c.scope() << "  "
            << (c.resolved() ? "resolved by " + c.resolved_by() + " (#" +
                                   std::to_string(c.resolution()) + ")"
                             : std::string("open"))
            << "  winner #" << c.winner() << "\n";
      for (int i = 0; i < c.candidates_size(); ++i) {
        const auto& cand = c.candidates(i);
        out() << "  #" << i << "  " << FormatHlc(cand.hlc()) << "  by "
              << cand.author().surveyor_id() << " on " << cand.author().device_id() << "  "
              << CandidateText(c.path(), cand) << "\n";
      }
    }
    out() << list.conflicts_size() << (all ? " conflict(s)\n" : " open conflict(s)\n");
  }

  void Quarantine() {
    Open(false);
    auto list = Check(service_->Quarantine(DeviceInfo::Admin()));
    for (const auto& q : list.entries()) {
      out() << "quarantine " << q.id() << "  device " << q.device_id() << " batch "
            << q.batch_seq() << "  record " << RecordText(q.record_id()) << "  path " << q.path()
            << "  received " << Time(q.received_ms()) << "\n  reason: " << q.reason() << "\n";
    }
    out() << list.entries_size() << " quarantined change(s)\n";
  }

  void Devices() {
    Open(false);
    auto devices = Check(store_->ListDevices());
    for (const auto& d : devices) {
      std::string villages;
      for (const auto& v : d.villages) villages += (villages.empty() ? "" : ",") + v;
      out() << d.device_id << "  team " << d.team << "  villages " << villages
            << (d.reviewer ? "  reviewer" : "") << "  enrolled " << Time(d.enrolled_ms)
            << "  last push " << Time(d.last_seen_ms) << "  clock skew " << d.clock_skew_ms / 1000
            << " s  future HLCs " << d.future_hlc_count << "\n";
    }
    out() << devices.size() << " device(s)\n";
  }

  // Returns the number of refused rows (the exit status says whether any failed).
  size_t Import(const std::vector<std::string>& files, const std::string& format,
                const std::string& form_version, bool dry_run) {
    Open(false);
    ImportOptions options;
    options.form_version = form_version;
    options.dry_run = dry_run;
    options.random = ctx_.random;
    size_t failed = 0;
    for (const std::string& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) Fail(file + ": cannot read the file");
      std::stringstream ss;
      ss << in.rdbuf();
      const bool csv = format == "csv" || (format == "auto" && file.size() > 4 &&
                                           file.compare(file.size() - 4, 4, ".csv") == 0);
      std::vector<Status> parse_errors;
      auto rows = csv ? registry::ParseCsv(ss.str(), &parse_errors)
                      : registry::ParseJsonLines(ss.str(), &parse_errors);
      auto stats = Check(ImportRegistry(*service_, rows, options));
      for (const Status& e : parse_errors) out() << file << ": " << e.where() << ": " << e.message() << "\n";
      for (const auto& e : stats.errors) {
        out() << file << ": line " << e.line << ": " << e.where << ": " << e.message << "\n";
      }
      const size_t refused = stats.failed_rows + parse_errors.size();
      out() << file << (dry_run ? " (dry run, nothing written)" : "") << ": "
            << stats.rows + parse_errors.size() << " row(s), " << refused << " refused; records "
            << stats.records_created << " created, " << stats.records_updated << " updated, "
            << stats.records_unchanged << " unchanged (" << stats.drafts
            << " awaiting signatures); " << stats.fields_written << " field(s) written, "
            << stats.fields_kept << " kept from tablets\n";
      failed += refused;
    }
    return failed;
  }

  registry::Township LoadTownship(const std::vector<std::string>& villages) {
    Open(false);
    auto store = Check(MaterializeRecords(*service_, villages, ctx_.clock, ctx_.random));
    return Check(registry::LoadTownship(*store, villages));
  }

  int32_t Today() {
    const int64_t local_ms = ctx_.clock->NowMs() + int64_t{ctx_.clock->UtcOffsetMinutes()} * 60000;
    return static_cast<int32_t>(local_ms >= 0 ? local_ms / 86400000 : (local_ms - 86399999) / 86400000);
  }

 private:
  std::ostream& out() { return *ctx_.out; }

  static std::string RecordText(const std::string& bytes) {
    return bytes.size() == 16 ? Uuid::FromBytes(bytes.data()).ToString() : "?";
  }

  static std::string CandidateText(const std::string& path, const v1::Conflict::Candidate& c) {
    if (c.cleared()) return "(cleared)";
    if (path == "@deleted") return c.value().flag() ? "deleted" : "kept";
    return "value: " + FormatValueText(c.value());
  }

  std::vector<v1::FormDef> LoadForms(const std::vector<std::string>& files) {
    std::vector<v1::FormDef> forms;
    for (const auto& f : files) {
      auto def = Check(LoadFormFile(f));
      Check(CompiledForm::Compile(def).status());  // every file checked before anything opens
      forms.push_back(std::move(def));
    }
    return forms;
  }

  void Open(bool create) {
    if (!opts_.pg.empty()) {
      PgStoreOptions pg;
      pg.conninfo = opts_.pg;
      pg.schema = opts_.pg_schema;
      pg.create = create;
      store_ = Check(PgServerStore::Open(pg));
      MakeService();
      return;
    }
    SqliteStoreOptions o;
    o.path = opts_.db;
    o.create = create;
    if (!opts_.key_file.empty()) {
      std::ifstream in(opts_.key_file, std::ios::binary);
      if (!in) Fail(opts_.key_file + ": cannot read the key file");
      std::stringstream ss;
      ss << in.rdbuf();
      o.key = ss.str();
      while (!o.key.empty() && (o.key.back() == '\n' || o.key.back() == '\r')) o.key.pop_back();
    }
    store_ = Check(SqliteServerStore::Open(o));
    MakeService();
  }

  void MakeService() {
    ServiceOptions so;
    so.clock = ctx_.clock;
    so.random = ctx_.random;
    so.logger = serving_ ? ctx_.logger : nullptr;  // other commands report on out / err
    service_ = std::make_unique<SyncService>(store_.get(), so);
  }

  const CliContext& ctx_;
  const Options& opts_;
  bool serving_ = false;
  std::unique_ptr<ServerStore> store_;
  std::unique_ptr<SyncService> service_;
};

}  // namespace

int RunServerCli(int argc, const char* const* argv, const CliContext& ctx) {
  CLI::App app("doorstep-server: the township sync server of Doorstep", "doorstep-server");
  Options opts;
  app.require_subcommand(1);
  auto add_db = [&](CLI::App* sub) {
    auto* db = sub->add_option("--db", opts.db, "Server database file (SQLite)");
    auto* pg = sub->add_option("--pg", opts.pg, "PostgreSQL connection string, instead of --db");
    db->excludes(pg);
    sub->add_option("--pg-schema", opts.pg_schema, "PostgreSQL schema of the store")->needs(pg);
    sub->add_option("--key-file", opts.key_file, "File holding the database encryption key")
        ->excludes(pg);
  };

  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> serve_forms;
  int threads = 8;
  CLI::App* serve = app.add_subcommand("serve", "Serve the sync protocol over HTTP");
  add_db(serve);
  serve->add_option("--listen", listen, "host:port to listen on (port 0: any free port)");
  serve->add_option("--form", serve_forms, "Form file (JSON) to install before serving")
      ->check(CLI::ExistingFile);
  serve->add_option("--threads", threads, "Worker threads")->check(CLI::Range(1, 256));
  std::string blobs_dir;
  serve->add_option("--blobs", blobs_dir,
                    "Directory of attachments (photos), shared by every server process "
                    "(default: <db>.blobs)");

  std::string team;
  std::vector<std::string> villages;
  bool reviewer = false;
  CLI::App* enroll = app.add_subcommand("enroll", "Print a one-time enrollment token");
  add_db(enroll);
  enroll->add_option("--team", team, "Team name")->required();
  enroll->add_option("--villages", villages, "Villages, comma separated")->delimiter(',');
  enroll->add_flag("--reviewer", reviewer, "Township reviewer: every village, resolves conflicts");

  std::vector<std::string> form_files;
  CLI::App* form = app.add_subcommand("form", "Form definitions");
  form->require_subcommand(1);
  CLI::App* install = form->add_subcommand("install", "Install form versions (all or none)");
  add_db(install);
  install->add_option("files", form_files, "Form files (JSON)")->required()->check(CLI::ExistingFile);

  bool all = false;
  CLI::App* conflicts = app.add_subcommand("conflicts", "List open conflicts");
  add_db(conflicts);
  conflicts->add_flag("--all", all, "Resolved conflicts too");
  CLI::App* quarantine = app.add_subcommand("quarantine", "List quarantined changes");
  add_db(quarantine);
  CLI::App* devices = app.add_subcommand("devices", "List enrolled devices");
  add_db(devices);

  std::vector<std::string> import_files;
  std::string import_format = "auto";
  std::string form_version = registry::kPackVersion;
  bool dry_run = false;
  CLI::App* import = app.add_subcommand(
      "import", "Import the existing registry (JSON Lines or CSV) so tablets pull it pre-filled");
  add_db(import);
  import->add_option("files", import_files, "Export files (.jsonl or .csv)")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--format", import_format, "auto (by extension), jsonl or csv")
      ->check(CLI::IsMember({"auto", "jsonl", "csv"}));
  import->add_option("--form-version", form_version, "Version of the registry forms to fill");
  import->add_flag("--dry-run", dry_run, "Validate and count, write nothing");

  registry::ProblemsRequest problems_request;
  std::string today_text;
  CLI::App* problems = app.add_subcommand("problems", "The problem list (问题清单) per village");
  add_db(problems);
  problems->add_option("--village", problems_request.villages, "Only these villages");
  problems->add_option("--today", today_text, "Date the checks are made on (YYYY-MM-DD)");
  problems->add_option("--max-visit-age-days", problems_request.max_visit_age_days,
                       "A visit older than this is stale")->check(CLI::Range(1, 3650));
  problems->add_option("--far-above-factor", problems_request.far_above_factor,
                       "Poor households above this multiple of the line are listed");
  problems->add_option("--max-per-capita", problems_request.max_per_capita_yuan,
                       "Per-capita net income above this (yuan) is implausible");
  problems->add_option("--lines", problems_request.lines_file, "Poverty-line table (JSON)")
      ->check(CLI::ExistingFile);
  problems->add_option("--csv", problems_request.csv_file, "Also write the list as CSV");

  registry::ReportRequest report_request;
  CLI::App* report = app.add_subcommand("report", "Village and township report");
  add_db(report);
  report->add_option("--village", report_request.villages, "Only these villages");
  report->add_option("--year", report_request.year, "Report year (default: this year)");
  report->add_option("--csv", report_request.csv_file, "Also write the report as CSV");

  std::ostream& err = *ctx.err;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, *ctx.out, err);
    err << "doorstep-server: error: " << e.what() << "\nRun 'doorstep-server --help' for usage.\n";
    return kExitUsage;
  }
  if (opts.db.empty() && opts.pg.empty()) {
    err << "doorstep-server: error: --db or --pg is required\nRun 'doorstep-server --help' for "
           "usage.\n";
    return kExitUsage;
  }
  Commands commands(ctx, opts);
  try {
    if (serve->parsed()) commands.Serve(listen, serve_forms, threads, blobs_dir);
    if (enroll->parsed()) commands.Enroll(team, villages, reviewer);
    if (install->parsed()) commands.InstallForms(form_files);
    if (conflicts->parsed()) commands.Conflicts(all);
    if (quarantine->parsed()) commands.Quarantine();
    if (devices->parsed()) commands.Devices();
    if (import->parsed() &&
        commands.Import(import_files, import_format, form_version, dry_run) > 0) {
      ctx.out->flush();
      err << "doorstep-server: some rows were refused (listed above); the others were imported\n";
      return kExitFailure;
    }
    if (problems->parsed()) {
      problems_request.today = commands.Today();
      if (!today_text.empty()) {
        auto day = registry::ParseIsoDay(today_text);
        if (!day) throw Failure{kExitUsage, "--today: expected a date YYYY-MM-DD"};
        problems_request.today = *day;
      }
      auto township = commands.LoadTownship(problems_request.villages);
      Check(registry::RunProblems(township, problems_request, *ctx.out).status());
    }
    if (report->parsed()) {
      if (report_request.year == 0) report_request.year = registry::YearOfDay(commands.Today());
      auto township = commands.LoadTownship(report_request.villages);
      Check(registry::RunReport(township, report_request, *ctx.out));
    }
  } catch (const Failure& f) {
    ctx.out->flush();
    err << "doorstep-server: error: " << f.message << "\n";
    return f.code;
  } catch (const std::exception& e) {
    ctx.out->flush();
    err << "doorstep-server: error: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
  ctx.out->flush();
  return *ctx.out ? kExitOk : kExitFailure;
}

}  // namespace doorstep::sync::server
