// Problem list, household checks (income against the poverty line, 应退未退, guarantees,
// signatures, visit age, implausible incomes, empty households) and FindProblems, which runs every
// check group.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "doorstep/registry/poverty_line.h"
#include "quality_internal.h"
#include "report_format.h"

namespace doorstep::registry::quality_internal {
namespace {

using format::Yuan;

// The line a household is measured against: the year of the visit when known, else `fallback_year`
// (lifted_year for lifted households, the status or identification year for poor ones).
std::optional<double> LineFor(const Household& h, int fallback_year, const PovertyLines& lines,
                              int* year) {
  *year = h.visit_day != kNoDay ? YearOfDay(h.visit_day) : fallback_year;
  if (*year <= 0) return std::nullopt;
  const std::string province = h.county_code.size() >= 2 ? h.county_code.substr(0, 2) : "";
  return lines.Line(*year, province);
}

bool DangerousHouse(const Household& h) {
  return h.danger_grade == "C" || h.danger_grade == "D";
}

// A C or D house (危房) is unsafe housing whatever the guarantee field says.
std::string UnmetGuarantees(const Household& h) {
  const Guarantees& g = h.guarantees;
  std::string unmet;
  auto add = [&](bool met, const std::string& name) {
    if (met) return;
    if (!unmet.empty()) unmet += "、";
    unmet += name;
  };
  add(g.food, "不愁吃");
  add(g.clothing, "不愁穿");
  add(g.compulsory_education, "义务教育有保障");
  add(g.basic_medical, "基本医疗有保障");
  add(g.safe_housing && !DangerousHouse(h),
      DangerousHouse(h) ? "住房安全有保障（住房为 " + h.danger_grade + " 级危房）"
                        : std::string("住房安全有保障"));
  add(g.safe_drinking_water, "饮水安全有保障");
  return unmet;
}

// Per-capita checks need somebody left to divide by: an empty household is reported as
// empty_household_not_removed instead of as "income 0 below the line".
void CheckLines(const Household& h, const QualityOptions& options, const PovertyLines& lines,
                std::vector<Problem>* out) {
  if (h.ActiveSize() == 0) return;
  const double per_capita = h.PerCapitaNet();
  int year = 0;
  if (h.status == kStatusLifted) {
    const std::optional<double> line = LineFor(h, h.lifted_year, lines, &year);
    if (line && per_capita <= *line) {
      out->push_back(HouseholdProblem(h, kProblemLiftedBelowLine,
                                      "已脱贫户人均纯收入 " + Yuan(per_capita) + " 元，不高于 " +
                                          std::to_string(year) + " 年贫困线 " + Yuan(*line) +
                                          " 元"));
    }
  } else if (IsPoorStatus(h.status)) {
    const int fallback = h.status_year > 0 ? h.status_year : h.identification_year;
    const std::optional<double> line = LineFor(h, fallback, lines, &year);
    if (line && per_capita > options.far_above_factor * *line) {
      out->push_back(HouseholdProblem(
          h, kProblemPoorFarAboveLine,
          "疑似错评：贫困户人均纯收入 " + Yuan(per_capita) + " 元，超过 " + std::to_string(year) +
              " 年贫困线 " + Yuan(*line) + " 元的 " + Yuan(options.far_above_factor) + " 倍"));
    }
  }
}

void CheckGuarantees(const Household& h, std::vector<Problem>* out) {
  if (h.status == kStatusLifted && (!h.guarantees.AllMet() || DangerousHouse(h))) {
    out->push_back(
        HouseholdProblem(h, kProblemLiftedGuaranteeUnmet, "未达到：" + UnmetGuarantees(h)));
  }
}

void CheckSignatures(const Household& h, const QualityOptions& options, std::vector<Problem>* out) {
  std::set<std::string> roles;
  for (const std::string& role : options.required_roles) {
    if (!roles.insert(role).second) continue;
    const Signature* s = h.SignatureOf(role);
    if (s == nullptr || s->state == SignatureState::kMissing) {
      Problem p = HouseholdProblem(h, kProblemSignatureMissing, "缺少" + RoleTitle(role) + "签名");
      p.role = role;
      out->push_back(std::move(p));
    }
  }
  roles.clear();
  for (const Signature& sig : h.signatures) {
    if (!roles.insert(sig.role).second) continue;
    if (h.SignatureOf(sig.role)->state != SignatureState::kStale) continue;
    Problem p = HouseholdProblem(h, kProblemSignatureStale,
                                 RoleTitle(sig.role) + "签名后记录内容有改动，需重新签名");
    p.role = sig.role;
    out->push_back(std::move(p));
  }
}

void CheckVisit(const Household& h, const QualityOptions& options, std::vector<Problem>* out) {
  if (h.visit_day == kNoDay) {
    out->push_back(HouseholdProblem(h, kProblemVisitStale, "未记录入户走访日期"));
    return;
  }
  if (options.today == kNoDay) return;
  const int64_t age_days = int64_t{options.today} - h.visit_day;
  if (age_days > options.max_visit_age_days) {
    out->push_back(HouseholdProblem(h, kProblemVisitStale,
                                    "最近一次入户走访 " + FormatIsoDay(h.visit_day) + "，距今 " +
                                        std::to_string(age_days) + " 天，超过 " +
                                        std::to_string(options.max_visit_age_days) + " 天"));
  }
}

void CheckIncome(const Household& h, const QualityOptions& options, std::vector<Problem>* out) {
  const Income& in = h.income;
  const std::pair<double, const char*> parts[] = {
      {in.wage, "工资性收入"},
      {in.production, "生产经营性收入"},
      {in.property, "财产性收入"},
      {in.subsidy, "政策性补贴"},
      {in.pension, "养老金"},
      {in.eco_compensation, "生态补偿金"},
      {in.production_costs, "生产经营性支出"},
  };
  std::string detail;
  for (const auto& [value, name] : parts) {
    if (value >= 0) continue;  // false for NaN too: a non-number is as implausible as a negative
    if (!detail.empty()) detail += "；";
    detail += name;
    detail += std::isnan(value) ? "不是有效数字" : "为负数（" + Yuan(value) + " 元）";
  }
  if (h.ActiveSize() > 0 && h.PerCapitaNet() > options.max_per_capita_yuan) {
    if (!detail.empty()) detail += "；";
    detail += "人均纯收入 " + Yuan(h.PerCapitaNet()) + " 元，超过上限 " +
              Yuan(options.max_per_capita_yuan) + " 元";
  }
  if (!detail.empty()) out->push_back(HouseholdProblem(h, kProblemIncomeImplausible, detail));
}

}  // namespace

Problem HouseholdProblem(const Household& h, const char* code, std::string detail) {
  Problem p;
  p.code = code;
  p.village = h.village;
  p.household_id = h.id;
  p.household_no = h.household_no;
  p.head_name = h.head_name;
  p.detail = std::move(detail);
  return p;
}

Problem MemberProblem(const Household& h, int index, const char* code, std::string detail) {
  Problem p = HouseholdProblem(h, code, std::move(detail));
  p.member_index = index;
  p.member_name = h.members[static_cast<size_t>(index)].name;
  return p;
}

// 应退未退: above the line with every guarantee met, and no exit under way.
void CheckShouldExit(const Township& township, const QualityOptions& options,
                     const PovertyLines& lines, std::vector<Problem>* out) {
  // An exit under way: assessed this year or last (an exit abandoned long ago hides nothing), not
  // completed, not applied, nothing rejected.
  const int this_year = YearOfDay(options.today);
  std::set<std::string> exiting;
  for (const Review& r : township.reviews) {
    const bool rejected = r.assessment1_outcome == "rejected" ||
                          r.township_review_outcome == "rejected";
    const bool recent = r.year == 0 || r.year >= this_year - 1;
    if (r.transition == Transition::kExit && r.completed_day == kNoDay &&
        r.applied_day == kNoDay && !rejected && recent) {
      exiting.insert(r.household_id);
    }
  }
  for (const Household& h : township.households) {
    if (!IsPoorStatus(h.status) || h.ActiveSize() == 0 || !h.guarantees.AllMet() ||
        DangerousHouse(h) || exiting.count(h.id) > 0) {
      continue;
    }
    int year = 0;
    const int fallback = h.status_year > 0 ? h.status_year : h.identification_year;
    const std::optional<double> line = LineFor(h, fallback, lines, &year);
    const double per_capita = h.PerCapitaNet();
    if (!line || per_capita <= *line || per_capita > options.far_above_factor * *line) continue;
    out->push_back(HouseholdProblem(
        h, kProblemShouldExit,
        "应退未退：人均纯收入 " + Yuan(per_capita) + " 元，高于 " + std::to_string(year) +
            " 年贫困线 " + Yuan(*line) + " 元，两不愁三保障均已实现，未启动脱贫退出程序"));
  }
}

}  // namespace doorstep::registry::quality_internal

namespace doorstep::registry {

std::vector<Problem> FindProblems(const Township& township, const QualityOptions& options) {
  using namespace quality_internal;
  static const PovertyLines kBuiltIn = PovertyLines::BuiltIn();
  const PovertyLines& lines = options.lines != nullptr ? *options.lines : kBuiltIn;
  std::vector<Problem> problems;
  CheckDuplicateHouseholds(township, &problems);
  CheckResidentIds(township, options, &problems);
  CheckReviews(township, &problems);
  CheckShouldExit(township, options, lines, &problems);
  const std::set<std::string> visited_villages = VillagesWithVisits(township);
  const auto visits = VisitsByHousehold(township);
  for (const Household& h : township.households) {
    if (h.status == kStatusRemoved) continue;
    CheckMemberAges(h, options, &problems);
    CheckLines(h, options, lines, &problems);
    CheckGuarantees(h, &problems);
    CheckPoorHousehold(h, options, visited_villages, visits, &problems);
    CheckSignatures(h, options, &problems);
    CheckVisit(h, options, &problems);
    CheckIncome(h, options, &problems);
    if (h.ActiveSize() == 0) {
      problems.push_back(HouseholdProblem(h, kProblemEmptyHouseholdNotRemoved,
                                          "家庭成员均已减员（死亡、迁出等），户未清退"));
    }
  }
  auto key = [](const Problem& p) {
    return std::tie(p.village, p.household_no, p.household_id, p.code, p.member_index, p.role);
  };
  std::stable_sort(problems.begin(), problems.end(),
                   [&](const Problem& a, const Problem& b) { return key(a) < key(b); });
  return problems;
}

}  // namespace doorstep::registry
