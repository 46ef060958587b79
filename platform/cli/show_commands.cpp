// Looking at records: `doorstep record show` (text or JSON) and `doorstep record list`.
#include <iostream>
#include <set>

#include "cli.h"
#include "doorstep/core/value_text.h"
#include "output.h"
#include "record_tree.h"

namespace doorstep::cli {
namespace {

struct ShowContext {
  const std::string& lang;
  int offset;
  const std::map<std::string, const SignatureStatus*>& signatures;
  const std::set<std::string>* relevant;  // with --all: paths of relevant values
};

std::string Indent(int n) { return std::string(static_cast<size_t>(n), ' '); }

std::string FieldTitle(const v1::Field& f, const std::string& lang) {
  std::string label = LabelText(f.label(), lang, "");
  return label.empty() || label == f.name() ? f.name() : label + " (" + f.name() + ")";
}

bool HasAny(const google::protobuf::RepeatedPtrField<v1::Field>& fields, const ValueNode& node) {
  for (const auto& f : fields) {
    if (f.type() == v1::GROUP && HasAny(f.children(), node)) return true;
    if (f.type() == v1::REPEAT && !node.Instances(f.name()).empty()) return true;
    if (node.Find(f.name()) != nullptr) return true;
  }
  return false;
}

std::string LeafText(const Leaf& leaf, const ShowContext& ctx) {
  std::string text = FormatValueText(*leaf.value);
  if (leaf.value->has_signature()) {
    text += ", " + FormatLocalTime(leaf.value->signature().signed_at_ms(), ctx.offset);
    auto it = ctx.signatures.find(leaf.path);
    if (it != ctx.signatures.end()) {
      text += std::string(" [") + SignatureStateName(it->second->state) + "]";
    }
  }
  if (ctx.relevant != nullptr && !ctx.relevant->count(leaf.path)) text += "  [not relevant]";
  return text;
}

void PrintFields(const google::protobuf::RepeatedPtrField<v1::Field>& fields,
                 const ValueNode& node, int indent, const ShowContext& ctx,
                 std::set<std::string>* seen) {
  for (const auto& f : fields) {
    switch (f.type()) {
      case v1::GROUP:
        if (!HasAny(f.children(), node)) break;
        std::cout << Indent(indent) << FieldTitle(f, ctx.lang) << "\n";
        PrintFields(f.children(), node, indent + 2, ctx, seen);
        break;
      case v1::REPEAT: {
        seen->insert(f.name());
        const auto& list = node.Instances(f.name());
        if (list.empty()) break;
        std::cout << Indent(indent) << FieldTitle(f, ctx.lang) << ": " << list.size() << "\n";
        for (size_t i = 0; i < list.size(); ++i) {
          std::cout << Indent(indent + 2) << "[" << i + 1 << "] " << list[i]->id << "\n";
          std::set<std::string> inner;
          PrintFields(f.children(), list[i]->node, indent + 4, ctx, &inner);
        }
        break;
      }
      case v1::NOTE:
        break;
      default:
        seen->insert(f.name());
        if (const Leaf* leaf = node.Find(f.name())) {
          std::cout << Indent(indent) << FieldTitle(f, ctx.lang) << ": " << LeafText(*leaf, ctx)
                    << "\n";
        }
        break;
    }
  }
}

struct ShowArgs {
  std::string id;
  std::string form;
  bool json = false;
  bool all = false;
};

void RunShow(Cli& cli, const ShowArgs& args) {
  Session& session = cli.session();
  Store& store = session.store();
  RecordId id = session.ResolveRecord(args.id);
  Session::Loaded loaded = session.Load(id, /*relevant_only=*/!args.all);
  auto signatures = Unwrap(store.Signatures(id));
  ValidationReport report = Unwrap(store.Validate(id));
  const int offset = session.utc_offset_minutes();

  if (args.json) {
    Json j = RecordJson(loaded.record, loaded.form.get(), signatures, offset);
    if (loaded.record.deleted) j["deleted"] = true;
    Json errors = Json::array();
    for (const auto& e : report.errors) {
      errors.push_back(Json{{"path", e.path}, {"code", e.code}, {"message", e.message}});
    }
    j["validation"] = Json{{"ok", report.ok()}, {"errors", std::move(errors)}};
    std::cout << j.dump(2) << "\n";
    return;
  }

  std::set<std::string> relevant;
  if (args.all) {
    for (const auto& v : Unwrap(store.GetRelevantRecord(id)).values) relevant.insert(v.path);
  }
  std::map<std::string, const SignatureStatus*> by_path;
  for (const auto& s : signatures) by_path[s.path] = &s;
  const std::string& lang = session.options().lang;
  const Record& r = loaded.record;
  const CompiledForm& form = *loaded.form;

  std::cout << LabelText(form.def().title(), lang, form.form_id()) << " (" << form.key() << ")\n"
            << "record   " << r.id.ToString() << "\n"
            << "state    " << RecordStateName(r.state) << (r.deleted ? " (deleted)" : "") << "\n"
            << "created  " << FormatLocalTime(HlcMillis(r.created), offset) << "\n"
            << "updated  " << FormatLocalTime(HlcMillis(r.updated), offset) << "\n\n";

  ShowContext ctx{lang, offset, by_path, args.all ? &relevant : nullptr};
  ValueNode root = BuildTree(r);
  std::set<std::string> seen;
  PrintFields(form.def().fields(), root, 0, ctx, &seen);
  for (const auto& [name, leaf] : root.values) {
    if (!seen.count(name)) std::cout << name << ": " << LeafText(leaf, ctx) << "\n";
  }

  if (!signatures.empty()) {
    std::cout << "\nsignatures\n";
    for (const auto& s : signatures) {
      std::cout << "  " << s.path << " (" << s.role << "): " << SignatureStateName(s.state);
      if (s.state == SignatureState::kMissing && s.required) std::cout << ", required";
      if (!s.signer_name.empty()) {
        std::cout << ", " << (s.proxy_signer_name.empty() ? "signed by " + s.signer_name
                                                          : "signed by " + s.proxy_signer_name +
                                                                " for " + s.signer_name);
        std::cout << " at " << FormatLocalTime(s.signed_at_ms, offset);
      }
      std::cout << "\n";
    }
  }

  std::cout << "\nvalidation: ";
  if (report.ok()) {
    std::cout << "ok\n";
  } else {
    std::cout << report.errors.size() << (report.errors.size() == 1 ? " problem\n" : " problems\n");
    for (const auto& e : report.errors) {
      std::cout << "  " << e.path << ": " << e.code << ": " << e.message << "\n";
    }
  }
}

void RunList(Cli& cli, const std::string& form) {
  Session& session = cli.session();
  auto records = Unwrap(session.store().ListRecords(form));
  const int offset = session.utc_offset_minutes();
  if (records.empty()) {
    std::cout << "no records\n";
    return;
  }
  std::cout << "id\tform\tstate\tupdated\n";
  for (const auto& r : records) {
    std::cout << r.id.ToString() << "\t" << r.form_id << "@" << r.form_version << "\t"
              << RecordStateName(r.state) << "\t" << FormatLocalTime(HlcMillis(r.updated), offset)
              << "\n";
  }
}

}  // namespace

void RegisterShowCommands(Cli& cli) {
  CLI::App* record = cli.Group("record", "Create, edit, check and inspect records");
  auto o = std::make_shared<ShowArgs>();

  auto* show = record->add_subcommand(
      "show", "Show a record: values grouped as in the form, repeat instances numbered, "
              "signature states and validation");
  show->add_option("id", o->id, "Record id")->required();
  show->add_flag("--json", o->json, "Print JSON (the shape of `doorstep export --format json`)");
  show->add_flag("--all", o->all, "Include values that are not relevant (skipped by the form)");
  cli.Add(show, [&cli, o] { RunShow(cli, *o); });

  auto* list = record->add_subcommand("list", "List records");
  list->add_option("--form", o->form, "Only records of this form");
  cli.Add(list, [&cli, o] { RunList(cli, o->form); });
}

}  // namespace doorstep::cli
