// RecordModel::Node: one level of the evaluated record tree (the root, or one repeat instance),
// shared by the model's implementation files (model.cpp, walk.cpp). Private to core/src/record.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "record/model.h"

namespace doorstep::record {

struct RecordModel::Node {
  const FieldInfo* repeat = nullptr;  // the repeat this node is an instance of; null for root
  std::string id;
  std::string path;  // "members[id]" (full path); empty for the root
  int64_t ordinal = 0;
  const v1::Value* marker = nullptr;  // instance marker; null for root or orphaned values
  Node* parent = nullptr;
  bool relevant = true;
  struct Slot {
    const v1::Value* value = nullptr;
    bool relevant = true;
  };
  std::map<std::string, Slot> slots;
  std::map<std::string, bool> container_relevant;  // groups and repeats at this level
  std::map<std::string, std::vector<std::unique_ptr<Node>>> children;

  std::string PathOf(const std::string& name) const {
    return path.empty() ? name : path + "/" + name;
  }
  // Live instances of a repeat (with a marker), in display order.
  template <typename F>
  void ForEachInstance(const std::string& repeat_name, F&& f) const {
    auto it = children.find(repeat_name);
    if (it == children.end()) return;
    for (const auto& child : it->second) {
      if (child->marker) f(*child);
    }
  }
};

// Evaluates a boolean property (relevant, required) of a field at `node`; `fallback` when the
// expression is absent or fails (model.cpp).
bool EvalBool(const CompiledForm& form, const std::optional<expr::Expression>& e,
              const RecordModel::Node& node, const v1::Value* self, int32_t today, bool fallback);

}  // namespace doorstep::record
