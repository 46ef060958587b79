// The apply and recompute phases of the write path (see store/edit_session.h): edits checked
// against the form and applied to the record's values in memory, then calculations, validation
// and relevance. Nothing here touches the database.
#include "store/edit_session.h"

#include <algorithm>

#include "doorstep/core/text_check.h"
#include "doorstep/core/values.h"
#include "record/values.h"

namespace doorstep {
namespace {

using record::kMaxSignaturePoints;

// Resolves a data-field path: the field exists, its enclosing repeats match the path's instance
// segments and every enclosing instance exists in `vals`.
Result<const FieldInfo*> ResolveField(const CompiledForm& form, const record::ValueMap& vals,
                                      const FieldPath& path, const std::string& text) {
  if (path.is_instance()) {
    return Status(Code::kInvalidArgument, "path names a repeat instance, not a field", text);
  }
  const FieldInfo* fi = form.Find(path.leaf());
  if (fi == nullptr) {
    return Status(Code::kNotFound, "no field '" + path.leaf() + "' in form " + form.key(), text);
  }
  if (path.segments.size() != fi->repeats.size() + 1) {
    return Status(Code::kInvalidArgument,
                  fi->repeats.empty()
                      ? "field '" + fi->name + "' is not inside a repeat"
                      : "field '" + fi->name + "' is inside repeat '" + fi->repeats.back() +
                            "': use " + fi->repeats.back() + "[<instance id>]/" + fi->name,
                  text);
  }
  std::string prefix;
  for (size_t i = 0; i < fi->repeats.size(); ++i) {
    const auto& seg = path.segments[i];
    if (seg.name != fi->repeats[i] || seg.instance.empty()) {
      return Status(Code::kInvalidArgument,
                    "segment " + std::to_string(i + 1) + " must be " + fi->repeats[i] + "[<id>]",
                    text);
    }
    prefix += (i ? "/" : "") + seg.name + "[" + seg.instance + "]";
    if (!vals.count(prefix)) {
      return Status(Code::kNotFound, "no such repeat instance", prefix);
    }
  }
  return fi;
}

}  // namespace

void EditSession::SetMetadata(const std::vector<std::pair<std::string, v1::Value>>& metadata) {
  for (const auto& [path, value] : metadata) {
    Touch(path);
    vals_[path] = value;
  }
}

void EditSession::Touch(const std::string& path) {
  if (originals_.count(path)) return;
  auto it = vals_.find(path);
  originals_.emplace(path,
                     it == vals_.end() ? std::nullopt : std::optional<v1::Value>(it->second));
}

Status EditSession::Apply(const Edit& e, const FieldPath& path) {
  std::string ptext = path.ToString();
  if (!path.segments.empty() && path.segments[0].name[0] == '@') {
    return Status(Code::kInvalidArgument, "metadata paths cannot be edited", ptext);
  }
  if (e.op != Edit::Op::kSign || form_.signatures_referenced()) sign_model_.reset();
  switch (e.op) {
    case Edit::Op::kSet:
    case Edit::Op::kClear:
      return SetOrClear(e, path, ptext);
    case Edit::Op::kAddInstance:
      return AddInstance(e, path, ptext);
    case Edit::Op::kRemoveInstance:
      return RemoveInstance(path, ptext);
    case Edit::Op::kSign:
      return Sign(e, path, ptext);
  }
  return Status::Ok();
}

Status EditSession::SetOrClear(const Edit& e, const FieldPath& path, const std::string& ptext) {
  auto fi = ResolveField(form_, vals_, path, ptext);
  if (!fi.ok()) return fi.status();
  const FieldInfo& f = *fi.value();
  auto t = f.def->type();
  if (t == v1::GROUP || t == v1::REPEAT || t == v1::NOTE) {
    return Status(Code::kInvalidArgument,
                  std::string("'") + f.name + "' is a " + record::TypeName(t) +
                      " and holds no value",
                  ptext);
  }
  if (f.calculate) {
    return Status(Code::kInvalidArgument, "'" + f.name + "' is calculated and read-only", ptext);
  }
  if (e.op == Edit::Op::kClear) {
    Touch(ptext);
    vals_.erase(ptext);
    return Status::Ok();
  }
  if (t == v1::SIGNATURE) {
    return Status(Code::kInvalidArgument, "signatures are captured with Sign, not set", ptext);
  }
  Status ok = record::CheckValue(form_, f, e.value, ptext);
  if (!ok.ok()) return ok;
  Touch(ptext);
  vals_[ptext] = e.value;
  return Status::Ok();
}

// Adds an instance marker with the next ordinal; its id (given or generated) goes to `added_`.
Status EditSession::AddInstance(const Edit& e, const FieldPath& path, const std::string& ptext) {
  if (path.is_instance()) {
    return Status(Code::kInvalidArgument, "give the repeat path ('members'), not an instance",
                  ptext);
  }
  const FieldInfo* fi = form_.Find(path.leaf());
  if (fi == nullptr || fi->def->type() != v1::REPEAT) {
    return Status(Code::kInvalidArgument, "'" + path.leaf() + "' is not a repeat", ptext);
  }
  // The enclosing instances must exist: check through ResolveField's rules.
  auto parent = ResolveField(form_, vals_, path, ptext);
  if (!parent.ok()) return parent.status();
  std::string id;
  if (e.instance_id.empty()) {
    DS_ASSIGN_OR_RETURN(Uuid fresh, Uuid::Generate(*options_.random));
    id = fresh.ToString();
  } else {
    auto parsed = Uuid::Parse(e.instance_id);
    if (!parsed.ok()) return Status(Code::kInvalidArgument, "instance id is not a UUID", ptext);
    id = parsed->ToString();
  }
  std::string ipath = ptext + "[" + id + "]";
  if (vals_.count(ipath)) {
    return Status(Code::kAlreadyExists, "instance already exists", ipath);
  }
  int64_t ordinal = 0;
  std::string sibling_prefix = ptext + "[";
  for (auto it = vals_.lower_bound(sibling_prefix);
       it != vals_.end() && it->first.compare(0, sibling_prefix.size(), sibling_prefix) == 0;
       ++it) {
    if (it->second.kind_case() == v1::Value::kInstance) {
      ordinal = std::max(ordinal, it->second.instance().ordinal());
    }
  }
  v1::Value marker;
  marker.mutable_instance()->set_ordinal(ordinal + 1);
  Touch(ipath);
  vals_[ipath] = std::move(marker);
  added_.push_back(id);
  return Status::Ok();
}

// Removes an instance marker and every value under it.
Status EditSession::RemoveInstance(const FieldPath& path, const std::string& ptext) {
  if (!path.is_instance() || !vals_.count(ptext)) {
    return Status(Code::kNotFound, "no such repeat instance", ptext);
  }
  std::string child_prefix = ptext + "/";
  Touch(ptext);
  vals_.erase(ptext);
  for (auto it = vals_.lower_bound(child_prefix);
       it != vals_.end() && it->first.compare(0, child_prefix.size(), child_prefix) == 0;) {
    Touch(it->first);
    it = vals_.erase(it);
  }
  return Status::Ok();
}

Status EditSession::CheckSignatureInput(const FieldInfo& f, const SignatureInput& in,
                                        const std::string& ptext) {
  if (f.def->type() != v1::SIGNATURE) {
    return Status(Code::kInvalidArgument, "'" + f.name + "' is not a signature field", ptext);
  }
  if (in.signer_name.empty()) {
    return Status(Code::kInvalidArgument, "signer name is required", ptext);
  }
  for (const std::string* name : {&in.signer_name, &in.proxy_signer_name}) {
    if (name->size() > record::kMaxNameBytes) {
      return Status(Code::kInvalidArgument,
                    "signer name longer than " + std::to_string(record::kMaxNameBytes) + " bytes",
                    ptext);
    }
    DS_RETURN_IF_ERROR(CheckText(*name, ptext, "signer name", false));
  }
  if (!in.proxy_signer_name.empty() && !f.def->signature().allow_proxy()) {
    return Status(Code::kInvalidArgument, "this signature does not allow a proxy signer", ptext);
  }
  size_t points = 0;
  for (const auto& s : in.strokes) points += s.size();
  if (points == 0) return Status(Code::kInvalidArgument, "signature has no points", ptext);
  if (points > kMaxSignaturePoints) {
    return Status(Code::kResourceExhausted,
                  "signature has more than " + std::to_string(kMaxSignaturePoints) + " points",
                  ptext);
  }
  return Status::Ok();
}

// Captures a signature over the record's covered content as evaluated now.
Status EditSession::Sign(const Edit& e, const FieldPath& path, const std::string& ptext) {
  auto fi = ResolveField(form_, vals_, path, ptext);
  if (!fi.ok()) return fi.status();
  const FieldInfo& f = *fi.value();
  const SignatureInput& in = e.signature;
  Status checked = CheckSignatureInput(f, in, ptext);
  if (!checked.ok()) return checked;
  if (!sign_model_) {
    sign_model_ = std::make_unique<record::RecordModel>(form_, vals_, today_);
    sign_model_->Evaluate();
  }
  record::RecordModel& model = *sign_model_;
  if (!model.IsRelevant(ptext)) {
    return Status(Code::kFailedPrecondition,
                  "this signature is not relevant for the record as filled", ptext);
  }
  v1::Value v;
  v1::Signature* sig = v.mutable_signature();
  sig->set_role(f.def->signature().role());
  sig->set_signer_name(in.signer_name);
  sig->set_proxy_signer_name(in.proxy_signer_name);
  sig->set_signed_at_ms(options_.clock->NowMs());
  sig->set_canvas_width(in.canvas_width);
  sig->set_canvas_height(in.canvas_height);
  for (const auto& stroke : in.strokes) {
    if (!stroke.empty()) *sig->add_strokes() = EncodeStroke(stroke);
  }
  Digest d = model.CoveredDigest(f);
  sig->set_content_sha256(d.data(), d.size());
  Touch(ptext);
  vals_[ptext] = std::move(v);
  model.SignatureWritten(ptext);
  return Status::Ok();
}

Status EditSession::Recompute(bool finalize, ValidationReport* report) {
  // When the last edits were signatures, their evaluation is still current.
  std::unique_ptr<record::RecordModel> final_model = std::move(sign_model_);
  if (!final_model) {
    final_model = std::make_unique<record::RecordModel>(form_, vals_, today_);
    final_model->Evaluate();
  }
  record::RecordModel& model = *final_model;
  for (const auto& [path, value] : model.calculated()) {
    auto it = vals_.find(path);
    if (value) {
      if (it == vals_.end() || !record::SameValue(it->second, *value)) {
        Touch(path);
        vals_[path] = *value;
      }
    } else if (it != vals_.end()) {
      Touch(path);
      vals_.erase(it);
    }
  }
  if (!finalize) return Status::Ok();
  report->errors = model.Validate();
  if (!report->ok()) {
    const auto& first = report->errors.front();
    return Status(Code::kValidation,
                  std::to_string(report->errors.size()) + " validation error(s); first: " +
                      first.code + ": " + first.message,
                  first.path);
  }
  // As XLSForm does: values of fields that are not relevant are not part of the record.
  for (auto it = vals_.begin(); it != vals_.end();) {
    if (it->first[0] != '@' && !model.IsRelevant(it->first)) {
      Touch(it->first);
      it = vals_.erase(it);
    } else {
      ++it;
    }
  }
  Touch(std::string(kMetaState));
  vals_[std::string(kMetaState)] = values::Text("finalized");
  rec_.state = RecordState::kFinalized;
  return Status::Ok();
}

}  // namespace doorstep
