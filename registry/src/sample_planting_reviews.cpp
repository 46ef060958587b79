// Sample generator, planted reviews: the misidentification reviews whose findings the registry
// has not acted on (confirmed 错评 / 错退 / 漏评, comparison flags left pending), and the order of
// the planted list, which a 漏评 without a household record sorts into by its review.

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sample_internal.h"

namespace doorstep::registry::sample_internal {

MisidentificationReview PlantedReview(Rng& rng, const Context& ctx, const Household& h,
                                      const char* kind, const char* conclusion) {
  MisidentificationReview r;
  r.id = NewUuid(rng);
  r.household_id = h.id;
  r.household_no = h.household_no;
  r.head_name = h.head_name;
  r.village = h.village;
  r.people = h.ActiveSize();
  r.year = YearOfDay(ctx.options->today);
  r.kind = kind;
  r.conclusion = conclusion;
  return r;
}

MisidentificationReview MissedReview(Rng& rng, const Context& ctx, const VillagePlan& v, int seq) {
  MisidentificationReview r;
  r.id = NewUuid(rng);
  char no[32];
  std::snprintf(no, sizeof no, "%s%s%03d%04d", ctx.options->county_code.c_str(),
                ctx.township_code.c_str(), v.number, seq);
  r.household_no = no;
  r.head_name = PersonName(rng, Chance(rng, 0.8));
  r.village = v.name;
  r.people = UniformInt32(rng, 1, 6);
  r.year = YearOfDay(ctx.options->today);
  r.kind = "missed";
  r.conclusion = "confirmed";
  return r;
}

void SortPlanted(const Township& township, std::vector<PlantedProblem>* planted) {
  // Where a problem sorts: its household's village and number, else its review's (漏评).
  std::map<std::string, std::pair<std::string, std::string>> place;
  for (const Household& h : township.households) {
    place.emplace(h.id, std::pair(h.village, h.household_no));
  }
  for (const MisidentificationReview& r : township.misidentification_reviews) {
    place.emplace(r.id, std::pair(r.village, r.household_no));
  }
  auto key = [&](const PlantedProblem& p) {
    const auto& [village, no] = place.at(p.household_id.empty() ? p.review_id : p.household_id);
    return std::tie(village, no, p.household_id, p.code, p.member_index, p.role);
  };
  std::stable_sort(
      planted->begin(), planted->end(),
      [&](const PlantedProblem& a, const PlantedProblem& b) { return key(a) < key(b); });
}

}  // namespace doorstep::registry::sample_internal
