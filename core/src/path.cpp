#include "doorstep/core/path.h"

#include "doorstep/core/uuid.h"

namespace doorstep {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

Result<FieldPath> FieldPath::Parse(std::string_view text) {
  FieldPath p;
  std::string where(text);
  if (text.empty()) return Status(Code::kInvalidArgument, "empty field path");
  if (text[0] == '@') {
    if (text == kMetaForm || text == kMetaState || text == kMetaDeleted) {
      p.segments.push_back({std::string(text), {}});
      return p;
    }
    return Status(Code::kInvalidArgument, "unknown metadata path", where);
  }
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    if (!IsNameStart(text[i])) {
      return Status(Code::kInvalidArgument,
                    "expected a field name at offset " + std::to_string(i), where);
    }
    while (i < text.size() && IsNameChar(text[i])) ++i;
    PathSegment seg{std::string(text.substr(start, i - start)), {}};
    if (i < text.size() && text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) {
        return Status(Code::kInvalidArgument, "missing ']' after offset " + std::to_string(i),
                      where);
      }
      auto id = Uuid::Parse(text.substr(i + 1, close - i - 1));
      if (!id.ok()) {
        return Status(Code::kInvalidArgument,
                      "instance id at offset " + std::to_string(i + 1) + " is not a UUID", where);
      }
      seg.instance = id->ToString();
      i = close + 1;
    }
    p.segments.push_back(std::move(seg));
    if (i == text.size()) break;
    if (text[i] != '/' || p.segments.back().instance.empty()) {
      return Status(Code::kInvalidArgument,
                    "unexpected character at offset " + std::to_string(i) +
                        " (only repeat instances 'name[uuid]' may have children)",
                    where);
    }
    ++i;
    if (i == text.size()) {
      return Status(Code::kInvalidArgument, "path ends with '/'", where);
    }
  }
  return p;
}

std::string FieldPath::ToString() const {
  std::string s;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) s.push_back('/');
    s += segments[i].name;
    if (!segments[i].instance.empty()) {
      s.push_back('[');
      s += segments[i].instance;
      s.push_back(']');
    }
  }
  return s;
}

FieldPath FieldPath::Parent() const {
  FieldPath p;
  if (segments.size() <= 1) return p;
  p.segments.assign(segments.begin(), segments.end() - 1);
  return p;
}

}  // namespace doorstep
