// Problem list, poor-household checks: assistance (帮扶责任人, measures of the year, the cadre's
// monthly visits) and the guarantees the documents require for every poor household: 低保 应保尽保,
// 100% basic medical insurance, no 危房. docs/registry.md "Problem list" gives each rule with the
// passage of ../shared/seeds/ it comes from.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "quality_internal.h"

namespace doorstep::registry::quality_internal {
namespace {

bool Blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// seeds/000, 001 and 002: a household without anybody able to work, or a seriously ill or severely
// disabled member, is covered by 低保 or 特困供养. Returns why the household qualifies, "" if not.
std::string GuaranteeReason(const Household& h) {
  bool all_without_labor = true;
  for (const Member& m : h.members) {
    if (!m.Active()) continue;
    if (m.labor != "lost_labor" && m.labor != "no_labor") all_without_labor = false;
  }
  if (all_without_labor) return "全户无劳动能力";
  for (const Member& m : h.members) {
    if (!m.Active()) continue;
    if (m.health == "serious_illness") return "成员 " + m.name + " 患重病";
    if (m.health == "disabled" && (m.disability_grade == 1 || m.disability_grade == 2)) {
      return "成员 " + m.name + " 重度残疾（" + std::to_string(m.disability_grade) + " 级）";
    }
  }
  return {};
}

void CheckGuarantee(const Household& h, std::vector<Problem>* out) {
  for (const Member& m : h.members) {
    if (m.Active() && (m.low_income_guarantee || m.extreme_poverty_support)) return;
  }
  const std::string reason = GuaranteeReason(h);
  if (reason.empty()) return;
  out->push_back(HouseholdProblem(h, kProblemLowIncomeGuaranteeMissing,
                                  reason + "，全户无人享受低保或特困供养（应保尽保）"));
}

void CheckInsurance(const Household& h, std::vector<Problem>* out) {
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& m = h.members[i];
    if (!m.Active() || m.medical_insurance) continue;
    out->push_back(MemberProblem(h, static_cast<int>(i), kProblemMedicalInsuranceMissing,
                                 "未参加城乡居民基本医疗保险（贫困人口应全部参保）"));
  }
}

void CheckHouse(const Household& h, std::vector<Problem>* out) {
  if (h.danger_grade != "C" && h.danger_grade != "D") return;
  out->push_back(
      HouseholdProblem(h, kProblemDangerousHouse,
                       "住房为 " + h.danger_grade + " 级危房，住房安全未保障，应纳入危房改造"));
}

void CheckMeasures(const Household& h, const QualityOptions& options, std::vector<Problem>* out) {
  const int32_t day = h.visit_day != kNoDay ? h.visit_day : options.today;
  if (day == kNoDay) return;
  const int year = YearOfDay(day);
  int latest = 0;
  for (const AssistanceMeasure& m : h.measures) latest = std::max(latest, m.year);
  if (latest >= year) return;
  std::string detail = std::to_string(year) + " 年无帮扶措施";
  detail += latest > 0 ? "（最近一项为 " + std::to_string(latest) + " 年）" : "（未登记任何措施）";
  out->push_back(HouseholdProblem(h, kProblemNoMeasuresThisYear, std::move(detail)));
}

void CheckVisits(const Household& h, const QualityOptions& options,
                 const std::multimap<std::string, const AssistanceVisit*>& visits,
                 std::vector<Problem>* out) {
  int32_t last = kNoDay;
  for (auto [it, end] = visits.equal_range(h.id); it != end; ++it) {
    const AssistanceVisit& v = *it->second;
    if (v.cadre_name != h.cadre_name || v.visit_day == kNoDay || v.visit_day > options.today) {
      continue;
    }
    last = last == kNoDay ? v.visit_day : std::max(last, v.visit_day);
  }
  const std::string limit =
      "（每月至少走访一次，上限 " + std::to_string(options.max_assistance_gap_days) + " 天）";
  if (last == kNoDay) {
    out->push_back(HouseholdProblem(h, kProblemAssistanceVisitOverdue,
                                    "帮扶责任人 " + h.cadre_name + " 无帮扶走访记录" + limit));
    return;
  }
  const int64_t gap = int64_t{options.today} - last;
  if (gap <= options.max_assistance_gap_days) return;
  out->push_back(HouseholdProblem(h, kProblemAssistanceVisitOverdue,
                                  "帮扶责任人 " + h.cadre_name + " 最近一次帮扶走访 " +
                                      FormatIsoDay(last) + "，距今 " + std::to_string(gap) + " 天" +
                                      limit));
}

}  // namespace

std::set<std::string> VillagesWithVisits(const Township& township) {
  std::set<std::string> villages;
  std::set<std::string> households;
  for (const AssistanceVisit& v : township.visits) {
    if (!v.village.empty()) villages.insert(v.village);
    if (!v.household_id.empty()) households.insert(v.household_id);
  }
  for (const Household& h : township.households) {
    if (households.count(h.id)) villages.insert(h.village);
  }
  return villages;
}

std::multimap<std::string, const AssistanceVisit*> VisitsByHousehold(const Township& township) {
  std::multimap<std::string, const AssistanceVisit*> out;
  for (const AssistanceVisit& v : township.visits) out.emplace(v.household_id, &v);
  return out;
}

void CheckPoorHousehold(const Household& h, const QualityOptions& options,
                        const std::set<std::string>& visited_villages,
                        const std::multimap<std::string, const AssistanceVisit*>& visits,
                        std::vector<Problem>* out) {
  // An empty household is reported once, as empty_household_not_removed.
  if (!IsPoorStatus(h.status) || h.ActiveSize() == 0) return;
  CheckGuarantee(h, out);
  CheckInsurance(h, out);
  CheckHouse(h, out);
  if (Blank(h.cadre_name)) {
    out->push_back(HouseholdProblem(h, kProblemNoAssistanceCadre, "未落实帮扶责任人"));
  } else if (options.today != kNoDay && visited_villages.count(h.village)) {
    CheckVisits(h, options, visits, out);
  }
  CheckMeasures(h, options, out);
}

}  // namespace doorstep::registry::quality_internal
