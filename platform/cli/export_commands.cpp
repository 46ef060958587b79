// `doorstep export`: relevant values of records as JSON (nested) or CSV (one row per record, or
// per instance of one repeat). Deleted records are left out.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "cli.h"
#include "csv.h"
#include "doorstep/core/value_text.h"
#include "output.h"
#include "record_tree.h"

namespace doorstep::cli {
namespace {

struct ExportArgs {
  std::string format = "csv";
  std::string form;
  std::string repeat;
  std::string output;
  std::string state;
  bool bom = false;
  bool labels = false;
};

class FormCache {
 public:
  explicit FormCache(Store& store) : store_(store) {}
  const CompiledForm& Get(const std::string& form_id, const std::string& version) {
    auto& slot = forms_[form_id + "@" + version];
    if (!slot) slot = Unwrap(store_.GetForm(form_id, version));
    return *slot;
  }

 private:
  Store& store_;
  std::map<std::string, std::shared_ptr<const CompiledForm>> forms_;
};

std::vector<RecordSummary> SelectRecords(Store& store, const ExportArgs& a,
                                         const std::string& form) {
  std::vector<RecordSummary> out;
  for (auto& r : Unwrap(store.ListRecords(form))) {
    if (!a.state.empty() && a.state != RecordStateName(r.state)) continue;
    out.push_back(std::move(r));
  }
  return out;
}

std::string ExportJson(Session& session, const ExportArgs& a) {
  Store& store = session.store();
  FormCache forms(store);
  Json all = Json::array();
  for (const auto& summary : SelectRecords(store, a, a.form)) {
    Record record = Unwrap(store.GetRelevantRecord(summary.id));
    if (record.deleted) continue;
    auto signatures = Unwrap(store.Signatures(summary.id));
    const CompiledForm& form = forms.Get(record.form_id, record.form_version);
    all.push_back(RecordJson(record, &form, signatures, session.utc_offset_minutes()));
  }
  return all.dump(2) + "\n";
}

struct Column {
  std::string name;   // field name, or "<signature field>.state"
  std::string label;  // header with --labels
  bool signature_state = false;
};

// Data fields of `fields` in form order: groups flattened, repeats and notes left out.
void CollectColumns(const google::protobuf::RepeatedPtrField<v1::Field>& fields,
                    const std::string& lang, std::set<std::string>* seen,
                    std::vector<Column>* out) {
  for (const auto& f : fields) {
    if (f.type() == v1::GROUP) {
      CollectColumns(f.children(), lang, seen, out);
      continue;
    }
    if (f.type() == v1::REPEAT || f.type() == v1::NOTE || !seen->insert(f.name()).second) continue;
    const std::string label = LabelText(f.label(), lang, f.name());
    out->push_back({f.name(), label, false});
    if (f.type() == v1::SIGNATURE) out->push_back({f.name() + ".state", label + ".state", true});
  }
}

// The fields `columns` draw from: the whole form, or the children of one repeat.
const google::protobuf::RepeatedPtrField<v1::Field>* ColumnSource(const CompiledForm& form,
                                                                   const std::string& repeat) {
  if (repeat.empty()) return &form.def().fields();
  const FieldInfo* info = form.Find(repeat);
  if (info == nullptr || info->def == nullptr || info->def->type() != v1::REPEAT) return nullptr;
  return &info->def->children();
}

std::string ExportCsv(Session& session, const ExportArgs& a) {
  Store& store = session.store();
  const std::string& lang = session.options().lang;
  std::string form_id = a.form;
  if (form_id.empty()) {
    std::set<std::string> ids;
    for (const auto& f : Unwrap(store.ListForms())) ids.insert(f.form_id);
    if (ids.size() != 1) {
      UsageFail(ids.empty() ? "no forms installed"
                            : "the store holds several forms; choose one with --form");
    }
    form_id = *ids.begin();
  }
  FormCache forms(store);
  const CompiledForm& latest = forms.Get(form_id, Unwrap(store.LatestVersion(form_id)));
  auto records = SelectRecords(store, a, form_id);

  // Columns: the latest version's fields in form order, then fields only older versions have.
  std::vector<const CompiledForm*> versions{&latest};
  for (const auto& r : records) {
    const CompiledForm* f = &forms.Get(r.form_id, r.form_version);
    if (std::find(versions.begin(), versions.end(), f) == versions.end()) versions.push_back(f);
  }
  const FieldInfo* repeat = nullptr;
  if (!a.repeat.empty()) {
    for (const CompiledForm* f : versions) {
      if (ColumnSource(*f, a.repeat) != nullptr) {
        repeat = f->Find(a.repeat);
        break;
      }
    }
    if (repeat == nullptr) Fail("--repeat: form " + form_id + " has no repeat '" + a.repeat + "'");
  }
  std::vector<Column> columns;
  std::set<std::string> seen;
  for (const CompiledForm* f : versions) {
    if (const auto* source = ColumnSource(*f, a.repeat)) CollectColumns(*source, lang, &seen, &columns);
  }
  bool any_signature = false;
  for (const auto& c : columns) any_signature |= c.signature_state;

  std::vector<std::string> header;
  if (repeat == nullptr) {
    header = {"_id", "_form", "_version", "_state"};
  } else {
    header = {"_record_id"};
    if (!repeat->repeats.empty()) header.push_back("_parent");
    header.insert(header.end(), {"_id", "_index"});
  }
  for (const auto& c : columns) header.push_back(a.labels ? c.label : c.name);
  std::string out = a.bom ? std::string(kUtf8Bom) : std::string();
  AppendCsvRow(&out, header);

  for (const auto& summary : records) {
    Record record = Unwrap(store.GetRelevantRecord(summary.id));
    if (record.deleted) continue;
    std::map<std::string, std::string> sig_state;
    if (any_signature) {
      for (const auto& s : Unwrap(store.Signatures(summary.id))) {
        sig_state[s.path] = SignatureStateName(s.state);
      }
    }
    ValueNode root = BuildTree(record);
    auto cells = [&](const ValueNode& node, const std::string& prefix) {
      std::vector<std::string> row;
      for (const auto& c : columns) {
        if (c.signature_state) {
          const std::string field = c.name.substr(0, c.name.size() - 6);  // drop ".state"
          auto it = sig_state.find(prefix + field);
          row.push_back(it == sig_state.end() ? std::string() : it->second);
        } else {
          const TreeLeaf* leaf = node.Find(c.name);
          row.push_back(leaf == nullptr ? std::string() : FormatValueText(*leaf->value));
        }
      }
      return row;
    };
    const std::string rid = record.id.ToString();
    if (repeat == nullptr) {
      std::vector<std::string> row{rid, record.form_id, record.form_version,
                                   RecordStateName(record.state)};
      auto rest = cells(root, "");
      row.insert(row.end(), rest.begin(), rest.end());
      AppendCsvRow(&out, row);
      continue;
    }
    std::map<std::string, int> index_in_parent;
    for (const auto& found : FindInstances(root, *repeat)) {
      std::vector<std::string> row{rid};
      if (!repeat->repeats.empty()) row.push_back(found.parent_path);
      row.push_back(found.instance->id);
      row.push_back(std::to_string(++index_in_parent[found.parent_path]));
      auto rest = cells(found.instance->node, found.instance->path + "/");
      row.insert(row.end(), rest.begin(), rest.end());
      AppendCsvRow(&out, row);
    }
  }
  return out;
}

void RunExport(Cli& cli, const ExportArgs& a) {
  Session& session = cli.session();
  if (a.format == "json") {
    if (!a.repeat.empty()) UsageFail("--repeat applies to --format csv (JSON nests repeats)");
    if (a.bom) UsageFail("--bom applies to --format csv");
    WriteOutput(a.output, ExportJson(session, a));
  } else {
    WriteOutput(a.output, ExportCsv(session, a));
  }
  if (!a.output.empty() && a.output != "-") std::cout << "wrote " << a.output << "\n";
}

}  // namespace

void RegisterExportCommands(Cli& cli) {
  auto o = std::make_shared<ExportArgs>();
  auto* exp = cli.app().add_subcommand(
      "export", "Export relevant values: JSON (records with nested repeats) or CSV (one row per "
                "record, or per repeat instance with --repeat)");
  exp->add_option("--format", o->format, "csv (default) or json")
      ->check(CLI::IsMember({"csv", "json"}));
  exp->add_option("--form", o->form, "Only records of this form (CSV: required when the store "
                                     "holds several forms)");
  exp->add_option("--repeat", o->repeat,
                  "CSV: one row per instance of this repeat, with the record id");
  exp->add_option("--state", o->state, "Only draft or finalized records")
      ->check(CLI::IsMember({"draft", "finalized"}));
  exp->add_option("-o,--output", o->output, "Output file (default: standard output)");
  exp->add_flag("--bom", o->bom, "CSV: start with a UTF-8 byte order mark (for Excel)");
  exp->add_flag("--labels", o->labels, "CSV: column headers from the form's labels");
  cli.Add(exp, [&cli, o] { RunExport(cli, *o); });
}

}  // namespace doorstep::cli
