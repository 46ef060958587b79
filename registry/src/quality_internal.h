// Internals of the problem list shared by quality_*.cpp: problem builders and the check groups.
//
// Thread rules: pure functions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"
#include "doorstep/registry/quality.h"

namespace doorstep::registry::quality_internal {

// A problem about the whole household: village, ids and head filled in.
Problem HouseholdProblem(const Household& h, const char* code, std::string detail);
// A problem about members[index].
Problem MemberProblem(const Household& h, int index, const char* code, std::string detail);

// The day ages are measured on: the visit day, else options.today (may be kNoDay).
int32_t AgeDay(const Household& h, const QualityOptions& options);
// A member's age on `day`: from the resident ID, else the recorded Member::age; -1 unknown.
int MemberAge(const Member& m, int32_t day);

// duplicate_household over every record (removed ones included).
void CheckDuplicateHouseholds(const Township& township, std::vector<Problem>* out);
// duplicate_id_across_households, duplicate_id_in_household and invalid_resident_id.
void CheckResidentIds(const Township& township, const QualityOptions& options,
                      std::vector<Problem>* out);
// age_school_mismatch and age_relation_mismatch of one household.
void CheckMemberAges(const Household& h, const QualityOptions& options, std::vector<Problem>* out);

// The misidentification and status review checks (quality_reviews.cpp): missed households not
// included, confirmed wrong inclusions and wrong exits not acted on, unhandled comparison flags.
void CheckReviews(const Township& township, std::vector<Problem>* out);
// should_exit (应退未退): quality_household.cpp.
void CheckShouldExit(const Township& township, const QualityOptions& options,
                     const PovertyLines& lines, std::vector<Problem>* out);

// Villages whose assistance visits are recorded (a visit's village, or its household's village).
std::set<std::string> VillagesWithVisits(const Township& township);
// The poor-household checks (quality_assistance.cpp): cadre, measures, assistance visits, 低保,
// 医保 and 危房. `visited_villages` from VillagesWithVisits; `visits` indexes Township::visits by
// household id.
void CheckPoorHousehold(const Household& h, const QualityOptions& options,
                        const std::set<std::string>& visited_villages,
                        const std::multimap<std::string, const AssistanceVisit*>& visits,
                        std::vector<Problem>* out);
// Household id -> its assistance visits.
std::multimap<std::string, const AssistanceVisit*> VisitsByHousehold(const Township& township);

}  // namespace doorstep::registry::quality_internal
