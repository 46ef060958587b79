// The procedure of a status review: steps, outcomes, order, notice and announcement periods,
// objections and comparison flags.
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
  return CheckTransition(GoodHousehold(StartStatus(r.transition)), r, PovertyLines::BuiltIn(),
                         today);
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
      {Transition::kExit, &Review::announcement_start, "缺少公告 (step missing: announcement)"},
      {Transition::kExit, &Review::notification_day, "缺少告知 (step missing: notification)"},
      {Transition::kRemoval, &Review::notice1_start, "缺少公示 (step missing: notice1)"},
      {Transition::kNewInclusion, &Review::assessment1_day,
       "缺少第一次民主评议 (step missing: assessment1)"},
      {Transition::kNewInclusion, &Review::notice1_start, "缺少第一次公示 (step missing: notice1)"},
      {Transition::kNewInclusion, &Review::comparison_day,
       "缺少信息比对 (step missing: comparison)"},
      {Transition::kNewInclusion, &Review::assessment2_day,
       "缺少第二次民主评议 (step missing: assessment2)"},
      {Transition::kNewInclusion, &Review::notice2_start, "缺少第二次公示 (step missing: notice2)"},
      {Transition::kReturn, &Review::announcement_start, "缺少公告 (step missing: announcement)"},
      {Transition::kReturn, &Review::notification_day, "缺少告知 (step missing: notification)"},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    Review r = CompleteReview(c.t);
    r.*c.day = kNoDay;
    TransitionCheck check = CheckReview(r);
    REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepMissing});
    CHECK(check.unmet[0].message == c.message);
  }
}

TEST_CASE("the second round is required for new inclusion and return, not for exit", "[rules]") {
  for (Transition t : {Transition::kNewInclusion, Transition::kReturn}) {
    INFO(TransitionName(t));
    Review r = CompleteReview(t);
    r.comparison_day = kNoDay;
    r.assessment2_day = kNoDay;
    r.notice2_start = kNoDay;
    CHECK(Codes(CheckReview(r).unmet) ==
          Codes_{kUnmetStepMissing, kUnmetStepMissing, kUnmetStepMissing});
  }
  for (Transition t : {Transition::kExit, Transition::kRemoval}) {
    INFO(TransitionName(t));
    Review r = CompleteReview(t);
    // Second-round fields are ignored, even when they would fail.
    r.assessment2_day = r.assessment1_day;
    r.assessment2_outcome = "rejected";
    r.notice2_start = r.completed_day;
    r.notice2_objection = true;
    r.comparison_flags = {"registered_car"};
    CHECK(CheckReview(r).ok());
  }
}

TEST_CASE("a rejected assessment blocks the transition", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.assessment1_outcome = "rejected";
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepRejected});
  CHECK(check.unmet[0].message == "民主评议未通过 (assessment1 was rejected)");

  Review ret = CompleteReview(Transition::kReturn);
  ret.assessment2_outcome = "rejected";
  check = CheckReview(ret);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepRejected});
  CHECK(check.unmet[0].message == "第二次民主评议未通过 (assessment2 was rejected)");
}

TEST_CASE("an assessment without an outcome is not done", "[rules]") {
  Review r = CompleteReview(Transition::kNewInclusion);
  r.assessment2_outcome.clear();
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepMissing});
  CHECK(check.unmet[0].message ==
        "第二次民主评议结果未记录 (step missing: assessment2 has no approved outcome)");
}

TEST_CASE("steps out of order", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.assessment1_day = r.notice1_start + 1;  // assessed after the notice started
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepOutOfOrder});
  CHECK(check.unmet[0].message == "公示日期早于民主评议 (notice1 is dated before assessment1)");

  Review same_day = CompleteReview(Transition::kExit);
  same_day.assessment1_day = same_day.notice1_start;  // equal dates are in order
  CHECK(CheckReview(same_day).ok());

  Review comparison = CompleteReview(Transition::kReturn);
  comparison.assessment2_day = comparison.comparison_day - 1;
  comparison.notice1_start = comparison.assessment2_day - 7;
  CHECK(Codes(CheckReview(comparison).unmet) == Codes_{kUnmetStepOutOfOrder});
}

TEST_CASE("completion before the household is notified is out of order", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.notification_day = r.completed_day + 1;
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetStepOutOfOrder});
  CHECK(check.unmet[0].message == "办结日期早于告知 (completion is dated before notification)");
}

TEST_CASE("the next step after a notice waits 7 days", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.announcement_start = r.notice1_start + 6;  // 2020-03-02 + 6
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetNoticePeriodNotOver});
  CHECK(check.unmet[0].message ==
        "公示未满7天即公告（最早 2020-03-09） (notice1 lasts 7 days: announcement is before "
        "2020-03-09)");
  r.announcement_start = r.notice1_start + 7;
  CHECK(CheckReview(r).ok());

  Review two = CompleteReview(Transition::kNewInclusion);
  two.comparison_day = two.notice1_start + 6;
  CHECK(Codes(CheckReview(two).unmet) == Codes_{kUnmetNoticePeriodNotOver});
  two.comparison_day = two.notice1_start + 7;
  CHECK(CheckReview(two).ok());
  two.announcement_start = two.notice2_start + 6;
  CHECK(Codes(CheckReview(two).unmet) == Codes_{kUnmetNoticePeriodNotOver});
  two.announcement_start = two.notice2_start + 7;
  CHECK(CheckReview(two).ok());
}

TEST_CASE("a later step missing moves the notice check to the next present step", "[rules]") {
  Review r = CompleteReview(Transition::kNewInclusion);
  r.comparison_day = kNoDay;
  r.assessment2_day = r.notice1_start + 6;
  r.notice2_start = r.assessment2_day;
  CHECK(Codes(CheckReview(r).unmet) == Codes_{kUnmetStepMissing, kUnmetNoticePeriodNotOver});
}

TEST_CASE("the announcement lasts 5 days before completion", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.notification_day = r.announcement_start + 4;
  r.completed_day = r.announcement_start + 4;
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetAnnouncementPeriodNotOver});
  CHECK(check.unmet[0].message ==
        "公告期5天未满，最早 2020-03-14 办结 (announcement lasts 5 days: completion no earlier "
        "than 2020-03-14)");
  r.notification_day = r.announcement_start + 5;
  r.completed_day = r.announcement_start + 5;
  CHECK(CheckReview(r).ok());
}

TEST_CASE("an open review is measured on today", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.completed_day = kNoDay;
  r.notification_day = r.announcement_start;
  CHECK(Codes(CheckReview(r, r.announcement_start + 4).unmet) ==
        Codes_{kUnmetAnnouncementPeriodNotOver});
  CHECK(CheckReview(r, r.announcement_start + 5).ok());
  // Neither completion nor today known: the period cannot be shown to be over.
  CHECK(Codes(CheckReview(r, kNoDay).unmet) == Codes_{kUnmetAnnouncementPeriodNotOver});
}

TEST_CASE("an objection during a notice must be resolved", "[rules]") {
  Review r = CompleteReview(Transition::kExit);
  r.notice1_objection = true;
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetObjectionUnresolved});
  CHECK(check.unmet[0].message == "公示期间的异议未处理 (objection during notice1 unresolved)");
  r.notice1_objection_resolved = true;
  CHECK(CheckReview(r).ok());

  Review two = CompleteReview(Transition::kNewInclusion);
  two.notice2_objection = true;
  check = CheckReview(two);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetObjectionUnresolved});
  CHECK(check.unmet[0].message ==
        "第二次公示期间的异议未处理 (objection during notice2 unresolved)");
  two.notice2_objection_resolved = true;
  CHECK(CheckReview(two).ok());
}

TEST_CASE("comparison flags must be handled by the second assessment", "[rules]") {
  Review r = CompleteReview(Transition::kReturn);
  r.comparison_flags = {"registered_car", "business_registered"};
  TransitionCheck check = CheckReview(r);
  REQUIRE(Codes(check.unmet) == Codes_{kUnmetComparisonFlagsUnhandled});
  CHECK(check.unmet[0].message ==
        "信息比对发现的 2 项问题未经第二次民主评议处理 (2 comparison flags not handled by "
        "assessment2)");
  r.comparison_flags_handled = true;
  CHECK(CheckReview(r).ok());
  // No flags: nothing to handle.
  Review clean = CompleteReview(Transition::kNewInclusion);
  clean.comparison_flags_handled = false;
  CHECK(CheckReview(clean).ok());
}

TEST_CASE("every unmet requirement is reported, not only the first", "[rules]") {
  Household h = GoodHousehold(kStatusRemoved);  // status does not allow a return
  h.main_cause.clear();
  Review r = CompleteReview(Transition::kReturn);
  r.assessment1_outcome = "rejected";
  r.notice1_objection = true;
  r.comparison_day = kNoDay;
  r.comparison_flags = {"public_servant"};
  r.announcement_start = r.notice2_start + 3;
  r.notification_day = kNoDay;
  r.completed_day = r.announcement_start + 1;
  TransitionCheck check = CheckTransition(h, r, PovertyLines::BuiltIn(), Today());
  CHECK(Codes(check.unmet) ==
        Codes_{kUnmetStatusNotAllowed, kUnmetCauseMissing, kUnmetStepRejected, kUnmetStepMissing,
               kUnmetStepMissing, kUnmetNoticePeriodNotOver, kUnmetObjectionUnresolved,
               kUnmetComparisonFlagsUnhandled, kUnmetAnnouncementPeriodNotOver});
}

}  // namespace
}  // namespace doorstep::registry
