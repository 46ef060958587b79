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

// Guizhou (province 52), two members, per-capita net 4001 yuan: one yuan above the 2020 line.
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
  return h;
}

// The first step of every review.
inline int32_t D0() {
  return Ymd(2020, 3, 1);
}

// A review that completes with every step on the earliest day the rules allow.
//   exit / removal:         assessment1 D0, notice1 D0+1, announcement D0+8, notification and
//                           completion D0+13
//   new_inclusion / return: assessment1 D0, notice1 D0+1, comparison D0+8, assessment2 D0+9,
//                           notice2 D0+10, announcement D0+17, notification and completion D0+22
inline Review CompleteReview(Transition t) {
  Review r;
  r.id = "rv-1";
  r.household_id = "hh-1";
  r.village = "坪新冲村";
  r.transition = t;
  r.year = 2020;
  r.reason = t == Transition::kRemoval ? "misidentified" : "";
  const int32_t d = D0();
  r.assessment1_day = d;
  r.assessment1_outcome = "approved";
  r.notice1_start = d + 1;
  if (t == Transition::kNewInclusion || t == Transition::kReturn) {
    r.comparison_day = d + 8;
    r.assessment2_day = d + 9;
    r.assessment2_outcome = "approved";
    r.notice2_start = d + 10;
    r.announcement_start = d + 17;
    r.notification_day = d + 22;
    r.completed_day = d + 22;
  } else {
    r.announcement_start = d + 8;
    r.notification_day = d + 13;
    r.completed_day = d + 13;
  }
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
