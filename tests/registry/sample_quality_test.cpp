// The sample township against the problem list: FindProblems must report exactly the planted
// problems (no more, no fewer) and nothing at all for a township without plants. This ties the
// generator's idea of "clean" to the list's, check by check.

#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "doorstep/registry/quality.h"
#include "doorstep/registry/sample.h"

namespace doorstep::registry {
namespace {

using Key =
    std::tuple<std::string, std::string, int, std::string>;  // code, household, member, role

std::map<Key, int> Count(const std::vector<Problem>& problems) {
  std::map<Key, int> out;
  for (const Problem& p : problems) ++out[{p.code, p.household_id, p.member_index, p.role}];
  return out;
}

std::map<Key, int> Count(const std::vector<PlantedProblem>& planted) {
  std::map<Key, int> out;
  for (const PlantedProblem& p : planted) ++out[{p.code, p.household_id, p.member_index, p.role}];
  return out;
}

// What one side has more of than the other, for the failure message (codes and ids only).
std::string Surplus(const std::map<Key, int>& a, const std::map<Key, int>& b) {
  std::ostringstream out;
  for (const auto& [key, n] : a) {
    const auto it = b.find(key);
    const int other = it == b.end() ? 0 : it->second;
    if (n <= other) continue;
    out << std::get<0>(key) << " " << std::get<1>(key) << " member " << std::get<2>(key) << " "
        << std::get<3>(key) << " x" << (n - other) << "\n";
  }
  return out.str();
}

TEST_CASE("sample problem list reports exactly the planted problems for seeds 1 to 5", "[sample]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SampleOptions options;
    options.seed = seed;
    const Sample sample = GenerateTownship(options);
    QualityOptions quality;
    quality.today = options.today;
    const std::vector<Problem> problems = FindProblems(sample.township, quality);
    const std::map<Key, int> found = Count(problems);
    const std::map<Key, int> planted = Count(sample.planted);
    INFO("seed " << seed);
    INFO("reported but not planted:\n" << Surplus(found, planted));
    INFO("planted but not reported:\n" << Surplus(planted, found));
    CHECK(found == planted);
    CHECK(problems.size() == sample.planted.size());
    // Every plantable code (all but signature_stale and assistance_visit_overdue) is there.
    std::map<std::string, int> codes;
    for (const PlantedProblem& p : sample.planted) ++codes[p.code];
    CHECK(codes.size() == 22);
    // Same order as the list: village, household_no, household id, code, member, role.
    REQUIRE(problems.size() == sample.planted.size());
    for (size_t i = 0; i < problems.size(); ++i) {
      CHECK(problems[i].code == sample.planted[i].code);
      CHECK(problems[i].household_id == sample.planted[i].household_id);
      CHECK(problems[i].member_index == sample.planted[i].member_index);
    }
  }
}

TEST_CASE("sample without planted problems has an empty problem list", "[sample]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SampleOptions options;
    options.seed = seed;
    options.plant_problems = false;
    const Sample sample = GenerateTownship(options);
    CHECK(sample.planted.empty());
    QualityOptions quality;
    quality.today = options.today;
    const std::vector<Problem> problems = FindProblems(sample.township, quality);
    INFO("seed " << seed << ", reported:\n" << Surplus(Count(problems), {}));
    CHECK(problems.empty());
  }
}

TEST_CASE("sample in a province with its own poverty line stays clean", "[sample]") {
  // Jiangsu (32) has a line of 6000 yuan: incomes must follow the province's line, not 4000.
  SampleOptions options;
  options.county_code = "320830";
  options.households = 400;
  options.villages = 4;
  const Sample sample = GenerateTownship(options);
  QualityOptions quality;
  quality.today = options.today;
  const std::map<Key, int> found = Count(FindProblems(sample.township, quality));
  const std::map<Key, int> planted = Count(sample.planted);
  INFO("reported but not planted:\n" << Surplus(found, planted));
  INFO("planted but not reported:\n" << Surplus(planted, found));
  CHECK(found == planted);
  CHECK(!planted.empty());
}

}  // namespace
}  // namespace doorstep::registry
