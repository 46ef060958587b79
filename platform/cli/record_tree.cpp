#include "record_tree.h"

#include <set>

#include "doorstep/core/expression.h"
#include "doorstep/core/sha256.h"
#include "doorstep/core/signature.h"
#include "output.h"

namespace doorstep::cli {

Json ValueJson(const v1::Value& v, int utc_offset_minutes) {
  switch (v.kind_case()) {
    case v1::Value::kText: return v.text();
    case v1::Value::kInteger: return v.integer();
    case v1::Value::kDecimal: return v.decimal();
    case v1::Value::kDate: return expr::FormatIsoDate(v.date());
    case v1::Value::kSelectOne: return v.select_one();
    case v1::Value::kSelectMultiple: {
      Json arr = Json::array();
      for (const auto& s : v.select_multiple().values()) arr.push_back(s);
      return arr;
    }
    case v1::Value::kGeopoint: {
      const auto& g = v.geopoint();
      return Json{{"latitude", g.latitude()},
                  {"longitude", g.longitude()},
                  {"altitude", g.altitude()},
                  {"accuracy_m", g.accuracy_m()}};
    }
    case v1::Value::kSignature: {
      const auto& s = v.signature();
      Json j{{"role", s.role()}, {"signer", s.signer_name()}};
      if (!s.proxy_signer_name().empty()) j["proxy_signer"] = s.proxy_signer_name();
      j["signed_at"] = FormatIsoTime(s.signed_at_ms(), utc_offset_minutes);
      j["points"] = PointCount(s);
      return j;
    }
    case v1::Value::kAttachment: {
      const auto& a = v.attachment();
      Json j{{"sha256", ToHex(reinterpret_cast<const uint8_t*>(a.sha256().data()),
                              a.sha256().size())}};
      if (!a.media_type().empty()) j["media_type"] = a.media_type();
      if (a.size() != 0) j["size"] = a.size();
      if (!a.file_name().empty()) j["file_name"] = a.file_name();
      return j;
    }
    case v1::Value::kFlag: return v.flag();
    case v1::Value::kInstance:
    case v1::Value::KIND_NOT_SET: return nullptr;
  }
  return nullptr;
}

namespace {

struct JsonContext {
  const std::map<std::string, const SignatureStatus*>* signatures;
  int offset;
};

Json LeafJson(const TreeLeaf& leaf, const JsonContext& ctx) {
  Json j = ValueJson(*leaf.value, ctx.offset);
  if (leaf.value->has_signature()) {
    auto it = ctx.signatures->find(leaf.path);
    if (it != ctx.signatures->end()) j["state"] = SignatureStateName(it->second->state);
  }
  return j;
}

void EmitGeneric(const ValueNode& node, const std::set<std::string>& seen, Json* out,
                 const JsonContext& ctx) {
  for (const auto& [name, leaf] : node.values) {
    if (!seen.count(name)) (*out)[name] = LeafJson(leaf, ctx);
  }
  for (const auto& [name, list] : node.repeats) {
    if (seen.count(name) || list.empty()) continue;
    Json arr = Json::array();
    for (const auto& inst : list) {
      Json obj{{"_id", inst->id}};
      EmitGeneric(inst->node, {}, &obj, ctx);
      arr.push_back(std::move(obj));
    }
    (*out)[name] = std::move(arr);
  }
}

void EmitFields(const google::protobuf::RepeatedPtrField<v1::Field>& fields, const ValueNode& node,
                std::set<std::string>* seen, Json* out, const JsonContext& ctx) {
  for (const v1::Field& f : fields) {
    switch (f.type()) {
      case v1::GROUP:
        EmitFields(f.children(), node, seen, out, ctx);
        break;
      case v1::REPEAT: {
        seen->insert(f.name());
        const auto& list = node.Instances(f.name());
        if (list.empty()) break;
        Json arr = Json::array();
        for (const auto& inst : list) {
          Json obj{{"_id", inst->id}};
          std::set<std::string> inner;
          EmitFields(f.children(), inst->node, &inner, &obj, ctx);
          EmitGeneric(inst->node, inner, &obj, ctx);
          arr.push_back(std::move(obj));
        }
        (*out)[f.name()] = std::move(arr);
        break;
      }
      case v1::NOTE:
        break;
      default:
        seen->insert(f.name());
        if (const TreeLeaf* leaf = node.Find(f.name())) (*out)[f.name()] = LeafJson(*leaf, ctx);
        break;
    }
  }
}

}  // namespace

Json RecordJson(const Record& record, const CompiledForm* form,
                const std::vector<SignatureStatus>& signatures, int utc_offset_minutes) {
  std::map<std::string, const SignatureStatus*> by_path;
  for (const auto& s : signatures) by_path[s.path] = &s;
  JsonContext ctx{&by_path, utc_offset_minutes};

  Json j;
  j["id"] = record.id.ToString();
  j["form"] = record.form_id;
  j["version"] = record.form_version;
  j["state"] = RecordStateName(record.state);
  j["created"] = FormatIsoTime(HlcMillis(record.created), utc_offset_minutes);
  j["updated"] = FormatIsoTime(HlcMillis(record.updated), utc_offset_minutes);
  Json sigs = Json::array();
  for (const auto& s : signatures) {
    Json e{{"path", s.path}, {"role", s.role}, {"state", SignatureStateName(s.state)},
           {"required", s.required}};
    if (!s.signer_name.empty()) e["signer"] = s.signer_name;
    if (!s.proxy_signer_name.empty()) e["proxy_signer"] = s.proxy_signer_name;
    if (s.signed_at_ms != 0) e["signed_at"] = FormatIsoTime(s.signed_at_ms, utc_offset_minutes);
    sigs.push_back(std::move(e));
  }
  j["signatures"] = std::move(sigs);

  ValueNode root = BuildTree(record);
  Json values = Json::object();
  std::set<std::string> seen;
  if (form != nullptr) EmitFields(form->def().fields(), root, &seen, &values, ctx);
  EmitGeneric(root, seen, &values, ctx);
  j["values"] = std::move(values);
  return j;
}

}  // namespace doorstep::cli
