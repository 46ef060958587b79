// Ordinal paths ("members[2]/m_name") resolved against a list of instances, shared by the public
// ResolveOrdinalPath (which lists instances with Store::Instances) and FormSession (which lists
// them from its question list without reading the store). Private to the core.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/session.h"

namespace doorstep::session {

// Instance ids of the repeat at canonical path `repeat_path` ("members", "visits[<uuid>]/items"),
// in display order.
using InstanceLister =
    std::function<Result<std::vector<std::string>>(const std::string& repeat_path)>;

// `text` with every ordinal ("members[2]") replaced by the instance id; no other check.
Result<std::string> ReplaceOrdinals(const InstanceLister& list, std::string_view text);

// ReplaceOrdinals, then the checks of ResolveOrdinalPath.
Result<ResolvedPath> ResolveWith(const InstanceLister& list, const CompiledForm& form,
                                 std::string_view text, PathKind kind);

}  // namespace doorstep::session
