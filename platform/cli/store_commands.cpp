// `doorstep init`, `doorstep form install|list`, `doorstep outbox`.
#include <filesystem>
#include <iostream>
#include <set>

#include "cli.h"
#include "doorstep/core/hlc.h"
#include "json_input.h"
#include "output.h"

namespace doorstep::cli {
namespace {

struct InitOptions {
  std::string surveyor;
  std::string device;
};

void RunInit(Cli& cli, const InitOptions& o) {
  if (o.surveyor.empty()) UsageFail("--surveyor: empty id");
  if (o.device.empty()) UsageFail("--device: empty id");
  Session& session = cli.session();
  const std::string& path = session.options().db;
  const bool existed = std::filesystem::exists(path);
  Store& store = session.CreateOrOpen();
  const Author before = store.author();
  Check(store.SetAuthor({o.surveyor, o.device}));
  if (!existed) {
    std::cout << "created " << path << "\n";
  } else if (before.surveyor_id.empty()) {
    std::cout << "opened " << path << "\n";
  } else if (before == Author{o.surveyor, o.device}) {
    std::cout << "store " << path << " already set up\n";
  } else {
    std::cout << "updated author of " << path << " (was " << before.surveyor_id << " on "
              << before.device_id << ")\n";
  }
  std::cout << "surveyor " << o.surveyor << ", device " << o.device << "\n";
}

v1::FormDef ParseFormFile(const std::string& file) {
  const std::string text = ReadFileOrFail(file, "form file", kMaxFormFileBytes);
  ParseJsonOrFail(text, "form file", file);  // syntax errors with their byte offset
  auto def = LoadFormJson(text);            // then the FormDef mapping (unknown keys, enums)
  if (!def.ok()) Fail("form file '" + file + "': " + def.status().message());
  return std::move(def).value();
}

// Every file is parsed, then all are installed in one transaction: a bad file installs nothing.
void RunFormInstall(Cli& cli, const std::vector<std::string>& files) {
  std::vector<v1::FormDef> defs;
  for (const std::string& file : files) defs.push_back(ParseFormFile(file));
  Store& store = cli.session().store();
  std::set<std::string> before;
  for (const auto& f : Unwrap(store.ListForms())) before.insert(f.form_id + "@" + f.version);
  Check(store.InstallForms(defs));
  for (const v1::FormDef& def : defs) {
    const bool already = before.count(def.form_id() + "@" + def.version()) > 0;
    const std::string title = LabelText(def.title(), cli.session().options().lang, "");
    std::cout << (already ? "already installed " : "installed ") << def.form_id() << "@"
              << def.version();
    if (!title.empty()) std::cout << " " << title;
    std::cout << "\n";
  }
}

void RunFormList(Cli& cli) {
  Session& session = cli.session();
  auto forms = Unwrap(session.store().ListForms());
  if (forms.empty()) {
    std::cout << "no forms installed; use `doorstep form install FILE`\n";
    return;
  }
  std::cout << "form\tversion\trecords\tinstalled\ttitle\n";
  for (const auto& f : forms) {
    std::cout << f.form_id << "\t" << f.version << "\t" << f.record_count << "\t"
              << FormatLocalTime(f.installed_ms, session.utc_offset_minutes()) << "\t"
              << LabelText(f.title, session.options().lang, "") << "\n";
  }
}

void RunOutbox(Cli& cli, bool count_only) {
  Store& store = cli.session().store();
  auto entries = Unwrap(store.PendingChanges());
  std::cout << entries.size() << (entries.size() == 1 ? " pending change" : " pending changes")
            << "\n";
  if (count_only) return;
  for (const auto& e : entries) {
    std::cout << e.seq << "\t" << e.record_id.ToString() << "\t" << e.path << "\t"
              << FormatHlc(e.hlc) << (e.value ? "" : "\t(cleared)") << "\n";
  }
  // Changes taken out of the outbox so they never block the others (docs/sync.md).
  auto quarantined = Unwrap(store.Quarantined());
  if (quarantined.empty()) return;
  std::cout << quarantined.size()
            << (quarantined.size() == 1 ? " quarantined change" : " quarantined changes")
            << " (not pending; edit the field again to send a corrected value)\n";
  for (const auto& q : quarantined) {
    std::cout << FormatLocalTime(q.at_ms, cli.session().utc_offset_minutes()) << "\t"
              << q.record_id.ToString() << "\t" << q.path << "\t"
              << (q.by_server ? "kept by the server for review: " : "refused, kept here: ")
              << q.reason << "\n";
  }
}

}  // namespace

void RegisterStoreCommands(Cli& cli) {
  auto init_opts = std::make_shared<InitOptions>();
  auto* init = cli.app().add_subcommand(
      "init", "Create the store file, or set the surveyor and device of an existing one");
  init->add_option("--surveyor", init_opts->surveyor, "Surveyor id written into every change")
      ->required();
  init->add_option("--device", init_opts->device, "Device id written into every change")
      ->required();
  cli.Add(init, [&cli, init_opts] { RunInit(cli, *init_opts); });

  CLI::App* form = cli.Group("form", "Install and list form definitions");
  auto files = std::make_shared<std::vector<std::string>>();
  auto* install = form->add_subcommand(
      "install", "Install form versions from JSON FormDefs (e.g. forms/registry/*.json)");
  install->add_option("files", *files, "Form definitions (protobuf JSON mapping)")->required();
  cli.Add(install, [&cli, files] { RunFormInstall(cli, *files); });
  auto* list = form->add_subcommand("list", "List installed forms and versions");
  cli.Add(list, [&cli] { RunFormList(cli); });

  auto count_only = std::make_shared<bool>(false);
  auto* outbox = cli.app().add_subcommand(
      "outbox",
      "Pending changes a sync will push (record, path, time; no values), then quarantined ones");
  outbox->add_flag("--count", *count_only, "Print only the number of pending changes");
  cli.Add(outbox, [&cli, count_only] { RunOutbox(cli, *count_only); });
}

}  // namespace doorstep::cli
