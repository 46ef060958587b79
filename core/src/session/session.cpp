// FormSession's public API (doorstep/core/session.h) over FormSession::Impl.
#include "doorstep/core/session.h"

#include "doorstep/core/value_text.h"
#include "session/session_impl.h"

namespace doorstep {

Result<std::unique_ptr<FormSession>> FormSession::Open(Store& store, const RecordId& record_id,
                                                       const std::string& language) {
  auto impl = std::make_unique<Impl>(store, *store.impl_, record_id, language);
  DS_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<FormSession>(new FormSession(std::move(impl)));
}

FormSession::FormSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FormSession::~FormSession() = default;

const RecordId& FormSession::record_id() const { return impl_->id(); }
const CompiledForm& FormSession::form() const { return impl_->form(); }
RecordState FormSession::state() const { return impl_->state(); }
const std::string& FormSession::language() const { return impl_->language(); }
Status FormSession::SetLanguage(const std::string& language) {
  return impl_->SetLanguage(language);
}

const std::vector<Question>& FormSession::questions() const { return impl_->questions(); }

const Question* FormSession::Find(std::string_view path) const {
  int i = impl_->IndexOf(path);
  return i < 0 ? nullptr : &impl_->questions()[static_cast<size_t>(i)];
}

int FormSession::IndexOf(std::string_view path) const { return impl_->IndexOf(path); }

namespace {

bool Stop(const Question& q) { return q.kind == QuestionKind::kField && q.relevant; }

}  // namespace

std::string FormSession::Next(std::string_view path) const {
  const auto& qs = impl_->questions();
  int from = path.empty() ? -1 : impl_->IndexOf(path);
  if (!path.empty() && from < 0) return {};
  for (size_t i = static_cast<size_t>(from + 1); i < qs.size(); ++i) {
    if (Stop(qs[i])) return qs[i].path;
  }
  return {};
}

std::string FormSession::Previous(std::string_view path) const {
  const auto& qs = impl_->questions();
  int from = path.empty() ? static_cast<int>(qs.size()) : impl_->IndexOf(path);
  if (from < 0) return {};
  for (int i = from - 1; i >= 0; --i) {
    if (Stop(qs[static_cast<size_t>(i)])) return qs[static_cast<size_t>(i)].path;
  }
  return {};
}

std::string FormSession::FirstError() const {
  for (const auto& q : impl_->questions()) {
    if (q.relevant && !q.error_code.empty()) return q.path;
  }
  return {};
}

Result<std::vector<InstanceInfo>> FormSession::Instances(std::string_view repeat_path) const {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(repeat_path, PathKind::kRepeat));
  std::vector<InstanceInfo> out;
  const std::string prefix = rp.path + "[";
  for (const auto& q : impl_->questions()) {
    if (q.kind != QuestionKind::kInstance || q.path.size() != prefix.size() + 37 ||
        q.path.compare(0, prefix.size(), prefix) != 0) {
      continue;
    }
    out.push_back({q.path.substr(prefix.size(), 36), q.path, q.instance_count, q.label});
  }
  return out;
}

Result<EditOutcome> FormSession::Set(std::string_view path, const v1::Value& value) {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(path, PathKind::kValue));
  EditOutcome outcome;
  DS_RETURN_IF_ERROR(impl_->Write({Edit::Set(rp.path, value)}, &outcome).status());
  return outcome;
}

Result<EditOutcome> FormSession::SetText(std::string_view path, std::string_view text) {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(path, PathKind::kValue));
  auto value = ParseValueText(impl_->form(), *rp.field, text);
  if (!value.ok()) {
    return Status(value.status().code(), value.status().message(), rp.path);
  }
  EditOutcome outcome;
  DS_RETURN_IF_ERROR(impl_->Write({Edit::Set(rp.path, value.value())}, &outcome).status());
  return outcome;
}

Result<EditOutcome> FormSession::Clear(std::string_view path) {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(path, PathKind::kValue));
  EditOutcome outcome;
  DS_RETURN_IF_ERROR(impl_->Write({Edit::Clear(rp.path)}, &outcome).status());
  return outcome;
}

Result<EditOutcome> FormSession::AddInstance(std::string_view repeat_path) {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(repeat_path, PathKind::kRepeat));
  EditOutcome outcome;
  DS_ASSIGN_OR_RETURN(auto added, impl_->Write({Edit::AddInstance(rp.path)}, &outcome));
  if (!added.empty()) outcome.instance_path = rp.path + "[" + added.front() + "]";
  return outcome;
}

Result<EditOutcome> FormSession::RemoveInstance(std::string_view instance_path) {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(instance_path, PathKind::kInstance));
  EditOutcome outcome;
  DS_RETURN_IF_ERROR(impl_->Write({Edit::RemoveInstance(rp.path)}, &outcome).status());
  return outcome;
}

Result<EditOutcome> FormSession::Sign(std::string_view path, const SignatureInput& input) {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(path, PathKind::kValue));
  EditOutcome outcome;
  DS_RETURN_IF_ERROR(impl_->Write({Edit::Sign(rp.path, input)}, &outcome).status());
  return outcome;
}

Result<EditOutcome> FormSession::Attach(std::string_view path, std::string_view bytes,
                                        const std::string& media_type,
                                        const std::string& file_name) {
  DS_ASSIGN_OR_RETURN(ResolvedPath rp, impl_->Resolve(path, PathKind::kValue));
  if (impl_->state() == RecordState::kFinalized) {
    return Status(Code::kFailedPrecondition,
                  "record is finalized; reopen it to make a correction", rp.path);
  }
  DS_RETURN_IF_ERROR(
      impl_->store().Attach(impl_->id(), rp.path, bytes, media_type, file_name).status());
  return impl_->Reload();
}

Result<ValidationReport> FormSession::Validate() const { return impl_->Validate(); }

Result<ValidationReport> FormSession::Finalize(EditOutcome* outcome) {
  DS_ASSIGN_OR_RETURN(ValidationReport report, impl_->store().Finalize(impl_->id()));
  if (!report.ok()) return report;
  DS_ASSIGN_OR_RETURN(EditOutcome changes, impl_->Reload());
  if (outcome != nullptr) *outcome = std::move(changes);
  return report;
}

Result<EditOutcome> FormSession::Reopen() {
  DS_RETURN_IF_ERROR(impl_->store().Reopen(impl_->id()));
  return impl_->Reload();
}

Result<EditOutcome> FormSession::Refresh() { return impl_->Reload(); }

}  // namespace doorstep
