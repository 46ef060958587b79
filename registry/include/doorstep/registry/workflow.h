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
// signatures of the household head and the surveyor; a new inclusion or a return needs the main
// cause of poverty recorded; a removal needs a reason.
//
// Procedure (程序), each step dated, in this order:
//   exit, removal:          assessment1 评议 -> notice1 公示 (7 days) -> announcement 公告 (5 days)
//                           -> notification 告知
//   new_inclusion, return:  assessment1 评议 -> notice1 公示 (7 days) -> comparison 比对
//                           -> assessment2 评议 -> notice2 公示 (7 days) -> announcement 公告
//                           (5 days) -> notification 告知
// Assessments must be approved (a rejected one blocks); dates may not decrease along the steps;
// nothing after a notice may happen before notice start + 7 days; an objection raised during a
// notice must be resolved; comparison flags (比对 hits such as a registered car) must have been
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

// Everything that must hold for `review` to complete on `today` (see the header comment), in the
// order: status, evidence, procedure. When the review is still open (completed_day == kNoDay) and
// `today` is kNoDay too, the announcement period cannot be shown to be over and is reported.
TransitionCheck CheckTransition(const Household& household, const Review& review,
                                const PovertyLines& lines, int32_t today);

// Applies a completed transition: status = TargetStatus, status_year = YearOfDay(completion day)
// (completed_day, else today); an exit also sets lifted_year to that year. Other fields are left
// as they were. Fails with Code::kFailedPrecondition, every unmet message joined by "; ", when
// CheckTransition is not ok.
Result<Household> ApplyTransition(const Household& household, const Review& review,
                                  const PovertyLines& lines, int32_t today);

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
