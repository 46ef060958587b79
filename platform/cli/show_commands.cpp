// Looking at records: `doorstep record show` (text or JSON) and `doorstep record list`.
#include <iostream>

#include "cli.h"
#include "doorstep/core/session.h"
#include "doorstep/core/value_text.h"
#include "output.h"
#include "record_tree.h"

namespace doorstep::cli {
namespace {

struct ShowContext {
  int offset;
  bool all;  // --all: non-relevant questions too, marked
};

std::string Indent(int n) { return std::string(static_cast<size_t>(n), ' '); }

std::string Title(const Question& q) {
  return q.label.empty() || q.label == q.name ? q.name : q.label + " (" + q.name + ")";
}

std::string FieldText(const Question& q, const ShowContext& ctx) {
  std::string text = q.display;
  if (q.value && q.value->has_signature()) {
    text += ", " + FormatLocalTime(q.value->signature().signed_at_ms(), ctx.offset);
    text += std::string(" [") + SignatureStateName(q.signature_state) + "]";
  }
  if (!q.relevant) text += "  [not relevant]";
  if (!q.error_code.empty()) text += "  [" + q.error_code + "]";
  return text;
}

// Which questions `record show` prints: fields with a value, repeats with instances, instances,
// and the groups that hold any of them; non-relevant ones only with --all.
std::vector<bool> Shown(const std::vector<Question>& qs, const ShowContext& ctx) {
  std::vector<bool> shown(qs.size(), false);
  for (size_t i = qs.size(); i-- > 0;) {
    const Question& q = qs[i];
    if (!q.relevant && !ctx.all) continue;
    switch (q.kind) {
      case QuestionKind::kField: shown[i] = q.value.has_value(); break;
      case QuestionKind::kRepeat: shown[i] = q.instance_count > 0; break;
      case QuestionKind::kInstance: shown[i] = true; break;
      case QuestionKind::kGroup:
        for (size_t j = i + 1; j < qs.size() && qs[j].depth > q.depth; ++j) {
          if (shown[j]) shown[i] = true;
        }
        break;
    }
  }
  return shown;
}

// The record as its form session lists it: questions in form order, labels in the chosen
// language, values as display text, inline error codes; repeat instances numbered.
void PrintQuestions(const FormSession& session, const ShowContext& ctx) {
  const auto& qs = session.questions();
  std::vector<bool> shown = Shown(qs, ctx);
  for (size_t i = 0; i < qs.size(); ++i) {
    if (!shown[i]) continue;
    const Question& q = qs[i];
    std::cout << Indent(q.depth * 2);
    switch (q.kind) {
      case QuestionKind::kGroup: std::cout << Title(q) << "\n"; break;
      case QuestionKind::kRepeat: std::cout << Title(q) << ": " << q.instance_count << "\n"; break;
      case QuestionKind::kInstance: {
        std::string id = q.path.substr(q.path.rfind('[') + 1, 36);
        std::cout << "[" << q.instance_count << "] " << id << "  " << q.label << "\n";
        break;
      }
      case QuestionKind::kField: std::cout << Title(q) << ": " << FieldText(q, ctx) << "\n"; break;
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

  const std::string& lang = session.options().lang;
  const Record& r = loaded.record;
  const CompiledForm& form = *loaded.form;

  std::cout << LabelText(form.def().title(), lang, form.form_id()) << " (" << form.key() << ")\n"
            << "record   " << r.id.ToString() << "\n"
            << "state    " << RecordStateName(r.state) << (r.deleted ? " (deleted)" : "") << "\n"
            << "created  " << FormatLocalTime(HlcMillis(r.created), offset) << "\n"
            << "updated  " << FormatLocalTime(HlcMillis(r.updated), offset) << "\n\n";

  if (r.deleted) {
    for (const auto& v : r.values) std::cout << v.path << ": " << FormatValueText(v.value) << "\n";
  } else {
    auto view = Unwrap(FormSession::Open(store, id, lang == "en" ? "en" : "zh"));
    PrintQuestions(*view, ShowContext{offset, args.all});
    // Values the form does not know (written under another version of it): listed as stored.
    for (const auto& v : r.values) {
      if (view->IndexOf(v.path) < 0 && !v.value.has_instance()) {
        std::cout << v.path << ": " << FormatValueText(v.value) << "\n";
      }
    }
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
