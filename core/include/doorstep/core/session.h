// FormSession: what an app's survey screens are drawn from.
//
// A session is a live view of one record of a Store, through its form version: the ordered list
// of questions (groups and repeat instances expanded, labels in the session's language, choices,
// current values, and whether each is relevant, required, read-only and in error now), edits that
// are written to the store at once (one transaction each, so nothing typed is lost when the
// tablet's battery dies), and after every edit the list of what changed on screen. An app draws
// the questions once, then updates only the rows a change names; it never re-reads the form.
//
// Questions. Every field of the form appears once per instance of its enclosing repeats, in form
// order: group and repeat headers too (kGroup, kRepeat: the place of "add a member"), each repeat
// instance as a kInstance header (path "members[<uuid>]", its label e.g. the member's name) followed
// by its fields. Non-relevant questions stay in the list with relevant = false (an app hides
// them); a non-relevant group or repeat makes everything under it non-relevant.
//
// Paths. Questions carry canonical paths ("members[<uuid>]/m_name"). Every path argument also
// accepts 1-based ordinals in display order ("members[2]/m_name"), resolved against the record as it
// is now (ResolveOrdinalPath below); kInvalidArgument names the path when it does not resolve.
//
// Errors of a question: the validation errors of its path (required, constraint with the form's
// message, repeat_min/repeat_max on a repeat header, signature_stale), as Store::Validate reports
// them. An app decides when to show "required" (ODK shows it on leaving the question).
//
// Language: "zh" (default) or "en"; a label missing in that language falls back to the other, then
// to the field name (choices: to the choice value). Constraint messages follow the language too.
//
// Instance labels: the display text of the repeat's `instance_label` field (form.proto) when it has
// a value, else of its first TEXT field with a value, else "<repeat label> <ordinal>" ("家庭成员 2").
//
// How it stays current: the session keeps the record's values and evaluates them with the store's
// clock (RecordModel, as Store::Validate does). An edit is written with Store::Apply; simple edits
// (set, clear, add/remove instance) are then replayed on the session's copy, signatures and photos
// are read back from the store; then the list is rebuilt and compared with the old one by path.
//
// Thread rules: one thread at a time, like the Store it borrows (the Store must outlive the
// session). Other writers of the same record (a sync pulling into it) are seen after Refresh().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/form.h"
#include "doorstep/core/status.h"
#include "doorstep/core/store.h"
#include "doorstep/value.pb.h"

namespace doorstep {

struct ChoiceOption {
  std::string value;
  std::string label;  // in the session language
};

enum class QuestionKind : int {
  kField = 0,     // a data field, a note, a signature, an attachment
  kGroup = 1,     // a group header (its children follow)
  kRepeat = 2,    // a repeat header ("members": count, add an instance)
  kInstance = 3,  // one repeat instance ("members[<uuid>]"; its fields follow)
};

struct Question {
  QuestionKind kind = QuestionKind::kField;
  std::string path;   // canonical; for kGroup the group's name under its enclosing instance
  std::string name;   // field name
  v1::FieldType type = v1::FIELD_TYPE_UNSPECIFIED;
  int depth = 0;      // nesting under groups, repeats and instances (0 = top level)
  std::string label;  // session language; kInstance: the instance label ("张三", else "家庭成员 2")
  std::string hint;
  std::vector<ChoiceOption> choices;  // SELECT_ONE / SELECT_MULTIPLE
  std::optional<v1::Value> value;     // current value (calculated ones included); nullopt = empty
  std::string display;                // value as text for a screen: choice labels, "2026-03-01"...
  bool relevant = true;
  bool required = false;   // required now (its expression true and the question relevant)
  bool read_only = false;  // calculated, a note, or (every question) the record is finalized
  int64_t instance_count = 0;  // kRepeat: instances now; kInstance: its 1-based ordinal
  // The first validation error of this path now (empty code = none).
  std::string error_code;     // required | constraint | type | choice | repeat_min | ...
  std::string error_message;  // the form's message (session language) or a generated one
  // SIGNATURE only.
  SignatureState signature_state = SignatureState::kMissing;
  std::string signer_name;
  std::string proxy_signer_name;
};

// What an edit changed on screen. One entry per (path, kind); a path may appear with several kinds.
// A question that is new (kInserted) or gone (kRemoved) gets no other kind.
enum class ChangeKind : int {
  kInserted = 0,       // a question entered the list (a new repeat instance and its fields)
  kRemoved = 1,        // a question left the list (a removed instance and its fields)
  kAppeared = 2,       // became relevant
  kDisappeared = 3,    // became non-relevant
  kValue = 4,          // value changed (the edit itself, a recalculation, a cleared value;
                       // on a kRepeat header: its instance count)
  kErrorAppeared = 5,  // error_code went from empty to set (or changed code)
  kErrorCleared = 6,   // error_code went from set to empty
  kRequired = 7,       // required flag flipped
  kSignatureStale = 8,  // a signature went from valid to stale (content it covers changed)
  kSignature = 9,      // any other signature state change (signed, cleared)
  kLabel = 10,         // label changed (an instance label follows the member's name)
  kReadOnly = 11,      // read_only flipped (finalize, reopen)
};
const char* ChangeKindName(ChangeKind kind);  // "inserted", "removed", "appeared", ...

struct QuestionChange {
  std::string path;
  ChangeKind kind = ChangeKind::kValue;
  bool operator==(const QuestionChange&) const = default;
};

struct EditOutcome {
  std::vector<QuestionChange> changes;  // in question order; removed ones first
  std::string instance_path;            // AddInstance: the new instance ("members[<uuid>]")
};

struct InstanceInfo {
  std::string id;    // UUID
  std::string path;  // "members[<uuid>]"
  int64_t ordinal = 0;  // 1-based display position
  std::string label;    // as the kInstance question's label
};

class FormSession {
 public:
  // Opens a session over `record_id` in `language` ("zh" or "en"). kNotFound for an unknown or
  // deleted record, kInvalidArgument for another language.
  static Result<std::unique_ptr<FormSession>> Open(Store& store, const RecordId& record_id,
                                                   const std::string& language = "zh");
  ~FormSession();
  FormSession(const FormSession&) = delete;
  FormSession& operator=(const FormSession&) = delete;

  const RecordId& record_id() const;
  const CompiledForm& form() const;
  RecordState state() const;
  const std::string& language() const;
  // Relabels every question; kInvalidArgument for a language other than "zh" / "en".
  Status SetLanguage(const std::string& language);

  // --- reading ---
  const std::vector<Question>& questions() const;
  // The question at `path` (ordinals accepted), or nullptr.
  const Question* Find(std::string_view path) const;
  // Index into questions() of `path`, or -1.
  int IndexOf(std::string_view path) const;

  // --- navigation (kField questions only: what a survey screen steps through) ---
  // The next / previous relevant field question after / before `path` ("" = from the start / the
  // end); empty string when there is none.
  std::string Next(std::string_view path) const;
  std::string Previous(std::string_view path) const;
  // The first relevant question (any kind) with an error, or "" when there is none.
  std::string FirstError() const;
  // Instances of a repeat (ordinals accepted in enclosing repeats), in display order.
  Result<std::vector<InstanceInfo>> Instances(std::string_view repeat_path) const;

  // --- editing: each one transaction in the store, then the change list ---
  // kFailedPrecondition on a finalized record; kInvalidArgument (where = path) for a value that
  // does not fit the field (type, choice, size) or a read-only question; nothing is written then.
  Result<EditOutcome> Set(std::string_view path, const v1::Value& value);
  // Parses `text` by the field's type (doorstep/core/value_text.h) and sets it.
  Result<EditOutcome> SetText(std::string_view path, std::string_view text);
  Result<EditOutcome> Clear(std::string_view path);
  Result<EditOutcome> AddInstance(std::string_view repeat_path);
  Result<EditOutcome> RemoveInstance(std::string_view instance_path);
  Result<EditOutcome> Sign(std::string_view path, const SignatureInput& input);
  // Adds a photo (Store::Attach) to an ATTACHMENT question.
  Result<EditOutcome> Attach(std::string_view path, std::string_view bytes,
                             const std::string& media_type, const std::string& file_name);

  // Every validation error now, as Store::Validate reports them (Chinese messages first); computed
  // from the session's values, so it never reads or changes the store.
  Result<ValidationReport> Validate() const;
  // Store::Finalize. Returns the report: empty when the record was finalized (every question then
  // turns read-only: kReadOnly changes in `outcome`); otherwise its errors, and nothing changed.
  Result<ValidationReport> Finalize(EditOutcome* outcome = nullptr);
  // Finalized -> draft.
  Result<EditOutcome> Reopen();
  // Reloads the record from the store (after a sync wrote into it) and returns what changed.
  // kNotFound when the record was deleted meanwhile (the session keeps its last list).
  Result<EditOutcome> Refresh();

  class Impl;

 private:
  explicit FormSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Resolves 1-based ordinals in `text` ("members[2]/m_name") to instance UUIDs of record `id`, in
// display order, and checks the result against `form`: every name a field, instance brackets only
// on repeats, nesting as in the form. kInvalidArgument (where = text) naming the problem
// ("no instance number 3 of 'members' (it has 2; numbers start at 1)"); kNotFound (where = text)
// when a name is not a field of the form. Reads the record's instances with Store::Instances (one
// read per ordinal); a FormSession resolves ordinals from its own list instead.
enum class PathKind {
  kValue,     // a field: "head_name", "members[1]/m_name"
  kInstance,  // a repeat instance: "members[1]"
  kRepeat,    // a repeat, to add an instance to: "members", "visits[1]/items"
};
struct ResolvedPath {
  std::string path;                  // canonical, with instance UUIDs
  const FieldInfo* field = nullptr;  // the leaf field (the repeat for kInstance / kRepeat)
};
Result<ResolvedPath> ResolveOrdinalPath(Store& store, const RecordId& id, const CompiledForm& form,
                                        std::string_view text, PathKind kind);

}  // namespace doorstep
