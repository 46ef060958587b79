// RecordModel: a record's values arranged as a tree of repeat instances, evaluated against its
// form. It computes, in this order and until stable (at most kMaxPasses):
//   relevance of every field in every instance (skip logic; a non-relevant group or repeat hides
//   everything in it; a non-relevant value reads as empty in expressions, as in XLSForm),
//   calculated values (in dependency order, per instance),
// and then answers: validation errors, the relevant values, and signature content digests.
//
// The model borrows the values it is built from; they must outlive it. Private to the core.
// Thread rules: one thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doorstep/core/form.h"
#include "doorstep/core/signature.h"
#include "doorstep/core/store.h"
#include "doorstep/value.pb.h"

namespace doorstep::record {

// path -> value, every value of one record (metadata paths "@..." are ignored by the model).
using ValueMap = std::map<std::string, v1::Value>;

class RecordModel {
 public:
  static constexpr int kMaxPasses = 4;

  // `values` must outlive the model. `today` = days since epoch for today().
  RecordModel(const CompiledForm& form, const ValueMap& values, int32_t today);
  ~RecordModel();

  // Computes relevance and calculations.
  void Evaluate();

  // Points the model at a signature value just written to `values` at `path` (a signature
  // changes no covered content, so the evaluation stays valid unless the form's expressions read
  // signatures — the caller checks CompiledForm::signatures_referenced()).
  void SignatureWritten(const std::string& path);

  // Calculated values after Evaluate(): path -> value, or nullopt when the calculation is empty.
  const std::map<std::string, std::optional<v1::Value>>& calculated() const { return calc_; }

  // True when the stored value at `path` is relevant (after Evaluate()).
  bool IsRelevant(const std::string& path) const;

  // Every validation error (after Evaluate()). Constraint messages come from the form in
  // `language` ("zh" or "en", falling back to the other); generated messages are the same in both.
  std::vector<ValidationError> Validate(const std::string& language = "zh") const;

  // Digest of the relevant values covered by the signature field `sig` (after Evaluate()).
  Digest CoveredDigest(const FieldInfo& sig) const;

  struct SignatureSlot {
    std::string path;
    const FieldInfo* field = nullptr;
    const v1::Value* value = nullptr;  // nullptr when unsigned
    bool relevant = true;
    bool required = false;
  };
  std::vector<SignatureSlot> Signatures() const;

  // One entry of the evaluated record in form order (see Walk).
  struct Item {
    enum class Kind { kField, kGroup, kRepeat, kInstance };
    Kind kind = Kind::kField;
    const FieldInfo* field = nullptr;  // the field, group or repeat (kInstance: the repeat)
    std::string path;  // canonical; kGroup: the group's name under the enclosing instance
    std::string instance_path;  // the enclosing repeat instance ("" at the top level)
    int depth = 0;              // nesting under groups, repeats and instances
    bool relevant = true;       // with every enclosing group, repeat and instance
    bool required = false;      // kField: not calculated, relevant and its required expression true
    const v1::Value* value = nullptr;  // kField: stored or calculated value; nullptr = empty
    int64_t count = 0;  // kRepeat: live instances; kInstance: 1-based display position
  };
  // Calls `fn` for every field of the form once per live instance of its enclosing repeats, in
  // form order: group and repeat headers before their children, each instance (display order)
  // before its fields (after Evaluate()). Values not reachable from the form (orphans) are skipped.
  void Walk(const std::function<void(const Item&)>& fn) const;

  struct Node;

 private:
  const CompiledForm& form_;
  const ValueMap& values_;
  int32_t today_;
  std::unique_ptr<Node> root_;
  std::map<std::string, std::optional<v1::Value>> calc_;
  // Digests by covered field set: signatures covering the same fields share one computation.
  mutable std::map<std::vector<std::string>, Digest> digests_;
};

}  // namespace doorstep::record
