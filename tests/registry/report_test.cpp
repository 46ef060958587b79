// Township reports: counts by status, incidence with and without a village register, this year's
// changes, survey progress, misidentification and wrong-exit rates, the township row, and the
// text and CSV output.
#include "doorstep/registry/report.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "quality_fixtures.h"

namespace doorstep::registry {
namespace {

using quality_test::CleanHousehold;
using quality_test::Ymd;

Household WithStatus(int n, const std::string& village, const std::string& status,
                     int status_year = 2016) {
  Household h = CleanHousehold(n, village);
  h.status = status;
  h.status_year = status_year;
  return h;
}

VillageRegister Register(const std::string& village, int year, int rural_population,
                         int assigned = 0) {
  VillageRegister r;
  r.county = "丹寨县";
  r.township = "龙泉镇";
  r.village = village;
  r.year = year;
  r.rural_population = rural_population;
  r.assigned_households = assigned;
  return r;
}

MisidentificationReview WrongReview(const std::string& household_id, const std::string& kind,
                                    const std::string& conclusion, int year = 2020) {
  MisidentificationReview r;
  r.household_id = household_id;
  r.kind = kind;
  r.conclusion = conclusion;
  r.year = year;
  return r;
}

TEST_CASE("report counts households and active members by status", "[quality]") {
  Township t;
  t.households = {WithStatus(1, "甲村", kStatusPoor), WithStatus(2, "甲村", kStatusPoor),
                  WithStatus(3, "甲村", kStatusLifted), WithStatus(4, "甲村", kStatusRemoved)};
  t.households[1].members[3].change = kChangeMarriageOut;  // 3 active members left
  const TownshipReport report = BuildReport(t, 2020);
  CHECK(report.year == 2020);
  REQUIRE(report.villages.size() == 1);
  const VillageReport& v = report.villages[0];
  CHECK(v.county == "丹寨县");
  CHECK(v.township == "龙泉镇");
  CHECK(v.village == "甲村");
  REQUIRE(v.by_status.size() == 5);
  CHECK(v.by_status.at("new").households == 0);
  CHECK(v.by_status.at("new").people == 0);
  CHECK(v.by_status.at("poor").households == 2);
  CHECK(v.by_status.at("poor").people == 7);
  CHECK(v.by_status.at("lifted").households == 1);
  CHECK(v.by_status.at("lifted").people == 4);
  CHECK(v.by_status.at("returned").households == 0);
  CHECK(v.by_status.at("removed").households == 1);
  CHECK(v.by_status.at("removed").people == 4);
  CHECK(v.registered_households == 3);
  CHECK(v.poor_people == 7);
}

TEST_CASE("report incidence with and without a village register", "[quality]") {
  Township t;
  t.households = {WithStatus(1, "甲村", kStatusPoor), WithStatus(2, "甲村", kStatusReturned),
                  WithStatus(3, "甲村", kStatusNew), WithStatus(4, "甲村", kStatusLifted)};
  SECTION("no register: unknown") {
    const VillageReport v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.poor_people == 12);
    CHECK(v.rural_population == 0);
    CHECK_FALSE(v.incidence.has_value());
  }
  SECTION("the latest register up to the year") {
    t.villages = {Register("甲村", 2018, 300), Register("甲村", 2019, 400),
                  Register("甲村", 2021, 500)};
    const VillageReport v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.rural_population == 400);
    REQUIRE(v.incidence.has_value());
    CHECK(*v.incidence == Approx(0.03));
    CHECK(BuildReport(t, 2021).villages.at(0).rural_population == 500);
    CHECK(BuildReport(t, 2017).villages.at(0).rural_population == 0);
  }
  SECTION("a register without county and township joins the village") {
    VillageRegister r = Register("甲村", 2020, 600);
    r.county.clear();
    r.township.clear();
    t.villages = {r};
    const TownshipReport report = BuildReport(t, 2020);
    REQUIRE(report.villages.size() == 1);
    CHECK(report.villages[0].rural_population == 600);
  }
  SECTION("a registered village without households gets a row") {
    t.villages = {Register("乙村", 2020, 250)};
    const TownshipReport report = BuildReport(t, 2020);
    REQUIRE(report.villages.size() == 2);
    CHECK(report.villages[1].village == "甲村");
    const VillageReport& empty = report.villages[0];
    CHECK(empty.village == "乙村");
    CHECK(empty.registered_households == 0);
    CHECK(empty.rural_population == 250);
    REQUIRE(empty.incidence.has_value());
    CHECK(*empty.incidence == 0.0);
  }
}

TEST_CASE("report counts this year's inclusions, exits, returns and removals", "[quality]") {
  Township t;
  Household new_by_identification = WithStatus(1, "甲村", kStatusNew, 0);
  new_by_identification.identification_year = 2020;
  Household new_by_status = WithStatus(2, "甲村", kStatusNew, 2020);
  new_by_status.identification_year = 2019;
  Household new_last_year = WithStatus(3, "甲村", kStatusNew, 2019);
  new_last_year.identification_year = 2019;
  Household lifted = WithStatus(4, "甲村", kStatusLifted, 2020);
  lifted.lifted_year = 2020;
  Household lifted_before = WithStatus(5, "甲村", kStatusLifted, 2020);
  lifted_before.lifted_year = 2019;
  Household returned = WithStatus(6, "甲村", kStatusReturned, 2020);
  Household returned_before = WithStatus(7, "甲村", kStatusReturned, 2018);
  Household removed = WithStatus(8, "甲村", kStatusRemoved, 2020);
  Household removed_before = WithStatus(9, "甲村", kStatusRemoved, 2017);
  Household poor = WithStatus(10, "甲村", kStatusPoor, 2020);  // poor is no change of the year
  t.households = {new_by_identification, new_by_status, new_last_year,   lifted,
                  lifted_before,         returned,      returned_before, removed,
                  removed_before,        poor};
  t.households[3].members[0].change = kChangeDeath;  // the lifted household: 3 people left
  const VillageReport v = BuildReport(t, 2020).villages.at(0);
  CHECK(v.new_this_year.households == 2);
  CHECK(v.new_this_year.people == 8);
  CHECK(v.lifted_this_year.households == 1);
  CHECK(v.lifted_this_year.people == 3);
  CHECK(v.returned_this_year.households == 1);
  CHECK(v.returned_this_year.people == 4);
  CHECK(v.removed_this_year.households == 1);
  CHECK(v.removed_this_year.people == 4);
  const VillageReport v2019 = BuildReport(t, 2019).villages.at(0);
  CHECK(v2019.new_this_year.households == 2);  // new_by_status (identified 2019), new_last_year
  CHECK(v2019.lifted_this_year.households == 1);
  CHECK(v2019.returned_this_year.households == 0);
  CHECK(v2019.removed_this_year.households == 0);
}

Review OpenReview(const std::string& household_id, Transition t, int32_t assessed,
                  int32_t completed = kNoDay) {
  Review r;
  r.household_id = household_id;
  r.village = "甲村";
  r.transition = t;
  r.year = 2020;
  r.assessment1_day = assessed;
  r.assessment1_outcome = "approved";
  r.completed_day = completed;
  return r;
}

TEST_CASE("report: 漏评, returns found by a review, confirmed people and 拟 figures",
          "[quality]") {
  Township t;
  t.households = {WithStatus(1, "甲村", kStatusPoor), WithStatus(2, "甲村", kStatusLifted, 2016),
                  WithStatus(3, "甲村", kStatusReturned, 2020),
                  WithStatus(4, "甲村", kStatusReturned, 2020),
                  WithStatus(5, "甲村", kStatusNew, 2020), WithStatus(6, "甲村", kStatusPoor),
                  WithStatus(7, "甲村", kStatusCandidate, 2020)};
  t.households[1].lifted_year = 2016;
  t.households[2].members[0].change = kChangeDeath;  // 3 people
  // Returns: household 3 was found by a wrong-exit review, household 4 by its village.
  t.reviews = {OpenReview(t.households[0].id, Transition::kExit, Ymd(2020, 11, 1)),
               OpenReview(t.households[5].id, Transition::kExit, Ymd(2020, 12, 1)),
               OpenReview(t.households[1].id, Transition::kReturn, Ymd(2020, 10, 1)),
               OpenReview(t.households[4].id, Transition::kNewInclusion, Ymd(2020, 3, 1),
                          Ymd(2020, 5, 1))};
  Review rejected = OpenReview(t.households[5].id, Transition::kRemoval, Ymd(2020, 9, 1));
  rejected.assessment1_outcome = "rejected";
  t.reviews.push_back(rejected);
  MisidentificationReview missed = WrongReview("", "missed", "confirmed");
  missed.village = "甲村";
  missed.household_no = "5226310020309999";
  missed.people = 5;
  MisidentificationReview missed_registered =
      WrongReview(t.households[4].id, "missed", "confirmed");  // 4 people, from the household
  MisidentificationReview missed_pending = WrongReview("", "missed", "pending");
  missed_pending.village = "甲村";
  missed_pending.people = 2;
  t.misidentification_reviews = {
      missed, missed_registered, missed_pending,
      WrongReview(t.households[2].id, "wrong_exit", "confirmed"),
      WrongReview(t.households[1].id, "wrong_exit", "not_confirmed"),
      WrongReview(t.households[0].id, "wrong_inclusion", "confirmed"),
      WrongReview(t.households[5].id, "wrong_inclusion", "confirmed", 2019)};

  // A second confirmed wrong-exit review of the same household is the same case.
  t.misidentification_reviews.push_back(WrongReview(t.households[2].id, "wrong_exit", "confirmed"));
  // An exit applied on 20 November is no longer proposed on the 23rd.
  Review applied = OpenReview(t.households[3].id, Transition::kExit, Ymd(2020, 10, 1));
  applied.applied_day = Ymd(2020, 11, 20);
  t.reviews.push_back(applied);
  const TownshipReport report = BuildReport(t, 2020, Ymd(2020, 11, 23));
  CHECK(report.as_of == Ymd(2020, 11, 23));
  REQUIRE(report.villages.size() == 1);
  const VillageReport& v = report.villages[0];
  CHECK(v.registered_households == 6);  // the candidate is not in the registry
  CHECK(v.by_status.size() == 5);
  // 其中漏评 is a part of this year's inclusions: the registered household the confirmed review
  // names (4 people); the missed household not included yet is the problem list's business.
  CHECK(v.missed.households == 1);
  CHECK(v.missed.people == 4);
  CHECK(v.returned_this_year.households == 2);
  CHECK(v.returned_this_year.people == 7);
  CHECK(v.returned_by_review.households == 1);
  CHECK(v.returned_by_review.people == 3);
  CHECK(v.wrong_exit_reviewed == 2);
  CHECK(v.wrong_exit_confirmed == 1);
  CHECK(v.wrong_exit_confirmed_people == 3);
  CHECK(v.misidentification_confirmed == 1);  // the 2019 review is another year's
  CHECK(v.misidentification_confirmed_people == 4);
  // 拟: the exit assessed 1 November is in procedure on 23 November; the one assessed 1 December
  // is not yet; the completed inclusion is done; the rejected removal stopped.
  CHECK(v.proposed_exit.households == 1);
  CHECK(v.proposed_exit.people == 4);
  CHECK(v.proposed_return.households == 1);
  CHECK(v.proposed_new.households == 0);
  CHECK(v.proposed_removal.households == 0);
  // Without a day: 31 December, so both exits are in procedure.
  CHECK(BuildReport(t, 2020).villages[0].proposed_exit.households == 2);
  CHECK(report.total.proposed_exit.households == 1);
  CHECK(report.total.missed.people == 4);
  CHECK(report.total.returned_by_review.people == 3);
}

TEST_CASE("report survey progress", "[quality]") {
  Township t;
  Household old_visit = WithStatus(2, "甲村", kStatusPoor);
  old_visit.visit_day = Ymd(2019, 12, 31);
  Household no_visit = WithStatus(3, "甲村", kStatusLifted);
  no_visit.visit_day = kNoDay;
  Household removed = WithStatus(4, "甲村", kStatusRemoved);  // visited, but not counted
  t.households = {WithStatus(1, "甲村", kStatusPoor), old_visit, no_visit, removed};
  SECTION("without a register every non-removed household is assigned") {
    const VillageReport v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.assigned == 3);
    CHECK(v.visited == 1);
    REQUIRE(VisitProgress(v).has_value());
    CHECK(*VisitProgress(v) == Approx(1.0 / 3));
    CHECK(BuildReport(t, 2019).villages.at(0).visited == 1);
  }
  SECTION("the register's assigned households") {
    t.villages = {Register("甲村", 2020, 0, 8)};
    const VillageReport v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.assigned == 8);
    CHECK(*VisitProgress(v) == Approx(0.125));
  }
  SECTION("nothing assigned: no progress") {
    t.households = {removed};
    const VillageReport v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.assigned == 0);
    CHECK(v.visited == 0);
    CHECK_FALSE(VisitProgress(v).has_value());
  }
}

TEST_CASE("report misidentification and wrong-exit rates", "[quality]") {
  Township t;
  t.households = {WithStatus(1, "甲村", kStatusPoor), WithStatus(2, "甲村", kStatusLifted)};
  SECTION("no reviews: no rates") {
    const VillageReport v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.misidentification_reviewed == 0);
    CHECK_FALSE(v.misidentification_rate.has_value());
    CHECK_FALSE(v.wrong_exit_rate.has_value());
  }
  SECTION("concluded reviews of the year") {
    // Reviews of households kept in other villages' files count by their own village.
    auto elsewhere = [](const char* id, const char* kind, const char* conclusion, int year = 2020) {
      MisidentificationReview r = WrongReview(id, kind, conclusion, year);
      r.village = "甲村";
      return r;
    };
    t.misidentification_reviews = {
        WrongReview("hh-01", "wrong_inclusion", "confirmed"),
        elsewhere("hh-03", "wrong_inclusion", "not_confirmed"),
        elsewhere("hh-04", "wrong_inclusion", "not_confirmed"),
        elsewhere("hh-05", "wrong_inclusion", "pending"),
        WrongReview("hh-01", "wrong_inclusion", "confirmed", 2019),
        WrongReview("hh-02", "wrong_exit", "confirmed"),
        elsewhere("hh-06", "wrong_exit", "confirmed"),
        WrongReview("hh-02", "missed", "confirmed"),
    };
    VillageReport v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.misidentification_reviewed == 3);
    CHECK(v.misidentification_confirmed == 1);
    REQUIRE(v.misidentification_rate.has_value());
    CHECK(*v.misidentification_rate == Approx(1.0 / 3));
    CHECK(v.wrong_exit_reviewed == 2);
    CHECK(v.wrong_exit_confirmed == 2);
    CHECK(*v.wrong_exit_rate == 1.0);
    // Reviewed again: one household is one case, confirmed when any review confirmed it.
    t.misidentification_reviews.push_back(WrongReview("hh-01", "wrong_inclusion", "not_confirmed"));
    t.misidentification_reviews.push_back(elsewhere("hh-03", "wrong_inclusion", "confirmed"));
    v = BuildReport(t, 2020).villages.at(0);
    CHECK(v.misidentification_reviewed == 3);
    CHECK(v.misidentification_confirmed == 2);
  }
  SECTION("a review of an unknown household goes by its village") {
    MisidentificationReview r = WrongReview("gone", "wrong_inclusion", "not_confirmed");
    r.village = "甲村";
    t.misidentification_reviews = {r};
    const TownshipReport report = BuildReport(t, 2020);
    REQUIRE(report.villages.size() == 1);
    CHECK(report.villages[0].misidentification_reviewed == 1);
    CHECK(*report.villages[0].misidentification_rate == 0.0);
  }
}

// 甲村: hh-01 and hh-02, five members each (10 poor people), rural population 100, no assigned
// figure, 1 of 2 wrong-inclusion reviews confirmed. 乙村: hh-03 to hh-05 with 4, 4 and 5 members
// (13 poor people), rural population 200, 6 households assigned, 0 of 2 reviews confirmed.
Township TwoVillages() {
  Township t;
  for (int n = 1; n <= 5; ++n) {
    Household h = WithStatus(n, n <= 2 ? "甲村" : "乙村", kStatusPoor);
    if (n != 3 && n != 4) h.members.push_back(quality_test::MemberAged(30, "other", "", 90 + n));
    t.households.push_back(h);
  }
  t.villages = {Register("甲村", 2020, 100), Register("乙村", 2020, 200, 6)};
  t.misidentification_reviews = {
      WrongReview("hh-01", "wrong_inclusion", "confirmed"),
      WrongReview("hh-02", "wrong_inclusion", "not_confirmed"),
      WrongReview("hh-03", "wrong_inclusion", "not_confirmed"),
      WrongReview("hh-04", "wrong_inclusion", "not_confirmed"),
  };
  return t;
}

TEST_CASE("report township row sums and recomputes rates", "[quality]") {
  Township t = TwoVillages();
  TownshipReport report = BuildReport(t, 2020);
  REQUIRE(report.villages.size() == 2);
  CHECK(report.villages[0].village == "乙村");  // sorted: 乙 U+4E59 before 甲 U+7532
  CHECK(report.villages[1].poor_people == 10);
  CHECK(report.villages[0].poor_people == 13);
  const VillageReport& total = report.total;
  CHECK(total.village == "合计");
  CHECK(total.county == "丹寨县");
  CHECK(total.township == "龙泉镇");
  CHECK(total.by_status.at("poor").households == 5);
  CHECK(total.by_status.at("poor").people == 23);
  CHECK(total.by_status.at("lifted").households == 0);
  CHECK(total.registered_households == 5);
  CHECK(total.poor_people == 23);
  CHECK(total.rural_population == 300);
  REQUIRE(total.incidence.has_value());
  CHECK(*total.incidence == Approx(23.0 / 300));  // from the sums, not the mean of 10% and 6.5%
  CHECK(total.assigned == 2 + 6);
  CHECK(total.visited == 5);
  CHECK(total.misidentification_reviewed == 4);
  CHECK(total.misidentification_confirmed == 1);
  CHECK(*total.misidentification_rate == Approx(0.25));
  CHECK_FALSE(total.wrong_exit_rate.has_value());

  SECTION("one village without a population: no township incidence") {
    t.villages.pop_back();
    report = BuildReport(t, 2020);
    CHECK(report.villages[1].incidence.has_value());
    CHECK(report.total.rural_population == 100);
    CHECK_FALSE(report.total.incidence.has_value());
  }
  SECTION("an empty township") {
    report = BuildReport(Township{}, 2020);
    CHECK(report.villages.empty());
    CHECK(report.total.village == "合计");
    CHECK(report.total.by_status.size() == 5);
    CHECK_FALSE(report.total.incidence.has_value());
  }
}

TEST_CASE("ReportText has Chinese headers, aligned columns and percentages", "[quality]") {
  const std::string text = ReportText(BuildReport(TwoVillages(), 2020));
  for (const char* s : {"2020 年度建档立卡统计报表（丹寨县龙泉镇）", "一、贫困户与贫困人口",
                        "二、本年变动与入户调查进度", "三、拟调整（截至 2020-12-31 仍在程序中）",
                        "四、识别精准度（错评、错退）", "其中漏评", "其中核查发现", "拟脱贫", "贫困发生率",
                        "走访进度", "错评率", "错退率", "合计"}) {
    INFO(s);
    CHECK(text.find(s) != std::string::npos);
  }
  // 甲村 10/100, 乙村 13/200, township 23/300 = 7.666..%.
  CHECK(text.find(
            "村    新纳入(户/人)  未脱贫(户/人)  已脱贫(户/人)  返贫(户/人)  清退(户/人)  在册户数"
            "  贫困人口  农村户籍人口  贫困发生率\n"
            "乙村            0/0           3/13            0/0          0/0          0/0         3"
            "        13           200       6.50%\n"
            "甲村            0/0           2/10            0/0          0/0          0/0         2"
            "        10           100      10.00%\n"
            "合计            0/0           5/23            0/0          0/0          0/0         5"
            "        23           300       7.67%\n") != std::string::npos);
  CHECK(text.find("乙村                0/0       0/0              0/0              0/0           0/0"
                  "              0/0           6           3    50.00%\n") != std::string::npos);
  CHECK(text.find("合计            0/0              0/0            0/0            0/0\n") !=
        std::string::npos);
  CHECK(
      text.find("乙村             2              0/0   0.00%             0              0/0       -\n"
                "甲村             2              1/5  50.00%             0              0/0       -\n"
                "合计             4              1/5  25.00%             0              0/0       -\n") !=
      std::string::npos);
}

TEST_CASE("ReportCsv rows, quoting and formula-injection guard", "[quality]") {
  Township t = TwoVillages();
  for (Household& h : t.households) {
    if (h.village == "乙村") h.village = "=乙村,二组";
  }
  t.villages[1].village = "=乙村,二组";
  const std::string csv = ReportCsv(BuildReport(t, 2020));
  REQUIRE(csv.rfind("\xEF\xBB\xBF县,乡镇,村,年度,新纳入户数,新纳入人数,未脱贫户数,", 0) == 0);
  CHECK(csv.find(",本年新纳入户数,本年新纳入人数,其中漏评户数,其中漏评人数,") != std::string::npos);
  CHECK(csv.find(",拟清退户数,拟清退人数,应调查户数,") != std::string::npos);
  CHECK(csv.find(",错退确认户数,错退确认人数,错退率(%)\r\n") != std::string::npos);
  // The ten household/people pairs of the year's changes and the 拟 figures are all 0 here.
  CHECK(csv.find("\r\n丹寨县,龙泉镇,\"'=乙村,二组\",2020,0,0,3,13,0,0,0,0,0,0,3,13,200,6.50,"
                 ""
                 "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
                 "6,3,50.00,2,0,0,0.00,0,0,0,\r\n") != std::string::npos);
  CHECK(csv.find("\r\n丹寨县,龙泉镇,甲村,2020,0,0,2,10,0,0,0,0,0,0,2,10,100,10.00,"
                 ""
                 "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
                 "2,2,100.00,2,1,5,50.00,0,0,0,\r\n") != std::string::npos);
  CHECK(csv.find("\r\n丹寨县,龙泉镇,合计,2020,0,0,5,23,0,0,0,0,0,0,5,23,300,7.67,"
                 ""
                 "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
                 "8,5,62.50,4,1,5,25.00,0,0,0,\r\n") != std::string::npos);
  size_t rows = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) {
    ++rows;
  }
  CHECK(rows == 4);  // header, two villages, 合计
}

}  // namespace
}  // namespace doorstep::registry
