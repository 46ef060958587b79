// Field paths inside a record.
//
// Field names are unique within a form, so groups do not appear in paths and a path survives a
// form update that regroups fields. Repeat instances appear with their UUID:
//   "head_name"                              a field outside any repeat
//   "members[3f2a...-...]"                   a repeat instance (its existence marker)
//   "members[3f2a...-...]/id_number"         a field of that instance
//   "@form", "@state", "@deleted"            record metadata (synced like fields)
// Thread rules: value types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/status.h"

namespace doorstep {

struct PathSegment {
  std::string name;
  std::string instance;  // canonical UUID text; empty when the segment is not a repeat instance
  bool operator==(const PathSegment&) const = default;
};

struct FieldPath {
  std::vector<PathSegment> segments;

  // Parses a path. Instance ids must be UUIDs (any case; normalised to lowercase).
  // Code::kInvalidArgument with where = the path on malformed input.
  static Result<FieldPath> Parse(std::string_view text);
  std::string ToString() const;
  // The field name of the last segment.
  const std::string& leaf() const { return segments.back().name; }
  // True when the last segment names a repeat instance ("members[..]").
  bool is_instance() const { return !segments.empty() && !segments.back().instance.empty(); }
  // Path of the enclosing instance ("members[..]") or empty path for top-level fields.
  FieldPath Parent() const;
  bool operator==(const FieldPath&) const = default;
};

inline constexpr std::string_view kMetaForm = "@form";
inline constexpr std::string_view kMetaState = "@state";
inline constexpr std::string_view kMetaDeleted = "@deleted";

}  // namespace doorstep
