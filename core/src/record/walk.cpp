// RecordModel::Walk: the evaluated record in form order, the shape a form session's question list
// takes (groups and repeat instances expanded).
#include "record/node.h"

namespace doorstep::record {
namespace {

using Node = RecordModel::Node;
using Item = RecordModel::Item;
using Fields = google::protobuf::RepeatedPtrField<v1::Field>;

struct Walker {
  const CompiledForm& form;
  int32_t today;
  const std::function<void(const Item&)>& fn;

  bool ContainerRelevant(const Node& node, const std::string& name, bool parent_relevant) const {
    auto it = node.container_relevant.find(name);
    return parent_relevant && (it == node.container_relevant.end() || it->second);
  }

  void Repeat(const Node& node, const v1::Field& f, const FieldInfo& fi, Item item) {
    std::vector<const Node*> live;
    node.ForEachInstance(f.name(), [&](const Node& inst) { live.push_back(&inst); });
    item.kind = Item::Kind::kRepeat;
    item.count = static_cast<int64_t>(live.size());
    const bool relevant = item.relevant;
    const int depth = item.depth;
    fn(item);
    for (size_t i = 0; i < live.size(); ++i) {
      Item inst;
      inst.kind = Item::Kind::kInstance;
      inst.field = &fi;
      inst.path = live[i]->path;
      inst.instance_path = node.path;
      inst.depth = depth + 1;
      inst.relevant = relevant && live[i]->relevant;
      inst.count = static_cast<int64_t>(i + 1);
      fn(inst);
      Visit(*live[i], f.children(), depth + 2, inst.relevant);
    }
  }

  void Field(const Node& node, const v1::Field& f, const FieldInfo& fi, Item item) {
    auto slot = node.slots.find(f.name());
    if (f.type() == v1::NOTE) {
      item.relevant = item.relevant && EvalBool(form, fi.relevant, node, nullptr, today, true);
    } else if (slot != node.slots.end()) {
      item.relevant = item.relevant && slot->second.relevant;
      item.value = slot->second.value;
    }
    if (item.relevant && !fi.calculate && f.type() != v1::NOTE) {
      item.required = EvalBool(form, fi.required, node, item.value, today, false);
    }
    fn(item);
  }

  void Visit(const Node& node, const Fields& fields, int depth, bool parent_relevant) {
    for (const auto& f : fields) {
      const FieldInfo* fi = form.Find(f.name());
      if (fi == nullptr) continue;
      Item item;
      item.field = fi;
      item.path = node.PathOf(f.name());
      item.instance_path = node.path;
      item.depth = depth;
      item.relevant = parent_relevant;
      switch (f.type()) {
        case v1::GROUP:
          item.kind = Item::Kind::kGroup;
          item.relevant = ContainerRelevant(node, f.name(), parent_relevant);
          fn(item);
          Visit(node, f.children(), depth + 1, item.relevant);
          break;
        case v1::REPEAT:
          item.relevant = ContainerRelevant(node, f.name(), parent_relevant);
          Repeat(node, f, *fi, std::move(item));
          break;
        default:
          Field(node, f, *fi, std::move(item));
      }
    }
  }
};

}  // namespace

void RecordModel::Walk(const std::function<void(const Item&)>& fn) const {
  Walker w{form_, today_, fn};
  w.Visit(*root_, form_.def().fields(), 0, true);
}

}  // namespace doorstep::record
