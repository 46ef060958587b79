// ResolveOrdinalPath (doorstep/core/session.h): 1-based ordinals to instance UUIDs, then the path
// checked against the form.
#include "session/ordinal_path.h"

#include "doorstep/core/path.h"

namespace doorstep {
namespace session {
namespace {

Status PathError(std::string_view text, const std::string& message) {
  return Status(Code::kInvalidArgument, message, std::string(text));
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

// Segment by segment: an ordinal of a nested repeat is resolved inside the instance its parent
// segment named.
Result<std::string> ReplaceOrdinals(const InstanceLister& list, std::string_view text) {
  std::string out;
  size_t i = 0;
  bool first = true;
  while (i <= text.size()) {
    size_t slash = text.find('/', i);
    if (slash == std::string_view::npos) slash = text.size();
    std::string_view seg = text.substr(i, slash - i);
    size_t open = seg.find('[');
    if (!first) out.push_back('/');
    first = false;
    if (open != std::string_view::npos && seg.size() > open + 1 && seg.back() == ']' &&
        AllDigits(seg.substr(open + 1, seg.size() - open - 2))) {
      std::string repeat = out + std::string(seg.substr(0, open));
      std::string_view digits = seg.substr(open + 1, seg.size() - open - 2);
      DS_ASSIGN_OR_RETURN(auto ids, list(repeat));
      size_t n = digits.size() > 9 ? 0 : std::stoul(std::string(digits));
      if (n == 0 || n > ids.size()) {
        return PathError(text, "no instance number " + std::string(digits) + " of '" + repeat +
                                   "' (it has " + std::to_string(ids.size()) +
                                   "; numbers start at 1)");
      }
      out = repeat + "[" + ids[n - 1] + "]";
    } else {
      out += seg;
    }
    if (slash == text.size()) break;
    i = slash + 1;
  }
  return out;
}

namespace {

// The checks of one segment that is not the last, or is the last of a kInstance path.
Status CheckInstanceSegment(std::string_view text, const FieldInfo& f, const PathSegment& seg) {
  if (f.def->type() != v1::REPEAT) {
    return PathError(text, "'" + f.name + "' is not a repeat; only repeat instances have fields");
  }
  if (seg.instance.empty()) {
    return PathError(text, "'" + f.name + "' needs an instance: '" + f.name + "[N]' (N from 1) or '" +
                               f.name + "[<uuid>]'");
  }
  return Status::Ok();
}

Status CheckLastSegment(std::string_view text, const FieldInfo& f, const PathSegment& seg,
                        PathKind kind) {
  const bool is_repeat = f.def->type() == v1::REPEAT;
  if (!seg.instance.empty()) {
    return PathError(text, "path names a repeat instance; give a field inside it");
  }
  if (kind == PathKind::kRepeat && !is_repeat) {
    return PathError(text, "'" + f.name + "' is not a repeat");
  }
  if (kind == PathKind::kValue && is_repeat) {
    return PathError(text, "'" + f.name + "' is a repeat; add or remove its instances instead");
  }
  if (kind == PathKind::kValue && f.def->type() == v1::GROUP) {
    return PathError(text, "'" + f.name + "' is a group; give one of its fields");
  }
  return Status::Ok();
}

Status CheckNesting(std::string_view text, const FieldInfo& f,
                    const std::vector<std::string>& outer) {
  if (f.repeats == outer) return Status::Ok();
  if (f.repeats.empty()) {
    return PathError(text, "field '" + f.name + "' is outside any repeat; write just '" + f.name +
                               "'");
  }
  std::string example;
  for (const auto& r : f.repeats) example += r + "[N]/";
  return PathError(text, "field '" + f.name + "' is inside repeat '" + f.repeats.back() +
                             "'; write '" + example + f.name + "'");
}

}  // namespace

Result<ResolvedPath> ResolveWith(const InstanceLister& list, const CompiledForm& form,
                                 std::string_view text, PathKind kind) {
  if (text.empty()) return PathError(text, "empty field path");
  DS_ASSIGN_OR_RETURN(std::string canonical, ReplaceOrdinals(list, text));
  auto parsed = FieldPath::Parse(canonical);
  if (!parsed.ok()) {
    return PathError(text, parsed.status().message() +
                               " (expected e.g. 'head_name', 'members[1]/m_name' or "
                               "'members[<uuid>]/m_name')");
  }
  const auto& segs = parsed->segments;
  if (segs.front().name.front() == '@') return PathError(text, "record metadata cannot be edited");
  std::vector<std::string> outer;  // names of the enclosing repeat instances so far
  const FieldInfo* leaf = nullptr;
  for (size_t i = 0; i < segs.size(); ++i) {
    const FieldInfo* f = form.Find(segs[i].name);
    if (f == nullptr || f->def == nullptr) {
      return Status(Code::kNotFound, "no field '" + segs[i].name + "' in form " + form.key(),
                    std::string(text));
    }
    DS_RETURN_IF_ERROR(CheckNesting(text, *f, outer));
    const bool last = i + 1 == segs.size();
    if (!last || kind == PathKind::kInstance) {
      DS_RETURN_IF_ERROR(CheckInstanceSegment(text, *f, segs[i]));
    } else {
      DS_RETURN_IF_ERROR(CheckLastSegment(text, *f, segs[i], kind));
    }
    outer.push_back(f->name);
    leaf = f;
  }
  return ResolvedPath{parsed->ToString(), leaf};
}

}  // namespace session

Result<ResolvedPath> ResolveOrdinalPath(Store& store, const RecordId& id, const CompiledForm& form,
                                        std::string_view text, PathKind kind) {
  auto list = [&](const std::string& repeat) { return store.Instances(id, repeat); };
  return session::ResolveWith(list, form, text, kind);
}

}  // namespace doorstep
