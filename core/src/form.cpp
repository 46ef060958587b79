#include "doorstep/core/form.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace doorstep {
namespace {

bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(s[0])) return false;
  for (char c : s) {
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool ValidChoiceValue(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsContainer(v1::FieldType t) { return t == v1::GROUP || t == v1::REPEAT; }

class Compiler {
 public:
  Compiler(const v1::FormDef& def,
           std::unordered_map<std::string, std::unique_ptr<FieldInfo>>* by_name,
           std::vector<const FieldInfo*>* order)
      : def_(def), by_name_(by_name), order_(order) {}
  ~Compiler() { order_->assign(mutable_order_.begin(), mutable_order_.end()); }

  Status Error(const std::string& field, const std::string& msg) const {
    std::string where = def_.form_id() + "@" + def_.version();
    if (!field.empty()) where += ": " + field;
    return Status(Code::kInvalidArgument, msg, where);
  }

  Status Run() {
    if (!ValidName(def_.form_id())) {
      return Error("", "form_id must match [A-Za-z_][A-Za-z0-9_]* (at most 64 characters)");
    }
    if (def_.version().empty() || def_.version().find('@') != std::string::npos ||
        def_.version().size() > 64) {
      return Error("", "version must be 1-64 characters without '@'");
    }
    for (const auto& list : def_.choice_lists()) {
      if (!ValidName(list.name())) return Error("choice_lists", "invalid list name '" + list.name() + "'");
      if (!lists_.emplace(list.name(), &list).second) {
        return Error("choice_lists", "duplicate choice list '" + list.name() + "'");
      }
      std::set<std::string> seen;
      for (const auto& c : list.choices()) {
        if (!ValidChoiceValue(c.value())) {
          return Error("choice_lists/" + list.name(),
                       "invalid choice value '" + c.value() + "' (allowed: A-Z a-z 0-9 _ . -)");
        }
        if (!seen.insert(c.value()).second) {
          return Error("choice_lists/" + list.name(), "duplicate choice '" + c.value() + "'");
        }
      }
    }
    if (def_.fields().empty()) return Error("", "a form needs at least one field");
    DS_RETURN_IF_ERROR(Walk(def_.fields(), {}, {}, ""));
    for (FieldInfo* f : mutable_order_) DS_RETURN_IF_ERROR(ParseExpressions(f));
    for (FieldInfo* f : mutable_order_) {
      if (f->def->type() == v1::SIGNATURE) DS_RETURN_IF_ERROR(ExpandCovers(f));
    }
    if (!def_.scope_field().empty()) {
      auto it = by_name_->find(def_.scope_field());
      if (it == by_name_->end() || !it->second->repeats.empty() ||
          (it->second->def->type() != v1::TEXT && it->second->def->type() != v1::SELECT_ONE)) {
        return Error("scope_field", "scope_field must name a text or select_one field outside "
                                    "any repeat");
      }
    }
    return Status::Ok();
  }

 private:
  Status Walk(const google::protobuf::RepeatedPtrField<v1::Field>& fields,
              const std::vector<std::string>& repeats, const std::vector<std::string>& ancestors,
              const std::string& prefix) {
    for (const auto& f : fields) {
      std::string display = prefix.empty() ? f.name() : prefix + "/" + f.name();
      if (!ValidName(f.name())) {
        return Error(display, "field name must match [A-Za-z_][A-Za-z0-9_]* (at most 64)");
      }
      if (by_name_->count(f.name())) {
        return Error(display, "duplicate field name '" + f.name() + "' (names are unique per form)");
      }
      if (f.type() == v1::FIELD_TYPE_UNSPECIFIED || !v1::FieldType_IsValid(f.type())) {
        return Error(display, "missing or unknown field type");
      }
      if (IsContainer(f.type()) != (f.children_size() > 0)) {
        return Error(display, IsContainer(f.type()) ? "a group or repeat needs children"
                                                    : "only groups and repeats have children");
      }
      auto info = std::make_unique<FieldInfo>();
      info->def = &f;
      info->name = f.name();
      info->repeats = repeats;
      info->ancestors = ancestors;
      info->display_path = display;
      if (f.type() == v1::SELECT_ONE || f.type() == v1::SELECT_MULTIPLE) {
        auto it = lists_.find(f.choice_list());
        if (it == lists_.end()) {
          return Error(display, "unknown choice list '" + f.choice_list() + "'");
        }
        info->choices = it->second;
      } else if (!f.choice_list().empty()) {
        return Error(display, "choice_list is only for select fields");
      }
      if (f.type() == v1::SIGNATURE && f.signature().role().empty()) {
        return Error(display, "a signature field needs signature.role");
      }
      if (f.type() == v1::REPEAT && f.repeat_max() != 0 && f.repeat_max() < f.repeat_min()) {
        return Error(display, "repeat_max is smaller than repeat_min");
      }
      if (!f.calculate().empty() &&
          (IsContainer(f.type()) || f.type() == v1::SIGNATURE || f.type() == v1::ATTACHMENT ||
           f.type() == v1::NOTE || f.type() == v1::GEOPOINT || f.type() == v1::SELECT_MULTIPLE)) {
        return Error(display, "calculate is not allowed on this field type");
      }
      FieldInfo* raw = info.get();
      by_name_->emplace(f.name(), std::move(info));
      mutable_order_.push_back(raw);
      if (IsContainer(f.type())) {
        auto child_repeats = repeats;
        if (f.type() == v1::REPEAT) child_repeats.push_back(f.name());
        auto child_ancestors = ancestors;
        child_ancestors.push_back(f.name());
        DS_RETURN_IF_ERROR(Walk(f.children(), child_repeats, child_ancestors, display));
      }
      DS_RETURN_IF_ERROR(CheckInstanceLabel(f, display));
    }
    return Status::Ok();
  }

  // instance_label (REPEAT only) names a data field of the repeat itself (not of a nested one).
  Status CheckInstanceLabel(const v1::Field& f, const std::string& display) {
    if (f.instance_label().empty()) return Status::Ok();
    if (f.type() != v1::REPEAT) return Error(display, "instance_label is only for repeats");
    auto it = by_name_->find(f.instance_label());
    if (it == by_name_->end() || it->second->repeats.empty() ||
        it->second->repeats.back() != f.name()) {
      return Error(display, "instance_label '" + f.instance_label() +
                                "' is not a field of this repeat");
    }
    auto t = it->second->def->type();
    if (IsContainer(t) || t == v1::NOTE || t == v1::SIGNATURE) {
      return Error(display, "instance_label '" + f.instance_label() + "' holds no value");
    }
    return Status::Ok();
  }

  Status ParseOne(FieldInfo* f, const char* prop, const std::string& text,
                  std::optional<expr::Expression>* out) {
    if (text.empty()) return Status::Ok();
    auto parsed = expr::Expression::Parse(text);
    if (!parsed.ok()) {
      Status s = parsed.status();
      std::string where = def_.form_id() + "@" + def_.version() + ": " + f->display_path + ": " +
                          prop + (s.where().empty() ? "" : ": " + s.where());
      return Status(s.code(), s.message(), where);
    }
    for (const auto& ref : parsed->references()) {
      auto it = by_name_->find(ref);
      if (it == by_name_->end()) {
        return Error(f->display_path, std::string(prop) + ": unknown field ${" + ref + "}");
      }
      auto t = it->second->def->type();
      if (t == v1::GROUP || t == v1::NOTE) {
        return Error(f->display_path,
                     std::string(prop) + ": ${" + ref + "} is a group or note and has no value");
      }
    }
    *out = std::move(parsed).value();
    return Status::Ok();
  }

  Status ParseExpressions(FieldInfo* f) {
    DS_RETURN_IF_ERROR(ParseOne(f, "relevant", f->def->relevant(), &f->relevant));
    DS_RETURN_IF_ERROR(ParseOne(f, "required", f->def->required(), &f->required));
    DS_RETURN_IF_ERROR(ParseOne(f, "constraint", f->def->constraint(), &f->constraint));
    DS_RETURN_IF_ERROR(ParseOne(f, "calculate", f->def->calculate(), &f->calculate));
    return Status::Ok();
  }

  // Collects the data fields (and repeats, whose instance markers are covered) under `f`.
  void CollectData(const FieldInfo& f, std::vector<std::string>* out) {
    auto t = f.def->type();
    if (t == v1::SIGNATURE || t == v1::NOTE || f.calculate) return;
    if (t != v1::GROUP) out->push_back(f.name);
    if (IsContainer(t)) {
      for (const auto& child : f.def->children()) CollectData(*by_name_->at(child.name()), out);
    }
  }

  Status ExpandCovers(FieldInfo* f) {
    std::vector<std::string> out;
    if (f->def->signature().covers().empty()) {
      for (const auto& top : def_.fields()) CollectData(*by_name_->at(top.name()), &out);
    } else {
      for (const auto& name : f->def->signature().covers()) {
        auto it = by_name_->find(name);
        if (it == by_name_->end()) {
          return Error(f->display_path, "signature covers unknown field '" + name + "'");
        }
        CollectData(*it->second, &out);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    f->covers = std::move(out);
    return Status::Ok();
  }

  const v1::FormDef& def_;
  std::unordered_map<std::string, std::unique_ptr<FieldInfo>>* by_name_;
  std::vector<const FieldInfo*>* order_;
  std::map<std::string, const v1::ChoiceList*> lists_;
  std::vector<FieldInfo*> mutable_order_;
};

}  // namespace

Result<std::shared_ptr<const CompiledForm>> CompiledForm::Compile(v1::FormDef def) {
  std::shared_ptr<CompiledForm> form(new CompiledForm());
  form->def_ = std::move(def);
  {
    Compiler compiler(form->def_, &form->by_name_, &form->order_);
    DS_RETURN_IF_ERROR(compiler.Run());
  }

  // Calculation order: depth-first topological sort over calculate references.
  std::map<std::string, int> mark;  // 0 unvisited, 1 visiting, 2 done
  std::vector<std::string> stack;
  std::function<Status(const FieldInfo*)> visit = [&](const FieldInfo* f) -> Status {
    int& m = mark[f->name];
    if (m == 2) return Status::Ok();
    if (m == 1) {
      std::string cycle;
      for (const auto& s : stack) cycle += s + " -> ";
      return Status(Code::kInvalidArgument, "calculations form a cycle: " + cycle + f->name,
                    form->key() + ": " + f->display_path);
    }
    m = 1;
    stack.push_back(f->name);
    for (const auto& ref : f->calculate->references()) {
      const FieldInfo* dep = form->Find(ref);
      if (dep && dep->calculate) DS_RETURN_IF_ERROR(visit(dep));
    }
    stack.pop_back();
    m = 2;
    form->calc_order_.push_back(f);
    return Status::Ok();
  };
  for (const FieldInfo* f : form->order_) {
    if (f->calculate) DS_RETURN_IF_ERROR(visit(f));
    for (const auto* e : {&f->relevant, &f->required, &f->constraint, &f->calculate}) {
      if (!*e) continue;
      for (const auto& ref : (*e)->references()) {
        const FieldInfo* target = form->Find(ref);
        if (target && target->def->type() == v1::SIGNATURE) form->signatures_referenced_ = true;
      }
    }
  }
  return std::shared_ptr<const CompiledForm>(std::move(form));
}

const FieldInfo* CompiledForm::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

bool CompiledForm::HasChoice(const FieldInfo& field, const std::string& value) const {
  if (!field.choices) return false;
  for (const auto& c : field.choices->choices()) {
    if (c.value() == value) return true;
  }
  return false;
}

Result<v1::FormDef> LoadFormJson(std::string_view json) {
  v1::FormDef def;
  google::protobuf::util::JsonParseOptions opts;
  opts.ignore_unknown_fields = false;
  auto st = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &def, opts);
  if (!st.ok()) {
    return Status(Code::kParse, "form JSON: " + std::string(st.message()));
  }
  return def;
}

Result<v1::FormDef> LoadFormFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kIo, "cannot read form file", path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto def = LoadFormJson(ss.str());
  if (!def.ok()) {
    Status s = def.status();
    return Status(s.code(), s.message(), path);
  }
  return def;
}

}  // namespace doorstep
