// FormSession::Impl: loading, re-evaluating and keeping the session's values in step with the
// store after each write.
#include <algorithm>

#include "session/session_impl.h"

namespace doorstep {

Status FormSession::Impl::LoadValues() {
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, simpl_.Load(id_));
  if (rec.deleted) return Status(Code::kNotFound, "record is deleted", id_.ToString());
  form_ = rec.form;
  state_ = rec.state;
  values_ = std::move(rec.values);
  return Status::Ok();
}

Status FormSession::Impl::Open() {
  if (language_ != "zh" && language_ != "en") {
    return Status(Code::kInvalidArgument, "language must be \"zh\" or \"en\"", language_);
  }
  DS_RETURN_IF_ERROR(LoadValues());
  choices_ = session::BuildChoices(*form_, language_);
  Rebuild();
  return Status::Ok();
}

EditOutcome FormSession::Impl::Rebuild() {
  record::RecordModel model(*form_, values_, simpl_.TodayDays());
  model.Evaluate();
  std::vector<Question> next = session::BuildQuestions(
      {*form_, model, language_, choices_, state_ == RecordState::kFinalized});
  // Keep the calculated values in step with what the store wrote for them.
  std::vector<std::pair<std::string, std::optional<v1::Value>>> calc(model.calculated().begin(),
                                                                      model.calculated().end());
  EditOutcome outcome;
  outcome.changes = session::DiffQuestions(questions_, next);
  questions_ = std::move(next);
  index_.clear();
  index_.reserve(questions_.size());
  for (size_t i = 0; i < questions_.size(); ++i) index_.emplace(questions_[i].path, int(i));
  for (auto& [path, value] : calc) {
    if (value) {
      values_[path] = std::move(*value);
    } else {
      values_.erase(path);
    }
  }
  return outcome;
}

Result<EditOutcome> FormSession::Impl::Reload() {
  DS_RETURN_IF_ERROR(LoadValues());
  return Rebuild();
}

Status FormSession::Impl::SetLanguage(const std::string& language) {
  if (language != "zh" && language != "en") {
    return Status(Code::kInvalidArgument, "language must be \"zh\" or \"en\"", language);
  }
  if (language == language_) return Status::Ok();
  language_ = language;
  choices_ = session::BuildChoices(*form_, language_);
  Rebuild();
  return Status::Ok();
}

bool FormSession::Impl::Replay(const std::vector<Edit>& edits,
                               const std::vector<std::string>& added) {
  size_t next_added = 0;
  for (const Edit& e : edits) {
    switch (e.op) {
      case Edit::Op::kSet:
        values_[e.path] = e.value;
        break;
      case Edit::Op::kClear:
        values_.erase(e.path);
        break;
      case Edit::Op::kAddInstance: {
        if (next_added >= added.size()) return false;
        int64_t ordinal = 0;  // as the store numbers it: one more than the highest
        std::string prefix = e.path + "[";
        for (auto it = values_.lower_bound(prefix);
             it != values_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
          if (it->second.has_instance()) {
            ordinal = std::max(ordinal, it->second.instance().ordinal());
          }
        }
        v1::Value marker;
        marker.mutable_instance()->set_ordinal(ordinal + 1);
        values_[prefix + added[next_added++] + "]"] = std::move(marker);
        break;
      }
      case Edit::Op::kRemoveInstance: {
        values_.erase(e.path);
        std::string prefix = e.path + "/";
        auto it = values_.lower_bound(prefix);
        while (it != values_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
          it = values_.erase(it);
        }
        break;
      }
      case Edit::Op::kSign:
        return false;  // the store binds the content digest and the time: read it back
    }
  }
  return true;
}

Result<std::vector<std::string>> FormSession::Impl::Write(const std::vector<Edit>& edits,
                                                          EditOutcome* outcome) {
  if (state_ == RecordState::kFinalized) {
    return Status(Code::kFailedPrecondition,
                  "record is finalized; reopen it to make a correction", id_.ToString());
  }
  DS_ASSIGN_OR_RETURN(std::vector<std::string> added, store_.Apply(id_, edits));
  // Edits are canonical paths here; the store accepted them, so replaying them is exact.
  if (Replay(edits, added)) {
    *outcome = Rebuild();
  } else {
    DS_ASSIGN_OR_RETURN(*outcome, Reload());
  }
  return added;
}

session::InstanceLister FormSession::Impl::Lister() const {
  return [this](const std::string& repeat) -> Result<std::vector<std::string>> {
    std::vector<std::string> ids;
    const std::string prefix = repeat + "[";
    for (const auto& q : questions_) {
      if (q.kind == QuestionKind::kInstance && q.path.size() == prefix.size() + 37 &&
          q.path.compare(0, prefix.size(), prefix) == 0) {
        ids.push_back(q.path.substr(prefix.size(), 36));
      }
    }
    return ids;
  };
}

Result<ResolvedPath> FormSession::Impl::Resolve(std::string_view text, PathKind kind) const {
  return session::ResolveWith(Lister(), *form_, text, kind);
}

int FormSession::Impl::IndexOf(std::string_view text) const {
  auto it = index_.find(std::string(text));
  if (it != index_.end()) return it->second;
  auto canonical = session::ReplaceOrdinals(Lister(), text);
  if (!canonical.ok()) return -1;
  auto parsed = FieldPath::Parse(canonical.value());
  it = index_.find(parsed.ok() ? parsed->ToString() : canonical.value());
  return it == index_.end() ? -1 : it->second;
}

Result<ValidationReport> FormSession::Impl::Validate() const {
  record::RecordModel model(*form_, values_, simpl_.TodayDays());
  model.Evaluate();
  ValidationReport report;
  report.errors = model.Validate();
  return report;
}

}  // namespace doorstep
