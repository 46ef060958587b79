// FormSession::Impl and the pieces it is built from. Private to the core.
//
//   session.cpp      the public API: open, read, navigate, edit (each through Store::Apply)
//   questions.cpp    the question list of an evaluated record (labels, values, errors, signatures)
//   diff.cpp         old vs new question lists by path -> the change list of an edit
//   ordinal_path.cpp ordinal paths ("members[2]/m_name") -> canonical paths
//
// After every write the session brings its values up to date (values_sync.cpp): simple edits are
// replayed on the session's copy (the store applied them with the same rules), anything else
// reloads the record; then the record is re-evaluated and the question list rebuilt and diffed.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "doorstep/core/session.h"
#include "record/model.h"
#include "session/ordinal_path.h"
#include "store/impl.h"

namespace doorstep::session {

// Labels of one language: the label in `language`, else in the other one, else `fallback`.
std::string LabelIn(const v1::Label& label, const std::string& language,
                    const std::string& fallback);

// Choice options of every select field in one language, built once per language.
using ChoiceCache = std::unordered_map<const FieldInfo*, std::vector<ChoiceOption>>;
ChoiceCache BuildChoices(const CompiledForm& form, const std::string& language);

struct BuildInput {
  const CompiledForm& form;
  const record::RecordModel& model;  // evaluated
  const std::string& language;
  const ChoiceCache& choices;
  bool finalized = false;
};
// The question list of the evaluated record (session.h, "Questions").
std::vector<Question> BuildQuestions(const BuildInput& in);

// What changed between two question lists, by path: removed questions first (in old order), then
// the rest in new order.
std::vector<QuestionChange> DiffQuestions(const std::vector<Question>& before,
                                          const std::vector<Question>& after);

}  // namespace doorstep::session

namespace doorstep {

class FormSession::Impl {
 public:
  Impl(Store& store, Store::Impl& store_impl, const RecordId& id, std::string language)
      : store_(store), simpl_(store_impl), id_(id), language_(std::move(language)) {}

  // Loads the record (kNotFound when it is deleted) and builds the question list.
  Status Open();
  // Re-reads the record from the store, rebuilds and returns what changed.
  Result<EditOutcome> Reload();
  // Applies `edits` through Store::Apply (a draft only), then brings the session up to date.
  Result<std::vector<std::string>> Write(const std::vector<Edit>& edits, EditOutcome* outcome);
  Status SetLanguage(const std::string& language);

  // `text` with ordinals replaced, checked as `kind`.
  Result<ResolvedPath> Resolve(std::string_view text, PathKind kind) const;
  // Index of `text` (canonical or with ordinals) in questions_, or -1.
  int IndexOf(std::string_view text) const;
  Result<ValidationReport> Validate() const;

  const RecordId& id() const { return id_; }
  const CompiledForm& form() const { return *form_; }
  RecordState state() const { return state_; }
  const std::string& language() const { return language_; }
  const std::vector<Question>& questions() const { return questions_; }
  Store& store() { return store_; }

 private:
  Status LoadValues();
  // Re-evaluates values_ and replaces the question list; returns the changes from the old one.
  EditOutcome Rebuild();
  // Replays `edits` (already applied by the store) on values_; false when it cannot (then the
  // caller reloads). `added` are the instance ids the store generated.
  bool Replay(const std::vector<Edit>& edits, const std::vector<std::string>& added);
  session::InstanceLister Lister() const;

  Store& store_;
  Store::Impl& simpl_;
  RecordId id_;
  std::string language_;
  std::shared_ptr<const CompiledForm> form_;
  RecordState state_ = RecordState::kDraft;
  record::ValueMap values_;  // every live value of the record (calculated ones as stored)
  session::ChoiceCache choices_;
  std::vector<Question> questions_;
  std::unordered_map<std::string, int> index_;  // path -> index into questions_
};

}  // namespace doorstep
