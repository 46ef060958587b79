// The generic server commands: serve, enroll, form install, conflicts, quarantine, devices.
#include <memory>
#include <string>
#include <vector>

#include "doorstep/core/form.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/uuid.h"
#include "doorstep/core/value_text.h"
#include "doorstep/sync/server/blob_store.h"
#include "doorstep/sync/server/http_server.h"
#include "server_cli.h"

namespace doorstep::server_cli {
namespace {

namespace ss = sync::server;

std::string Time(int64_t ms) {
  if (ms == 0) return "-";
  std::string t = FormatHlc(MakeHlc(ms, 0));
  return t.substr(0, t.find('/'));
}

std::string RecordText(const std::string& bytes) {
  return bytes.size() == 16 ? Uuid::FromBytes(bytes.data()).ToString() : "?";
}

std::string CandidateText(const std::string& path, const v1::Conflict::Candidate& c) {
  if (c.cleared()) return "(cleared)";
  if (path == "@deleted") return c.value().flag() ? "deleted" : "kept";
  return "value: " + FormatValueText(c.value());
}

// Every file is read and compiled before anything opens: a bad file changes nothing.
std::vector<v1::FormDef> LoadForms(const std::vector<std::string>& files) {
  std::vector<v1::FormDef> forms;
  for (const auto& f : files) {
    auto def = Unwrap(LoadFormFile(f));
    Check(CompiledForm::Compile(def).status());
    forms.push_back(std::move(def));
  }
  return forms;
}

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> forms;
  int threads = 8;
  std::string blobs_dir;
  std::string tls_cert;
  std::string tls_key;
  bool allow_plain_http = false;
  int token_valid_days = 7;
  int enroll_per_minute = 10;
};

int Serve(ServerSession& session, const ServeOptions& o) {
  std::string host;
  int port = 0;
  Check(ss::ParseListenAddress(o.listen, &host, &port));
  auto forms = LoadForms(o.forms);
  session.SetTokenValidDays(o.token_valid_days);
  ss::SyncService& service = session.Open(true, /*serving=*/true);
  if (!forms.empty()) Check(service.InstallForms(forms).status());
  ss::HttpServerOptions options;
  options.host = host;
  options.port = port;
  options.threads = o.threads;
  options.logger = session.context().logger;
  options.tls_cert_file = o.tls_cert;
  options.tls_key_file = o.tls_key;
  options.allow_plain_http = o.allow_plain_http;
  options.enroll_per_minute = o.enroll_per_minute;
  // Attachments (photos) live in a directory next to the database unless --blobs names one.
  std::unique_ptr<ss::FileBlobStore> blobs;
  const std::string& db = session.database_options().db;
  const std::string dir =
      o.blobs_dir.empty() && !db.empty() ? ss::FileBlobStore::DefaultDir(db) : o.blobs_dir;
  if (!dir.empty()) blobs = Unwrap(ss::FileBlobStore::Open(dir));
  options.blobs = blobs.get();
  ss::HttpServer server(&service, options);
  Check(server.Start());
  session.out() << "doorstep-server listening on " << server.url() << std::endl;
  if (session.context().wait_for_shutdown) session.context().wait_for_shutdown();
  server.Stop();
  session.out() << "doorstep-server stopped" << std::endl;
  return kExitOk;
}

void AddServe(ServerCli& cli) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* serve = cli.Add(&cli.app(), "serve", "Serve the sync protocol over HTTP",
                            [o](ServerSession& s) { return Serve(s, *o); });
  serve->add_option("--listen", o->listen, "host:port to listen on (port 0: any free port)");
  serve->add_option("--form", o->forms, "Form file (JSON) to install before serving")
      ->check(CLI::ExistingFile);
  serve->add_option("--threads", o->threads, "Worker threads")->check(CLI::Range(1, 256));
  serve->add_option("--tls-cert", o->tls_cert, "Serve HTTPS with this certificate (PEM chain)")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", o->tls_key, "The certificate's private key (PEM)")
      ->check(CLI::ExistingFile);
  serve->add_flag("--allow-plain-http", o->allow_plain_http,
                  "Serve plain HTTP on an address other than loopback (tablets' credentials and "
                  "records cross the network unencrypted)");
  serve->add_option("--enroll-per-minute", o->enroll_per_minute,
                    "Enrollment attempts allowed a minute from one address (default 10; 0: any)")
      ->check(CLI::Range(0, 100000));
  serve->add_option("--token-valid-days", o->token_valid_days,
                    "Days an enrollment token stays usable (default 7)")
      ->check(CLI::Range(1, 365));
  serve->add_option("--blobs", o->blobs_dir,
                    "Directory of attachments (photos), shared by every server process "
                    "(default: <db>.blobs)");
}

struct EnrollOptions {
  std::string team;
  std::vector<std::string> villages;
  bool reviewer = false;
};

int Enroll(ServerSession& session, const EnrollOptions& o) {
  if (o.team.empty()) Fail("--team must not be empty");
  for (const auto& v : o.villages) {
    if (v.empty()) Fail("--villages holds an empty village name");
  }
  if (o.villages.empty() && !o.reviewer) Fail("--villages is required (or --reviewer)");
  auto token = Unwrap(session.Open(true).CreateEnrollmentToken(o.team, o.villages, o.reviewer));
  session.out() << token.token << "\n";
  return kExitOk;
}

void AddEnroll(ServerCli& cli) {
  auto o = std::make_shared<EnrollOptions>();
  CLI::App* enroll = cli.Add(&cli.app(), "enroll", "Print a one-time enrollment token",
                             [o](ServerSession& s) { return Enroll(s, *o); });
  enroll->add_option("--team", o->team, "Team name")->required();
  enroll->add_option("--villages", o->villages, "Villages, comma separated")->delimiter(',');
  enroll->add_flag("--reviewer", o->reviewer,
                   "Township reviewer: every village, resolves conflicts");
}

void AddFormInstall(ServerCli& cli) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* form = cli.Group("form", "Form definitions");
  CLI::App* install = cli.Add(form, "install", "Install form versions (all or none)",
                              [files](ServerSession& s) {
                                auto forms = LoadForms(*files);
                                size_t added = Unwrap(s.Open(true).InstallForms(forms));
                                for (const auto& f : forms) {
                                  s.out() << f.form_id() << "@" << f.version() << "\n";
                                }
                                s.out() << added << " new form version(s) installed\n";
                                return kExitOk;
                              });
  install->add_option("files", *files, "Form files (JSON)")->required()->check(CLI::ExistingFile);
}

int Conflicts(ServerSession& session, bool all) {
  auto list = Unwrap(session.Open(false).Conflicts(ss::DeviceInfo::Admin(), !all));
  std::ostream& out = session.out();
  for (const auto& c : list.conflicts()) {
    out << "conflict " << c.id() << "  record " << RecordText(c.record_id()) << "  path "
        << c.path() << "  village " << c.scope() << "  "
        << (c.resolved() ? "resolved by " + c.resolved_by() + " (#" +
                               std::to_string(c.resolution()) + ")"
                         : std::string("open"))
        << "  winner #" << c.winner() << "\n";
    for (int i = 0; i < c.candidates_size(); ++i) {
      const auto& cand = c.candidates(i);
      out << "  #" << i << "  " << FormatHlc(cand.hlc()) << "  by "
          << cand.author().surveyor_id() << " on " << cand.author().device_id() << "  "
          << CandidateText(c.path(), cand) << "\n";
    }
  }
  out << list.conflicts_size() << (all ? " conflict(s)\n" : " open conflict(s)\n");
  return kExitOk;
}

int Quarantine(ServerSession& session) {
  auto list = Unwrap(session.Open(false).Quarantine(ss::DeviceInfo::Admin()));
  for (const auto& q : list.entries()) {
    session.out() << "quarantine " << q.id() << "  device " << q.device_id() << " batch "
                  << q.batch_seq() << "  record " << RecordText(q.record_id()) << "  path "
                  << q.path() << "  received " << Time(q.received_ms())
                  << "\n  reason: " << q.reason() << "\n";
  }
  session.out() << list.entries_size() << " quarantined change(s)\n";
  return kExitOk;
}

int Devices(ServerSession& session) {
  session.Open(false);
  auto devices = Unwrap(session.store().ListDevices());
  for (const auto& d : devices) {
    std::string villages;
    for (const auto& v : d.villages) villages += (villages.empty() ? "" : ",") + v;
    session.out() << d.device_id << "  team " << d.team << "  villages " << villages
                  << (d.reviewer ? "  reviewer" : "") << (d.revoked() ? "  REVOKED" : "")
                  << "  enrolled " << Time(d.enrolled_ms)
                  << "  last push " << Time(d.last_seen_ms) << "  clock skew "
                  << d.clock_skew_ms / 1000 << " s  future HLCs " << d.future_hlc_count << "\n";
  }
  session.out() << devices.size() << " device(s)\n";
  return kExitOk;
}

int RevokeDevice(ServerSession& session, const std::string& device_id) {
  auto row = Unwrap(session.Open(false).RevokeDevice(device_id));
  session.out() << "revoked device " << row.device_id << " (" << row.name << ", team " << row.team
                << "): its next request is refused; what it synced stays\n";
  return kExitOk;
}

int RescopeDevice(ServerSession& session, const std::string& device_id,
                  const std::vector<std::string>& villages) {
  auto row = Unwrap(session.Open(false).RescopeDevice(device_id, villages));
  std::string list;
  for (const auto& v : row.villages) list += (list.empty() ? "" : ",") + v;
  session.out() << "device " << row.device_id << " (" << row.name << ", team " << row.team
                << ") now holds villages " << list
                << "; at its next sync it pulls the villages it gained and removes the records "
                   "of the others (except changes it has not pushed yet)\n";
  return kExitOk;
}

}  // namespace

void RegisterSyncCommands(ServerCli& cli) {
  AddServe(cli);
  AddEnroll(cli);
  AddFormInstall(cli);
  auto all = std::make_shared<bool>(false);
  cli.Add(&cli.app(), "conflicts", "List open conflicts",
          [all](ServerSession& s) { return Conflicts(s, *all); })
      ->add_flag("--all", *all, "Resolved conflicts too");
  cli.Add(&cli.app(), "quarantine", "List quarantined changes", Quarantine);
  CLI::App* devices = cli.Add(&cli.app(), "devices", "List enrolled devices", Devices);
  devices->require_subcommand(0, 1);
  auto device_id = std::make_shared<std::string>();
  cli.Add(devices, "revoke", "Revoke a lost or stolen device (refused from its next request)",
          [device_id](ServerSession& s) { return RevokeDevice(s, *device_id); })
      ->add_option("device", *device_id, "Device id (see `devices`)")
      ->required();
  auto rescope_id = std::make_shared<std::string>();
  auto rescope_villages = std::make_shared<std::vector<std::string>>();
  CLI::App* rescope = cli.Add(
      devices, "rescope",
      "Give a device other villages (it purges the records of the others at its next sync)",
      [rescope_id, rescope_villages](ServerSession& s) {
        return RescopeDevice(s, *rescope_id, *rescope_villages);
      });
  rescope->add_option("device", *rescope_id, "Device id (see `devices`)")->required();
  rescope->add_option("--villages", *rescope_villages, "Villages, comma separated")
      ->delimiter(',')
      ->required();
}

}  // namespace doorstep::server_cli
