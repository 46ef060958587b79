// Internals of the sample generator shared by sample*.cpp: portable random helpers, names and
// resident IDs (sample_names.cpp), members (sample_members.cpp), households
// (sample_households.cpp), signatures (sample_signatures.cpp) and planting (sample_planting.cpp).
//
// Thread rules: everything works on the caller's rng and context; nothing is shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/registry/model.h"
#include "doorstep/registry/poverty_line.h"
#include "doorstep/registry/sample.h"

namespace doorstep::registry::sample_internal {

using Rng = std::mt19937_64;

// ---- Portable randomness (the std:: distributions are not the same on every library).
// Uniform in [lo, hi], both inclusive; lo when hi < lo.
int64_t UniformInt(Rng& rng, int64_t lo, int64_t hi);
int UniformInt32(Rng& rng, int lo, int hi);
// Uniform in [lo, hi).
double UniformReal(Rng& rng, double lo, double hi);
bool Chance(Rng& rng, double p);
// Index drawn with probability weights[i] / sum(weights); weights non-negative, sum > 0.
size_t PickWeighted(Rng& rng, const std::vector<int>& weights);
template <typename T>
const T& PickOne(Rng& rng, const std::vector<T>& items) {
  return items[static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(items.size()) - 1))];
}
template <typename T>
void Shuffle(Rng& rng, std::vector<T>* items) {
  for (size_t i = items->size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(i) - 1));
    std::swap((*items)[i - 1], (*items)[j]);
  }
}

// ---- Names, places, numbers (sample_names.cpp).
std::string Surname(Rng& rng);
std::string GivenName(Rng& rng, bool male);   // 1 or 2 characters
std::string PersonName(Rng& rng, bool male);  // weighted surname + given name
std::string VillageName(Rng& rng);            // e.g. 坪新冲村
std::string GroupName(int number);            // 1 -> 第一村民组
std::string PhoneNumber(Rng& rng);            // 11 digits
std::string NewUuid(Rng& rng);                // version 4 from the rng
std::string Ethnicity(Rng& rng);              // weighted like the dataset

// A birth day on which a person is exactly `age` full years old on `on_day`.
int32_t BirthDayForAge(Rng& rng, int age, int32_t on_day);

// Hands out resident IDs that are valid and unique in the township (by the first 17 digits, so a
// planted wrong check character can never collide with another person either).
class IdAllocator {
 public:
  explicit IdAllocator(std::string region_code) : region_(std::move(region_code)) {}
  std::string Allocate(Rng& rng, int32_t birth_day, bool male);
  // Reserves 17 digits (e.g. a planted variant); false when already taken.
  bool Reserve(const std::string& first17) { return used_.insert(first17).second; }

 private:
  std::string region_;
  std::set<std::string> used_;
};

// ---- Villages, households (sample_households.cpp) and members (sample_members.cpp).
struct Cadre {
  std::string name, unit, position, phone;
};

struct VillagePlan {
  std::string name;
  int number = 0;  // 1-based, the village part of household_no
  int groups = 0;
  double lat = 0, lon = 0;
  std::string team_leader, vice_team_leader;
  std::vector<std::string> surveyors;
  std::vector<Cadre> cadres;
  int households = 0;
};

// What every household generator call needs.
struct Context {
  const SampleOptions* options = nullptr;
  PovertyLines lines;
  IdAllocator* ids = nullptr;
  std::string township_code = "001";  // the township part of household_no
};

// The poverty line in force in `year` for the county's province (national fallback 4000).
double LineFor(const Context& ctx, int year);

// A village with a name not yet in `names` (added to it).
VillagePlan MakeVillage(Rng& rng, int number, std::set<std::string>* names);

// The members of one household surveyed on `visit_day`: relations and ages consistent, every ID
// valid and new to the township. members[0] is the head, who never has a change.
std::vector<Member> MakeMembers(Rng& rng, const Context& ctx, int32_t visit_day);

// A clean household of `village` with sequence number `seq`, the given status and visit day.
Household MakeHousehold(Rng& rng, const Context& ctx, const VillagePlan& village, int seq,
                        const std::string& status, int32_t visit_day);
// Status drawn like the dataset (lifted 53%, poor 25%, removed 12%, new 6%, returned 4%).
std::string DrawStatus(Rng& rng);

// 低保 应保尽保 (the problem list's low_income_guarantee_missing): nobody among the active members
// can work, or one of them is seriously ill or severely disabled (grade 1-2). A poor household
// that qualifies gets 低保 (clean) unless planted otherwise.
bool NeedsGuarantee(const Household& h);

// Sets the income components so that the per-capita net income is about `per_capita`.
void SetIncome(Rng& rng, double per_capita, Household* h);

// ---- Signatures (sample_signatures.cpp): the three required roles, valid, on the visit day.
void SignHousehold(Rng& rng, const SampleOptions& options, Household* h);

// ---- Planting (sample_planting.cpp). Changes households in place (never removes one or adds
// one: a duplicate household replaces another household of the same village), adds the planted
// misidentification reviews to `reviews` and returns what FindProblems must report, unsorted.
std::vector<PlantedProblem> PlantProblems(Rng& rng, const Context& ctx,
                                          const std::vector<VillagePlan>& villages,
                                          std::vector<Household>* households,
                                          std::vector<MisidentificationReview>* reviews);
// The planted misidentification reviews (sample_planting_reviews.cpp): one of this year about a
// household, and a confirmed 漏评 of a household no record holds, numbered `seq` in village `v`.
MisidentificationReview PlantedReview(Rng& rng, const Context& ctx, const Household& h,
                                      const char* kind, const char* conclusion);
MisidentificationReview MissedReview(Rng& rng, const Context& ctx, const VillagePlan& v, int seq);
// Sorts like FindProblems: village, household_no, household id, code, member, role (a planted
// 漏评 has no household: its review's village and number).
void SortPlanted(const Township& township, std::vector<PlantedProblem>* planted);

// ---- Assistance visits (sample_visits.cpp): each poor household with a cadre is visited by that
// cadre every 25-31 days over the half year up to options.today, the last visit at most 20 days
// before it.
void AddAssistanceVisits(Rng& rng, const SampleOptions& options, Township* township);

}  // namespace doorstep::registry::sample_internal
