// Field paths as typed on the command line: the core's ordinal paths (doorstep/core/session.h,
// ResolveOrdinalPath: "members[2]/m_age" is the second member, resolved to its UUID and checked
// against the form) with a failure turned into the command's error.
#pragma once

#include <string_view>

#include "doorstep/core/form.h"
#include "doorstep/core/session.h"
#include "doorstep/core/store.h"

namespace doorstep::cli {

// Resolves `text` for record `id` of `form`; fails (CliError) naming the path on any problem.
ResolvedPath ResolvePath(Store& store, const RecordId& id, const CompiledForm& form,
                         std::string_view text, PathKind kind);

}  // namespace doorstep::cli
