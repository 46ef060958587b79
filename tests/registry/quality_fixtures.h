// Builders for the problem-list and report tests ([quality]): a township of clean households that
// yields no problem at all, so each test breaks one thing and asserts exactly what that breaks.
//
// Dates: today is 2020-11-01, every clean household was visited on 2020-10-01 (one month ago), so
// ages are measured on 2020-10-01. Lines come from the built-in table: 4000 yuan in 2020.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"
#include "doorstep/registry/quality.h"

namespace doorstep::registry::quality_test {

inline int32_t Ymd(int y, int m, int d) {
  return DayFromCivil(y, m, d);
}
inline int32_t Today() {
  return Ymd(2020, 11, 1);
}
inline int32_t VisitDay() {
  return Ymd(2020, 10, 1);
}

// A GB 11643 resident ID computed here, independently of resident_id.cpp: weights
// 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over the first 17 digits, check "10X98765432"[sum % 11].
inline std::string TestId(int y, int m, int d, int seq, const std::string& region = "522631") {
  char first17[32];
  std::snprintf(first17, sizeof first17, "%s%04d%02d%02d%03d", region.c_str(), y, m, d, seq);
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return std::string(first17) + "10X98765432"[sum % 11];
}

inline Member TestMember(const std::string& name, const std::string& relation,
                         const std::string& id, const std::string& school = "not_in_school") {
  Member m;
  m.name = name;
  m.relation = relation;
  m.id_number = id;
  m.school_status = school;
  m.medical_insurance = true;  // poor households: 100% insured
  return m;
}

// A member who turns exactly `age` on the visit day (born on 10-01), ID sequence `seq`.
inline Member MemberAged(int age, const std::string& relation, const std::string& school, int seq) {
  return TestMember("成员" + std::to_string(seq), relation, TestId(2020 - age, 10, 1, seq), school);
}

inline Signature TestSignature(const std::string& role,
                               SignatureState state = SignatureState::kValid) {
  Signature s;
  s.role = role;
  s.signer = "签名人";
  s.state = state;
  return s;
}

// A poor household of four in Guizhou (province 52) that breaks no rule: head 50, spouse 48, a
// son of 12 in primary school and a daughter of 20 in college; per-capita net 5000 yuan (between
// the 2020 line of 4000 and twice it) but no safe drinking water yet, which is why it is still
// poor (应退未退 otherwise); visited a month ago; all three required signatures valid;
// everybody insured, a cadre and a measure of 2020, a B house (labor and health not recorded).
// `n` (1-99) makes the ID sequence numbers and the household number unique.
inline Household CleanHousehold(int n, const std::string& village = "坪新冲村") {
  Household h;
  h.id = "hh-" + std::string(n < 10 ? "0" : "") + std::to_string(n);
  char no[32];
  std::snprintf(no, sizeof no, "52263100203%05d", n);
  h.household_no = no;
  h.county = "丹寨县";
  h.county_code = "522631";
  h.township = "龙泉镇";
  h.village = village;
  h.head_name = "户主" + std::to_string(n);
  h.status = kStatusPoor;
  h.status_year = 2016;
  h.identification_year = 2016;
  h.members = {
      TestMember(h.head_name, "head", TestId(1970, 3, 15, n * 10 + 1)),
      TestMember("配偶" + std::to_string(n), "spouse", TestId(1972, 6, 1, n * 10 + 2)),
      TestMember("儿子" + std::to_string(n), "son", TestId(2008, 5, 1, n * 10 + 3), "primary"),
      TestMember("女儿" + std::to_string(n), "daughter", TestId(2000, 2, 2, n * 10 + 4), "college"),
  };
  h.head_id_number = h.members[0].id_number;
  h.income.wage = 16000;
  h.income.production = 6000;
  h.income.production_costs = 2000;  // net 20000 over 4 people
  h.guarantees = Guarantees{true, true, true, true, true, false};
  h.danger_grade = "B";
  h.cadre_name = "帮扶干部" + std::to_string(n);
  AssistanceMeasure measure;
  measure.type = "industry_support";
  measure.description = "发展养牛产业";
  measure.year = 2020;
  h.measures = {measure};
  h.visit_day = VisitDay();
  h.signatures = {TestSignature("household_head"), TestSignature("surveyor"),
                  TestSignature("team_leader")};
  return h;
}

// The clean household as lifted in 2019 (same income: 5000 > the line, every guarantee met).
inline Household CleanLifted(int n, const std::string& village = "坪新冲村") {
  Household h = CleanHousehold(n, village);
  h.guarantees.safe_drinking_water = true;
  h.status = kStatusLifted;
  h.status_year = 2019;
  h.lifted_year = 2019;
  return h;
}

inline QualityOptions TestOptions() {
  QualityOptions o;
  o.today = Today();
  return o;
}

inline std::vector<Problem> ProblemsOf(const std::vector<Household>& households,
                                       const QualityOptions& options = TestOptions()) {
  Township t;
  t.households = households;
  return FindProblems(t, options);
}

inline std::vector<std::string> Codes(const std::vector<Problem>& problems) {
  std::vector<std::string> codes;
  for (const Problem& p : problems) codes.push_back(p.code);
  return codes;
}

}  // namespace doorstep::registry::quality_test
