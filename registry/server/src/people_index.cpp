// See people_index.h.
#include "people_index.h"

#include <set>

#include "doorstep/core/path.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/resident_id.h"

namespace doorstep::registry {
namespace {

struct Fields {
  std::string household_no, head_name, status;
  bool deleted = false;
  std::map<std::string, std::string> member_id;      // instance -> ID number
  std::map<std::string, std::string> member_change;  // instance -> change
};

std::string TextOf(const v1::Value& v) {
  if (v.has_text()) return v.text();
  if (v.has_select_one()) return v.select_one();
  return {};
}

}  // namespace

Result<PeopleIndex> PeopleIndex::FromServer(sync::server::SyncService& service) {
  PeopleIndex index;
  DS_ASSIGN_OR_RETURN(auto scopes, service.store().ListScopes());
  std::map<RecordId, Fields> records;
  for (const std::string& scope : scopes) {
    DS_RETURN_IF_ERROR(service.store().ForEachLiveField(
        scope, [&](const sync::server::FieldRow& f) {
          if (f.path == kMetaDeleted) {
            records[f.record_id].deleted = f.value.has_flag() && f.value.flag();
            return;
          }
          auto path = FieldPath::Parse(f.path);
          if (!path.ok()) return;
          const std::string& leaf = path->leaf();
          if (path->is_instance()) return;
          if (path->segments.size() == 1) {
            if (leaf != "household_no" && leaf != "head_name" && leaf != "poverty_status") return;
            Fields& r = records[f.record_id];
            std::string* into = leaf == "household_no" ? &r.household_no
                                : leaf == "head_name"  ? &r.head_name
                                                       : &r.status;
            *into = TextOf(f.value);
          } else if (path->segments.size() == 2 && path->segments[0].name == "members" &&
                     (leaf == "m_id_number" || leaf == "m_change")) {
            Fields& r = records[f.record_id];
            const std::string& instance = path->segments[0].instance;
            (leaf == "m_id_number" ? r.member_id : r.member_change)[instance] = TextOf(f.value);
          }
        }));
  }
  for (const auto& [id, r] : records) {
    if (r.deleted || r.household_no.empty() || !IsRegisteredStatus(r.status)) continue;
    for (const auto& [instance, number] : r.member_id) {
      const auto change = r.member_change.find(instance);
      if (number.empty() ||
          (change != r.member_change.end() && IsDecreaseChange(change->second))) {
        continue;
      }
      index.by_id_number_.emplace(NormalizedResidentId(number),
                                  Entry{id.ToString(), r.household_no, r.head_name});
    }
  }
  return index;
}

std::vector<std::pair<size_t, PeopleIndex::Entry>> PeopleIndex::Conflicts(
    const Household& h) const {
  std::vector<std::pair<size_t, Entry>> out;
  if (!IsRegisteredStatus(h.status)) return out;
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& m = h.members[i];
    if (!m.Active() || m.id_number.empty()) continue;
    auto [begin, end] = by_id_number_.equal_range(NormalizedResidentId(m.id_number));
    for (auto it = begin; it != end; ++it) {
      if (it->second.household_id == h.id || it->second.household_no == h.household_no) continue;
      out.emplace_back(i, it->second);
    }
  }
  return out;
}

void PeopleIndex::Put(const Household& h) {
  for (auto it = by_id_number_.begin(); it != by_id_number_.end();) {
    it = it->second.household_id == h.id ? by_id_number_.erase(it) : std::next(it);
  }
  if (!IsRegisteredStatus(h.status)) return;
  for (const Member& m : h.members) {
    if (!m.Active() || m.id_number.empty()) continue;
    by_id_number_.emplace(NormalizedResidentId(m.id_number),
                          Entry{h.id, h.household_no, h.head_name});
  }
}

void PeopleIndex::Release(const Household& h) {
  std::set<std::string> kept;
  if (IsRegisteredStatus(h.status)) {
    for (const Member& m : h.members) {
      if (m.Active() && !m.id_number.empty()) kept.insert(NormalizedResidentId(m.id_number));
    }
  }
  for (auto it = by_id_number_.begin(); it != by_id_number_.end();) {
    const bool gone = it->second.household_id == h.id && kept.count(it->first) == 0;
    it = gone ? by_id_number_.erase(it) : std::next(it);
  }
}

}  // namespace doorstep::registry
