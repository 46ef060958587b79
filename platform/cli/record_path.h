// Field paths as typed on the command line.
//
// Besides the store's canonical form ("members[<uuid>]/m_age") the command line accepts 1-based
// ordinals for repeat instances, in display order: "members[2]/m_age" is the second member. Each
// ordinal is resolved to its instance UUID with Store::Instances before anything is written.
// The resolved path is checked against the record's form: every name a field of the form, repeat
// instances only on repeats, and the nesting of repeats as in the form.
#pragma once

#include <string>
#include <string_view>

#include "doorstep/core/form.h"
#include "doorstep/core/store.h"

namespace doorstep::cli {

enum class PathKind {
  kValue,     // a field: "head_name", "members[1]/m_name"
  kInstance,  // a repeat instance: "members[1]"
  kRepeat,    // a repeat, to add an instance to: "members", "visits[1]/items"
};

struct ResolvedPath {
  std::string path;                  // canonical, with instance UUIDs
  const FieldInfo* field = nullptr;  // the leaf field (the repeat for kInstance / kRepeat)
};

// Resolves `text` for record `id` of `form`; fails (CliError) naming the path on any problem.
ResolvedPath ResolvePath(Store& store, const RecordId& id, const CompiledForm& form,
                         std::string_view text, PathKind kind);

}  // namespace doorstep::cli
