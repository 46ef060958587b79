#include "record_path.h"

#include "cli.h"

namespace doorstep::cli {

ResolvedPath ResolvePath(Store& store, const RecordId& id, const CompiledForm& form,
                         std::string_view text, PathKind kind) {
  return Unwrap(ResolveOrdinalPath(store, id, form, text, kind));
}

}  // namespace doorstep::cli
