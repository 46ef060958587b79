// `doorstep enroll`, `doorstep sync`, `doorstep conflicts`, `doorstep resolve`,
// `doorstep quarantine`: the tablet side of sync over libcurl (docs/sync.md).
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "cli.h"
#include "doorstep/sync/client/sync_client.h"
#include "doorstep/sync/client/curl_transport.h"
#include "output.h"
#include "sync_output.h"

namespace doorstep::cli {
namespace {

using sync::client::CurlTransport;
using sync::client::SyncClient;

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int /*sig*/) {
  g_interrupted.store(true);
}

// Ctrl-C during a sync cancels it cleanly (what was acknowledged stays acknowledged).
class InterruptScope {
 public:
  InterruptScope() { previous_ = std::signal(SIGINT, OnInterrupt); }
  ~InterruptScope() { std::signal(SIGINT, previous_); }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

std::string HostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

struct EnrollOptions {
  std::string server;
  std::string token;
  std::string name;
};

void RunEnroll(Cli& cli, const EnrollOptions& o) {
  if (o.token.empty()) UsageFail("--token: empty token");
  Session& session = cli.session();
  Store& store = session.store();
  std::string name = o.name;
  if (name.empty()) name = store.author().device_id;
  if (name.empty()) name = HostName();
  CurlTransport transport(TransportOptions(cli.session().options()));
  SyncClient client(store, transport);
  auto enrolled = client.Enroll(o.server, o.token, name);
  if (!enrolled.ok()) Fail(enrolled.status());
  const auto& e = *enrolled;
  std::cout << "enrolled with " << e.server << " as device " << e.device_id << "\n";
  std::cout << "team " << (e.team.empty() ? "-" : e.team) << (e.reviewer ? ", reviewer" : "")
            << "\n";
  std::cout << "villages ";
  if (e.villages.empty()) std::cout << (e.reviewer ? "(all)" : "(none)");
  for (size_t i = 0; i < e.villages.size(); ++i) std::cout << (i ? ", " : "") << e.villages[i];
  std::cout << "\ninstalled " << e.forms_installed
            << (e.forms_installed == 1 ? " new form version\n" : " new form versions\n");
}

struct SyncCommandOptions {
  std::string server;
  bool no_progress = false;
  bool no_checksum = false;
  bool no_photos = false;
};

void RunSync(Cli& cli, const SyncCommandOptions& o) {
  Session& session = cli.session();
  Store& store = session.store();
  auto enrollment = sync::client::ReadEnrollment(store);
  if (!enrollment.ok()) {
    Fail("this store is not enrolled; run `doorstep enroll --server URL --token TOKEN` first");
  }
  CurlTransport transport(TransportOptions(cli.session().options()));
  SyncClient client(store, transport);
  sync::client::SyncOptions options;
  options.server_url = o.server;
  options.verify_checksums = !o.no_checksum;
  options.upload_attachments = !o.no_photos;
  ProgressBar bar(std::cerr, !o.no_progress && StderrIsTerminal());
  InterruptScope interrupt;
  g_interrupted.store(false);
  const auto result = client.Sync(
      options, [&bar](const sync::client::SyncProgress& p) { bar.Update(p); }, &g_interrupted);
  bar.Finish();
  std::cout << "sync with " << result.server << " as device " << enrollment->device_id << "\n";
  PrintSyncSummary(std::cout, result, "  ");
  if (!result.status.ok()) {
    if (result.status.code() == Code::kCancelled) Fail("sync cancelled; run it again to continue");
    Fail(result.status);
  }
  if (result.checksums_verified && !result.checksums_match()) {
    Fail(
        "the tablet and the server disagree after a complete sync (checksum mismatch); please "
        "report it to the township office");
  }
  if (!result.attachments_status.ok()) {
    Fail("the records are synced but some photos are not uploaded yet (" +
         result.attachments_status.message() + "); run `doorstep sync` again to resume them");
  }
}

void RunConflicts(Cli& cli, bool all) {
  Session& session = cli.session();
  Store& store = session.store();
  CurlTransport transport(TransportOptions(cli.session().options()));
  SyncClient client(store, transport);
  auto list = client.ListConflicts(all);
  if (!list.ok()) Fail(list.status());
  if (list->conflicts().empty()) {
    std::cout << (all ? "no conflicts\n" : "no open conflicts\n");
    return;
  }
  const int n = list->conflicts_size();
  std::cout << n << (all ? " conflict" : " open conflict") << (n == 1 ? "\n" : "s\n");
  for (const auto& c : list->conflicts()) {
    PrintConflict(std::cout, c, &store, session.options().lang, session.utc_offset_minutes());
  }
}

struct ResolveOptions {
  int64_t id = 0;
  int choose = 0;
  std::string note;
};

void RunResolve(Cli& cli, const ResolveOptions& o) {
  if (o.id <= 0) UsageFail("conflict id must be a positive number");
  if (o.choose <= 0) UsageFail("--choose: the candidate number, from 1 (see `doorstep conflicts`)");
  Session& session = cli.session();
  Store& store = session.store();
  CurlTransport transport(TransportOptions(cli.session().options()));
  SyncClient client(store, transport);
  auto resolved = client.Resolve(o.id, static_cast<uint32_t>(o.choose - 1), o.note);
  if (!resolved.ok()) {
    if (resolved.status().code() == Code::kPermissionDenied) {
      Fail(resolved.status().message() +
           " (resolving needs a reviewer enrollment: `doorstep-server enroll --reviewer`)");
    }
    Fail(resolved.status());
  }
  const auto& c = *resolved;
  std::cout << "resolved conflict " << c.id() << ": chose [" << o.choose << "]";
  if (static_cast<int>(c.resolution()) < c.candidates_size()) {
    std::cout << " "
              << CandidateValueText(c.path(), c.candidates(static_cast<int>(c.resolution())));
  }
  std::cout << "\nthe chosen value reaches every tablet of village " << c.scope()
            << " on its next sync\n";
}

void RunQuarantine(Cli& cli) {
  Session& session = cli.session();
  CurlTransport transport(TransportOptions(cli.session().options()));
  SyncClient client(session.store(), transport);
  auto list = client.ListQuarantine();
  if (!list.ok()) Fail(list.status());
  std::cout << list->entries_size()
            << (list->entries_size() == 1 ? " quarantined change\n" : " quarantined changes\n");
  for (const auto& e : list->entries()) {
    RecordId id{};
    if (e.record_id().size() == 16) id = RecordId::FromBytes(e.record_id().data());
    std::cout << e.id() << "\t" << e.device_id() << "\tbatch " << e.batch_seq() << "\t"
              << id.ToString() << "\t" << e.path() << "\t" << e.reason() << "\t"
              << FormatLocalTime(e.received_ms(), session.utc_offset_minutes()) << "\n";
  }
}

}  // namespace

void RegisterSyncCommands(Cli& cli) {
  auto enroll_opts = std::make_shared<EnrollOptions>();
  auto* enroll = cli.app().add_subcommand(
      "enroll", "Enroll this store with the township server using a one-time token");
  enroll->add_option("--server", enroll_opts->server, "Server URL (http://host:port)")->required();
  enroll->add_option("--token", enroll_opts->token, "One-time enrollment token")->required();
  enroll->add_option("--name", enroll_opts->name,
                     "Device name shown at the office (default: the store's device id)");
  cli.Add(enroll, [&cli, enroll_opts] { RunEnroll(cli, *enroll_opts); });

  auto sync_opts = std::make_shared<SyncCommandOptions>();
  auto* sync = cli.app().add_subcommand(
      "sync", "Push pending changes, pull the village's changes, compare checksums");
  sync->add_option("--server", sync_opts->server,
                   "Server URL, when it moved (stored for later syncs)");
  sync->add_flag("--no-progress", sync_opts->no_progress, "Do not draw the progress bar");
  sync->add_flag("--no-checksum", sync_opts->no_checksum, "Skip the checksum comparison");
  sync->add_flag("--no-photos", sync_opts->no_photos,
                 "Sync the records only; photos wait for a later sync");
  cli.Add(sync, [&cli, sync_opts] { RunSync(cli, *sync_opts); });

  auto all = std::make_shared<bool>(false);
  auto* conflicts = cli.app().add_subcommand(
      "conflicts", "Conflicts in this tablet's villages (every village for a reviewer)");
  conflicts->add_flag("--all", *all, "Also list resolved conflicts");
  cli.Add(conflicts, [&cli, all] { RunConflicts(cli, *all); });

  auto resolve_opts = std::make_shared<ResolveOptions>();
  auto* resolve = cli.app().add_subcommand(
      "resolve", "Resolve a conflict by choosing one of its values (reviewer)");
  resolve->add_option("id", resolve_opts->id, "Conflict id (see `doorstep conflicts`)")->required();
  resolve->add_option("--choose", resolve_opts->choose, "Number of the chosen value, from 1")
      ->required();
  resolve->add_option("--note", resolve_opts->note, "Why this value (kept with the resolution)");
  cli.Add(resolve, [&cli, resolve_opts] { RunResolve(cli, *resolve_opts); });

  auto* quarantine = cli.app().add_subcommand(
      "quarantine", "Changes the server kept aside for a reviewer (reviewer)");
  cli.Add(quarantine, [&cli] { RunQuarantine(cli); });
}

}  // namespace doorstep::cli
