// The township problem list (问题清单): data-quality checks over a whole township.
//
// Before the county accepts a township's registry, the township clerk works through a list of every
// record that is wrong or suspicious: the same person registered in two households, ages that do
// not fit the school status or the family relation, lifted households still below the line, poor
// households far above it (应退未退), confirmed misidentifications not acted on, poor households
// without a cadre, measures, monthly visits, 低保, 医保 or a safe house, missing or stale
// signatures, visits older than a year. FindProblems computes that list from plain model structs
// (model.h); ProblemsText and ProblemsCsv render it for the clerk (the CSV opens in Excel).
//
// Problem codes (exact strings, kProblem* below):
//   duplicate_id_across_households  a resident ID also held by a member of another household: one
//                                   problem per member occurrence (both sides), member_index set.
//                                   Not reported between two records that are duplicate_household
//                                   of each other.
//   duplicate_id_in_household       the 2nd and later occurrence of an ID within one household
//   duplicate_household             two records with the same household_no: one problem for each
//                                   record except the first (first = smallest id string)
//   invalid_resident_id             ParseResidentId(id, options.today) fails; detail = the reason
//   age_school_mismatch             age outside the range allowed for school_status (see docs)
//   age_relation_mismatch           age does not fit the relation to the head (see docs)
//   lifted_below_line               status lifted and per-capita net income <= the poverty line
//   lifted_guarantee_unmet          status lifted and not every guarantee (两不愁三保障) met
//   poor_far_above_line             疑似错评: poor status and per-capita net > far_above_factor *
//                                   line (twice the line by default)
//   should_exit                     应退未退: poor status, per-capita net above the line of the
//                                   survey year (at most far_above_factor times it), every
//                                   guarantee met and no C/D house, and no exit review in procedure
//                                   (transition exit, not completed, nothing rejected)
//   signature_missing               a required role without a signature (or state kMissing)
//   signature_stale                 a signature whose state is kStale: one per role
//   visit_stale                     visit day unknown or older than max_visit_age_days
//   income_implausible              a negative income component or per-capita net above the cap
//   empty_household_not_removed     no active member left and status is not removed
// Misidentification and status reviews (quality_reviews.cpp; review_id set):
//   missed_household_not_included   漏评: a confirmed "missed" misidentification review whose
//                                   household is not registered (no non-removed household with
//                                   its household_no or household_id)
//   wrong_inclusion_not_removed     错评未清退: a confirmed wrong_inclusion review whose household
//                                   still has a poor status (new / poor / returned)
//   wrong_exit_not_corrected        错退未纠正: a confirmed wrong_exit review whose household is
//                                   still lifted
//   comparison_flags_unhandled      a status review still open (completed_day kNoDay) with
//                                   comparison flags not handled, or a pending misidentification
//                                   review (conclusion pending or empty) with comparison flags
// Poor households (new / poor / returned with an active member; quality_assistance.cpp):
//   no_assistance_cadre             no 帮扶责任人 (cadre_name empty)
//   no_measures_this_year           no assistance measure of the survey year (the visit day's
//                                   year, else today's) or later
//   assistance_visit_overdue        no AssistanceVisit by the assigned cadre within
//                                   max_assistance_gap_days of today. Only in villages that have
//                                   assistance-visit records at all (the export carries none)
//   low_income_guarantee_missing    低保 应保尽保: no active member able to work (all lost_labor
//                                   or no_labor), or an active member seriously ill or severely
//                                   disabled (grade 1-2), and no active member with 低保 or
//                                   特困供养
//   medical_insurance_missing       an active member without basic medical insurance (one per
//                                   member)
//   dangerous_house                 housing danger grade C or D (危房) in a household not lifted
// A lifted household with a C or D house is lifted_guarantee_unmet (住房安全) even when
// safe_housing is recorded as met.
// Households with status removed are skipped by every check (they left the registry) except
// duplicate_household and the misidentification reviews' lookups. Member checks look at active
// members only: a member who died, married out or moved out no longer counts, and the same person
// legitimately appears again in the household they moved to.
//
// Personal data: a Problem names the household head and the member so the clerk can find the
// paper form; `detail` may state ages, incomes and lines but never an ID number. Nothing here logs.
//
// Thread rules: pure functions over values; safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"

namespace doorstep::registry {

class PovertyLines;  // poverty_line.h

inline constexpr const char* kProblemDuplicateIdAcrossHouseholds = "duplicate_id_across_households";
inline constexpr const char* kProblemDuplicateIdInHousehold = "duplicate_id_in_household";
inline constexpr const char* kProblemDuplicateHousehold = "duplicate_household";
inline constexpr const char* kProblemInvalidResidentId = "invalid_resident_id";
inline constexpr const char* kProblemAgeSchoolMismatch = "age_school_mismatch";
inline constexpr const char* kProblemAgeRelationMismatch = "age_relation_mismatch";
inline constexpr const char* kProblemLiftedBelowLine = "lifted_below_line";
inline constexpr const char* kProblemLiftedGuaranteeUnmet = "lifted_guarantee_unmet";
inline constexpr const char* kProblemPoorFarAboveLine = "poor_far_above_line";
inline constexpr const char* kProblemShouldExit = "should_exit";
inline constexpr const char* kProblemSignatureMissing = "signature_missing";
inline constexpr const char* kProblemSignatureStale = "signature_stale";
inline constexpr const char* kProblemVisitStale = "visit_stale";
inline constexpr const char* kProblemIncomeImplausible = "income_implausible";
inline constexpr const char* kProblemEmptyHouseholdNotRemoved = "empty_household_not_removed";
inline constexpr const char* kProblemMissedNotIncluded = "missed_household_not_included";
inline constexpr const char* kProblemWrongInclusionNotRemoved = "wrong_inclusion_not_removed";
inline constexpr const char* kProblemWrongExitNotCorrected = "wrong_exit_not_corrected";
inline constexpr const char* kProblemComparisonFlagsUnhandled = "comparison_flags_unhandled";
inline constexpr const char* kProblemNoAssistanceCadre = "no_assistance_cadre";
inline constexpr const char* kProblemNoMeasuresThisYear = "no_measures_this_year";
inline constexpr const char* kProblemAssistanceVisitOverdue = "assistance_visit_overdue";
inline constexpr const char* kProblemLowIncomeGuaranteeMissing = "low_income_guarantee_missing";
inline constexpr const char* kProblemMedicalInsuranceMissing = "medical_insurance_missing";
inline constexpr const char* kProblemDangerousHouse = "dangerous_house";

struct Problem {
  std::string code;
  std::string village;
  std::string household_id;
  std::string household_no;
  std::string head_name;
  int member_index = -1;  // index into Household::members; -1 for household-level problems
  std::string member_name;
  std::string role;       // signature problems
  std::string detail;     // Chinese, for the clerk; may state incomes and lines, never an ID number
  std::string review_id;  // review problems: the misidentification or status review record
};

struct QualityOptions {
  int32_t today = kNoDay;  // required: ages without a visit day and visit_stale are measured on it
  int max_visit_age_days = 365;
  // 帮扶责任人 visits a poor household once a month (seeds/002_f70558d1988c18db.txt: "确保每月一次
  // 到帮扶贫困户家中了解家庭状况").
  int max_assistance_gap_days = 31;
  double far_above_factor = 2.0;
  double max_per_capita_yuan = 100000;
  std::vector<std::string> required_roles = {"household_head", "surveyor", "team_leader"};
  const PovertyLines* lines = nullptr;  // nullptr = PovertyLines::BuiltIn()
};

// Every problem of the township, sorted by village, household_no, household_id, code,
// member_index, role (review problems of one household and code keep the reviews' order).
std::vector<Problem> FindProblems(const Township& township, const QualityOptions& options);

// Chinese title of a problem code, e.g. "身份证号重复（跨户）"; "其他问题" for an unknown code.
const char* ProblemTitle(const std::string& code);

// Chinese name of a signature role ("调查员" for surveyor); the role itself when unknown.
std::string RoleTitle(const std::string& role);

// Clerk-facing text: grouped by village with a count per village and per code, then one line per
// problem (户编号, 户主, 成员, 问题, 说明) in aligned columns.
std::string ProblemsText(const std::vector<Problem>& problems);

// CSV with a Chinese header row (the last column is the review record id of review problems),
// UTF-8 with BOM (Excel), RFC 4180 quoting, and cells starting
// with = + - @ (or tab/CR) prefixed with ' against formula injection.
std::string ProblemsCsv(const std::vector<Problem>& problems);

}  // namespace doorstep::registry
