// The dated procedure of a status review (程序): which steps a transition needs, their outcomes,
// order and waiting periods. See workflow.h for the rules and model.h (Review) for the order.
#include <string>
#include <vector>

#include "workflow_internal.h"

namespace doorstep::registry::workflow_internal {
namespace {

struct Step {
  const char* field;  // the Review field, for the English half of messages
  const char* zh;     // names the step in Chinese
  int32_t day;
  const std::string* outcome = nullptr;  // assessments and reviews
  int period = 0;                        // notices 7 days, the announcement 5
  bool objection = false;                // notices and the announcement
  bool objection_resolved = false;
  bool required = true;
};

bool TwoRounds(Transition t) {
  return t == Transition::kNewInclusion || t == Transition::kReturn;
}

std::vector<Step> StepsOf(const Review& r) {
  std::vector<Step> steps;
  const bool two = TwoRounds(r.transition);
  if (two) steps.push_back({"application", "农户申请", r.application_day});
  steps.push_back({"assessment1", two ? "第一次民主评议" : "民主评议", r.assessment1_day,
                   &r.assessment1_outcome});
  steps.push_back({"notice1", two ? "第一次公示" : "公示", r.notice1_start, nullptr, kNoticeDays,
                   r.notice1_objection, r.notice1_objection_resolved});
  steps.push_back({"township_review", two ? "乡镇审核" : "乡镇抽查审核", r.township_review_day,
                   &r.township_review_outcome});
  if (two) {
    steps.push_back({"notice2", "第二次公示", r.notice2_start, nullptr, kNoticeDays,
                     r.notice2_objection, r.notice2_objection_resolved});
    steps.push_back(
        {"county_review", "县扶贫办复审", r.county_review_day, &r.county_review_outcome});
    steps.push_back({"comparison", "信息比对", r.comparison_day});
    // Only suspected problems are fed back (seeds/000: 把疑似问题反馈给村、户).
    steps.push_back({"feedback", "疑点反馈村户", r.feedback_day, nullptr, 0, false, false,
                     !r.comparison_flags.empty()});
    steps.push_back({"assessment2", "第二次民主评议", r.assessment2_day, &r.assessment2_outcome});
  }
  steps.push_back({"announcement", "公告", r.announcement_start, nullptr, kAnnouncementDays,
                   r.announcement_objection, r.announcement_objection_resolved});
  steps.push_back({"notification", "告知", r.notification_day});
  return steps;
}

void CheckPresenceAndOutcomes(const std::vector<Step>& steps, std::vector<Unmet>* unmet) {
  for (const Step& s : steps) {
    const std::string zh = s.zh;
    const std::string en = s.field;
    if (s.day == kNoDay) {
      if (s.required) {
        unmet->push_back(MakeUnmet(kUnmetStepMissing, "缺少" + zh, "step missing: " + en));
      }
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

// Nothing after a notice or the announcement (later steps, then the completion) before its start
// + its period; one report per period, naming the first step that came too early.
void CheckPeriods(const std::vector<Step>& steps, int32_t completion, std::vector<Unmet>* unmet) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& period = steps[i];
    if (period.period == 0 || period.day == kNoDay) continue;
    const int32_t earliest = period.day + period.period;
    const bool announcement = period.period == kAnnouncementDays;
    std::string zh_next;
    std::string en_next;
    for (size_t j = i + 1; j < steps.size() && en_next.empty(); ++j) {
      if (steps[j].day != kNoDay && steps[j].day < earliest) {
        zh_next = steps[j].zh;
        en_next = steps[j].field;
      }
    }
    const std::string first_day = FormatIsoDay(earliest);
    if (en_next.empty() && announcement && (completion == kNoDay || completion < earliest)) {
      unmet->push_back(
          MakeUnmet(kUnmetAnnouncementPeriodNotOver, "公告期5天未满，最早 " + first_day + " 办结",
                    "announcement lasts 5 days: completion no earlier than " + first_day));
      continue;
    }
    if (en_next.empty() && completion != kNoDay && completion < earliest) {
      zh_next = "办结";
      en_next = "completion";
    }
    if (en_next.empty()) continue;
    if (announcement) {
      unmet->push_back(MakeUnmet(
          kUnmetAnnouncementPeriodNotOver,
          "公告期5天未满即" + zh_next + "（最早 " + first_day + "）",
          "announcement lasts 5 days: " + en_next + " is before " + first_day));
      continue;
    }
    unmet->push_back(MakeUnmet(
        kUnmetNoticePeriodNotOver,
        std::string(period.zh) + "未满7天即" + zh_next + "（最早 " + first_day + "）",
        std::string(period.field) + " lasts 7 days: " + en_next + " is before " + first_day));
  }
}

void CheckObjections(const std::vector<Step>& steps, std::vector<Unmet>* unmet) {
  for (const Step& s : steps) {
    if (s.period != 0 && s.objection && !s.objection_resolved) {
      unmet->push_back(MakeUnmet(kUnmetObjectionUnresolved, std::string(s.zh) + "期间的异议未处理",
                                 std::string("objection during ") + s.field + " unresolved"));
    }
  }
}

void CheckComparison(const Review& r, std::vector<Unmet>* unmet) {
  if (r.comparison_day != kNoDay && r.comparison_departments.empty()) {
    // A comparison that names no department compared nothing.
    unmet->push_back(MakeUnmet(kUnmetComparisonDepartmentsMissing, "信息比对未记录比对部门",
                               "the comparison names no department"));
  }
  if (!r.comparison_flags.empty() && !r.comparison_flags_handled) {
    // The count only: what the comparison found (a car, a company) is the household's business.
    const std::string n = std::to_string(r.comparison_flags.size());
    unmet->push_back(MakeUnmet(kUnmetComparisonFlagsUnhandled,
                               "信息比对发现的 " + n + " 项问题未经第二次民主评议处理",
                               n + " comparison flags not handled by assessment2"));
  }
}

}  // namespace

void CheckProcedure(const Review& review, int32_t completion, int32_t today,
                    std::vector<Unmet>* unmet) {
  const std::vector<Step> steps = StepsOf(review);
  CheckPresenceAndOutcomes(steps, unmet);
  if (today != kNoDay) {
    // A step dated in the future has not happened: its waiting period proves nothing yet.
    for (const Step& s : steps) {
      if (s.day != kNoDay && s.day > today) {
        unmet->push_back(MakeUnmet(kUnmetStepInFuture, std::string(s.zh) + "日期晚于今天",
                                   std::string(s.field) + " is dated after today"));
      }
    }
    if (review.completed_day != kNoDay && review.completed_day > today) {
      unmet->push_back(
          MakeUnmet(kUnmetStepInFuture, "办结日期晚于今天", "completion is dated after today"));
    }
  }
  if (review.transition != Transition::kRemoval && review.assessment1_day != kNoDay &&
      !review.household_acknowledged) {
    // seeds/000: 经...核实、贫困户认可，在村内进行第一次公示.
    unmet->push_back(MakeUnmet(kUnmetNotAcknowledged, "评议结果未经贫困户认可",
                               "the household has not acknowledged the assessment"));
  }
  CheckOrder(steps, unmet);
  CheckPeriods(steps, completion, unmet);
  CheckObjections(steps, unmet);
  if (TwoRounds(review.transition)) CheckComparison(review, unmet);
  if (review.notification_day != kNoDay && completion != kNoDay &&
      completion < review.notification_day) {
    unmet->push_back(MakeUnmet(kUnmetStepOutOfOrder, "办结日期早于告知",
                               "completion is dated before notification"));
  }
}

}  // namespace doorstep::registry::workflow_internal
