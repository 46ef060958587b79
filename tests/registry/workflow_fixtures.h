// Builders for the workflow tests ([rules]): a household and reviews that pass every rule, so a
// test changes one thing and asserts exactly what that one change breaks.
#pragma once

#include <string>
#include <vector>

#include "doorstep/registry/model.h"
#include "doorstep/registry/resident_id.h"
#include "doorstep/registry/workflow.h"

namespace doorstep::registry::rules_test {

inline int32_t Ymd(int y, int m, int d) {
  return DayFromCivil(y, m, d);
}

// A valid ID from its first 17 digits (the check character is tested in resident_id_test.cpp).
inline std::string MakeId(const std::string& first17) {
  return first17 + ResidentIdCheckChar(first17);
}

inline Member MakeMember(const std::string& name, const std::string& first17,
                         const std::string& relation) {
  Member m;
  m.name = name;
  m.id_number = MakeId(first17);
  m.relation = relation;
  return m;
}

inline Signature MakeSignature(const std::string& role, SignatureState state) {
  Signature s;
  s.role = role;
  s.signer = role == "household_head" ? "王建国" : "刘山林";
  s.state = state;
  return s;
}

// Guizhou (province 52, no line of its own: the national line), two members, per-capita net 4001
// yuan: one yuan above the 2020 line, every guarantee met. Passes an exit; a finalized record.
inline Household GoodHousehold(const std::string& status) {
  Household h;
  h.id = "hh-1";
  h.household_no = "5226310020300001";
  h.county_code = "522631";
  h.village = "坪新冲村";
  h.head_name = "王建国";
  h.head_id_number = MakeId("52263119700101001");
  h.status = status;
  h.status_year = 2016;
  h.main_cause = "illness";
  h.members = {MakeMember("王建国", "52263119700101001", "head"),
               MakeMember("李秀英", "52263119720202002", "spouse")};
  h.income.wage = 8002;
  h.guarantees = Guarantees{true, true, true, true, true, true};
  h.signatures = {MakeSignature("household_head", SignatureState::kValid),
                  MakeSignature("surveyor", SignatureState::kValid)};
  h.finalized = true;
  return h;
}

// GoodHousehold at exactly the 2020 line (4000 yuan per person): poor enough for a new inclusion
// or a return, every guarantee still met.
inline Household PoorHousehold(const std::string& status) {
  Household h = GoodHousehold(status);
  h.income.wage = 8000;
  return h;
}

// The first step of every review.
inline int32_t D0() {
  return Ymd(2020, 3, 1);
}

// A review that completes with every step on the earliest day the rules allow (equal dates are
// in order; notice1 starts the day after the assessment). D0 = 2020-03-01.
//   exit / removal:         assessment1 D0 (acknowledged), notice1 D0+1, township_review D0+8,
//                           announcement D0+8, notification and completion D0+13
//   new_inclusion / return: application D0, assessment1 D0 (acknowledged), notice1 D0+1,
//                           township_review D0+8, notice2 D0+8, county_review D0+15, comparison
//                           D0+15 (all nine departments, no flags: no feedback), assessment2
//                           D0+15, announcement D0+15, notification and completion D0+20
// Every outcome approved; a removal has a reason, a return its return_cause. A finalized record
// with a valid team-leader signature (TransitionContext::stored).
inline Review CompleteReview(Transition t) {
  Review r;
  r.id = "rv-1";
  r.household_id = "hh-1";
  r.household_no = "5226310020300001";
  r.head_name = "王建国";
  r.village = "坪新冲村";
  r.transition = t;
  r.year = 2020;
  r.reason = t == Transition::kRemoval ? "misidentified" : "";
  r.return_cause = t == Transition::kReturn ? "illness" : "";
  const int32_t d = D0();
  r.assessment1_day = d;
  r.assessment1_outcome = "approved";
  r.household_acknowledged = true;
  r.notice1_start = d + 1;
  r.township_review_day = d + 8;
  r.township_review_outcome = "approved";
  if (t == Transition::kNewInclusion || t == Transition::kReturn) {
    r.application_day = d;
    r.notice2_start = d + 8;
    r.county_review_day = d + 15;
    r.county_review_outcome = "approved";
    r.comparison_day = d + 15;
    r.comparison_departments = ComparisonDepartments();
    r.assessment2_day = d + 15;
    r.assessment2_outcome = "approved";
    r.announcement_start = d + 15;
    r.notification_day = d + 20;
    r.completed_day = d + 20;
  } else {
    r.announcement_start = d + 8;
    r.notification_day = d + 13;
    r.completed_day = d + 13;
  }
  r.finalized = true;
  r.team_leader_signature = SignatureState::kValid;
  return r;
}

// The status each transition starts from in the passing fixtures.
inline std::string StartStatus(Transition t) {
  switch (t) {
    case Transition::kNewInclusion:
      return "";
    case Transition::kExit:
      return kStatusPoor;
    case Transition::kReturn:
      return kStatusLifted;
    case Transition::kRemoval:
      return kStatusPoor;
  }
  return {};
}

// The household each transition passes with: poor for new inclusion and return, lifted out of
// poverty (GoodHousehold) for exit and removal.
inline Household HouseholdFor(Transition t, const std::string& status) {
  return t == Transition::kNewInclusion || t == Transition::kReturn ? PoorHousehold(status)
                                                                    : GoodHousehold(status);
}

inline std::vector<std::string> Codes(const std::vector<Unmet>& unmet) {
  std::vector<std::string> codes;
  for (const Unmet& u : unmet) codes.push_back(u.code);
  return codes;
}

inline const std::vector<Transition>& AllTransitions() {
  static const std::vector<Transition> kAll = {Transition::kNewInclusion, Transition::kExit,
                                               Transition::kReturn, Transition::kRemoval};
  return kAll;
}

// "Today" for reviews that are already completed: well after every fixture date.
inline int32_t Today() {
  return Ymd(2020, 12, 31);
}

}  // namespace doorstep::registry::rules_test
