// The question list of an evaluated record: RecordModel::Walk turned into Questions with labels,
// choices, display text, errors and signature states in the session language.
#include <algorithm>
#include <unordered_map>

#include "doorstep/core/value_text.h"
#include "session/session_impl.h"

namespace doorstep::session {

std::string LabelIn(const v1::Label& label, const std::string& language,
                    const std::string& fallback) {
  const std::string& first = language == "en" ? label.en() : label.zh();
  const std::string& second = language == "en" ? label.zh() : label.en();
  if (!first.empty()) return first;
  if (!second.empty()) return second;
  return fallback;
}

ChoiceCache BuildChoices(const CompiledForm& form, const std::string& language) {
  ChoiceCache out;
  for (const FieldInfo* fi : form.fields()) {
    if (fi->choices == nullptr) continue;
    auto& list = out[fi];
    for (const auto& c : fi->choices->choices()) {
      list.push_back({c.value(), LabelIn(c.label(), language, c.value())});
    }
  }
  return out;
}

namespace {

using Item = record::RecordModel::Item;

std::string ChoiceLabel(const std::vector<ChoiceOption>& choices, const std::string& value) {
  for (const auto& c : choices) {
    if (c.value == value) return c.label;
  }
  return value;
}

// The value as a screen shows it: choice labels for selects, FormatValueText otherwise
// ("2026-03-01", "3.5", "signed by 张三").
std::string Display(const v1::Value& v, const std::vector<ChoiceOption>* choices) {
  if (choices != nullptr && v.has_select_one()) return ChoiceLabel(*choices, v.select_one());
  if (choices != nullptr && v.has_select_multiple()) {
    std::string out;
    for (const auto& s : v.select_multiple().values()) {
      if (!out.empty()) out += ", ";
      out += ChoiceLabel(*choices, s);
    }
    return out;
  }
  return FormatValueText(v);
}

bool DigestMatches(const Digest& d, const std::string& stored) {
  return stored.size() == d.size() &&
         std::equal(d.begin(), d.end(), stored.begin(),
                    [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); });
}

struct Builder {
  const BuildInput& in;
  std::unordered_map<std::string, const ValidationError*> errors;  // first error of each path
  std::vector<Question> out;
  // The instance whose label is still to be found (index into out), and its repeat.
  int open_instance = -1;
  const FieldInfo* open_repeat = nullptr;

  void Signature(const Item& item, Question& q) {
    if (item.value == nullptr || !item.relevant || !item.value->has_signature()) return;
    const auto& sig = item.value->signature();
    q.signer_name = sig.signer_name();
    q.proxy_signer_name = sig.proxy_signer_name();
    q.signature_state = DigestMatches(in.model.CoveredDigest(*item.field), sig.content_sha256())
                            ? SignatureState::kValid
                            : SignatureState::kStale;
  }

  // Instance labels: the form's instance_label field, else the first TEXT field with a value.
  void MaybeLabelInstance(const Item& item, const Question& q) {
    if (open_instance < 0 || item.instance_path != out[open_instance].path || q.display.empty()) {
      return;
    }
    const std::string& chosen = open_repeat->def->instance_label();
    if (chosen.empty() ? item.field->def->type() != v1::TEXT : chosen != item.field->name) return;
    out[open_instance].label = q.display;
    open_instance = -1;
  }

  void Field(const Item& item, Question& q) {
    const v1::Field& def = *item.field->def;
    auto c = in.choices.find(item.field);
    const std::vector<ChoiceOption>* choices = c == in.choices.end() ? nullptr : &c->second;
    if (choices != nullptr) q.choices = *choices;
    if (item.value != nullptr) {
      q.value = *item.value;
      q.display = Display(*item.value, choices);
    }
    q.required = item.required;
    q.read_only = q.read_only || item.field->calculate.has_value() || def.type() == v1::NOTE;
    if (def.type() == v1::SIGNATURE) Signature(item, q);
    if (item.relevant) {
      auto e = errors.find(q.path);
      if (e != errors.end()) {
        q.error_code = e->second->code;
        q.error_message = e->second->message;
      }
    }
  }

  void Add(const Item& item) {
    const v1::Field& def = *item.field->def;
    Question q;
    q.path = item.path;
    q.name = item.field->name;
    q.type = def.type();
    q.depth = item.depth;
    q.relevant = item.relevant;
    q.read_only = in.finalized;
    q.label = LabelIn(def.label(), in.language, item.field->name);
    q.hint = LabelIn(def.hint(), in.language, "");
    switch (item.kind) {
      case Item::Kind::kGroup:
        q.kind = QuestionKind::kGroup;
        break;
      case Item::Kind::kRepeat:
        q.kind = QuestionKind::kRepeat;
        q.instance_count = item.count;
        if (auto e = errors.find(q.path); e != errors.end() && item.relevant) {
          q.error_code = e->second->code;
          q.error_message = e->second->message;
        }
        break;
      case Item::Kind::kInstance:
        q.kind = QuestionKind::kInstance;
        q.instance_count = item.count;
        q.label += " " + std::to_string(item.count);
        q.hint.clear();
        open_instance = static_cast<int>(out.size());
        open_repeat = item.field;
        break;
      case Item::Kind::kField:
        Field(item, q);
        MaybeLabelInstance(item, q);
        break;
    }
    out.push_back(std::move(q));
  }
};

}  // namespace

std::vector<Question> BuildQuestions(const BuildInput& in) {
  Builder b{in, {}, {}};
  std::vector<ValidationError> errors = in.model.Validate(in.language);
  for (const auto& e : errors) b.errors.emplace(e.path, &e);
  b.out.reserve(in.form.fields().size() * 2);
  in.model.Walk([&](const Item& item) { b.Add(item); });
  return std::move(b.out);
}

}  // namespace doorstep::session
