// The sample generator's place options (county, county code, township, village names) and its
// dates: nothing generated lies after the survey's today, whether today is early or late in a year
// or before the programme's years ran out (2014-2020).
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "doorstep/registry/commands.h"
#include "doorstep/registry/quality.h"
#include "doorstep/registry/resident_id.h"
#include "doorstep/registry/sample.h"
#include "test_support.h"

namespace doorstep::registry {
namespace {

// Every day and year the township holds that is not after `today`; the failures name the field.
void CheckNothingAfter(const Township& t, int32_t today) {
  const int year = YearOfDay(today);
  auto day_ok = [&](int32_t day, const char* what) {
    INFO(what << " " << FormatIsoDay(day) << " after " << FormatIsoDay(today));
    CHECK((day == kNoDay || day <= today));
  };
  auto year_ok = [&](int y, const char* what) {
    INFO(what << " " << y << " after " << year);
    CHECK(y <= year);
  };
  for (const Household& h : t.households) {
    day_ok(h.visit_day, "visit_day");
    year_ok(h.identification_year, "identification_year");
    year_ok(h.lifted_year, "lifted_year");
    year_ok(h.status_year, "status_year");
    for (const AssistanceMeasure& m : h.measures) year_ok(m.year, "measure year");
    for (const Member& m : h.members) {
      const Result<ResidentId> id = ParseResidentId(m.id_number);
      if (id.ok()) day_ok(id->birth_day, "birth day in the ID");
      day_ok(m.change_day, "change_day");
    }
    for (const Signature& s : h.signatures) {
      // Beijing time (UTC+8), the day the signature was made.
      const int32_t day = static_cast<int32_t>((s.signed_at_ms + 8 * 3600000LL) / 86400000);
      day_ok(day, "signature");
    }
  }
  for (const VillageRegister& v : t.villages) {
    year_ok(v.year, "village register year");
    year_ok(v.village_exit_year, "village exit year");
  }
  for (const Review& r : t.reviews) {
    year_ok(r.year, "review year");
    for (const int32_t day :
         {r.application_day, r.assessment1_day, r.notice1_start, r.township_review_day,
          r.notice2_start, r.county_review_day, r.comparison_day, r.feedback_day, r.assessment2_day,
          r.announcement_start, r.notification_day, r.completed_day, r.applied_day}) {
      day_ok(day, "review step");
    }
  }
  for (const MisidentificationReview& r : t.misidentification_reviews) {
    year_ok(r.year, "misidentification review year");
  }
  for (const AssistanceVisit& v : t.visits) day_ok(v.visit_day, "assistance visit");
}

TEST_CASE("sample dates and years are never after today", "[sample]") {
  for (const int32_t today :
       {DayFromCivil(2025, 1, 15), DayFromCivil(2025, 12, 20), DayFromCivil(2021, 1, 3),
        DayFromCivil(2019, 2, 1), DayFromCivil(2016, 6, 30)}) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      SampleOptions options;
      options.seed = seed;
      options.today = today;
      options.villages = 4;
      options.households = 300;
      options.signature_points = 20;
      INFO("today " << FormatIsoDay(today) << ", seed " << seed);
      const Sample sample = GenerateTownship(options);
      CHECK(!sample.township.visits.empty());
      CheckNothingAfter(sample.township, today);
    }
  }
}

TEST_CASE("sample with today early in a year still plants exactly what it lists", "[sample]") {
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    SampleOptions options;
    options.seed = seed;
    options.today = DayFromCivil(2025, 1, 15);
    options.households = 400;
    options.villages = 4;
    options.signature_points = 20;
    const Sample sample = GenerateTownship(options);
    QualityOptions quality;
    quality.today = options.today;
    const std::vector<Problem> problems = FindProblems(sample.township, quality);
    INFO("seed " << seed);
    REQUIRE(problems.size() == sample.planted.size());
    for (size_t i = 0; i < problems.size(); ++i) {
      CHECK(problems[i].code == sample.planted[i].code);
      CHECK(problems[i].household_id == sample.planted[i].household_id);
      CHECK(problems[i].review_id == sample.planted[i].review_id);
    }
  }
}

TEST_CASE("sample place options name the county, township and villages", "[sample]") {
  SampleOptions options;
  options.county = "丹寨县";
  options.county_code = "522636";
  options.township = "龙泉镇";
  options.village_names = {"卡拉村", "高要村", "马寨村"};
  options.villages = 3;
  options.households = 90;
  options.signature_points = 20;
  const Sample sample = GenerateTownship(options);
  REQUIRE(sample.township.villages.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(sample.township.villages[i].village == options.village_names[i]);
    CHECK(sample.township.villages[i].county == "丹寨县");
    CHECK(sample.township.villages[i].township == "龙泉镇");
  }
  std::set<std::string> villages;
  for (const Household& h : sample.township.households) {
    villages.insert(h.village);
    CHECK(h.county == "丹寨县");
    CHECK(h.township == "龙泉镇");
    CHECK(h.household_no.rfind("522636", 0) == 0);
    CHECK(h.head_id_number.rfind("522636", 0) == 0);
  }
  CHECK(villages == std::set<std::string>{"卡拉村", "高要村", "马寨村"});
  // More villages than names: the others get drawn names, none equal to a given one.
  options.villages = 5;
  options.households = 100;
  const Sample more = GenerateTownship(options);
  REQUIRE(more.township.villages.size() == 5);
  CHECK(more.township.villages[1].village == "高要村");
  std::set<std::string> all;
  for (const VillageRegister& v : more.township.villages) all.insert(v.village);
  CHECK(all.size() == 5);
}

// RunSample's answer for a request (the message "<where>: <message>", "" when it worked).
std::string Run(SampleRequest request) {
  testing::TempDir dir;
  request.out_file = dir.File("t.jsonl");
  request.households = 30;
  std::ostringstream out;
  const Status s = RunSample(request, out);
  return s.ok() ? std::string() : s.where() + ": " + s.message();
}

TEST_CASE("sample command validates the place options and names the option", "[sample]") {
  SampleRequest r;
  CHECK(Run(r).empty());
  for (const std::string bad : {"992631", "52263", "5226310", "52263a", "002631"}) {
    r.county_code = bad;
    const std::string error = Run(r);
    INFO(bad << ": " << error);
    CHECK(error.rfind("--county-code: must be 6 digits starting with a province code", 0) == 0);
  }
  r.county_code = "320830";
  CHECK(Run(r).empty());
  r.village_names = SplitVillageNames("卡拉村, 高要村，马寨村");
  CHECK(r.village_names == std::vector<std::string>{"卡拉村", "高要村", "马寨村"});
  CHECK(Run(r).empty());  // three villages
  r.villages = 3;
  CHECK(Run(r).empty());
  r.villages = 4;
  CHECK(Run(r) == "--villages-names: gives 3 names but --villages is 4");
  r.villages = 0;
  r.village_names = SplitVillageNames("卡拉村,,马寨村");
  CHECK(Run(r) == "--villages-names: village name 2 is empty");
  r.village_names = SplitVillageNames("卡拉村、卡拉村");
  CHECK(Run(r) == "--villages-names: village name \"卡拉村\" is given twice");
  r.village_names.clear();
  r.township = " ";
  CHECK(Run(r) == "--township: must not be blank");
}

TEST_CASE("sample command writes the place it was given", "[sample]") {
  testing::TempDir dir;
  SampleRequest r;
  r.county = "盱眙县";
  r.county_code = "320830";
  r.township = "桂五镇";
  r.village_names = {"敬父村", "水冲港村"};
  r.households = 20;
  r.out_file = dir.File("t.jsonl");
  std::ostringstream out;
  REQUIRE(RunSample(r, out).ok());
  CHECK(out.str().find("盱眙县桂五镇（320830") != std::string::npos);
  CHECK(out.str().find(" 2 个村") != std::string::npos);
  std::ifstream in(r.out_file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("敬父村") != std::string::npos);
  CHECK(text.find("水冲港村") != std::string::npos);
  CHECK(text.find("桂五镇") != std::string::npos);
}

}  // namespace
}  // namespace doorstep::registry
