// Problem list output for the township clerk: titles, the grouped text list and the CSV for Excel.

#include <map>
#include <string>
#include <vector>

#include "doorstep/registry/quality.h"
#include "report_format.h"

namespace doorstep::registry {
namespace {

struct CodeTitle {
  const char* code;
  const char* title;
};

// In the order the clerk works through them: identity first, then ages, income and 应退未退, the
// reviews' findings (漏评, 错评, 错退, comparison flags), the guarantees of poor households,
// assistance, paperwork.
constexpr CodeTitle kTitles[] = {
    {kProblemDuplicateIdAcrossHouseholds, "身份证号重复（跨户）"},
    {kProblemDuplicateIdInHousehold, "身份证号重复（户内）"},
    {kProblemDuplicateHousehold, "户编号重复"},
    {kProblemInvalidResidentId, "身份证号无效"},
    {kProblemAgeSchoolMismatch, "年龄与在校情况不符"},
    {kProblemAgeRelationMismatch, "年龄与家庭关系不符"},
    {kProblemLiftedBelowLine, "已脱贫户收入未超过贫困线"},
    {kProblemLiftedGuaranteeUnmet, "已脱贫户“两不愁三保障”未达标"},
    {kProblemPoorFarAboveLine, "疑似错评（收入远超贫困线）"},
    {kProblemShouldExit, "应退未退"},
    {kProblemMissedNotIncluded, "漏评户未纳入"},
    {kProblemWrongInclusionNotRemoved, "错评未清退"},
    {kProblemWrongExitNotCorrected, "错退未纠正"},
    {kProblemComparisonFlagsUnhandled, "比对疑点未处理"},
    {kProblemLowIncomeGuaranteeMissing, "低保应保未保"},
    {kProblemMedicalInsuranceMissing, "未参加基本医疗保险"},
    {kProblemDangerousHouse, "贫困户住危房"},
    {kProblemNoAssistanceCadre, "未落实帮扶责任人"},
    {kProblemNoMeasuresThisYear, "当年无帮扶措施"},
    {kProblemAssistanceVisitOverdue, "帮扶走访超期"},
    {kProblemSignatureMissing, "缺少签名"},
    {kProblemSignatureStale, "签名已失效"},
    {kProblemVisitStale, "入户走访超期"},
    {kProblemIncomeImplausible, "收入数据异常"},
    {kProblemEmptyHouseholdNotRemoved, "无在册成员未清退"},
};

constexpr size_t kTitleCount = sizeof kTitles / sizeof kTitles[0];

// Catalog position of a code; unknown codes sort after every known one.
size_t CodeRank(const std::string& code) {
  for (size_t i = 0; i < kTitleCount; ++i) {
    if (code == kTitles[i].code) return i;
  }
  return kTitleCount;
}

std::string VillageTitle(const std::string& village) {
  return village.empty() ? "（未填村名）" : village;
}

}  // namespace

const char* ProblemTitle(const std::string& code) {
  const size_t rank = CodeRank(code);
  return rank < kTitleCount ? kTitles[rank].title : "其他问题";
}

std::string RoleTitle(const std::string& role) {
  if (role == "household_head") return "户主";
  if (role == "surveyor") return "调查员";
  if (role == "team_leader") return "调查组组长";
  if (role == "vice_team_leader") return "调查组副组长";
  return role;
}

std::string ProblemsText(const std::vector<Problem>& problems) {
  // Villages in name order; within a village the problems keep the caller's order.
  std::map<std::string, std::vector<const Problem*>> by_village;
  for (const Problem& p : problems) by_village[p.village].push_back(&p);
  if (problems.empty()) return "问题清单：未发现问题\n";

  std::string out = "问题清单：共 " + std::to_string(problems.size()) + " 个问题，涉及 " +
                    std::to_string(by_village.size()) + " 个村\n";
  for (const auto& [village, list] : by_village) {
    out += "\n【" + VillageTitle(village) + "】" + std::to_string(list.size()) + " 个问题\n";
    std::map<std::pair<size_t, std::string>, int> per_code;
    for (const Problem* p : list) ++per_code[{CodeRank(p->code), p->code}];
    std::vector<std::vector<std::string>> counts;
    for (const auto& [key, n] : per_code) {
      counts.push_back({"  " + std::string(ProblemTitle(key.second)), std::to_string(n)});
    }
    out += format::Table(counts, {format::Align::kLeft, format::Align::kRight});
    out += '\n';
    std::vector<std::vector<std::string>> rows = {{"户编号", "户主", "成员", "问题", "说明"}};
    for (const Problem* p : list) {
      rows.push_back(
          {p->household_no, p->head_name, p->member_name, ProblemTitle(p->code), p->detail});
    }
    out += format::Table(rows, {});
  }
  return out;
}

std::string ProblemsCsv(const std::vector<Problem>& problems) {
  std::string out(format::kUtf8Bom);
  format::AppendCsvRow(&out, {"村", "户编号", "户主", "成员", "问题", "说明", "问题代码",
                              "成员序号", "签名角色", "户记录ID", "评议记录ID"});
  for (const Problem& p : problems) {
    format::AppendCsvRow(
        &out, {p.village, p.household_no, p.head_name, p.member_name, ProblemTitle(p.code),
               p.detail, p.code, p.member_index >= 0 ? std::to_string(p.member_index + 1) : "",
               p.role.empty() ? "" : RoleTitle(p.role), p.household_id, p.review_id});
  }
  return out;
}

}  // namespace doorstep::registry
