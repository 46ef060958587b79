// A compiled form: a validated v1::FormDef with parsed expressions and a field index.
//
// Compile checks everything that can be checked without a record: unique names, known types,
// choice lists present, signature specs covering known fields, every expression parsing, every
// ${name} naming a field of the form, and no cycle between calculations. Errors name the form,
// the field and, for expressions, the property and column:
//   "household@2020.1: members/age: calculate: column 14: unknown function 'yeers'"
//
// Thread rules: immutable after Compile; share freely between threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "doorstep/core/expression.h"
#include "doorstep/core/status.h"
#include "doorstep/form.pb.h"

namespace doorstep {

struct FieldInfo {
  const v1::Field* def = nullptr;
  std::string name;
  // Enclosing repeats, outermost first (names). Empty for top-level fields.
  std::vector<std::string> repeats;
  // Enclosing groups and repeats, outermost first (names): relevance of each applies.
  std::vector<std::string> ancestors;
  std::string display_path;  // "household/members/age": for messages and exports
  std::optional<expr::Expression> relevant, required, constraint, calculate;
  const v1::ChoiceList* choices = nullptr;
  // For SIGNATURE: names of the data fields covered (expanded from groups and repeats).
  std::vector<std::string> covers;
};

class CompiledForm {
 public:
  static Result<std::shared_ptr<const CompiledForm>> Compile(v1::FormDef def);

  const v1::FormDef& def() const { return def_; }
  const std::string& form_id() const { return def_.form_id(); }
  const std::string& version() const { return def_.version(); }
  // "form_id@version"
  std::string key() const { return def_.form_id() + "@" + def_.version(); }

  const FieldInfo* Find(const std::string& name) const;
  // Every field (including groups and repeats) in document order.
  const std::vector<const FieldInfo*>& fields() const { return order_; }
  // Calculated fields in dependency order (a field after everything it references).
  const std::vector<const FieldInfo*>& calculation_order() const { return calc_order_; }
  bool HasChoice(const FieldInfo& field, const std::string& value) const;
  // True when some expression reads a signature field (${sig_head} != ''), so a new signature
  // can change relevance or calculations.
  bool signatures_referenced() const { return signatures_referenced_; }

 private:
  CompiledForm() = default;
  v1::FormDef def_;
  std::unordered_map<std::string, std::unique_ptr<FieldInfo>> by_name_;
  std::vector<const FieldInfo*> order_;
  std::vector<const FieldInfo*> calc_order_;
  bool signatures_referenced_ = false;
};

// Parses a FormDef written as JSON with protobuf's JSON mapping (camelCase or snake_case keys,
// enum names as strings). Errors name the JSON problem (kParse).
Result<v1::FormDef> LoadFormJson(std::string_view json);
// Reads and parses a JSON form file (kIo when unreadable, kParse with the file name otherwise).
Result<v1::FormDef> LoadFormFile(const std::string& path);

}  // namespace doorstep
