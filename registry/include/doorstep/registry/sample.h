// The sample township: a deterministic, synthetic registry for demos, benchmarks and tests.
//
// GenerateTownship builds a whole township (villages, households with members, incomes, cadres,
// measures, GPS, visits and signatures; one VillageRegister per village; a few status reviews and
// misidentification reviews; the cadres' monthly assistance visits to poor households) whose shape
// follows a 1,000-household registry export (JSON Lines, jsonl.h): household sizes, statuses,
// ethnicities, causes, measures. Nobody in it is real.
//
// Clean by construction: every resident ID is valid and unique in the township, ages fit the
// school status and the relation to the head, incomes fit the status (poor, new and returned
// households 0.5-1.6x the poverty line of the visit year, lifted ones 1.2-3x), lifted households
// meet every guarantee, all three required signatures are present and valid, visits are at most
// 300 days old. Poor households (new, poor, returned) have a cadre, a measure of the visit year,
// an assistance visit by their cadre every month up to `today` (AssistanceVisit, in memory only:
// the JSON Lines export has no visits), every member insured (医保), no C/D house, and 低保 where
// the problem list requires it. Confirmed misidentification reviews were acted on (a confirmed
// 漏评 household is registered as new, a confirmed 错评 one removed, a confirmed 错退 one
// returned); pending ones carry no comparison flags. With plant_problems, a share of households
// then gets exactly one planted problem each, and `planted` lists every problem the problem list
// (quality.h, FindProblems) must report for them: nothing more, nothing less. That makes the sample
// the end-to-end test of the list. Every code is planted except signature_stale and
// assistance_visit_overdue (the export has no visits, so an imported sample could not show it).
//
// Dates: nothing generated is after `today`: survey days, birth days (in the IDs), change days,
// signature times, visits and review days are on or before it; identification, lifted, status,
// measure, review and village exit years are at most its year (the years of the programme,
// 2014-2020, are cut to it when `today` is earlier).
//
// Determinism: the same options give the same township on every platform. Randomness is a
// std::mt19937_64 seeded with `seed`, read through our own uniform helpers (the std::
// distributions differ between standard libraries).
//
// Preconditions: county_code is 6 digits starting with a province code (resident_id.h,
// IsProvinceCode); villages 1-999 and at most 9999 households per village (household_no has a
// 3-digit village and a 4-digit sequence part). Out-of-range counts are clamped. With fewer
// households than villages some villages stay empty.
//
// Personal data: the names, ID numbers and incomes are synthetic but shaped like the real thing;
// nothing here logs them.
//
// Thread rules: pure functions; GenerateTownship may run concurrently with different options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"

namespace doorstep::registry {

struct SampleOptions {
  int villages = 14;
  int households = 1300;  // spread over the villages (uneven but every village gets some)
  uint64_t seed = 1;
  int32_t today = DayFromCivil(2026, 11, 23);  // survey "now"; visits happen in the year before
  bool plant_problems = true;
  // Share of households that get one planted problem (each code at least once when
  // plant_problems and households >= 200; signature_stale is never planted).
  double problem_rate = 0.02;
  size_t signature_points = 275;  // per signature
  std::string county = "黎平县", county_code = "522631", township = "高屯镇";
  // Names of the first villages, in order (unique, non-empty); the others get drawn names.
  std::vector<std::string> village_names;
};

// One problem FindProblems must report: code, household, member (-1 = household-level) and, for
// signature problems, the role; for review problems the review (a planted 漏评 household is not
// registered: household_id is "" and the review names it).
struct PlantedProblem {
  std::string code;
  std::string household_id;
  int member_index = -1;
  std::string role;
  std::string review_id;
};

struct Sample {
  Township township;
  // Every planted problem, sorted like FindProblems sorts its output (village, household_no,
  // household_id, code, member_index, role).
  std::vector<PlantedProblem> planted;
};

Sample GenerateTownship(const SampleOptions& options);

// Handwriting-like strokes on a 600x300 canvas: `points` points over 2-5 strokes (fewer when there
// are too few points for two per stroke), t in ms increasing from 0 across the whole signature.
std::vector<std::vector<Point>> HandwritingStrokes(std::mt19937_64& rng, size_t points);

}  // namespace doorstep::registry
