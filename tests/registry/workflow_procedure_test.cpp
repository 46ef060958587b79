// The procedure of a status review: steps, outcomes, acknowledgement, order, notice and
// announcement periods, objections, the comparison and its feedback.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/poverty_line.h"
#include "doorstep/registry/workflow.h"
#include "workflow_fixtures.h"

namespace doorstep::registry {
namespace {

using namespace rules_test;  // NOLINT: test fixtures

using Codes_ = std::vector<std::string>;

TransitionCheck CheckReview(const Review& r, int32_t today = Today()) {
  return CheckTransition(HouseholdFor(r.transition, StartStatus(r.transition)), r,
                         PovertyLines::BuiltIn(), today);
}

// Exactly one unmet requirement, with this code and message.
void RequireOne(const TransitionCheck& check, const char* code, const std::string& message) {
  REQUIRE(Codes(check.unmet) == Codes_{code});
  CHECK(check.unmet[0].message == message);
}

bool IsTwoRound(Transition t) {
  return t == Transition::kNewInclusion || t == Transition::kReturn;
}

TEST_CASE("complete reviews pass for every transition", "[rules]") {
  for (Transition t : AllTransitions()) {
    INFO(TransitionName(t));
    CHECK(CheckReview(CompleteReview(t)).ok());
  }
}

TEST_CASE("each missing step is reported and named", "[rules]") {
  struct Case {
    Transition t;
    int32_t Review::*day;
    const char* message;
  };
  const Case cases[] = {
      {Transition::kExit, &Review::assessment1_day, "缺少民主评议 (step missing: assessment1)"},
      {Transition::kExit, &Review::notice1_start, "缺少公示 (step missing: notice1)"},
      {Transition::kExit, &Review::township_review_day,
       "缺少乡镇抽查审核 (step missing: township_review)"},
      {Transition::kExit, &Review::announcement_start, "缺少公告 (step missing: announcement)"},
      {Transition::kExit, &Review::notification_day, "缺少告知 (step missing: notification)"},
      {Transition::kRemoval, &Review::notice1_start, "缺少公示 (step missing: notice1)"},
      {Transition::kRemoval, &Review::township_review_day,
       "缺少乡镇抽查审核 (step missing: township_review)"},
      {Transition::kNewInclusion, &Review::application_day,
       "缺少农户申请 (step missing: application)"},
      {Transition::kNewInclusion, &Review::assessment1_day,
       "缺少第一次民主评议 (step missing: assessment1)"},
      {Transition::kNewInclusion, &Review::notice1_start, "缺少第一次公示 (step missing: notice1)"},
      {Transition::kNewInclusion, &Review::township_review_day,
       "缺少乡镇审核 (step missing: township_review)"},
      {Transition::kNewInclusion, &Review::notice2_start, "缺少第二次公示 (step missing: notice2)"},
      {Transition::kNewInclusion, &Review::county_review_day,
       "缺少县扶贫办复审 (step missing: county_review)"},
      {Transition::kNewInclusion, &Review::comparison_day,
       "缺少信息比对 (step missing: comparison)"},
      {Transition::kNewInclusion, &Review::assessment2_day,
       "缺少第二次民主评议 (step missing: assessment2)"},
      {Transition::kNewInclusion, &Review::announcement_start,
       "缺少公告 (step missing: announcement)"},
      {Transition::kNewInclusion, &Review::notification_day,
       "缺少告知 (step missing: notification)"},
      {Transition::kReturn, &Review::application_day, "缺少农户申请 (step missing: application)"},
      {Transition::kReturn, &Review::county_review_day,
       "缺少县扶贫办复审 (step missing: county_review)"},
      {Transition::kReturn, &Review::announcement_start, "缺少公告 (step missing: announcement)"},
      {Transition::kReturn, &Review::notification_day, "缺少告知 (step missing: notification)"},
  };
  for (const Case& c : cases) {
    INFO(TransitionName(c.t) << ": " << c.message);
    Review r = CompleteReview(c.t);
    r.*c.day = kNoDay;
    RequireOne(CheckReview(r), kUnmetStepMissing, c.message);
  }
}

TEST_CASE("the second round is required for new inclusion and return, not for exit", "[rules]") {
  for (Transition t : {Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    Review r = CompleteReview(t);
    r.application_day = kNoDay;
    r.notice2_start = kNoDay;
    r.county_review_day = kNoDay;
    r.comparison_day = kNoDay;
    r.assessment2_day = kNoDay;
    CHECK(Codes(CheckReview(r).unmet) == Codes_{kUnmetStepMissing, kUnmetStepMissing,
                                                kUnmetStepMissing, kUnmetStepMissing,
                                                kUnmetStepMissing});
  }
  for (Transition t : {Transition::kExit, Transition::kRemoval}) {
    INFO(TransitionName(t));
    Review r = CompleteReview(t);
    // Second-round fields are ignored, even when they would fail.
    r.application_day = r.completed_day + 1;
    r.notice2_start = r.completed_day;
    r.notice2_objection = true;
    r.county_review_day = r.assessment1_day;
    r.county_review_outcome = "rejected";
    r.comparison_day = r.completed_day;       // no departments
    r.comparison_flags = {"registered_car"};  // unhandled, no feedback
    r.assessment2_day = r.assessment1_day;
    r.assessment2_outcome = "rejected";
    CHECK(CheckReview(r).ok());
  }
}

TEST_CASE("a rejected assessment or review blocks the transition", "[rules]") {
  struct Case {
    Transition t;
    std::string Review::*outcome;
    const char* message;
  };
  const Case cases[] = {
      {Transition::kExit, &Review::assessment1_outcome,
       "民主评议未通过 (assessment1 was rejected)"},
      {Transition::kExit, &Review::township_review_outcome,
       "乡镇抽查审核未通过 (township_review was rejected)"},
      {Transition::kRemoval, &Review::township_review_outcome,
       "乡镇抽查审核未通过 (township_review was rejected)"},
      {Transition::kNewInclusion, &Review::township_review_outcome,
       "乡镇审核未通过 (township_review was rejected)"},
      {Transition::kNewInclusion, &Review::county_review_outcome,
       "县扶贫办复审未通过 (county_review was rejected)"},
      {Transition::kReturn, &Review::county_review_outcome,
       "县扶贫办复审未通过 (county_review was rejected)"},
      {Transition::kReturn, &Review::assessment2_outcome,
       "第二次民主评议未通过 (assessment2 was rejected)"},
  };
  for (const Case& c : cases) {
    INFO(TransitionName(c.t) << ": " << c.message);
    Review r = CompleteReview(c.t);
    r.*c.outcome = "rejected";
    RequireOne(CheckReview(r), kUnmetStepRejected, c.message);
  }
}

TEST_CASE("an assessment or review without an outcome is not done", "[rules]") {
  Review r = CompleteReview(Transition::kNewInclusion);
  r.assessment2_outcome.clear();
  RequireOne(CheckReview(r), kUnmetStepMissing,
             "第二次民主评议结果未记录 (step missing: assessment2 has no approved outcome)");
  r = CompleteReview(Transition::kReturn);
  r.county_review_outcome = "pending";
  RequireOne(CheckReview(r), kUnmetStepMissing,
             "县扶贫办复审结果未记录 (step missing: county_review has no approved outcome)");
  r = CompleteReview(Transition::kExit);
  r.township_review_outcome.clear();
  RequireOne(CheckReview(r), kUnmetStepMissing,
             "乡镇抽查审核结果未记录 (step missing: township_review has no approved outcome)");
}

TEST_CASE("the household must acknowledge the assessment, except for a removal", "[rules]") {
  for (Transition t : {Transition::kExit, Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    Review r = CompleteReview(t);
    r.household_acknowledged = false;
    RequireOne(CheckReview(r), kUnmetNotAcknowledged,
               "评议结果未经贫困户认可 (the household has not acknowledged the assessment)");
    // No assessment yet: only the missing step is reported.
    r.assessment1_day = kNoDay;
    CHECK(Codes(CheckReview(r).unmet) == Codes_{kUnmetStepMissing});
  }
  Review removal = CompleteReview(Transition::kRemoval);
  removal.household_acknowledged = false;
  CHECK(CheckReview(removal).ok());
}

TEST_CASE("the steps follow the prescribed order", "[rules]") {
  const int32_t d = D0();
  // Every step of a new inclusion on its own day, in the order of the county notice.
  Review r = CompleteReview(Transition::kNewInclusion);
  r.application_day = d;
  r.assessment1_day = d + 1;
  r.notice1_start = d + 2;
  r.township_review_day = d + 9;
  r.notice2_start = d + 10;
  r.county_review_day = d + 17;
  r.comparison_day = d + 18;
  r.comparison_flags = {"registered_car"};
  r.feedback_day = d + 19;
  r.comparison_flags_handled = true;
  r.assessment2_day = d + 20;
  r.announcement_start = d + 21;
  r.notification_day = d + 26;
  r.completed_day = d + 27;
  CHECK(CheckReview(r).ok());

  // The old order (comparison and second assessment before the second notice) is refused.
  r.comparison_flags.clear();
  r.feedback_day = kNoDay;
  r.comparison_day = d + 9;
  r.assessment2_day = d + 9;
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepOutOfOrder, kUnmetNoticePeriodNotOver});
  CHECK(check.unmet[0].message ==
        "信息比对日期早于县扶贫办复审 (comparison is dated before county_review)");
  CHECK(check.unmet[1].message ==
        "第二次公示未满7天即信息比对（最早 2020-03-18） (notice2 lasts 7 days: comparison is "
        "before 2020-03-18)");
}

TEST_CASE("steps out of order are named", "[rules]") {
  struct Case {
    Transition t;
    int32_t Review::*day;
    int offset;  // from D0
    const char* message;
  };
  const Case cases[] = {
      {Transition::kExit, &Review::assessment1_day, 2,
       "公示日期早于民主评议 (notice1 is dated before assessment1)"},
      {Transition::kExit, &Review::township_review_day, 9,
       "公告日期早于乡镇抽查审核 (announcement is dated before township_review)"},
      {Transition::kNewInclusion, &Review::application_day, 1,
       "第一次民主评议日期早于农户申请 (assessment1 is dated before application)"},
      {Transition::kNewInclusion, &Review::township_review_day, 9,
       "第二次公示日期早于乡镇审核 (notice2 is dated before township_review)"},
      {Transition::kReturn, &Review::comparison_day, 16,
       "第二次民主评议日期早于信息比对 (assessment2 is dated before comparison)"},
  };
  for (const Case& c : cases) {
    INFO(TransitionName(c.t) << ": " << c.message);
    Review r = CompleteReview(c.t);
    r.*c.day = D0() + c.offset;
    RequireOne(CheckReview(r), kUnmetStepOutOfOrder, c.message);
  }
  // Feedback comes after the comparison it feeds back.
  Review r = CompleteReview(Transition::kNewInclusion);
  r.comparison_flags = {"registered_car"};
  r.comparison_flags_handled = true;
  r.comparison_day = D0() + 16;
  r.feedback_day = D0() + 15;
  RequireOne(CheckReview(r), kUnmetStepOutOfOrder,
             "疑点反馈村户日期早于信息比对 (feedback is dated before comparison)");
}

TEST_CASE("completion before the household is notified is out of order", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.notification_day = r.completed_day + 1;
  RequireOne(CheckReview(r), kUnmetStepOutOfOrder,
             "办结日期早于告知 (completion is dated before notification)");
}

TEST_CASE("the next step after a notice waits 7 days", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.township_review_day = r.notice1_start + 6;  // 2020-03-02 + 6
  RequireOne(CheckReview(r), kUnmetNoticePeriodNotOver,
             "公示未满7天即乡镇抽查审核（最早 2020-03-09） (notice1 lasts 7 days: township_review "
             "is before 2020-03-09)");
  r.township_review_day = r.notice1_start + 7;
  CHECK(CheckReview(r).ok());

  Review two = CompleteReview(Transition::kNewInclusion);
  two.township_review_day = two.notice1_start + 6;
  RequireOne(CheckReview(two), kUnmetNoticePeriodNotOver,
             "第一次公示未满7天即乡镇审核（最早 2020-03-09） (notice1 lasts 7 days: "
             "township_review is before 2020-03-09)");
  two.township_review_day = two.notice1_start + 7;
  CHECK(CheckReview(two).ok());
  two.county_review_day = two.notice2_start + 6;  // 2020-03-09 + 6
  RequireOne(CheckReview(two), kUnmetNoticePeriodNotOver,
             "第二次公示未满7天即县扶贫办复审（最早 2020-03-16） (notice2 lasts 7 days: "
             "county_review is before 2020-03-16)");
  two.county_review_day = two.notice2_start + 7;
  CHECK(CheckReview(two).ok());
}

TEST_CASE("a later step missing moves the notice check to the next present step", "[rules]") {
  Review r = CompleteReview(Transition::kNewInclusion);
  r.township_review_day = kNoDay;
  r.notice2_start = r.notice1_start + 6;
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepMissing, kUnmetNoticePeriodNotOver});
  CHECK(check.unmet[1].message ==
        "第一次公示未满7天即第二次公示（最早 2020-03-09） (notice1 lasts 7 days: notice2 is "
        "before 2020-03-09)");
}

TEST_CASE("the announcement lasts 5 days before the household is notified", "[rules]") {
  for (Transition t : {Transition::kExit, Transition::kNewInclusion}) {
    INFO(TransitionName(t));
    Review r = CompleteReview(t);
    const std::string first = IsTwoRound(t) ? "2020-03-21" : "2020-03-14";
    r.notification_day = r.announcement_start + 4;  // completion stays on announcement + 5
    RequireOne(CheckReview(r), kUnmetAnnouncementPeriodNotOver,
               "公告期5天未满即告知（最早 " + first +
                   "） (announcement lasts 5 days: notification is before " + first + ")");
    r.notification_day = r.announcement_start + 5;
    CHECK(CheckReview(r).ok());
  }
  // Nobody notified yet: the completion itself is measured.
  Review r = CompleteReview(Transition::kExit);
  r.notification_day = kNoDay;
  r.completed_day = r.announcement_start + 4;
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepMissing, kUnmetAnnouncementPeriodNotOver});
  CHECK(check.unmet[1].message ==
        "公告期5天未满，最早 2020-03-14 办结 (announcement lasts 5 days: completion no earlier "
        "than 2020-03-14)");
}

TEST_CASE("an open review is measured on today", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.completed_day = kNoDay;
  r.notification_day = r.announcement_start + 5;
  CHECK(CheckReview(r, r.announcement_start + 5).ok());
  // Today before the notification: it has not happened, the period is not over and the
  // household not yet notified.
  CHECK(Codes(CheckReview(r, r.announcement_start + 4).unmet) ==
        Codes_{kUnmetStepInFuture, kUnmetAnnouncementPeriodNotOver, kUnmetStepOutOfOrder});
  // Neither completion nor today known: the period cannot be shown to be over.
  CHECK(Codes(CheckReview(r, kNoDay).unmet) == Codes_{kUnmetAnnouncementPeriodNotOver});
}

TEST_CASE("an objection during a notice or the announcement must be resolved", "[rules]") {
  struct Case {
    Transition t;
    bool Review::*objection;
    bool Review::*resolved;
    const char* message;
  };
  const Case cases[] = {
      {Transition::kExit, &Review::notice1_objection, &Review::notice1_objection_resolved,
       "公示期间的异议未处理 (objection during notice1 unresolved)"},
      {Transition::kExit, &Review::announcement_objection, &Review::announcement_objection_resolved,
       "公告期间的异议未处理 (objection during announcement unresolved)"},
      {Transition::kNewInclusion, &Review::notice1_objection, &Review::notice1_objection_resolved,
       "第一次公示期间的异议未处理 (objection during notice1 unresolved)"},
      {Transition::kNewInclusion, &Review::notice2_objection, &Review::notice2_objection_resolved,
       "第二次公示期间的异议未处理 (objection during notice2 unresolved)"},
      {Transition::kReturn, &Review::announcement_objection,
       &Review::announcement_objection_resolved,
       "公告期间的异议未处理 (objection during announcement unresolved)"},
  };
  for (const Case& c : cases) {
    INFO(TransitionName(c.t) << ": " << c.message);
    Review r = CompleteReview(c.t);
    r.*c.objection = true;
    RequireOne(CheckReview(r), kUnmetObjectionUnresolved, c.message);
    r.*c.resolved = true;
    CHECK(CheckReview(r).ok());
  }
}

TEST_CASE("the comparison names the departments compared", "[rules]") {
  Review r = CompleteReview(Transition::kNewInclusion);
  REQUIRE(r.comparison_departments.size() == 9);
  r.comparison_departments.clear();
  RequireOne(CheckReview(r), kUnmetComparisonDepartmentsMissing,
             "信息比对未记录比对部门 (the comparison names no department)");
  r.comparison_departments = {"public_security"};
  CHECK(CheckReview(r).ok());
  // No comparison at all: the missing step only.
  r.comparison_departments.clear();
  r.comparison_day = kNoDay;
  CHECK(Codes(CheckReview(r).unmet) == Codes_{kUnmetStepMissing});
}

TEST_CASE("comparison flags need feedback and the second assessment", "[rules]") {
  Review r = CompleteReview(Transition::kReturn);
  r.comparison_flags = {"registered_car", "business_registered"};
  r.feedback_day = r.comparison_day;
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetComparisonFlagsUnhandled});
  CHECK(check.unmet[0].message ==
        "信息比对发现的 2 项问题未经第二次民主评议处理 (2 comparison flags not handled by "
        "assessment2)");
  r.comparison_flags_handled = true;
  CHECK(CheckReview(r).ok());
  // Flags found but never fed back to the village and household.
  r.feedback_day = kNoDay;
  RequireOne(CheckReview(r), kUnmetStepMissing, "缺少疑点反馈村户 (step missing: feedback)");
  // No flags: nothing to feed back or handle.
  Review clean = CompleteReview(Transition::kNewInclusion);
  clean.comparison_flags_handled = false;
  REQUIRE(clean.feedback_day == kNoDay);
  CHECK(CheckReview(clean).ok());
}

TEST_CASE("every unmet requirement is reported, not only the first", "[rules]") {
  Household h = PoorHousehold(kStatusRemoved);  // status does not allow a return
  h.main_cause.clear();
  Review r = CompleteReview(Transition::kReturn);
  r.assessment1_outcome = "rejected";
  r.household_acknowledged = false;
  r.notice1_objection = true;
  r.county_review_day = r.notice2_start + 6;
  r.comparison_day = kNoDay;
  r.comparison_flags = {"public_servant"};
  r.notification_day = kNoDay;
  r.completed_day = r.announcement_start + 1;
  TransitionCheck check = CheckTransition(h, r, PovertyLines::BuiltIn(), Today());
  CHECK(Codes(check.unmet) == Codes_{kUnmetStatusNotAllowed, kUnmetCauseMissing, kUnmetStepRejected,
                                     kUnmetStepMissing, kUnmetStepMissing, kUnmetStepMissing,
                                     kUnmetNotAcknowledged, kUnmetNoticePeriodNotOver,
                                     kUnmetAnnouncementPeriodNotOver, kUnmetObjectionUnresolved,
                                     kUnmetComparisonFlagsUnhandled});
}

}  // namespace
}  // namespace doorstep::registry
