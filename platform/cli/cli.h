// The `doorstep` command line: shared plumbing for the command files.
//
// Each command file registers its subcommands with a Cli (RegisterXxxCommands). A command is a
// CLI11 subcommand plus a function run after parsing succeeded; commands report failure by
// calling Fail / UsageFail / Check / Unwrap (doorstep/app/command_line.h), which Cli::Run turns
// into "doorstep: error: <message>" and an exit code: 0 success, 1 failure (bad value, unknown
// record, invalid record, I/O), 2 usage error.
// Error messages name fields, paths and ids, never field values (they may be personal data).
//
// Thread rules: single-threaded, like the process.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "doorstep/app/command_line.h"
#include "doorstep/sync/client/curl_transport.h"
#include "doorstep/core/status.h"
#include "doorstep/core/store.h"
#include "doorstep/posix/ports.h"

namespace doorstep::cli {

// Exit codes and failure plumbing: shared with the other programs (doorstep/app/command_line.h).
using app::Check;
using app::Fail;
using app::kExitFailure;
using app::kExitUsage;
using app::Unwrap;
using app::UsageFail;

struct GlobalOptions {
  std::string db;        // --db, env DOORSTEP_DB, default ./doorstep.db
  std::string key_file;  // --key-file; else env DOORSTEP_KEY
  std::string lang = "zh";  // labels: zh or en (falls back to the other when empty)
  // Talking to the township server (sync/client/curl_transport.h, CurlOptions).
  std::string ca_file;            // --ca-file: the township's CA bundle (PEM)
  std::string pinned_key;         // --pin: sha256//<base64> of the server's public key
  bool allow_plain_http = false;  // --allow-plain-http: http:// beyond this device
};

// The libcurl options of GlobalOptions' server flags.
sync::client::CurlOptions TransportOptions(const GlobalOptions& options);

// The store of one invocation, opened on first use with the POSIX ports.
class Session {
 public:
  explicit Session(const GlobalOptions& options) : options_(options) {}

  const GlobalOptions& options() const { return options_; }
  // Opens an existing store; fails when the file does not exist (run `doorstep init`).
  Store& store();
  // Opens the store, creating the file when needed (`doorstep init`).
  Store& CreateOrOpen();
  // Fails unless the store has an author (writes need one).
  void RequireAuthor();
  Clock& clock() { return clock_; }
  int utc_offset_minutes() { return clock_.UtcOffsetMinutes(); }

  // A record id: the full UUID, or an unambiguous prefix of at least 4 characters.
  RecordId ResolveRecord(const std::string& text);
  // The record and its compiled form.
  struct Loaded {
    Record record;
    std::shared_ptr<const CompiledForm> form;
  };
  Loaded Load(const RecordId& id, bool relevant_only = false);
  // Fails with a hint to reopen when the record is finalized.
  static void RequireDraft(const Record& record);

 private:
  std::string ReadKey() const;
  Store& Open(bool create);

  GlobalOptions options_;
  posix::SystemClock clock_;
  posix::SystemRandom random_;
  posix::StderrLogger logger_;
  std::unique_ptr<Store> store_;
};

// Registry of commands: the subcommand and what to run when it was given.
class Cli {
 public:
  Cli();
  CLI::App& app() { return app_; }
  Session& session() { return *session_; }
  // A command group ("form", "record", "signature"), created on first use.
  CLI::App* Group(const std::string& name, const std::string& description);
  // Registers a leaf subcommand.
  void Add(CLI::App* sub, std::function<void()> run);
  // Parses and runs; returns the process exit code.
  int Run(int argc, const char* const* argv);

 private:
  CLI::App app_;
  GlobalOptions options_;
  std::unique_ptr<Session> session_;
  std::vector<std::pair<std::string, CLI::App*>> groups_;
  std::vector<std::pair<CLI::App*, std::function<void()>>> commands_;
};

// Command files.
void RegisterStoreCommands(Cli& cli);   // init, form install, form list, outbox
void RegisterFormCompileCommand(Cli& cli);  // form compile (JSON -> binary FormDef)
void RegisterRecordCommands(Cli& cli);  // record new/set/clear/add-instance/remove-instance/...
void RegisterLifecycleCommands(Cli& cli);  // record validate/finalize/reopen/migrate/delete/history
void RegisterShowCommands(Cli& cli);    // record show, record list
void RegisterSignCommands(Cli& cli);    // sign, signature svg, signature list
void RegisterExportCommands(Cli& cli);  // export
void RegisterSyncCommands(Cli& cli);    // enroll, sync, conflicts, resolve, quarantine
void RegisterRegistryCommands(Cli& cli);  // sample, problems, report
void RegisterAttachCommands(Cli& cli);  // attach, attachment get/pending

}  // namespace doorstep::cli
