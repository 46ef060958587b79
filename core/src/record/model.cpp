#include "record/model.h"

#include <algorithm>
#include <unordered_map>

#include "doorstep/core/path.h"
#include "record/node.h"
#include "record/values.h"

namespace doorstep::record {

namespace {

using Node = RecordModel::Node;

class Ctx final : public expr::EvalContext {
 public:
  Ctx(const CompiledForm& form, const Node& scope, const v1::Value* self, int32_t today)
      : form_(form), scope_(scope), self_(self), today_(today) {
    for (const Node* n = &scope; n != nullptr; n = n->parent) chain_.push_back(n);
    std::reverse(chain_.begin(), chain_.end());
  }

  expr::ExprValue Lookup(std::string_view name) const override {
    const FieldInfo* fi = form_.Find(std::string(name));
    if (fi == nullptr) return {};
    const Node* node = chain_.front();
    for (size_t i = 0; i < fi->repeats.size(); ++i) {
      if (i + 1 < chain_.size() && chain_[i + 1]->repeat &&
          chain_[i + 1]->repeat->name == fi->repeats[i]) {
        node = chain_[i + 1];
        continue;
      }
      std::vector<expr::ExprValue> items;
      Collect(*node, *fi, i, &items);
      return expr::ExprValue::List(std::move(items));
    }
    if (fi->def->type() == v1::REPEAT) {
      std::vector<expr::ExprValue> items;
      node->ForEachInstance(fi->name, [&](const Node& inst) {
        if (inst.relevant) items.push_back(expr::ExprValue::String(inst.id));
      });
      return expr::ExprValue::List(std::move(items));
    }
    return SlotValue(*node, fi->name);
  }

  expr::ExprValue Self() const override { return self_ ? ToExpr(*self_) : expr::ExprValue(); }
  int32_t TodayDays() const override { return today_; }

 private:
  static expr::ExprValue SlotValue(const Node& node, const std::string& name) {
    auto it = node.slots.find(name);
    if (it == node.slots.end() || !it->second.relevant || !it->second.value) return {};
    return ToExpr(*it->second.value);
  }

  void Collect(const Node& node, const FieldInfo& fi, size_t depth,
               std::vector<expr::ExprValue>* out) const {
    node.ForEachInstance(fi.repeats[depth], [&](const Node& inst) {
      if (!inst.relevant) return;
      if (depth + 1 < fi.repeats.size()) {
        Collect(inst, fi, depth + 1, out);
      } else if (fi.def->type() == v1::REPEAT) {
        inst.ForEachInstance(fi.name, [&](const Node& sub) {
          if (sub.relevant) out->push_back(expr::ExprValue::String(sub.id));
        });
      } else {
        out->push_back(SlotValue(inst, fi.name));
      }
    });
  }

  const CompiledForm& form_;
  const Node& scope_;
  const v1::Value* self_;
  int32_t today_;
  std::vector<const Node*> chain_;
};

// Stored paths are canonical (written through FieldPath), so the model splits them without
// re-validating instance ids; anything unexpected falls back to the full parser.
Result<FieldPath> SplitStoredPath(const std::string& text) {
  FieldPath p;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of("[/", i);
    PathSegment seg;
    seg.name = text.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (end != std::string::npos && text[end] == '[') {
      if (text.size() < end + 38) return FieldPath::Parse(text);
      if (text[end + 37] != ']') return FieldPath::Parse(text);
      seg.instance = text.substr(end + 1, 36);
      end += 38;
      if (end < text.size() && text[end] != '/') return FieldPath::Parse(text);
    }
    p.segments.push_back(std::move(seg));
    if (end == std::string::npos || end >= text.size()) break;
    i = end + 1;
  }
  if (p.segments.empty()) return FieldPath::Parse(text);
  return p;
}

const v1::Value* SlotPtr(const Node& node, const std::string& name) {
  auto it = node.slots.find(name);
  return it == node.slots.end() ? nullptr : it->second.value;
}

std::string Message(const v1::Label& label, const std::string& language, const char* fallback) {
  const std::string& first = language == "en" ? label.en() : label.zh();
  const std::string& second = language == "en" ? label.zh() : label.en();
  if (!first.empty()) return first;
  if (!second.empty()) return second;
  return fallback;
}

}  // namespace

bool EvalBool(const CompiledForm& form, const std::optional<expr::Expression>& e, const Node& node,
              const v1::Value* self, int32_t today, bool fallback) {
  if (!e) return fallback;
  Ctx ctx(form, node, self, today);
  auto r = e->Evaluate(ctx);
  return r.ok() ? r->AsBool() : fallback;
}

RecordModel::RecordModel(const CompiledForm& form, const ValueMap& values, int32_t today)
    : form_(form), values_(values), today_(today), root_(std::make_unique<Node>()) {
  for (const auto& [path_text, value] : values_) {
    if (path_text.empty() || path_text[0] == '@') continue;
    auto parsed = SplitStoredPath(path_text);
    if (!parsed.ok()) continue;
    Node* node = root_.get();
    const auto& segs = parsed->segments;
    bool ok = true;
    for (size_t i = 0; i < segs.size(); ++i) {
      const auto& seg = segs[i];
      if (seg.instance.empty()) {
        if (i + 1 != segs.size()) ok = false;
        break;
      }
      const FieldInfo* rep = form_.Find(seg.name);
      if (!rep || rep->def->type() != v1::REPEAT) {
        ok = false;
        break;
      }
      auto& list = node->children[seg.name];
      Node* found = nullptr;
      for (auto& c : list) {
        if (c->id == seg.instance) found = c.get();
      }
      if (!found) {
        auto child = std::make_unique<Node>();
        child->repeat = rep;
        child->id = seg.instance;
        child->path = node->PathOf(seg.name + "[" + seg.instance + "]");
        child->parent = node;
        found = child.get();
        list.push_back(std::move(child));
      }
      node = found;
    }
    if (!ok) continue;
    if (parsed->is_instance()) {
      node->marker = &value;
      node->ordinal = value.instance().ordinal();
    } else if (form_.Find(parsed->leaf())) {
      node->slots[parsed->leaf()].value = &value;
    }
  }
  // Display order: ordinal, then id.
  std::vector<Node*> stack{root_.get()};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (auto& [name, list] : n->children) {
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return a->ordinal != b->ordinal ? a->ordinal < b->ordinal : a->id < b->id;
      });
      for (auto& c : list) stack.push_back(c.get());
    }
  }
}

RecordModel::~RecordModel() = default;

namespace {

struct Passes {
  const CompiledForm& form;
  int32_t today;
  std::map<std::string, std::optional<v1::Value>>* calc;

  // Returns the number of relevance flags that changed.
  int Relevance(Node& node, const google::protobuf::RepeatedPtrField<v1::Field>& fields,
                bool parent_relevant) {
    int changed = 0;
    for (const auto& f : fields) {
      const FieldInfo* fi = form.Find(f.name());
      bool rel = parent_relevant &&
                 EvalBool(form, fi->relevant, node, SlotPtr(node, fi->name), today, true);
      switch (f.type()) {
        case v1::GROUP:
          node.container_relevant[f.name()] = rel;
          changed += Relevance(node, f.children(), rel);
          break;
        case v1::REPEAT: {
          node.container_relevant[f.name()] = rel;
          auto it = node.children.find(f.name());
          if (it == node.children.end()) break;
          for (auto& inst : it->second) {
            if (inst->relevant != rel) ++changed;
            inst->relevant = rel;
            changed += Relevance(*inst, f.children(), rel);
          }
          break;
        }
        case v1::NOTE:
          break;
        default: {
          auto& slot = node.slots[f.name()];
          if (slot.relevant != rel) ++changed;
          slot.relevant = rel;
        }
      }
    }
    return changed;
  }

  template <typename F>
  void ForEachNodeOf(Node& node, const FieldInfo& fi, size_t depth, F&& f) {
    if (depth == fi.repeats.size()) {
      f(node);
      return;
    }
    auto it = node.children.find(fi.repeats[depth]);
    if (it == node.children.end()) return;
    for (auto& inst : it->second) {
      if (inst->marker) ForEachNodeOf(*inst, fi, depth + 1, f);
    }
  }

  // Recomputes calculations; returns the number of values that changed.
  int Calculations(Node& root) {
    int changed = 0;
    for (const FieldInfo* fi : form.calculation_order()) {
      ForEachNodeOf(root, *fi, 0, [&](Node& node) {
        auto& slot = node.slots[fi->name];
        Ctx ctx(form, node, slot.value, today);
        auto r = fi->calculate->Evaluate(ctx);
        v1::Value v;
        bool has = r.ok() && FromExpr(form, *fi, r.value(), &v);
        std::string path = node.PathOf(fi->name);
        auto& out = (*calc)[path];
        bool same = has ? (slot.value && SameValue(*slot.value, v)) : slot.value == nullptr;
        if (!same) ++changed;
        if (has) {
          out = std::move(v);
          slot.value = &*out;
        } else {
          out.reset();
          slot.value = nullptr;
        }
      });
    }
    return changed;
  }
};

}  // namespace

void RecordModel::Evaluate() {
  Passes p{form_, today_, &calc_};
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    int changed = p.Relevance(*root_, form_.def().fields(), true);
    changed += p.Calculations(*root_);
    if (changed == 0) break;
  }
}

void RecordModel::SignatureWritten(const std::string& path) {
  auto parsed = SplitStoredPath(path);
  auto value = values_.find(path);
  if (!parsed.ok() || value == values_.end()) return;
  Node* node = root_.get();
  for (size_t i = 0; i + 1 < parsed->segments.size(); ++i) {
    const auto& seg = parsed->segments[i];
    auto it = node->children.find(seg.name);
    if (it == node->children.end()) return;
    Node* next = nullptr;
    for (auto& c : it->second) {
      if (c->id == seg.instance) next = c.get();
    }
    if (!next) return;
    node = next;
  }
  node->slots[parsed->leaf()].value = &value->second;
}

bool RecordModel::IsRelevant(const std::string& path) const {
  auto parsed = FieldPath::Parse(path);
  if (!parsed.ok()) return false;
  const Node* node = root_.get();
  for (const auto& seg : parsed->segments) {
    if (seg.instance.empty()) {
      auto it = node->slots.find(seg.name);
      return it != node->slots.end() && it->second.relevant;
    }
    auto it = node->children.find(seg.name);
    if (it == node->children.end()) return false;
    const Node* next = nullptr;
    for (const auto& c : it->second) {
      if (c->id == seg.instance) next = c.get();
    }
    if (!next || !next->marker || !next->relevant) return false;
    node = next;
  }
  return true;
}

namespace {

struct Validator {
  const CompiledForm& form;
  int32_t today;
  const RecordModel& model;
  const std::string& language;
  std::vector<ValidationError>* errors;

  void Add(std::string path, const char* code, std::string message) {
    errors->push_back({std::move(path), code, std::move(message)});
  }

  void Visit(const Node& node, const google::protobuf::RepeatedPtrField<v1::Field>& fields) {
    for (const auto& f : fields) {
      const FieldInfo* fi = form.Find(f.name());
      switch (f.type()) {
        case v1::NOTE:
          continue;
        case v1::GROUP: {
          auto it = node.container_relevant.find(f.name());
          if (it == node.container_relevant.end() || it->second) Visit(node, f.children());
          continue;
        }
        case v1::REPEAT: {
          auto it = node.container_relevant.find(f.name());
          if (it != node.container_relevant.end() && !it->second) continue;
          uint32_t n = 0;
          node.ForEachInstance(f.name(), [&](const Node&) { ++n; });
          std::string path = node.PathOf(f.name());
          if (f.repeat_min() > 0 && n < f.repeat_min()) {
            Add(path, "repeat_min", "至少需要 " + std::to_string(f.repeat_min()) + " 条（" +
                                        fi->def->label().zh() + "）, have " + std::to_string(n));
          }
          if (f.repeat_max() > 0 && n > f.repeat_max()) {
            Add(path, "repeat_max", "最多 " + std::to_string(f.repeat_max()) + " 条（" +
                                        fi->def->label().zh() + "）, have " + std::to_string(n));
          }
          node.ForEachInstance(f.name(), [&](const Node& inst) { Visit(inst, f.children()); });
          continue;
        }
        default:
          Field(node, *fi);
      }
    }
  }

  void Field(const Node& node, const FieldInfo& fi) {
    auto it = node.slots.find(fi.name);
    if (it != node.slots.end() && !it->second.relevant) return;
    const v1::Value* value = it == node.slots.end() ? nullptr : it->second.value;
    std::string path = node.PathOf(fi.name);
    if (!value) {
      if (!fi.calculate && EvalBool(form, fi.required, node, nullptr, today, false)) {
        Add(path, "required", "必填项未填写: " + fi.def->label().zh() + " (required)");
      }
      return;
    }
    Status type = CheckValue(form, fi, *value, path);
    if (!type.ok()) {
      bool choice = fi.choices != nullptr && value->kind_case() != v1::Value::KIND_NOT_SET &&
                    type.message().find("not a choice") != std::string::npos;
      Add(path, choice ? "choice" : "type", type.message());
      return;
    }
    if (fi.constraint) {
      Ctx ctx(form, node, value, today);
      auto r = fi.constraint->Evaluate(ctx);
      if (!r.ok()) {
        Add(path, "constraint", "约束条件无法计算: " + r.status().ToString());
      } else if (!r->AsBool()) {
        Add(path, "constraint",
            Message(fi.def->constraint_message(), language, "不满足约束条件 (constraint not met)"));
      }
    }
    if (fi.def->type() == v1::SIGNATURE) {
      Digest d = model.CoveredDigest(fi);
      const std::string& stored = value->signature().content_sha256();
      if (stored.size() != d.size() || !std::equal(d.begin(), d.end(), stored.begin(),
                                                    [](uint8_t a, char b) {
                                                      return a == static_cast<uint8_t>(b);
                                                    })) {
        Add(path, "signature_stale",
            "签名后内容已修改，需要重新签字: " + fi.def->label().zh() + " (signature stale)");
      }
    }
  }
};

}  // namespace

std::vector<ValidationError> RecordModel::Validate(const std::string& language) const {
  std::vector<ValidationError> errors;
  Validator v{form_, today_, *this, language, &errors};
  v.Visit(*root_, form_.def().fields());
  return errors;
}

Digest RecordModel::CoveredDigest(const FieldInfo& sig) const {
  const auto& covers = sig.covers;
  auto cached = digests_.find(covers);
  if (cached != digests_.end()) return cached->second;
  auto covered = [&](const std::string& name) {
    return std::binary_search(covers.begin(), covers.end(), name);
  };
  std::vector<std::pair<std::string, const v1::Value*>> fields;
  std::vector<const Node*> stack{root_.get()};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (n->repeat && covered(n->repeat->name)) fields.emplace_back(n->path, n->marker);
    for (const auto& [name, slot] : n->slots) {
      if (slot.value && slot.relevant && covered(name) &&
          slot.value->kind_case() != v1::Value::kSignature) {
        fields.emplace_back(n->PathOf(name), slot.value);
      }
    }
    for (const auto& [name, list] : n->children) {
      for (const auto& c : list) {
        if (c->marker && c->relevant) stack.push_back(c.get());
      }
    }
  }
  Digest d = ContentDigest(std::move(fields));
  digests_.emplace(covers, d);
  return d;
}

std::vector<RecordModel::SignatureSlot> RecordModel::Signatures() const {
  std::vector<SignatureSlot> out;
  for (const FieldInfo* fi : form_.fields()) {
    if (fi->def->type() != v1::SIGNATURE) continue;
    std::vector<const Node*> nodes{root_.get()};
    for (const auto& rep : fi->repeats) {
      std::vector<const Node*> next;
      for (const Node* n : nodes) n->ForEachInstance(rep, [&](const Node& c) { next.push_back(&c); });
      nodes = std::move(next);
    }
    for (const Node* n : nodes) {
      SignatureSlot s;
      s.path = n->PathOf(fi->name);
      s.field = fi;
      auto it = n->slots.find(fi->name);
      if (it != n->slots.end()) {
        s.value = it->second.value;
        s.relevant = it->second.relevant && n->relevant;
      }
      s.required = s.relevant && EvalBool(form_, fi->required, *n, s.value, today_, false);
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace doorstep::record
