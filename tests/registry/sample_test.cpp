// The sample township generator (sample.h): determinism, valid and unique resident IDs, the shape
// of the township, realistic distributions and signatures. The end-to-end check against the
// problem list is in sample_quality_test.cpp.

#include "doorstep/registry/sample.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "doorstep/core/sha256.h"
#include "doorstep/registry/poverty_line.h"
#include "doorstep/registry/quality.h"
#include "doorstep/registry/resident_id.h"

namespace doorstep::registry {
namespace {

const int32_t kToday = DayFromCivil(2026, 11, 23);

// Everything generated, field by field, hashed: any difference anywhere changes the digest.
std::string SampleDigest(const Sample& s) {
  std::ostringstream o;
  o.precision(17);
  auto put = [&](const auto&... v) { ((o << v << '|'), ...); };
  for (const Household& h : s.township.households) {
    put(h.id, h.form_version, h.household_no, h.county, h.county_code, h.township, h.village,
        h.group, h.head_name, h.head_id_number, h.phone, h.status, h.status_year,
        h.identification_standard, h.identification_year, h.poverty_line_yuan, h.lifted_year,
        h.main_cause);
    for (const std::string& c : h.other_causes) put(c);
    const Income& in = h.income;
    put(in.wage, in.production, in.property, in.subsidy, in.pension, in.eco_compensation,
        in.production_costs);
    const Guarantees& g = h.guarantees;
    put(g.food, g.clothing, g.compulsory_education, g.basic_medical, g.safe_housing,
        g.safe_drinking_water, h.house_area_m2, h.danger_grade, h.relocated, h.cadre_name,
        h.cadre_unit, h.cadre_position, h.cadre_phone);
    for (const AssistanceMeasure& m : h.measures) put(m.type, m.description, m.year, m.amount_yuan);
    put(h.has_gps, h.lat, h.lon, h.gps_accuracy_m, h.visit_day, h.team_leader, h.vice_team_leader,
        h.finalized);
    for (const std::string& v : h.surveyors) put(v);
    for (const Member& m : h.members) {
      put(m.name, m.id_number, m.relation, m.sex, m.age, m.ethnicity, m.education, m.school_status,
          m.health, m.disability_grade, m.labor, m.migrant_months, m.medical_insurance,
          m.pension_insurance, m.low_income_guarantee, m.extreme_poverty_support, m.change,
          m.change_day);
    }
    for (const Signature& sig : h.signatures) {
      put(sig.role, sig.signer, sig.proxy_signer, sig.signed_at_ms, sig.canvas_w, sig.canvas_h,
          static_cast<int>(sig.state));
      for (const auto& stroke : sig.strokes) {
        for (const Point& p : stroke) put(p.x, p.y, p.t);
        put("/");
      }
    }
    o << '\n';
  }
  for (const VillageRegister& v : s.township.villages) {
    put(v.id, v.county, v.township, v.village, v.year, v.registered_households,
        v.registered_population, v.rural_population, v.assigned_households, v.poor_village,
        v.village_exit_year, v.team_leader);
  }
  for (const Review& r : s.township.reviews) {
    put(r.id, r.household_id, r.village, TransitionName(r.transition), r.year, r.reason,
        r.assessment1_day, r.assessment1_outcome, r.notice1_start, r.comparison_day,
        r.comparison_flags.size(), r.comparison_flags_handled, r.assessment2_day,
        r.assessment2_outcome, r.notice2_start, r.announcement_start, r.notification_day,
        r.completed_day);
  }
  for (const MisidentificationReview& r : s.township.misidentification_reviews) {
    put(r.id, r.household_id, r.village, r.year, r.kind, r.conclusion, r.comparison_flags.size());
  }
  for (const PlantedProblem& p : s.planted) put(p.code, p.household_id, p.member_index, p.role);
  return ToHex(Sha256Of(o.str()));
}

// (household id, member index) pairs of planted problems with one of `codes`.
std::set<std::pair<std::string, int>> PlantedMembers(const Sample& s,
                                                     const std::set<std::string>& codes) {
  std::set<std::pair<std::string, int>> out;
  for (const PlantedProblem& p : s.planted) {
    if (codes.count(p.code)) out.insert({p.household_id, p.member_index});
  }
  return out;
}

const Sample& DefaultSample() {
  static const Sample kSample = GenerateTownship(SampleOptions{});
  return kSample;
}

TEST_CASE("sample is deterministic per seed and differs between seeds", "[sample]") {
  SampleOptions options;
  options.households = 300;
  options.villages = 5;
  const std::string first = SampleDigest(GenerateTownship(options));
  CHECK(SampleDigest(GenerateTownship(options)) == first);
  options.seed = 2;
  CHECK(SampleDigest(GenerateTownship(options)) != first);
  options.seed = 1;
  options.plant_problems = false;
  CHECK(SampleDigest(GenerateTownship(options)) != first);
}

TEST_CASE("sample default township has 14 villages and 1300 households", "[sample]") {
  const Sample& s = DefaultSample();
  const Township& t = s.township;
  REQUIRE(t.households.size() == 1300);
  REQUIRE(t.villages.size() == 14);
  std::map<std::string, int> per_village;
  std::set<std::string> household_nos;
  std::set<std::string> without_cadre;  // planted no_assistance_cadre
  for (const PlantedProblem& p : s.planted) {
    if (p.code == kProblemNoAssistanceCadre) without_cadre.insert(p.household_id);
  }
  for (const Household& h : t.households) {
    ++per_village[h.village];
    CHECK(h.county == "黎平县");
    CHECK(h.township == "高屯镇");
    REQUIRE(h.household_no.size() == 16);
    CHECK(h.household_no.rfind("522631", 0) == 0);
    CHECK(h.household_no.find_first_not_of("0123456789") == std::string::npos);
    household_nos.insert(h.household_no);
    CHECK(h.head_name == h.members.front().name);
    CHECK(h.head_id_number == h.members.front().id_number);
    CHECK(h.members.front().relation == "head");
    CHECK(h.surveyors.size() == 2);
    CHECK(h.surveyors[0] != h.surveyors[1]);
    CHECK(h.identification_year >= 2014);
    CHECK((h.measures.size() >= 1 && h.measures.size() <= 3));
    CHECK(h.other_causes.size() <= 2);
    CHECK(h.cadre_unit.empty() == (without_cadre.count(h.id) > 0));
    CHECK(h.has_gps);
  }
  std::map<std::string, int> codes;
  for (const PlantedProblem& p : s.planted) ++codes[p.code];
  // A planted duplicate_household shares its number with another record.
  CHECK(household_nos.size() == 1300 - static_cast<size_t>(codes[kProblemDuplicateHousehold]));
  REQUIRE(per_village.size() == 14);
  int smallest = 1300, largest = 0;
  for (const VillageRegister& v : t.villages) {
    REQUIRE(per_village.count(v.village) == 1);
    const int n = per_village[v.village];
    smallest = std::min(smallest, n);
    largest = std::max(largest, n);
    CHECK(v.year == 2026);
    CHECK(v.assigned_households == n);
    CHECK(v.registered_households >= n);
    CHECK(v.village.size() == 4 * 3);  // three characters and 村, 3 UTF-8 bytes each
    CHECK(v.village.substr(9) == "村");
    int people = 0;
    for (const Household& h : t.households) {
      if (h.village == v.village) people += static_cast<int>(h.members.size());
    }
    CHECK(v.rural_population > people);
    CHECK(v.registered_population >= v.rural_population);
  }
  CHECK(smallest >= 1);
  CHECK(largest > smallest);  // uneven
  // 2% of 1300 households get a problem; the two-household duplicate ID plants add an entry.
  CHECK(codes.size() == 22);
  CHECK(codes.count(kProblemSignatureStale) == 0);
  CHECK(s.planted.size() ==
        26 + static_cast<size_t>(codes[kProblemDuplicateIdAcrossHouseholds]) / 2);
  CHECK(!t.reviews.empty());
  const size_t misidentified = t.misidentification_reviews.size();
  CHECK((misidentified >= 13 && misidentified <= 80));
}

TEST_CASE("sample resident IDs are valid and unique except the planted ones", "[sample]") {
  const Sample& s = DefaultSample();
  const auto invalid = PlantedMembers(s, {kProblemInvalidResidentId});
  const auto duplicates =
      PlantedMembers(s, {kProblemDuplicateIdAcrossHouseholds, kProblemDuplicateIdInHousehold});
  std::set<std::string> copied_households;
  for (const PlantedProblem& p : s.planted) {
    if (p.code == kProblemDuplicateHousehold) copied_households.insert(p.household_id);
  }
  REQUIRE(!invalid.empty());
  REQUIRE(!duplicates.empty());
  REQUIRE(!copied_households.empty());
  std::map<std::string, std::pair<int, int>> seen;  // ID -> (occurrences, planted occurrences)
  size_t invalid_found = 0;
  for (const Household& h : s.township.households) {
    if (copied_households.count(h.id)) continue;  // a copy of another record, IDs and all
    for (size_t i = 0; i < h.members.size(); ++i) {
      const Member& m = h.members[i];
      const std::pair<std::string, int> key{h.id, static_cast<int>(i)};
      const Result<ResidentId> parsed = ParseResidentId(m.id_number, kToday);
      if (invalid.count(key)) {
        CHECK(!parsed.ok());
        ++invalid_found;
        continue;
      }
      REQUIRE(parsed.ok());
      CHECK(parsed->region_code == "522631");
      CHECK(parsed->sex == m.sex);
      CHECK(AgeOn(parsed->birth_day, h.visit_day) == m.age);
      ++seen[m.id_number].first;
      if (duplicates.count(key)) ++seen[m.id_number].second;
    }
  }
  CHECK(invalid_found == invalid.size());
  // An ID is held once, or exactly twice when a planted duplicate is one of the two.
  size_t planted_found = 0;
  for (const auto& [id, counts] : seen) {
    const auto [n, planted] = counts;
    planted_found += static_cast<size_t>(planted);
    if (n != (planted > 0 ? 2 : 1)) FAIL_CHECK("a resident ID occurs " << n << " times");
  }
  CHECK(planted_found == duplicates.size());
}

TEST_CASE("sample household sizes and statuses follow the dataset", "[sample]") {
  const Sample& s = DefaultSample();
  std::map<size_t, int> sizes;
  std::map<std::string, int> statuses;
  for (const Household& h : s.township.households) {
    ++sizes[h.members.size()];
    ++statuses[h.status];
  }
  const double n = static_cast<double>(s.township.households.size());
  // Given shares, percent; bounds of +-4 points (about 3.5 standard deviations at 1300).
  const std::map<size_t, double> size_share = {{1, 12}, {2, 20}, {3, 18}, {4, 22},
                                               {5, 14}, {6, 9},  {7, 5}};
  REQUIRE(sizes.size() == 7);
  for (const auto& [size, share] : size_share) {
    INFO("size " << size);
    CHECK(std::abs(100.0 * sizes[size] / n - share) < 4.0);
  }
  const std::map<std::string, double> status_share = {
      {"lifted", 53}, {"poor", 25}, {"removed", 12}, {"new", 6}, {"returned", 4}};
  REQUIRE(statuses.size() == 5);
  for (const auto& [status, share] : status_share) {
    INFO("status " << status);
    CHECK(std::abs(100.0 * statuses[status] / n - share) < 4.0);
  }
}

TEST_CASE("sample incomes visits and guarantees fit the status of clean households", "[sample]") {
  const Sample& s = DefaultSample();
  std::set<std::string> planted;
  for (const PlantedProblem& p : s.planted) planted.insert(p.household_id);
  const PovertyLines lines = PovertyLines::BuiltIn();
  int checked = 0;
  for (const Household& h : s.township.households) {
    if (planted.count(h.id)) continue;
    CHECK(h.visit_day < kToday);
    CHECK(h.visit_day >= kToday - 300);
    const double line = *lines.Line(YearOfDay(h.visit_day), "52");
    const double pc = h.PerCapitaNet() / line;
    if (IsPoorStatus(h.status)) {
      CHECK((pc > 0.49 && pc < 1.61));
    } else if (h.status == kStatusLifted) {
      CHECK((pc > 1.19 && pc < 3.01));
      CHECK(h.guarantees.AllMet());
    }
    CHECK(h.income.wage >= 0);
    CHECK(h.income.production_costs >= 0);
    CHECK(h.ActiveSize() >= 1);
    ++checked;
  }
  CHECK(checked > 1200);
}

TEST_CASE("sample signatures have about 275 points in 2 to 5 strokes", "[sample]") {
  const Sample& s = DefaultSample();
  std::set<std::string> missing;
  for (const PlantedProblem& p : s.planted) {
    // A planted household without a cadre has no 脱贫责任人 to sign either.
    if (p.code == kProblemSignatureMissing || p.code == kProblemNoAssistanceCadre) {
      missing.insert(p.household_id);
    }
  }
  for (const Household& h : s.township.households) {
    // Head, surveyor, team leader and, for a household in the registry, its 脱贫责任人.
    const size_t roles = h.status == kStatusRemoved ? 3u : 4u;
    REQUIRE(h.signatures.size() == roles - (missing.count(h.id) ? 1u : 0u));
    for (const Signature& sig : h.signatures) {
      CHECK(sig.state == SignatureState::kValid);
      CHECK(sig.canvas_w == 600);
      CHECK(sig.canvas_h == 300);
      // Signed during the visit day in Beijing (UTC+8).
      CHECK((sig.signed_at_ms + 8 * 3600000LL) / 86400000 == h.visit_day);
      size_t points = 0;
      int32_t last_t = -1;
      REQUIRE((sig.strokes.size() >= 2 && sig.strokes.size() <= 5));
      for (const auto& stroke : sig.strokes) {
        CHECK(stroke.size() >= 2);
        for (const Point& p : stroke) {
          CHECK(p.t > last_t);
          last_t = p.t;
          CHECK((p.x >= 0 && p.x < 600 && p.y >= 0 && p.y < 300));
        }
        points += stroke.size();
      }
      CHECK(points == 275);
      CHECK(sig.strokes.front().front().t == 0);
    }
  }
}

TEST_CASE("sample handwriting strokes give exactly the points asked for", "[sample]") {
  std::mt19937_64 rng(7);
  CHECK(HandwritingStrokes(rng, 0).empty());
  const auto one = HandwritingStrokes(rng, 1);
  REQUIRE(one.size() == 1);
  CHECK(one[0].size() == 1);
  const auto three = HandwritingStrokes(rng, 3);
  CHECK(three.size() == 1);
  for (size_t points : {4u, 10u, 275u, 1000u}) {
    const auto strokes = HandwritingStrokes(rng, points);
    size_t total = 0;
    for (const auto& stroke : strokes) total += stroke.size();
    CHECK(total == points);
    CHECK((strokes.size() >= 2 && strokes.size() <= 5));
  }
  SampleOptions options;
  options.households = 20;
  options.villages = 2;
  options.signature_points = 40;
  for (const Household& h : GenerateTownship(options).township.households) {
    for (const Signature& sig : h.signatures) {
      size_t total = 0;
      for (const auto& stroke : sig.strokes) total += stroke.size();
      CHECK(total == 40);
    }
  }
}

TEST_CASE("sample options control villages households and planting", "[sample]") {
  SampleOptions options;
  options.villages = 3;
  options.households = 120;
  options.county_code = "320830";
  options.county = "盱眙县";
  options.township = "桂五镇";
  const Sample small = GenerateTownship(options);
  CHECK(small.township.households.size() == 120);
  CHECK(small.township.villages.size() == 3);
  // Below 200 households only the rate counts: round(0.02 * 120) = 2 plants.
  std::set<std::string> planted_households;
  size_t cross = 0;
  for (const PlantedProblem& p : small.planted) {
    planted_households.insert(p.household_id);
    cross += p.code == kProblemDuplicateIdAcrossHouseholds ? 1 : 0;
  }
  CHECK(planted_households.size() - cross / 2 == 2);
  for (const Household& h : small.township.households) {
    CHECK(h.household_no.rfind("320830", 0) == 0);
    CHECK(h.county == "盱眙县");
  }
  options.plant_problems = false;
  CHECK(GenerateTownship(options).planted.empty());
  options.plant_problems = true;
  options.problem_rate = 0;
  CHECK(GenerateTownship(options).planted.empty());
}

}  // namespace
}  // namespace doorstep::registry
