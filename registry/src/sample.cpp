// Sample generator, the township: villages and their household counts, every household, the
// planted problems, then what depends on the final households (village registers, status reviews,
// misidentification reviews) and the planted list in the problem list's order.

#include "doorstep/registry/sample.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "doorstep/registry/poverty_line.h"
#include "sample_internal.h"

namespace doorstep::registry {
namespace {

using namespace sample_internal;

// Uneven village sizes (weights 50-150), every village at least one household when there are
// enough households to go round.
std::vector<int> SplitHouseholds(Rng& rng, int villages, int households) {
  std::vector<int> counts(static_cast<size_t>(villages), 0);
  int left = households;
  if (households >= villages) {
    std::fill(counts.begin(), counts.end(), 1);
    left -= villages;
  }
  std::vector<int> weights;
  int total = 0;
  for (int i = 0; i < villages; ++i) total += weights.emplace_back(UniformInt32(rng, 50, 150));
  int given = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const int share = static_cast<int>(int64_t{left} * weights[i] / total);
    counts[i] += share;
    given += share;
  }
  for (; given < left; ++given) counts[PickWeighted(rng, weights)] += 1;
  return counts;
}

// 贫困村登记表: the registry's households are a part of the village's registered households.
VillageRegister MakeRegister(Rng& rng, const SampleOptions& o, const VillagePlan& v,
                             const std::vector<Household>& households) {
  int assigned = 0, people = 0;
  for (const Household& h : households) {
    if (h.village != v.name) continue;
    ++assigned;
    people += static_cast<int>(h.members.size());
  }
  VillageRegister r;
  r.id = NewUuid(rng);
  r.county = o.county;
  r.township = o.township;
  r.village = v.name;
  r.year = YearOfDay(o.today);
  r.registered_households = assigned + UniformInt32(rng, assigned / 3 + 20, assigned * 3 / 2 + 40);
  r.rural_population =
      std::max(people + UniformInt32(rng, 50, 300),
               static_cast<int>(r.registered_households * UniformReal(rng, 3.3, 4.0) * 0.92));
  r.registered_population = r.rural_population + UniformInt32(rng, 10, 150);
  r.assigned_households = assigned;
  r.poor_village = Chance(rng, 0.6);
  // Villages left the poor list in 2017-2020, never after the sample's today.
  const int last_exit = std::min(2020, r.year);
  const bool exited = r.poor_village && Chance(rng, 0.7) && last_exit >= 2017;
  r.village_exit_year = exited ? UniformInt32(rng, 2017, last_exit) : 0;
  r.team_leader = v.team_leader;
  return r;
}

// The completed review behind a status that changed in the visit's year: new inclusions and
// returns with the full procedure, removals with the short one (model.h, Review), dated backwards
// from the completion. Every step approved and in time; some new inclusions are missed households
// (漏评) found by a review.
void AddCompletedReview(Rng& rng, const Household& h, std::vector<Review>* out,
                        std::vector<MisidentificationReview>* missed) {
  Review r;
  if (h.status == kStatusNew) {
    r.transition = Transition::kNewInclusion;
  } else if (h.status == kStatusReturned) {
    r.transition = Transition::kReturn;
    r.return_cause = h.main_cause.empty() ? "illness" : h.main_cause;
  } else if (h.status == kStatusRemoved) {
    r.transition = Transition::kRemoval;
    r.reason = Chance(rng, 0.7) ? "misidentified" : "whole_household_gone";
  } else {
    return;
  }
  if (h.status_year != YearOfDay(h.visit_day)) return;
  r.id = NewUuid(rng);
  r.household_id = h.id;
  r.household_no = h.household_no;
  r.head_name = h.head_name;
  r.village = h.village;
  const int32_t lo = std::max(DayFromCivil(h.status_year, 1, 1), h.visit_day - 60);
  r.completed_day = UniformInt32(rng, lo, h.visit_day);
  r.year = YearOfDay(r.completed_day);
  r.notification_day = r.completed_day - UniformInt32(rng, 0, 2);
  r.announcement_start = r.notification_day - UniformInt32(rng, 5, 8);
  int32_t before = r.announcement_start;
  if (r.transition == Transition::kNewInclusion || r.transition == Transition::kReturn) {
    r.assessment2_day = before - UniformInt32(rng, 0, 3);
    r.assessment2_outcome = "approved";
    before = r.assessment2_day;
    if (Chance(rng, 0.1)) {
      r.comparison_flags = {"registered_car"};
      r.comparison_flags_handled = true;
      r.feedback_day = before - UniformInt32(rng, 0, 3);
      before = r.feedback_day;
    }
    r.comparison_day = before - UniformInt32(rng, 1, 5);
    r.comparison_departments = ComparisonDepartments();
    r.county_review_day = r.comparison_day - UniformInt32(rng, 0, 3);
    r.county_review_outcome = "approved";
    r.notice2_start = r.county_review_day - UniformInt32(rng, 7, 10);
    before = r.notice2_start;
  }
  r.township_review_day = before - UniformInt32(rng, 0, 3);
  r.township_review_outcome = "approved";
  r.notice1_start = r.township_review_day - UniformInt32(rng, 7, 10);
  r.assessment1_day = r.notice1_start - UniformInt32(rng, 0, 3);
  r.assessment1_outcome = "approved";
  r.household_acknowledged = r.transition != Transition::kRemoval;
  if (r.transition != Transition::kRemoval && r.transition != Transition::kExit) {
    r.application_day = r.assessment1_day - UniformInt32(rng, 3, 20);
  }
  if (r.transition == Transition::kNewInclusion && Chance(rng, 0.2)) {
    // Found by a 漏评 review earlier in the year, then included like any new household.
    r.missed_household = true;
    MisidentificationReview m;
    m.id = NewUuid(rng);
    m.household_id = h.id;
    m.household_no = h.household_no;
    m.head_name = h.head_name;
    m.village = h.village;
    m.year = r.year;
    m.kind = "missed";
    m.conclusion = "confirmed";
    m.people = static_cast<int>(h.members.size());  // as found, before later changes
    missed->push_back(std::move(m));
  }
  out->push_back(std::move(r));
}

// An exit under way this year for a poor household above the line with every guarantee met:
// assessed, acknowledged, on notice.
void AddOpenExit(Rng& rng, const SampleOptions& o, const Household& h, std::vector<Review>* out) {
  Review r;
  r.id = NewUuid(rng);
  r.household_id = h.id;
  r.village = h.village;
  r.transition = Transition::kExit;
  r.year = YearOfDay(o.today);
  r.assessment1_day = o.today - UniformInt32(rng, 8, 20);
  r.assessment1_outcome = "approved";
  r.household_acknowledged = true;
  r.household_no = h.household_no;
  r.head_name = h.head_name;
  r.notice1_start = r.assessment1_day + 1;
  out->push_back(std::move(r));
}

// 识别不精准户调查核定: about 3% of households, a mix of kinds and conclusions.
void AddMisidentification(Rng& rng, const SampleOptions& o, const Household& h,
                          std::vector<MisidentificationReview>* out) {
  static const std::vector<std::string> kFlags = {
      "registered_car", "business_registered", "commercial_flat", "public_servant", "high_deposit"};
  MisidentificationReview r;
  r.id = NewUuid(rng);
  r.household_id = h.id;
  r.village = h.village;
  r.year = YearOfDay(o.today);
  if (h.status == kStatusRemoved) {
    r.kind = "wrong_inclusion";
  } else if (h.status == kStatusLifted) {
    r.kind = Chance(rng, 0.5) ? "wrong_exit" : "wrong_inclusion";
  } else {
    r.kind = "wrong_inclusion";
  }
  static const std::vector<std::string> kConclusions = {"confirmed", "not_confirmed", "pending"};
  r.conclusion = kConclusions[PickWeighted(rng, {30, 50, 20})];
  // Clean for the problem list: a confirmed finding was acted on (a 错评 household removed, a 错退
  // one returned), otherwise the review found nothing; a pending review has no comparison flags.
  const bool acted_on = (r.kind == "wrong_inclusion" && h.status == kStatusRemoved) ||
                        (r.kind == "wrong_exit" && h.status == kStatusReturned);
  if (r.conclusion == "confirmed" && !acted_on) r.conclusion = "not_confirmed";
  if (r.kind == "wrong_inclusion" && r.conclusion != "pending" && Chance(rng, 0.5)) {
    r.comparison_flags.push_back(PickOne(rng, kFlags));
  }
  out->push_back(std::move(r));
}

}  // namespace

Sample GenerateTownship(const SampleOptions& options) {
  Rng rng(options.seed);
  IdAllocator ids(options.county_code);
  Context ctx;
  ctx.options = &options;
  ctx.lines = PovertyLines::BuiltIn();
  ctx.ids = &ids;
  const int village_count = std::clamp(options.villages, 1, 999);
  const int household_count = std::clamp(options.households, 0, village_count * 9999);

  std::vector<VillagePlan> villages;
  // Given village names first; drawn names stay clear of them.
  std::set<std::string> names(options.village_names.begin(), options.village_names.end());
  const std::vector<int> counts = SplitHouseholds(rng, village_count, household_count);
  for (int v = 0; v < village_count; ++v) {
    villages.push_back(MakeVillage(rng, v + 1, &names));
    if (static_cast<size_t>(v) < options.village_names.size()) {
      villages.back().name = options.village_names[static_cast<size_t>(v)];
    }
    villages.back().households = std::min(counts[static_cast<size_t>(v)], 9999);
  }

  Sample sample;
  std::vector<Household>& households = sample.township.households;
  households.reserve(static_cast<size_t>(household_count));
  for (const VillagePlan& v : villages) {
    for (int seq = 1; seq <= v.households; ++seq) {
      const std::string status = DrawStatus(rng);
      const int32_t visit_day = options.today - UniformInt32(rng, 1, 300);
      households.push_back(MakeHousehold(rng, ctx, v, seq, status, visit_day));
    }
  }
  std::vector<MisidentificationReview> planted_reviews;
  if (options.plant_problems) {
    sample.planted = PlantProblems(rng, ctx, villages, &households, &planted_reviews);
  }

  for (const VillagePlan& v : villages) {
    sample.township.villages.push_back(MakeRegister(rng, options, v, households));
  }
  std::set<std::string> planted_ids;
  for (const PlantedProblem& p : sample.planted) planted_ids.insert(p.household_id);
  for (const Household& h : households) {
    AddCompletedReview(rng, h, &sample.township.reviews,
                       &sample.township.misidentification_reviews);
    const double line = LineFor(ctx, YearOfDay(h.visit_day));
    // Every poor household above the line with its guarantees met is on its way out (应退
    // would otherwise be 未退, a problem).
    if (IsPoorStatus(h.status) && h.guarantees.AllMet() && h.danger_grade != "C" &&
        h.danger_grade != "D" && h.ActiveSize() > 0 && h.PerCapitaNet() > line) {
      AddOpenExit(rng, options, h, &sample.township.reviews);
    }
    if (Chance(rng, 0.03))
      AddMisidentification(rng, options, h, &sample.township.misidentification_reviews);
  }
  std::vector<MisidentificationReview>& mis = sample.township.misidentification_reviews;
  mis.insert(mis.end(), planted_reviews.begin(), planted_reviews.end());
  AddAssistanceVisits(rng, options, &sample.township);
  SortPlanted(sample.township, &sample.planted);
  return sample;
}

}  // namespace doorstep::registry
