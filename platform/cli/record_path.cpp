#include "record_path.h"

#include <vector>

#include "cli.h"
#include "doorstep/core/path.h"

namespace doorstep::cli {
namespace {

[[noreturn]] void PathFail(std::string_view text, const std::string& message) {
  Fail(Status(Code::kInvalidArgument, message, std::string(text)));
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Replaces 1-based ordinals in brackets by instance UUIDs, segment by segment (an ordinal of a
// nested repeat is resolved inside the instance its parent segment named).
std::string ReplaceOrdinals(Store& store, const RecordId& id, std::string_view text) {
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
      auto ids = Unwrap(store.Instances(id, repeat));
      size_t n = digits.size() > 9 ? 0 : std::stoul(std::string(digits));
      if (n == 0 || n > ids.size()) {
        PathFail(text, "no instance number " + std::string(digits) + " of '" + repeat +
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

}  // namespace

ResolvedPath ResolvePath(Store& store, const RecordId& id, const CompiledForm& form,
                         std::string_view text, PathKind kind) {
  if (text.empty()) PathFail(text, "empty field path");
  std::string canonical = ReplaceOrdinals(store, id, text);
  auto parsed = FieldPath::Parse(canonical);
  if (!parsed.ok()) {
    PathFail(text, parsed.status().message() +
                       " (expected e.g. 'head_name', 'members[1]/m_name' or "
                       "'members[<uuid>]/m_name')");
  }
  const auto& segs = parsed->segments;
  if (segs.front().name.front() == '@') PathFail(text, "record metadata cannot be edited");
  std::vector<std::string> outer;  // names of the enclosing repeat instances so far
  const FieldInfo* leaf = nullptr;
  for (size_t i = 0; i < segs.size(); ++i) {
    const FieldInfo* f = form.Find(segs[i].name);
    if (f == nullptr || f->def == nullptr) {
      Fail(Status(Code::kNotFound, "no field '" + segs[i].name + "' in form " + form.key(),
                  std::string(text)));
    }
    if (f->repeats != outer) {
      if (f->repeats.empty()) {
        PathFail(text, "field '" + f->name + "' is outside any repeat; write just '" + f->name +
                           "'");
      }
      std::string example;
      for (const auto& r : f->repeats) example += r + "[N]/";
      PathFail(text, "field '" + f->name + "' is inside repeat '" + f->repeats.back() +
                         "'; write '" + example + f->name + "'");
    }
    const bool last = i + 1 == segs.size();
    const bool is_repeat = f->def->type() == v1::REPEAT;
    const bool wants_instance = !last || kind == PathKind::kInstance;
    if (wants_instance) {
      if (!is_repeat) {
        PathFail(text, "'" + f->name + "' is not a repeat; only repeat instances have fields");
      }
      if (segs[i].instance.empty()) {
        PathFail(text, "'" + f->name + "' needs an instance: '" + f->name + "[N]' (N from 1) or '" +
                           f->name + "[<uuid>]'");
      }
    } else {
      if (!segs[i].instance.empty()) {
        PathFail(text, "path names a repeat instance; give a field inside it");
      }
      if (kind == PathKind::kRepeat && !is_repeat) {
        PathFail(text, "'" + f->name + "' is not a repeat");
      }
      if (kind == PathKind::kValue && is_repeat) {
        PathFail(text, "'" + f->name + "' is a repeat; use `doorstep record add-member` and "
                           "`doorstep record remove-instance`");
      }
      if (kind == PathKind::kValue && f->def->type() == v1::GROUP) {
        PathFail(text, "'" + f->name + "' is a group; give one of its fields");
      }
    }
    outer.push_back(f->name);
    leaf = f;
  }
  return ResolvedPath{parsed->ToString(), leaf};
}

}  // namespace doorstep::cli
