// Editing records: `doorstep record new|set|clear|add-instance|remove-instance`.
// Every command checks all of its input (record, paths, values) before the one store call that
// writes, so a failing command changes nothing.
#include <iostream>

#include "cli.h"
#include "doorstep/core/value_text.h"
#include "record_path.h"

namespace doorstep::cli {
namespace {

struct EditTarget {
  RecordId id;
  Session::Loaded loaded;
};

// The record to edit: exists, is a draft, and the store has an author.
EditTarget LoadDraft(Session& session, const std::string& id_text) {
  session.RequireAuthor();
  RecordId id = session.ResolveRecord(id_text);
  EditTarget t{id, session.Load(id)};
  Session::RequireDraft(t.loaded.record);
  return t;
}

void RunNew(Cli& cli, const std::string& form, const std::string& version) {
  Session& session = cli.session();
  session.RequireAuthor();
  RecordId id = Unwrap(session.store().CreateRecord(form, version));
  std::cout << id.ToString() << "\n";
}

void RunSet(Cli& cli, const std::string& id_text, const std::vector<std::string>& args) {
  if (args.size() % 2 != 0) {
    UsageFail("record set: expected PATH VALUE pairs (give an empty value as \"\"; a value "
              "starting with '-' after `--`)");
  }
  Session& session = cli.session();
  EditTarget t = LoadDraft(session, id_text);
  const CompiledForm& form = *t.loaded.form;
  std::vector<Edit> edits;
  std::vector<std::string> paths;
  for (size_t i = 0; i < args.size(); i += 2) {
    ResolvedPath rp = ResolvePath(session.store(), t.id, form, args[i], PathKind::kValue);
    if (!rp.field->def->calculate().empty()) {
      Fail(args[i] + ": '" + rp.field->name +
           "' is calculated from other fields and cannot be set");
    }
    auto value = ParseValueText(form, *rp.field, args[i + 1]);
    if (!value.ok()) Fail(Status(value.status().code(), value.status().message(), args[i]));
    edits.push_back(Edit::Set(rp.path, std::move(value).value()));
    paths.push_back(rp.path);
  }
  Unwrap(session.store().Apply(t.id, edits));
  if (paths.size() == 1) {
    std::cout << "set " << paths.front() << "\n";
  } else {
    std::cout << "set " << paths.size() << " values\n";
  }
}

void RunClear(Cli& cli, const std::string& id_text, const std::string& path) {
  Session& session = cli.session();
  EditTarget t = LoadDraft(session, id_text);
  ResolvedPath rp = ResolvePath(session.store(), t.id, *t.loaded.form, path, PathKind::kValue);
  if (!rp.field->def->calculate().empty()) {
    Fail(path + ": '" + rp.field->name + "' is calculated from other fields and cannot be cleared");
  }
  Check(session.store().ClearValue(t.id, rp.path));
  std::cout << "cleared " << rp.path << "\n";
}

void RunAddInstance(Cli& cli, const std::string& id_text, const std::string& repeat, int count) {
  if (count < 1) UsageFail("--count must be at least 1");
  Session& session = cli.session();
  EditTarget t = LoadDraft(session, id_text);
  ResolvedPath rp = ResolvePath(session.store(), t.id, *t.loaded.form, repeat, PathKind::kRepeat);
  std::vector<Edit> edits;
  for (int i = 0; i < count; ++i) edits.push_back(Edit::AddInstance(rp.path));
  auto ids = Unwrap(session.store().Apply(t.id, edits));
  for (const auto& id : ids) std::cout << id << "\n";
}

void RunRemoveInstance(Cli& cli, const std::string& id_text, const std::string& path) {
  Session& session = cli.session();
  EditTarget t = LoadDraft(session, id_text);
  ResolvedPath rp = ResolvePath(session.store(), t.id, *t.loaded.form, path, PathKind::kInstance);
  Check(session.store().RemoveInstance(t.id, rp.path));
  std::cout << "removed " << rp.path << "\n";
}

struct RecordArgs {
  std::string id;
  std::string path;
  std::string form;
  std::string version;
  std::vector<std::string> pairs;
  int count = 1;
};

}  // namespace

void RegisterRecordCommands(Cli& cli) {
  CLI::App* record = cli.Group("record", "Create, edit, check and inspect records");
  auto o = std::make_shared<RecordArgs>();

  auto* create = record->add_subcommand("new", "Start a draft record; prints its id");
  create->add_option("form", o->form, "Form id")->required();
  create->add_option("--version", o->version, "Form version (default: latest installed)");
  cli.Add(create, [&cli, o] { RunNew(cli, o->form, o->version); });

  auto* set = record->add_subcommand(
      "set", "Set field values (all or nothing). PATH: 'head_name', 'members[1]/m_age' "
             "(1-based instance number) or 'members[<uuid>]/m_age'");
  set->add_option("id", o->id, "Record id")->required();
  set->add_option("assignments", o->pairs, "PATH VALUE [PATH VALUE ...]")->required();
  cli.Add(set, [&cli, o] { RunSet(cli, o->id, o->pairs); });

  auto* clear = record->add_subcommand("clear", "Clear a field value");
  clear->add_option("id", o->id, "Record id")->required();
  clear->add_option("path", o->path, "Field path")->required();
  cli.Add(clear, [&cli, o] { RunClear(cli, o->id, o->path); });

  auto* add = record->add_subcommand("add-instance",
                                     "Add an instance to a repeat (e.g. a household member); "
                                     "prints the new instance id");
  add->alias("add-member");
  add->add_option("id", o->id, "Record id")->required();
  add->add_option("repeat", o->path, "Repeat path: 'members' or 'visits[1]/items'")->required();
  add->add_option("--count", o->count, "Number of instances to add (default 1, at most 1000)")
      ->check(CLI::Range(1, 1000));
  cli.Add(add, [&cli, o] { RunAddInstance(cli, o->id, o->path, o->count); });

  auto* remove = record->add_subcommand(
      "remove-instance", "Remove a repeat instance and its values: 'members[2]' or "
                         "'members[<uuid>]'");
  remove->add_option("id", o->id, "Record id")->required();
  remove->add_option("path", o->path, "Instance path")->required();
  cli.Add(remove, [&cli, o] { RunRemoveInstance(cli, o->id, o->path); });
}

}  // namespace doorstep::cli
