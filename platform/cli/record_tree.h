// Records as JSON, shared by `record show --json` and `export`. The tree of a record's values
// (BuildTree, FindInstances) is the core's: doorstep/core/record_tree.h.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/form.h"
#include "doorstep/core/record_tree.h"
#include "doorstep/core/store.h"

namespace doorstep::cli {

using Json = nlohmann::ordered_json;

// JSON of one value: text/select_one strings, numbers, dates "YYYY-MM-DD", select_multiple
// arrays, geopoints {"latitude","longitude","altitude","accuracy_m"}, attachments {"sha256",...},
// signatures {"role","signer","proxy_signer","signed_at","points"} (no strokes).
Json ValueJson(const v1::Value& value, int utc_offset_minutes);

// The record as JSON: metadata, signature states and the values nested as in the form (repeats as
// arrays of objects with "_id"; groups flattened, since paths do not contain groups).
Json RecordJson(const Record& record, const CompiledForm* form,
                const std::vector<SignatureStatus>& signatures, int utc_offset_minutes);

}  // namespace doorstep::cli
