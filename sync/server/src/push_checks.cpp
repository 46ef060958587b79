#include "push_checks.h"

#include <vector>

#include "doorstep/core/path.h"
#include "doorstep/core/value_check.h"
#include "doorstep/sync/wire.h"

namespace doorstep::sync::server::internal {

PathVerdict JudgePath(const CompiledForm& form, const std::string& path) {
  if (!path.empty() && path[0] == '@') {
    if (path == kMetaForm || path == kMetaState || path == kMetaDeleted) return {};
    return {"unknown metadata field '" + path + "'"};
  }
  auto parsed = FieldPath::Parse(path);
  if (!parsed.ok()) return {"path does not parse"};
  const FieldInfo* fi = form.Find(parsed->leaf());
  if (fi == nullptr) return {"field '" + parsed->leaf() + "' is not in form " + form.key()};
  std::vector<std::string> enclosing;  // the repeats the path puts the field in
  for (size_t i = 0; i + 1 < parsed->segments.size(); ++i) {
    if (parsed->segments[i].instance.empty()) return {"path names a group; paths are flat"};
    enclosing.push_back(parsed->segments[i].name);
  }
  if (enclosing != fi->repeats) {
    return {"field '" + parsed->leaf() + "' is not inside the repeats the path names"};
  }
  const v1::FieldType type = fi->def->type();
  if (parsed->is_instance() != (type == v1::REPEAT)) {
    return {"field '" + parsed->leaf() + "' is used as the wrong kind (repeat instance or value)"};
  }
  if (type == v1::GROUP || type == v1::NOTE) return {"field '" + parsed->leaf() + "' holds no value"};
  if (fi->calculate) return {"calculated field '" + parsed->leaf() + "' is never synced"};
  return {{}, fi};
}

std::string ValueProblem(const CompiledForm& form, const PathVerdict& verdict,
                         const std::string& path, const v1::FieldChange& ch) {
  if (ch.cleared()) return {};
  const v1::Value& v = ch.value();
  if (verdict.field != nullptr) {
    Status s = CheckFieldValue(form, *verdict.field, v, path);
    return s.ok() ? std::string() : s.message();
  }
  if (path == kMetaDeleted) {
    return v.kind_case() == v1::Value::kFlag ? "" : "@deleted holds a flag";
  }
  if (path == kMetaState) {
    if (v.kind_case() == v1::Value::kText && (v.text() == "draft" || v.text() == "finalized")) {
      return {};
    }
    return "@state is 'draft' or 'finalized'";
  }
  if (path == kMetaForm) {
    return v.kind_case() == v1::Value::kText ? "" : "@form holds text";
  }
  return {};
}

}  // namespace doorstep::sync::server::internal
