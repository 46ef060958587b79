// EditSession: the in-memory half of Store::Impl::ApplyEdits (the apply and recompute phases) over
// a loaded record's values; write.cpp persists what it changed. Private to the core.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/impl.h"

namespace doorstep {

// One ApplyEdits call in memory: the record's values as edited so far, and the value each touched
// path had when loaded (the persist phase writes the paths whose value differs).
class EditSession {
 public:
  using Originals = std::map<std::string, std::optional<v1::Value>>;

  EditSession(LoadedRecord& rec, const StoreOptions& options, int32_t today)
      : rec_(rec), form_(*rec.form), vals_(rec.values), options_(options), today_(today) {}

  // Sets metadata values ("@form", "@state", ...) before any edit.
  void SetMetadata(const std::vector<std::pair<std::string, v1::Value>>& metadata);
  // Apply phase: one edit, checked against the form. Errors are returned without edit context.
  Status Apply(const Edit& e, const FieldPath& path);
  // Recompute phase: calculations over the edited values; when finalizing, validation (kValidation
  // with `report` filled), dropping non-relevant values and the state change.
  Status Recompute(bool finalize, ValidationReport* report);

  const Originals& originals() const { return originals_; }
  // Ids of the repeat instances added, in edit order.
  std::vector<std::string> TakeAdded() { return std::move(added_); }

 private:
  // Remembers the loaded value of `path` the first time it is about to change.
  void Touch(const std::string& path);

  Status SetOrClear(const Edit& e, const FieldPath& path, const std::string& ptext);
  Status AddInstance(const Edit& e, const FieldPath& path, const std::string& ptext);
  Status RemoveInstance(const FieldPath& path, const std::string& ptext);
  Status Sign(const Edit& e, const FieldPath& path, const std::string& ptext);
  // The checks on a signature capture that need no evaluation of the record.
  static Status CheckSignatureInput(const FieldInfo& f, const SignatureInput& in,
                                    const std::string& ptext);

  LoadedRecord& rec_;
  const CompiledForm& form_;
  record::ValueMap& vals_;
  const StoreOptions& options_;
  const int32_t today_;
  Originals originals_;
  std::vector<std::string> added_;
  // Consecutive signature captures share one evaluation of the record: a signature changes no
  // covered content (unless the form's expressions read signatures).
  std::unique_ptr<record::RecordModel> sign_model_;
};

}  // namespace doorstep
