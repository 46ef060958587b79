// Status transitions of dynamic management (动态管理): who may move from which status, what
// evidence and which procedure a move needs, and the natural increase/decrease of members.
//
// Transitions and the statuses they start from:
//   new_inclusion (新纳入)  "" (not registered) or removed  -> new
//   exit (脱贫退出)         new, poor, returned              -> lifted
//   return (返贫)           lifted                           -> returned
//   removal (清退)          new, poor, lifted, returned      -> removed
//
// Evidence: an exit needs per-capita net income strictly above the poverty line of the review year
// for the household's province, every guarantee (两不愁三保障 and safe water) met, and valid
// signatures of the household head and the surveyor; with a registry (TransitionContext), also a
// finalized 脱贫退出户调查核实登记表 of that household and year concluding "meets", its signatures
// valid. A new inclusion or a return needs the main cause of poverty recorded (a return also its
// 返贫原因), the household number, income at or below the line or a guarantee unmet, and valid
// signatures of the head and the surveyor; with a registry, no active member may be an active
// member of another registered household (一人多户, 重复识别) unless a reviewer recorded an override.
// A removal needs a reason. Stored records (TransitionContext::stored): the household record and
// the review must be finalized and the review's team-leader signature valid.
//
// Procedure (程序, seeds/000_aaa444608bce7585.txt, the county notice of 2017; see model.h Review):
//   exit, removal ("一评议一公示一公告一告知"): assessment1 民主评议 -> notice1 公示 (7 days)
//       -> township_review 乡镇抽查审核 -> announcement 公告 (5 days) -> notification 告知
//   new_inclusion, return ("两评议两公示一比对一公告一告知"): application 申请 -> assessment1
//       -> notice1 (7 days) -> township_review 乡镇审核 -> notice2 (7 days) -> county_review 县复审
//       -> comparison 信息比对 (departments recorded) -> feedback 反馈村户 (when something was
//       found) -> assessment2 -> announcement (5 days) -> notification
// No step and no completion may be dated after `today` (when known): a waiting period is over
// only when it is (step_in_future). A new inclusion or a return needs at least one active member
// (household_empty).
// Assessments and reviews must be approved (a rejected one blocks); except for a removal the
// household must have acknowledged the assessment (贫困户认可); dates may not decrease along the
// steps; nothing after a notice may happen before notice start + 7 days, and nothing after the
// announcement (the notification, the completion) before announcement start + 5; an objection
// raised during a notice or the announcement must be resolved; comparison flags must have been
// handled by the second assessment; the transition completes (completed_day, or today while the
// review is still open) no earlier than announcement start + 5 days and not before the household
// was notified. Day arithmetic counts whole days: a notice started on day d may be followed on
// d + 7, not d + 6.
//
// CheckTransition reports EVERY unmet requirement, so the village can fix them all in one pass.
// Messages are Chinese followed by English in parentheses; they may name a member or a role and
// state the poverty line, but never an ID number or the household's income.
//
// Thread rules: pure functions over values; safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/status.h"
#include "doorstep/registry/model.h"
#include "doorstep/registry/poverty_line.h"

namespace doorstep::registry {

// Unmet codes (exact strings).
inline constexpr const char* kUnmetStatusNotAllowed = "status_not_allowed";
inline constexpr const char* kUnmetIncomeNotAboveLine = "income_not_above_line";
inline constexpr const char* kUnmetGuaranteeUnmet = "guarantee_unmet";
inline constexpr const char* kUnmetSignatureMissing = "signature_missing";
inline constexpr const char* kUnmetCauseMissing = "cause_missing";
inline constexpr const char* kUnmetReasonMissing = "reason_missing";
inline constexpr const char* kUnmetPovertyLineUnknown = "poverty_line_unknown";
inline constexpr const char* kUnmetStepMissing = "step_missing";
inline constexpr const char* kUnmetStepRejected = "step_rejected";
inline constexpr const char* kUnmetStepOutOfOrder = "step_out_of_order";
inline constexpr const char* kUnmetNoticePeriodNotOver = "notice_period_not_over";
inline constexpr const char* kUnmetAnnouncementPeriodNotOver = "announcement_period_not_over";
inline constexpr const char* kUnmetObjectionUnresolved = "objection_unresolved";
inline constexpr const char* kUnmetComparisonFlagsUnhandled = "comparison_flags_unhandled";
inline constexpr const char* kUnmetComparisonDepartmentsMissing = "comparison_departments_missing";
inline constexpr const char* kUnmetNotAcknowledged = "not_acknowledged";
inline constexpr const char* kUnmetIncomeNotBelowLine = "income_not_below_line";
inline constexpr const char* kUnmetHouseholdNoMissing = "household_no_missing";
inline constexpr const char* kUnmetExitVerificationMissing = "exit_verification_missing";
inline constexpr const char* kUnmetDuplicatePerson = "duplicate_person";
inline constexpr const char* kUnmetRecordNotFinalized = "record_not_finalized";
inline constexpr const char* kUnmetReviewUnsigned = "review_unsigned";
inline constexpr const char* kUnmetStepInFuture = "step_in_future";
inline constexpr const char* kUnmetHouseholdEmpty = "household_empty";
// Member changes.
inline constexpr const char* kUnmetChangeDateMissing = "change_date_missing";
inline constexpr const char* kUnmetChangeDateInFuture = "change_date_in_future";
inline constexpr const char* kUnmetChangeBeforeBirth = "change_before_birth";
inline constexpr const char* kUnmetBirthNotNewborn = "birth_not_newborn";

inline constexpr int kNoticeDays = 7;        // 公示 lasts 7 days
inline constexpr int kAnnouncementDays = 5;  // 公告 lasts 5 days

struct Unmet {
  std::string code;
  std::string message;  // Chinese (English)
};

struct TransitionCheck {
  std::vector<Unmet> unmet;
  bool ok() const { return unmet.empty(); }
};

// Which statuses a transition starts from (table above).
bool TransitionAllowedFrom(const std::string& status, Transition t);
// The status a transition leads to: new / lifted / returned / removed.
std::string TargetStatus(Transition t);

struct TransitionContext {
  // The registry the household is in: its exit verifications and the other households (for
  // duplicate people). nullptr skips those checks (rule tests on plain values).
  const Township* registry = nullptr;
  // Household and review are stored records: both must be finalized, the review signed.
  bool stored = false;
  // A reviewer's recorded reason to go ahead although a member is registered in another household
  // (the rare true case); the duplicates are then not unmet.
  std::string duplicate_override;
};

// Everything that must hold for `review` to complete on `today` (see the header comment), in the
// order: records, status, evidence, procedure. When the review is still open (completed_day ==
// kNoDay) and `today` is kNoDay too, the announcement period cannot be shown to be over and is
// reported.
TransitionCheck CheckTransition(const Household& household, const Review& review,
                                const PovertyLines& lines, int32_t today,
                                const TransitionContext& context = {});

// The members of `household` (active ones) who are active members of another non-removed
// household of `registry` (same resident ID), as "成员 X 已登记在户 N（户主 Y）" messages; the ID
// itself is never in a message.
std::vector<Unmet> DuplicatePeople(const Household& household, const std::vector<Household>& registry);

// Applies a completed transition: status = TargetStatus, status_year = YearOfDay(completion day)
// (completed_day, else today); an exit also sets lifted_year to that year; a new inclusion sets
// identification_year to that year, identification_standard (provincial when the province has a
// line of its own in force, else national) and poverty_line_yuan (the line of that year). Other
// fields are left as they were. Fails with Code::kFailedPrecondition, every unmet message joined
// by "; ", when CheckTransition is not ok.
Result<Household> ApplyTransition(const Household& household, const Review& review,
                                  const PovertyLines& lines, int32_t today,
                                  const TransitionContext& context = {});

// Natural increase/decrease of members: every member with a change needs change_day, not after
// `today` (when known) and not before the member's birth date from the ID; a birth needs the
// member to be under one year old on the change day. Members whose ID is invalid skip the
// birth-date checks (the problem list reports the ID itself). Messages name the member by name
// (the household's own data, shown to its surveyor), never the ID.
std::vector<Unmet> CheckMemberChanges(const Household& household, int32_t today);

// A household whose last member has left must become a whole-household removal: kRemoval when
// ActiveSize() == 0 and the status is not removed, else nullopt.
std::optional<Transition> RequiredTransition(const Household& household);

}  // namespace doorstep::registry
