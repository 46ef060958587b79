// The dated procedure of a status review (程序): which steps a transition needs, their outcomes,
// order and waiting periods. See workflow.h for the rules.
#include <string>
#include <vector>

#include "workflow_internal.h"

namespace doorstep::registry::workflow_internal {
namespace {

enum class Kind { kAssessment, kNotice, kComparison, kAnnouncement, kNotification };

struct Step {
  Kind kind;
  const char* field;  // the Review field, for the English half of messages
  const char* zh;     // names the step in Chinese: 评议 / 公示 / 比对 / 公告 / 告知
  int32_t day;
  const std::string* outcome = nullptr;  // assessments
  bool objection = false;                // notices
  bool objection_resolved = false;
};

bool TwoRounds(Transition t) {
  return t == Transition::kNewInclusion || t == Transition::kReturn;
}

std::vector<Step> StepsOf(const Review& r) {
  std::vector<Step> steps;
  if (TwoRounds(r.transition)) {
    steps.push_back({Kind::kAssessment, "assessment1", "第一次民主评议", r.assessment1_day,
                     &r.assessment1_outcome});
    steps.push_back({Kind::kNotice, "notice1", "第一次公示", r.notice1_start, nullptr,
                     r.notice1_objection, r.notice1_objection_resolved});
    steps.push_back({Kind::kComparison, "comparison", "信息比对", r.comparison_day});
    steps.push_back({Kind::kAssessment, "assessment2", "第二次民主评议", r.assessment2_day,
                     &r.assessment2_outcome});
    steps.push_back({Kind::kNotice, "notice2", "第二次公示", r.notice2_start, nullptr,
                     r.notice2_objection, r.notice2_objection_resolved});
  } else {
    steps.push_back(
        {Kind::kAssessment, "assessment1", "民主评议", r.assessment1_day, &r.assessment1_outcome});
    steps.push_back({Kind::kNotice, "notice1", "公示", r.notice1_start, nullptr,
                     r.notice1_objection, r.notice1_objection_resolved});
  }
  steps.push_back({Kind::kAnnouncement, "announcement", "公告", r.announcement_start});
  steps.push_back({Kind::kNotification, "notification", "告知", r.notification_day});
  return steps;
}

void CheckPresenceAndOutcomes(const std::vector<Step>& steps, std::vector<Unmet>* unmet) {
  for (const Step& s : steps) {
    const std::string zh = s.zh;
    const std::string en = s.field;
    if (s.day == kNoDay) {
      unmet->push_back(MakeUnmet(kUnmetStepMissing, "缺少" + zh, "step missing: " + en));
    } else if (s.outcome != nullptr && *s.outcome != "approved" && *s.outcome != "rejected") {
      // A dated assessment without an outcome has not decided anything yet.
      unmet->push_back(MakeUnmet(kUnmetStepMissing, zh + "结果未记录",
                                 "step missing: " + en + " has no approved outcome"));
    }
    if (s.outcome != nullptr && *s.outcome == "rejected") {
      unmet->push_back(MakeUnmet(kUnmetStepRejected, zh + "未通过", en + " was rejected"));
    }
  }
}

// Each present step against the previous present one: dates may not decrease.
void CheckOrder(const std::vector<Step>& steps, std::vector<Unmet>* unmet) {
  const Step* prev = nullptr;
  for (const Step& s : steps) {
    if (s.day == kNoDay) continue;
    if (prev != nullptr && s.day < prev->day) {
      unmet->push_back(MakeUnmet(kUnmetStepOutOfOrder, std::string(s.zh) + "日期早于" + prev->zh,
                                 std::string(s.field) + " is dated before " + prev->field));
    }
    prev = &s;
  }
}

// Nothing after a notice (later steps, then the completion) before notice start + 7 days; one
// report per notice, naming the first step that came too early.
void CheckNoticePeriods(const std::vector<Step>& steps, int32_t completion,
                        std::vector<Unmet>* unmet) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& notice = steps[i];
    if (notice.kind != Kind::kNotice || notice.day == kNoDay) continue;
    const int32_t earliest = notice.day + kNoticeDays;
    std::string zh_next;
    std::string en_next;
    for (size_t j = i + 1; j < steps.size() && en_next.empty(); ++j) {
      if (steps[j].day != kNoDay && steps[j].day < earliest) {
        zh_next = steps[j].zh;
        en_next = steps[j].field;
      }
    }
    if (en_next.empty() && completion != kNoDay && completion < earliest) {
      zh_next = "办结";
      en_next = "completion";
    }
    if (en_next.empty()) continue;
    const std::string first_day = FormatIsoDay(earliest);
    unmet->push_back(MakeUnmet(
        kUnmetNoticePeriodNotOver,
        std::string(notice.zh) + "未满7天即" + zh_next + "（最早 " + first_day + "）",
        std::string(notice.field) + " lasts 7 days: " + en_next + " is before " + first_day));
  }
}

void CheckObjections(const std::vector<Step>& steps, std::vector<Unmet>* unmet) {
  for (const Step& s : steps) {
    if (s.kind == Kind::kNotice && s.objection && !s.objection_resolved) {
      unmet->push_back(MakeUnmet(kUnmetObjectionUnresolved, std::string(s.zh) + "期间的异议未处理",
                                 std::string("objection during ") + s.field + " unresolved"));
    }
  }
}

void CheckCompletion(const Review& r, int32_t completion, std::vector<Unmet>* unmet) {
  if (r.announcement_start != kNoDay) {
    const int32_t earliest = r.announcement_start + kAnnouncementDays;
    if (completion == kNoDay || completion < earliest) {
      const std::string first_day = FormatIsoDay(earliest);
      unmet->push_back(
          MakeUnmet(kUnmetAnnouncementPeriodNotOver, "公告期5天未满，最早 " + first_day + " 办结",
                    "announcement lasts 5 days: completion no earlier than " + first_day));
    }
  }
  if (r.notification_day != kNoDay && completion != kNoDay && completion < r.notification_day) {
    unmet->push_back(MakeUnmet(kUnmetStepOutOfOrder, "办结日期早于告知",
                               "completion is dated before notification"));
  }
}

}  // namespace

void CheckProcedure(const Review& review, int32_t completion, std::vector<Unmet>* unmet) {
  const std::vector<Step> steps = StepsOf(review);
  CheckPresenceAndOutcomes(steps, unmet);
  CheckOrder(steps, unmet);
  CheckNoticePeriods(steps, completion, unmet);
  CheckObjections(steps, unmet);
  if (TwoRounds(review.transition) && !review.comparison_flags.empty() &&
      !review.comparison_flags_handled) {
    // The count only: what the comparison found (a car, a company) is the household's business.
    const std::string n = std::to_string(review.comparison_flags.size());
    unmet->push_back(MakeUnmet(kUnmetComparisonFlagsUnhandled,
                               "信息比对发现的 " + n + " 项问题未经第二次民主评议处理",
                               n + " comparison flags not handled by assessment2"));
  }
  CheckCompletion(review, completion, unmet);
}

}  // namespace doorstep::registry::workflow_internal
