// Problem list, identity checks: duplicate household numbers, resident IDs held twice (within a
// household or across households) and resident IDs that do not parse.

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/registry/resident_id.h"
#include "quality_internal.h"

namespace doorstep::registry::quality_internal {
namespace {

struct Occurrence {
  size_t household = 0;
  int member = 0;
};

// IDs compare case-insensitively: the check character is written "x" as often as "X".
std::string IdKey(const std::string& id) {
  return NormalizedResidentId(id);
}

// Two records with the same household number are one duplicate_household case: their shared
// members are the duplicate itself and are not reported a second time, ID by ID.
bool SameHouseholdNo(const Household& a, const Household& b) {
  return !a.household_no.empty() && a.household_no == b.household_no;
}

std::string HouseholdLabel(const Household& h) {
  std::string label = h.village.empty() ? std::string() : h.village + " ";
  label += h.household_no.empty() ? "（无户编号）" : "户编号 " + h.household_no;
  if (!h.head_name.empty()) label += "（户主 " + h.head_name + "）";
  return label;
}

// The other households holding the ID, at most three named so one line stays readable.
std::string OtherHouseholdsDetail(const std::vector<const Household*>& others) {
  std::string detail = "该身份证号在其他户也有登记：";
  const size_t named = std::min<size_t>(others.size(), 3);
  for (size_t i = 0; i < named; ++i) {
    if (i) detail += "；";
    detail += HouseholdLabel(*others[i]);
  }
  if (others.size() > named) detail += " 等 " + std::to_string(others.size()) + " 户";
  return detail;
}

void CheckAcrossHouseholds(const Township& township, std::vector<Problem>* out) {
  std::map<std::string, std::vector<Occurrence>> by_id;
  for (size_t hi = 0; hi < township.households.size(); ++hi) {
    const Household& h = township.households[hi];
    if (h.status == kStatusRemoved) continue;
    for (size_t mi = 0; mi < h.members.size(); ++mi) {
      const Member& m = h.members[mi];
      if (!m.Active() || m.id_number.empty()) continue;
      by_id[IdKey(m.id_number)].push_back({hi, static_cast<int>(mi)});
    }
  }
  for (const auto& [key, occurrences] : by_id) {
    if (occurrences.size() < 2) continue;
    for (const Occurrence& o : occurrences) {
      const Household& h = township.households[o.household];
      std::vector<const Household*> others;
      for (const Occurrence& other : occurrences) {
        const Household& oh = township.households[other.household];
        if (other.household == o.household || SameHouseholdNo(h, oh)) continue;
        if (std::find(others.begin(), others.end(), &oh) == others.end()) others.push_back(&oh);
      }
      if (others.empty()) continue;
      out->push_back(MemberProblem(h, o.member, kProblemDuplicateIdAcrossHouseholds,
                                   OtherHouseholdsDetail(others)));
    }
  }
}

void CheckWithinHousehold(const Household& h, std::vector<Problem>* out) {
  std::map<std::string, size_t> first;
  for (size_t mi = 0; mi < h.members.size(); ++mi) {
    const Member& m = h.members[mi];
    if (!m.Active() || m.id_number.empty()) continue;
    const auto [it, inserted] = first.emplace(IdKey(m.id_number), mi);
    if (inserted) continue;
    const Member& earlier = h.members[it->second];
    std::string detail = "与本户第 " + std::to_string(it->second + 1) + " 名成员";
    if (!earlier.name.empty()) detail += "（" + earlier.name + "）";
    detail += "身份证号相同";
    out->push_back(MemberProblem(h, static_cast<int>(mi), kProblemDuplicateIdInHousehold, detail));
  }
}

void CheckValidIds(const Household& h, const QualityOptions& options, std::vector<Problem>* out) {
  for (size_t mi = 0; mi < h.members.size(); ++mi) {
    const Member& m = h.members[mi];
    if (!m.Active()) continue;
    const Result<ResidentId> parsed = ParseResidentId(m.id_number, options.today);
    if (parsed.ok()) continue;
    std::string detail = parsed.status().message();
    // The clerk reads Chinese: drop the English gloss ParseResidentId appends in parentheses.
    const size_t gloss = detail.rfind(" (");
    if (gloss != std::string::npos && !detail.empty() && detail.back() == ')') detail.resize(gloss);
    // The reason must never carry the number itself into a list that is printed and e-mailed.
    if (!m.id_number.empty()) {
      size_t at = detail.find(m.id_number);
      while (at != std::string::npos) {
        detail.replace(at, m.id_number.size(), "（身份证号）");
        at = detail.find(m.id_number, at);
      }
    }
    if (detail.empty()) detail = "身份证号无效";
    out->push_back(MemberProblem(h, static_cast<int>(mi), kProblemInvalidResidentId, detail));
  }
}

}  // namespace

void CheckDuplicateHouseholds(const Township& township, std::vector<Problem>* out) {
  std::map<std::string, std::vector<const Household*>> by_no;
  for (const Household& h : township.households) {
    if (!h.household_no.empty()) by_no[h.household_no].push_back(&h);
  }
  for (auto& [no, records] : by_no) {
    if (records.size() < 2) continue;
    std::stable_sort(records.begin(), records.end(),
                     [](const Household* a, const Household* b) { return a->id < b->id; });
    for (size_t i = 1; i < records.size(); ++i) {
      std::string detail = "户编号与记录 " + records[0]->id + " 重复";
      if (!records[0]->head_name.empty()) detail += "（户主 " + records[0]->head_name + "）";
      out->push_back(HouseholdProblem(*records[i], kProblemDuplicateHousehold, detail));
    }
  }
}

void CheckResidentIds(const Township& township, const QualityOptions& options,
                      std::vector<Problem>* out) {
  CheckAcrossHouseholds(township, out);
  for (const Household& h : township.households) {
    if (h.status == kStatusRemoved) continue;
    CheckWithinHousehold(h, out);
    CheckValidIds(h, options, out);
  }
}

}  // namespace doorstep::registry::quality_internal
