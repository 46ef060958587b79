// A record's flat (path, value) list as a tree: fields by name, repeats as ordered instances.
//
// Stored paths are flat ("members[<uuid>]/m_name", see doorstep/core/path.h); exports, screens and
// reports want the nesting back. BuildTree rebuilds it from a Record without a form: values by
// field name at each level, each repeat's instances in display order (the ordinal of the instance
// marker, then the id). Groups do not appear (paths hold no groups): walk the form's fields to
// print them grouped. Metadata paths ("@form", ...) are left out.
//
// Ownership: the tree points into the Record it was built from (TreeLeaf::value); keep the Record
// alive and unchanged while using it. Thread rules: value types; a built tree is read-only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doorstep/core/form.h"
#include "doorstep/core/store.h"
#include "doorstep/value.pb.h"

namespace doorstep {

struct TreeLeaf {
  std::string path;                  // canonical path of the value
  const v1::Value* value = nullptr;  // into the Record
};

struct InstanceNode;

struct ValueNode {
  std::map<std::string, TreeLeaf> values;  // field name -> value
  // repeat name -> instances in display order (ordinal, then id)
  std::map<std::string, std::vector<std::unique_ptr<InstanceNode>>> repeats;

  const TreeLeaf* Find(const std::string& name) const;  // nullptr when the field has no value
  // Instances of a repeat; empty when there are none.
  const std::vector<std::unique_ptr<InstanceNode>>& Instances(const std::string& repeat) const;
};

struct InstanceNode {
  std::string id;    // UUID
  std::string path;  // "members[<uuid>]"
  int64_t ordinal = 0;  // the marker's ordinal (0 for values whose marker is missing)
  ValueNode node;
};

// The tree of `record`'s values (paths that do not parse are skipped).
ValueNode BuildTree(const Record& record);

// Instances of the repeat `field` anywhere in the tree (following its enclosing repeats), in
// display order, each with the instance path of its parent instance ("" at the top level).
struct FoundInstance {
  const InstanceNode* instance = nullptr;
  std::string parent_path;
};
std::vector<FoundInstance> FindInstances(const ValueNode& root, const FieldInfo& field);

}  // namespace doorstep
