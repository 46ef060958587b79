// Sample generator, members: family composition (sizes like the dataset, relations whose ages fit
// the problem list's generation gaps with room to spare), then each member's ID, education, school
// status, health, labor and insurance, and a few natural increases and decreases.

#include <algorithm>
#include <string>
#include <vector>

#include "sample_internal.h"

namespace doorstep::registry::sample_internal {
namespace {

struct Slot {
  const char* relation;
  bool male;
  int age;
  bool own_surname;  // spouses, in-laws and the head's mother keep their own surname
};

// Household sizes 1-7 in percent, as in the dataset.
const std::vector<int> kSizeWeights = {12, 20, 18, 22, 14, 9, 5};

// Ages chosen so that every relation clears the problem list's gaps by a margin: children are
// 18-40 years younger than the head (the list wants 12), grandchildren 40+ (24), parents 20-35
// older (12), spouses 20 or older (18).
std::vector<Slot> Composition(Rng& rng, int size) {
  std::vector<Slot> out;
  const int head_age =
      size == 1 ? (Chance(rng, 0.7) ? UniformInt32(rng, 60, 88) : UniformInt32(rng, 30, 59))
                : UniformInt32(rng, 28, 78);
  int slots = size - 1;
  const bool spouse = slots > 0 && Chance(rng, size == 2 ? 0.7 : 0.85);
  const bool head_male = spouse ? Chance(rng, 0.85) : Chance(rng, 0.5);
  out.push_back({"head", head_male, head_age, false});
  if (spouse) {
    const int gap = UniformInt32(rng, -1, 6);
    const int age = std::clamp(head_male ? head_age - gap : head_age + gap, 20, 95);
    out.push_back({"spouse", !head_male, age, true});
    --slots;
  }
  if (slots > 0 && head_age <= 55 && Chance(rng, 0.3)) {
    const int parents = slots >= 2 && Chance(rng, 0.3) ? 2 : 1;
    for (int i = 0; i < parents; ++i) {
      const bool male = parents == 2 ? i == 0 : Chance(rng, 0.35);
      const int age = std::min(95, head_age + UniformInt32(rng, 20, 35));
      out.push_back({male ? "father" : "mother", male, age, !male});
    }
    slots -= parents;
  }
  if (slots >= 2 && head_age >= 45 && Chance(rng, 0.55)) {
    // A married child living with the head, and their children.
    const int child = std::max(20, head_age - UniformInt32(rng, 20, 30));
    const bool son = Chance(rng, 0.8);
    const int in_law = std::clamp(child + UniformInt32(rng, -3, 3), 20, head_age - 14);
    out.push_back({son ? "son" : "daughter", son, child, false});
    out.push_back({son ? "daughter_in_law" : "son_in_law", !son, in_law, true});
    slots -= 2;
    const int max_grandchild = std::min(std::min(child, in_law) - 18, head_age - 40);
    while (slots > 0 && max_grandchild >= 0) {
      const bool male = Chance(rng, 0.52);
      out.push_back(
          {male ? "grandson" : "granddaughter", male, UniformInt32(rng, 0, max_grandchild), false});
      --slots;
    }
  }
  while (slots > 0) {
    int age = head_age - UniformInt32(rng, 18, 40);
    if (age < 0) age = UniformInt32(rng, 0, head_age - 18);
    const bool male = Chance(rng, 0.52);
    out.push_back({male ? "son" : "daughter", male, age, false});
    --slots;
  }
  return out;
}

bool IsStudent(const std::string& school_status) {
  return school_status != "not_in_school" && school_status != "dropout";
}

// School status inside the problem list's ranges with room to spare (preschool 3-5 of 2-7,
// primary 6-12 of 5-15, ...); nobody aged 7-14 is out of school.
void SetSchooling(Rng& rng, Member* m) {
  const int age = m->age;
  std::string school = "not_in_school";
  std::string education;
  if (age < 6) {
    if (age >= 3 && Chance(rng, 0.9)) school = "preschool";
    education = "preschool";
  } else if (age <= 11 || (age == 12 && Chance(rng, 0.3))) {
    school = education = "primary";
  } else if (age <= 14) {
    school = education = "junior_high";
  } else if (age <= 18) {
    const double r = UniformReal(rng, 0, 1);
    if (r < 0.35) {
      school = education = "senior_high";
    } else if (r < 0.55) {
      school = education = "vocational";
    } else {
      school = r < 0.57 ? "dropout" : "not_in_school";
      education = Chance(rng, 0.7) ? "junior_high" : "primary";
    }
  } else if (age <= 22 && Chance(rng, 0.25)) {
    school = education = Chance(rng, 0.8) ? "college" : "vocational";
  } else {
    // Adults: older generations went to school less.
    static const std::vector<std::string> kLevels = {"illiterate",  "primary",    "junior_high",
                                                     "senior_high", "vocational", "college"};
    const std::vector<int> weights = age >= 60   ? std::vector<int>{35, 45, 16, 3, 1, 0}
                                     : age >= 40 ? std::vector<int>{10, 40, 40, 6, 3, 1}
                                                 : std::vector<int>{2, 15, 50, 15, 12, 6};
    education = kLevels[PickWeighted(rng, weights)];
  }
  m->school_status = school;
  m->education = education;
}

void SetHealthAndLabor(Rng& rng, Member* m) {
  const int age = m->age;
  static const std::vector<std::string> kHealth = {"healthy", "chronic_illness", "serious_illness",
                                                   "disabled"};
  const std::vector<int> weights = age < 16   ? std::vector<int>{93, 3, 1, 3}
                                   : age < 60 ? std::vector<int>{75, 12, 4, 9}
                                              : std::vector<int>{40, 35, 10, 15};
  m->health = kHealth[PickWeighted(rng, weights)];
  m->disability_grade = m->health == "disabled" ? UniformInt32(rng, 1, 4) : 0;

  const bool severe =
      m->health == "serious_illness" || (m->health == "disabled" && m->disability_grade <= 2);
  std::string labor;
  if (age < 16 || IsStudent(m->school_status)) {
    labor = "no_labor";
  } else if (severe) {
    labor = "lost_labor";
  } else if (age >= 70) {
    labor = PickOne(rng, std::vector<std::string>{"no_labor", "no_labor", "weak_labor",
                                                  "weak_labor", "lost_labor"});
  } else if (age >= 60 || m->health != "healthy") {
    labor = Chance(rng, 0.65) ? "weak_labor" : "normal_labor";
  } else {
    labor = Chance(rng, 0.12) ? "skilled_labor" : "normal_labor";
  }
  m->labor = labor;
  const bool strong = labor == "normal_labor" || labor == "skilled_labor";
  if (strong && age <= 55 && Chance(rng, 0.55)) {
    m->migrant_months = UniformInt32(rng, 3, 12);
  } else if (labor == "weak_labor" && age <= 60 && Chance(rng, 0.1)) {
    m->migrant_months = UniformInt32(rng, 1, 6);
  }
  m->medical_insurance = Chance(rng, 0.98);
  m->pension_insurance = age >= 16 && !IsStudent(m->school_status) && Chance(rng, 0.85);
}

// Natural changes of the last year or two; the head always stays, so nobody's household empties.
void SetChange(Rng& rng, int32_t visit_day, int32_t birth_day, bool married_child, Member* m) {
  const std::string& r = m->relation;
  auto before_visit = [&](int max_days) {
    return std::max(birth_day, visit_day - UniformInt32(rng, 1, max_days));
  };
  if (m->age == 0 && (r == "son" || r == "daughter" || r == "grandson" || r == "granddaughter")) {
    if (Chance(rng, 0.6)) {
      m->change = kChangeBirth;
      m->change_day = birth_day;
    }
  } else if ((r == "father" || r == "mother") && m->age >= 75 && Chance(rng, 0.1)) {
    m->change = kChangeDeath;
    m->change_day = before_visit(300);
  } else if (r == "daughter" && !married_child && m->age >= 20 && Chance(rng, 0.12)) {
    m->change = kChangeMarriageOut;
    m->change_day = before_visit(600);
  } else if (r == "son" && !married_child && m->age >= 18 && Chance(rng, 0.04)) {
    m->change = kChangeMoveOut;
    m->change_day = before_visit(600);
  } else if ((r == "daughter_in_law" || r == "son_in_law") && Chance(rng, 0.1)) {
    m->change = kChangeMarriageIn;
    m->change_day = before_visit(300);
  }
}

}  // namespace

std::vector<Member> MakeMembers(Rng& rng, const Context& ctx, int32_t visit_day) {
  const int size = static_cast<int>(PickWeighted(rng, kSizeWeights)) + 1;
  const std::vector<Slot> slots = Composition(rng, size);
  const std::string surname = Surname(rng);
  const std::string ethnicity = Ethnicity(rng);
  // The married child is the one with an in-law in the household.
  bool has_in_law = false;
  for (const Slot& s : slots) {
    const std::string r = s.relation;
    has_in_law = has_in_law || r == "daughter_in_law" || r == "son_in_law";
  }
  std::vector<Member> members;
  bool married_child_seen = false;
  for (const Slot& s : slots) {
    Member m;
    m.relation = s.relation;
    m.sex = s.male ? "male" : "female";
    m.age = s.age;
    m.name = (s.own_surname ? Surname(rng) : surname) + GivenName(rng, s.male);
    const int32_t birth_day = BirthDayForAge(rng, s.age, visit_day);
    m.id_number = ctx.ids->Allocate(rng, birth_day, s.male);
    // Mixed marriages are common in the area: a spouse or in-law may be of another ethnicity.
    m.ethnicity = s.own_surname && Chance(rng, 0.25) ? Ethnicity(rng) : ethnicity;
    SetSchooling(rng, &m);
    SetHealthAndLabor(rng, &m);
    const bool child = m.relation == "son" || m.relation == "daughter";
    const bool married_child = has_in_law && child && !married_child_seen;
    married_child_seen = married_child_seen || married_child;
    if (m.relation != "head") SetChange(rng, visit_day, birth_day, married_child, &m);
    members.push_back(std::move(m));
  }
  return members;
}

}  // namespace doorstep::registry::sample_internal
