// BuildTree / FindInstances (doorstep/core/record_tree.h).
#include "doorstep/core/record_tree.h"

#include <algorithm>

#include "doorstep/core/path.h"

namespace doorstep {

const TreeLeaf* ValueNode::Find(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

const std::vector<std::unique_ptr<InstanceNode>>& ValueNode::Instances(
    const std::string& repeat) const {
  static const std::vector<std::unique_ptr<InstanceNode>> kNone;
  auto it = repeats.find(repeat);
  return it == repeats.end() ? kNone : it->second;
}

namespace {

InstanceNode* FindOrAdd(ValueNode* node, const std::string& repeat, const std::string& id,
                        const std::string& path) {
  auto& list = node->repeats[repeat];
  for (auto& inst : list) {
    if (inst->id == id) return inst.get();
  }
  list.push_back(std::make_unique<InstanceNode>());
  list.back()->id = id;
  list.back()->path = path;
  return list.back().get();
}

void SortInstances(ValueNode* node) {
  for (auto& [name, list] : node->repeats) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a->ordinal != b->ordinal ? a->ordinal < b->ordinal : a->id < b->id;
    });
    for (auto& inst : list) SortInstances(&inst->node);
  }
}

}  // namespace

ValueNode BuildTree(const Record& record) {
  ValueNode root;
  for (const StoredValue& sv : record.values) {
    auto parsed = FieldPath::Parse(sv.path);
    if (!parsed.ok() || parsed->segments.empty() || parsed->segments[0].name[0] == '@') continue;
    ValueNode* node = &root;
    std::string prefix;
    const auto& segs = parsed->segments;
    for (size_t i = 0; i < segs.size(); ++i) {
      const bool last = i + 1 == segs.size();
      if (!prefix.empty()) prefix.push_back('/');
      prefix += segs[i].name;
      if (segs[i].instance.empty()) {
        if (last) node->values[segs[i].name] = TreeLeaf{sv.path, &sv.value};
        break;  // a plain name can only be the last segment
      }
      prefix += "[" + segs[i].instance + "]";
      InstanceNode* inst = FindOrAdd(node, segs[i].name, segs[i].instance, prefix);
      if (last && sv.value.has_instance()) inst->ordinal = sv.value.instance().ordinal();
      node = &inst->node;
    }
  }
  SortInstances(&root);
  return root;
}

std::vector<FoundInstance> FindInstances(const ValueNode& root, const FieldInfo& field) {
  std::vector<FoundInstance> out;
  std::vector<std::pair<const ValueNode*, std::string>> level{{&root, ""}};
  for (const auto& outer : field.repeats) {
    std::vector<std::pair<const ValueNode*, std::string>> next;
    for (const auto& [node, path] : level) {
      for (const auto& inst : node->Instances(outer)) next.emplace_back(&inst->node, inst->path);
    }
    level = std::move(next);
  }
  for (const auto& [node, path] : level) {
    for (const auto& inst : node->Instances(field.name)) out.push_back({inst.get(), path});
  }
  return out;
}

}  // namespace doorstep
