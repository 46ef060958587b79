// A record's flat (path, value) list as a tree: fields by name, repeats as ordered instances.
// Shared by `record show` and `export`.
//
// The tree points into the Record it was built from; keep the Record alive while using it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/form.h"
#include "doorstep/core/store.h"

namespace doorstep::cli {

struct Leaf {
  std::string path;
  const v1::Value* value = nullptr;
};

struct InstanceNode;

struct ValueNode {
  std::map<std::string, Leaf> values;  // field name -> value
  // repeat name -> instances in display order (ordinal, then id)
  std::map<std::string, std::vector<std::unique_ptr<InstanceNode>>> repeats;

  const Leaf* Find(const std::string& name) const;
  // Instances of a repeat; empty when there are none.
  const std::vector<std::unique_ptr<InstanceNode>>& Instances(const std::string& repeat) const;
};

struct InstanceNode {
  std::string id;    // UUID
  std::string path;  // "members[<uuid>]"
  int64_t ordinal = 0;
  ValueNode node;
};

ValueNode BuildTree(const Record& record);

// Instances of the repeat `field` anywhere in the tree (following its enclosing repeats), in
// display order, each with the instance path of its parent instance ("" at the top level).
struct FoundInstance {
  const InstanceNode* instance = nullptr;
  std::string parent_path;
};
std::vector<FoundInstance> FindInstances(const ValueNode& root, const FieldInfo& field);

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
