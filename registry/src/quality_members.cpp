// Problem list, member checks: ages that do not fit the school status or the family relation.
// Ages come from the resident ID on the visit day (the day the form was true), falling back to the
// recorded age when the ID is invalid, so one typo in an ID does not hide every age problem.

#include <string>
#include <utility>
#include <vector>

#include "doorstep/registry/resident_id.h"
#include "quality_internal.h"

namespace doorstep::registry::quality_internal {
namespace {

struct SchoolRange {
  const char* status;
  const char* title;
  int min_age;
  int max_age;
};

// Ages at which each school stage is plausible; generous at both ends for late starters, repeated
// years and adult vocational courses, so a mismatch is a real data error.
constexpr SchoolRange kSchoolRanges[] = {
    {"preschool", "学前教育", 2, 7}, {"primary", "小学", 5, 15},
    {"junior_high", "初中", 10, 18}, {"senior_high", "高中", 13, 21},
    {"vocational", "中职", 13, 25},  {"college", "大专及以上", 15, 40},
    {"dropout", "辍学", 6, 18},
};

// Compulsory education (义务教育) ages: a child of these ages must be in school or marked dropout.
constexpr int kCompulsoryMin = 7;
constexpr int kCompulsoryMax = 14;

std::string AgeText(int age) {
  return std::to_string(age) + " 岁";
}

void CheckSchool(const Household& h, int index, int age, std::vector<Problem>* out) {
  const std::string& status = h.members[static_cast<size_t>(index)].school_status;
  if (status == "not_in_school") {
    if (age >= kCompulsoryMin && age <= kCompulsoryMax) {
      out->push_back(
          MemberProblem(h, index, kProblemAgeSchoolMismatch,
                        "年龄 " + AgeText(age) +
                            "，处于义务教育年龄（7-14 岁）却登记为非在校生，应在校或标记辍学"));
    }
    return;
  }
  for (const SchoolRange& r : kSchoolRanges) {
    if (status != r.status) continue;
    if (age < r.min_age || age > r.max_age) {
      out->push_back(MemberProblem(h, index, kProblemAgeSchoolMismatch,
                                   "年龄 " + AgeText(age) + "，在校情况为“" + r.title +
                                       "”，该情况应为 " + std::to_string(r.min_age) + "-" +
                                       std::to_string(r.max_age) + " 岁"));
    }
    return;
  }
}

const char* RelationTitle(const std::string& relation) {
  if (relation == "son") return "之子";
  if (relation == "daughter") return "之女";
  if (relation == "son_in_law") return "之女婿";
  if (relation == "daughter_in_law") return "之儿媳";
  if (relation == "grandson") return "之孙子";
  if (relation == "granddaughter") return "之孙女";
  if (relation == "father") return "之父";
  if (relation == "mother") return "之母";
  if (relation == "spouse") return "配偶";
  return relation == "head" ? "户主" : "成员";
}

// Minimum generation gaps: a child at least 12 years younger than the head, a grandchild 24, a
// parent 12 years older; a spouse of marriageable-ish age and a head at least 16.
void CheckRelation(const Household& h, int index, int age, int head_age,
                   std::vector<Problem>* out) {
  const std::string& relation = h.members[static_cast<size_t>(index)].relation;
  const std::string title = RelationTitle(relation);
  std::string detail;
  if (relation == "spouse") {
    if (age < 18) detail = "配偶年龄 " + AgeText(age) + "，不满 18 岁";
  } else if (relation == "head") {
    if (age < 16) detail = "户主年龄 " + AgeText(age) + "，不满 16 岁";
  } else if (head_age >= 0) {
    const std::string ages = title + "年龄 " + AgeText(age) + "，户主 " + AgeText(head_age);
    if (relation == "son" || relation == "daughter" || relation == "son_in_law" ||
        relation == "daughter_in_law") {
      if (age > head_age - 12) detail = ages + "，应比户主小 12 岁以上";
    } else if (relation == "grandson" || relation == "granddaughter") {
      if (age > head_age - 24) detail = ages + "，应比户主小 24 岁以上";
    } else if (relation == "father" || relation == "mother") {
      if (age < head_age + 12) detail = ages + "，应比户主大 12 岁以上";
    }
  }
  if (!detail.empty()) {
    out->push_back(MemberProblem(h, index, kProblemAgeRelationMismatch, std::move(detail)));
  }
}

// The head's age: the first active member recorded as head, else the household's head ID.
int HeadAge(const Household& h, int32_t day) {
  for (const Member& m : h.members) {
    if (m.Active() && m.relation == "head") return MemberAge(m, day);
  }
  return day == kNoDay ? -1 : AgeFromResidentId(h.head_id_number, day);
}

}  // namespace

int32_t AgeDay(const Household& h, const QualityOptions& options) {
  return h.visit_day != kNoDay ? h.visit_day : options.today;
}

int MemberAge(const Member& m, int32_t day) {
  if (day != kNoDay) {
    const int from_id = AgeFromResidentId(m.id_number, day);
    if (from_id >= 0) return from_id;
  }
  return m.age >= 0 ? m.age : -1;
}

void CheckMemberAges(const Household& h, const QualityOptions& options, std::vector<Problem>* out) {
  const int32_t day = AgeDay(h, options);
  const int head_age = HeadAge(h, day);
  for (size_t mi = 0; mi < h.members.size(); ++mi) {
    const Member& m = h.members[mi];
    if (!m.Active()) continue;
    const int age = MemberAge(m, day);
    if (age < 0) continue;
    CheckSchool(h, static_cast<int>(mi), age, out);
    CheckRelation(h, static_cast<int>(mi), age, head_age, out);
  }
}

}  // namespace doorstep::registry::quality_internal
