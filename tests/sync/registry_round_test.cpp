// One dynamic-management round (动态管理) of a township, replayed through the commands a clerk
// uses: `doorstep sample` with the place options, the server's import, a reviewer's tablet that
// syncs, the review forms filled, signed and finalized with `doorstep record`/`sign`, and
// `doorstep transition` and `doorstep report`. Every figure of the report is asserted: the
// baseline equals the report of the generated file, and after the round each village's figures
// moved by exactly what the round did (an exit, a return found by a wrong-exit review, a removal
// after a misidentification review, a missed household (漏评) included, an exit still in
// procedure). Every early or out-of-order step on the way is refused with the rule's message.
#include <catch2/catch.hpp>

#include <set>
#include <variant>

#include "client_harness.h"
#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/report.h"
#include "doorstep/registry/resident_id.h"
#include "doorstep/registry/server.h"
#include "registry_round_harness.h"

namespace doorstep::testing::round {
namespace {

using registry::Household;
using registry::Township;

constexpr const char* kA = "甲村";
constexpr const char* kB = "乙村";
constexpr const char* kToday = "2026-11-23";
constexpr const char* kNine =
    "public_security housing finance human_resources market_regulation agricultural_machinery "
    "banking securities insurance";

Township ParseTownship(const std::string& text) {
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(text, &errors);
  REQUIRE(errors.empty());
  Township t;
  for (auto& row : rows) {
    if (auto* h = std::get_if<Household>(&row.row)) t.households.push_back(*h);
    if (auto* r = std::get_if<registry::Review>(&row.row)) t.reviews.push_back(*r);
    if (auto* m = std::get_if<registry::MisidentificationReview>(&row.row)) {
      t.misidentification_reviews.push_back(*m);
    }
    if (auto* v = std::get_if<registry::VillageRegister>(&row.row)) t.villages.push_back(*v);
  }
  return t;
}

void Import(TestServer& server, const std::string& text) {
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(text, &errors);
  REQUIRE(errors.empty());
  SeededRandom random(7);
  registry::ImportOptions options;
  options.random = &random;
  auto stats = registry::ImportRegistry(server.service(), rows, options);
  INFO(stats.status().ToString());
  REQUIRE(stats.ok());
  for (const auto& e : stats->errors) FAIL_CHECK("line " << e.line << " " << e.where << ": " << e.message);
  REQUIRE(stats->failed_rows == 0);
}

// Households of the sample the round works on: none has a review in the file.
struct Picks {
  const Household* exit = nullptr;       // P1: poor, above the line, safe water lacking: exits
  const Household* open_exit = nullptr;  // P2: poor: an exit still in procedure
  const Household* removal = nullptr;    // R1: poor: a confirmed 错评, removed
  const Household* ret = nullptr;        // L1: lifted: a confirmed 错退, returns
  const Household* holder = nullptr;     // X: registered; its head reappears in the missed one
};

Picks Pick(const Township& t) {
  std::set<std::string> reviewed;
  for (const auto& r : t.reviews) reviewed.insert(r.household_id);
  for (const auto& r : t.misidentification_reviews) reviewed.insert(r.household_id);
  const double line = registry::PovertyLines::BuiltIn().Line(2026, "52").value();
  Picks p;
  std::set<const Household*> used;
  auto take = [&](const Household*& slot, auto&& want) {
    for (const Household& h : t.households) {
      if (slot == nullptr && !used.count(&h) && !reviewed.count(h.id) && want(h)) {
        slot = &h;
        used.insert(&h);
      }
    }
    REQUIRE(slot != nullptr);
  };
  // Above the line and kept poor only by its drinking water, which is fixed before the exit.
  take(p.exit, [&](const Household& h) {
    registry::Guarantees g = h.guarantees;
    g.safe_drinking_water = true;
    return h.village == kA && h.status == "poor" && !h.guarantees.safe_drinking_water &&
           g.AllMet() && h.danger_grade != "C" && h.danger_grade != "D" &&
           h.PerCapitaNet() > line && h.ActiveSize() >= 2;
  });
  take(p.open_exit, [&](const Household& h) { return h.village == kA && h.status == "poor"; });
  take(p.removal, [&](const Household& h) { return h.village == kB && h.status == "poor"; });
  take(p.ret, [&](const Household& h) {
    return h.village == kB && h.status == "lifted" && h.lifted_year < 2026 &&
           !h.main_cause.empty();
  });
  take(p.holder, [&](const Household& h) {
    return h.village == kA && (h.status == "poor" || h.status == "lifted");
  });
  return p;
}

// The missed household (漏评): surveyed at the door as a candidate, not registered. Built from a
// sample household of village A (its answers, a new record, number and head); its second member
// is the head of `holder`, who is registered there already (一人多户).
Household MissedHousehold(const Township& t, const Household& holder) {
  Household m;
  for (const Household& h : t.households) {
    if (h.village == kA && h.status == "poor" && h.members.size() >= 2 && h.id != holder.id) {
      m = h;
      break;
    }
  }
  REQUIRE(!m.id.empty());
  m.id = "6d1f0e2a-7b3c-4d5e-8f90-a1b2c3d4e5f6";
  std::set<std::string> numbers;
  for (const Household& h : t.households) numbers.insert(h.household_no);
  m.household_no = m.household_no.substr(0, 12) + "9901";
  REQUIRE(!numbers.count(m.household_no));
  m.status = "candidate";
  m.status_year = 0;
  m.identification_year = 0;
  m.identification_standard.clear();
  m.poverty_line_yuan = 0;
  m.lifted_year = 0;
  registry::Member head = m.members[0];
  head.name = "龙秀珍";
  head.id_number = "52263119800101902";
  head.id_number += registry::ResidentIdCheckChar(head.id_number);
  head.sex = "female";
  head.change.clear();
  head.instance_id.clear();
  registry::Member dup = holder.members[0];
  dup.relation = "spouse";
  dup.change.clear();
  dup.instance_id.clear();
  m.members = {head, dup};
  // Poor by income: 2,000 yuan per person, under the line.
  m.income = registry::Income{};
  m.income.wage = 3000;
  m.income.production = 800;
  m.income.property = 100;
  m.income.subsidy = 300;
  m.income.pension = 100;
  m.income.eco_compensation = 100;
  m.income.production_costs = 400;
  m.head_name = head.name;
  m.head_id_number = head.id_number;
  for (auto& s : m.signatures) {
    if (s.role == "household_head") s.signer = head.name;
  }
  return m;
}

std::string StatusOf(const Office& office, const std::string& id) {
  return office.Ok({"record", "show", id});
}

// A household edited at the door is signed again by everyone whose signature went stale, then
// finalized.
void RoundResign(const Office& office, const std::string& id) {
  office.Sign(id, "sig_head", "户主", "household_head");
  office.Sign(id, "sig_responsible", "王卫东", "responsible_cadre");
  office.Sign(id, "sig_surveyor", "刘山林", "surveyor");
  office.Sign(id, "sig_team_leader", "蒋玉林");
  const Output done = office.Finalize(id);
  INFO(done.text);
  REQUIRE(done.code == 0);
}

// The steps of a new inclusion or a return, each on a day the rules allow.
void FillTwoRounds(const Office& office, const std::string& id) {
  office.Set(id, {"application_date", "2026-08-20", "assessment1_date", "2026-09-01",
                  "assessment1_outcome", "approved", "household_acknowledged", "yes",
                  "notice1_start", "2026-09-02", "notice1_objection", "no",
                  "township_review_date", "2026-09-09", "township_review_outcome", "approved",
                  "notice2_start", "2026-09-10", "notice2_objection", "no", "county_review_date",
                  "2026-09-17", "county_review_outcome", "approved", "comparison_date",
                  "2026-09-18", "comparison_departments", kNine, "assessment2_date", "2026-09-20",
                  "assessment2_outcome", "approved", "announcement_start", "2026-09-21",
                  "announcement_objection", "no", "notification_date", "2026-09-26",
                  "completed_date", "2026-09-26"});
}

// Every column of every village row (and 合计) after the round: the baseline plus what the round
// did; the rates recomputed from the row's own counts.
void CheckRound(const ReportTable& before, const ReportTable& after, const Picks& p,
                const Household& missed) {
  std::map<std::pair<std::string, std::string>, int> delta;
  auto add = [&](const std::string& village, const std::string& column, int n) {
    delta[{village, column}] += n;
    delta[{"合计", column}] += n;
  };
  auto both = [&](const std::string& village, const std::string& what, int people) {
    add(village, what + "户数", 1 * (people >= 0 ? 1 : -1));
    add(village, what + "人数", people);
  };
  const int exit_people = p.exit->ActiveSize();
  both(kA, "未脱贫", -exit_people);
  both(kA, "已脱贫", exit_people);
  add(kA, "贫困人口", -exit_people);
  both(kA, "本年脱贫", exit_people);
  both(kA, "拟脱贫", p.open_exit->ActiveSize());
  const int removed_people = p.removal->ActiveSize();
  both(kB, "未脱贫", -removed_people);
  both(kB, "清退", removed_people);
  add(kB, "在册户数", -1);
  add(kB, "贫困人口", -removed_people);
  both(kB, "本年清退", removed_people);
  if (registry::YearOfDay(p.removal->visit_day) == 2026) add(kB, "已走访户数", -1);
  add(kB, "错评核查户数", 1);
  add(kB, "错评确认户数", 1);
  add(kB, "错评确认人数", removed_people);
  const int return_people = p.ret->ActiveSize();
  both(kB, "已脱贫", -return_people);
  both(kB, "返贫", return_people);
  add(kB, "贫困人口", return_people);
  both(kB, "本年返贫", return_people);
  both(kB, "其中核查发现", return_people);
  add(kB, "错退核查户数", 1);
  add(kB, "错退确认户数", 1);
  add(kB, "错退确认人数", return_people);
  both(kA, "新纳入", 2);
  add(kA, "在册户数", 1);
  add(kA, "贫困人口", 2);
  both(kA, "本年新纳入", 2);
  both(kA, "其中漏评", 2);
  if (registry::YearOfDay(missed.visit_day) == 2026) add(kA, "已走访户数", 1);

  REQUIRE(after.villages() == before.villages());
  REQUIRE(after.columns() == before.columns());
  for (const std::string& village : after.villages()) {
    for (const std::string& column : after.columns()) {
      INFO(village << " / " << column);
      if (column == "县" || column == "乡镇" || column == "村" || column == "年度" ||
          column == "农村户籍人口" || column == "应调查户数") {
        CHECK(after.Cell(village, column) == before.Cell(village, column));
      } else if (column == "贫困发生率(%)") {
        CHECK(after.Cell(village, column) == Percent(after.Int(village, "贫困人口"),
                                                     after.Int(village, "农村户籍人口")));
      } else if (column == "走访进度(%)") {
        CHECK(after.Cell(village, column) ==
              Percent(after.Int(village, "已走访户数"), after.Int(village, "应调查户数")));
      } else if (column == "错评率(%)") {
        CHECK(after.Cell(village, column) == Percent(after.Int(village, "错评确认户数"),
                                                     after.Int(village, "错评核查户数")));
      } else if (column == "错退率(%)") {
        CHECK(after.Cell(village, column) == Percent(after.Int(village, "错退确认户数"),
                                                     after.Int(village, "错退核查户数")));
      } else {
        const auto d = delta.find({village, column});
        CHECK(after.Int(village, column) ==
              before.Int(village, column) + (d != delta.end() ? d->second : 0));
      }
    }
  }
  // The round's own figures, as the clerk reads them.
  CHECK(after.Int(kA, "其中漏评户数") >= 1);
  CHECK(after.Int(kB, "其中核查发现户数") >= 1);
  CHECK(after.Int(kA, "拟脱贫户数") >= 1);
}

}  // namespace

TEST_CASE("registry round: a township's dynamic-management round through the clerk's commands",
          "[registry-round]") {
  if (!std::filesystem::exists(Binary())) {
    WARN("the doorstep command line is not built; skipped");
    return;
  }
  TempDir dir;
  const std::string sample_file = dir.File("township.jsonl");
  // 1. The sample township, at a named place.
  const Output sampled = Run({"sample", "--households", "150", "--seed", "11", "--clean",
                              "--today", "2026-06-30", "--county", "黎平县", "--county-code",
                              "522631", "--township", "高屯镇", "--villages-names",
                              std::string(kA) + "," + kB, "--out", sample_file});
  INFO(sampled.text);
  REQUIRE(sampled.code == 0);
  const std::string text = ReadFileBytes(sample_file);
  const Township file = ParseTownship(text);
  REQUIRE(file.villages.size() == 2);
  for (const Household& h : file.households) {
    CHECK(h.county == "黎平县");
    CHECK(h.township == "高屯镇");
    CHECK((h.village == kA || h.village == kB));
  }
  const Picks p = Pick(file);

  // 2. The township server imports it; the reviewer's tablet syncs every village.
  TestServer server(dir.path().string());
  auto pack = registry::LoadFormPack(SourcePath("forms/registry"));
  REQUIRE(pack.ok());
  REQUIRE(server.service().InstallForms(pack.value()).ok());
  Import(server, text);
  const Office office(dir.File("office.db"));
  office.Ok({"init", "--surveyor", "乡镇审核员", "--device", "OFFICE"});
  office.Ok({"enroll", "--server", server.url(), "--token", server.Token({}, true)});
  office.Ok({"sync"});

  // 3. The baseline report equals the report of the generated file.
  const std::string before_csv = dir.File("before.csv");
  office.Ok({"report", "--year", "2026", "--as-of", kToday, "--csv", before_csv});
  const int32_t as_of = registry::ParseIsoDay(kToday).value();
  CHECK(ReadFileBytes(before_csv) ==
        registry::ReportCsv(registry::BuildReport(file, 2026, as_of)));
  const ReportTable before(ReadFileBytes(before_csv));

  // 4. An exit (一评议一公示一公告一告知) for P1, once its water supply is safe (the door visit
  // records it and everyone signs again).
  office.Ok({"record", "reopen", p.exit->id});
  office.Set(p.exit->id, {"g_water", "yes"});
  RoundResign(office, p.exit->id);
  const std::string exit_review = office.New("status_review");
  office.Set(exit_review,
             {"household_ref", p.exit->id, "household_no", p.exit->household_no, "head_name",
              p.exit->head_name, "village", kA, "transition", "exit", "review_year", "2026",
              "assessment1_date", "2026-09-01", "assessment1_outcome", "approved",
              "household_acknowledged", "yes", "notice1_start", "2026-09-02", "notice1_objection",
              "no", "township_review_date", "2026-09-08", "township_review_outcome", "approved",
              "announcement_start", "2026-09-10", "announcement_objection", "no",
              "notification_date", "2026-09-14", "completed_date", "2026-09-15"});
  office.Sign(exit_review, "sig_team_leader", "蒋玉林");
  Output refused = office.Finalize(exit_review);
  CHECK(refused.code == 1);
  CHECK_THAT(refused.text, Catch::Contains("乡镇审核须在公示期（7天）满后"));  // 6 days
  CHECK_THAT(refused.text, Catch::Contains("告知须在公告期（5天）满"));        // 4 days
  refused = office({"transition", exit_review, "--today", kToday});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.text, Catch::Contains("评议记录尚未提交（仍是草稿）"));
  CHECK_THAT(refused.text, Catch::Contains("公示未满7天即乡镇抽查审核（最早 2026-09-09）"));
  CHECK_THAT(refused.text, Catch::Contains("公告期5天未满即告知（最早 2026-09-15）"));
  office.Set(exit_review, {"township_review_date", "2026-09-09", "notification_date", "2026-09-15"});
  office.Sign(exit_review, "sig_team_leader", "蒋玉林");
  REQUIRE(office.Finalize(exit_review).code == 0);
  refused = office({"transition", exit_review, "--today", kToday, "--dry-run"});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.text, Catch::Contains("缺少本年度脱贫退出户调查核实登记表"));
  // The 脱贫退出户调查核实登记表 the exit rests on.
  const std::string verification = office.New("exit_verification");
  office.Set(verification,
             {"household_ref", p.exit->id, "household_no", p.exit->household_no, "head_name",
              p.exit->head_name, "village", kA, "exit_year", "2026", "household_size", "2",
              "net_income", "30000", "poverty_line", "4000", "surveyors", "刘山林、王芳",
              "g_food", "yes", "g_clothing", "yes", "g_education", "yes", "g_medical", "yes",
              "g_housing", "yes", "g_water", "yes", "conclusion", "meets", "verify_date",
              "2026-08-28"});
  office.Sign(verification, "sig_head", p.exit->head_name, "household_head");
  office.Sign(verification, "sig_surveyor", "刘山林", "surveyor");
  office.Sign(verification, "sig_responsible", "王卫东", "responsible_cadre");
  office.Sign(verification, "sig_team_leader", "蒋玉林");
  {
    const Output done = office.Finalize(verification);
    INFO(done.text);
    REQUIRE(done.code == 0);
  }
  CHECK_THAT(office.Ok({"transition", exit_review, "--today", kToday}), Catch::Contains("已办理：已脱贫（2026 年）"));
  CHECK_THAT(office.Ok({"transition", exit_review, "--today", kToday}),
             Catch::Contains("此评议已于 2026-11-23 由 乡镇审核员 办理，未再写入"));

  // 5. An exit of P2 still in procedure on the report day (拟脱贫).
  const std::string open_review = office.New("status_review");
  office.Set(open_review, {"household_ref", p.open_exit->id, "village", kA, "transition", "exit",
                           "review_year", "2026", "assessment1_date", "2026-11-10",
                           "assessment1_outcome", "approved", "household_acknowledged", "yes",
                           "notice1_start", "2026-11-11"});
  refused = office({"transition", open_review, "--today", kToday, "--dry-run"});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.text, Catch::Contains("缺少乡镇抽查审核"));
  CHECK_THAT(refused.text, Catch::Contains("缺少公告"));

  // 6. A removal after a confirmed misidentification (错评) review of R1.
  const std::string wrong = office.New("misidentification_review");
  office.Set(wrong, {"household_ref", p.removal->id, "household_no", p.removal->household_no,
                     "head_name", p.removal->head_name, "village", kB, "review_year", "2026",
                     "review_kind", "wrong_inclusion", "conclusion", "confirmed", "review_date",
                     "2026-10-01"});
  REQUIRE(office.Finalize(wrong).code == 0);
  const std::string removal = office.New("status_review");
  office.Set(removal, {"household_ref", p.removal->id, "village", kB, "transition", "removal",
                       "review_year", "2026", "reason", "misidentified", "assessment1_date",
                       "2026-10-08", "assessment1_outcome", "approved", "notice1_start",
                       "2026-10-09", "notice1_objection", "no", "township_review_date",
                       "2026-10-16", "township_review_outcome", "approved", "announcement_start",
                       "2026-10-17", "announcement_objection", "no", "notification_date",
                       "2026-10-22", "completed_date", "2026-10-22"});
  office.Sign(removal, "sig_team_leader", "蒋玉林");
  REQUIRE(office.Finalize(removal).code == 0);
  CHECK_THAT(office.Ok({"transition", removal, "--today", kToday}), Catch::Contains("已办理：清退"));

  // 7. L1 was lifted by mistake (错退): the review confirms it, the household's house is found
  // unsafe at the door, and the return takes the full procedure (两评议两公示一比对一公告一告知).
  const std::string wrong_exit = office.New("misidentification_review");
  office.Set(wrong_exit, {"household_ref", p.ret->id, "village", kB, "review_year", "2026",
                          "review_kind", "wrong_exit", "conclusion", "confirmed", "review_date",
                          "2026-08-15"});
  REQUIRE(office.Finalize(wrong_exit).code == 0);
  office.Ok({"record", "reopen", p.ret->id});
  office.Set(p.ret->id, {"g_housing", "no"});
  RoundResign(office, p.ret->id);
  const std::string ret = office.New("status_review");
  office.Set(ret, {"household_ref", p.ret->id, "village", kB, "transition", "return",
                   "review_year", "2026", "return_cause", "disaster"});
  FillTwoRounds(office, ret);
  office.Set(ret, {"comparison_date", "2026-09-16"});  // before the county review
  office.Set(ret, {"announcement_objection", "yes"});  // and an objection nobody resolved
  office.Sign(ret, "sig_team_leader", "蒋玉林");
  refused = office.Finalize(ret);
  CHECK(refused.code == 1);
  CHECK_THAT(refused.text, Catch::Contains("信息比对不能早于县复审"));
  CHECK_THAT(refused.text, Catch::Contains("告知须在公告期（5天）满且无异议"));
  office.Set(ret, {"comparison_date", "2026-09-18", "announcement_objection_resolved", "yes"});
  office.Sign(ret, "sig_team_leader", "蒋玉林");
  REQUIRE(office.Finalize(ret).code == 0);
  CHECK_THAT(office.Ok({"transition", ret, "--today", kToday}), Catch::Contains("已办理：返贫"));

  // 8. A missed household (漏评): confirmed by a review, surveyed as a candidate, included with
  // the full procedure; one of its members is registered in X already.
  const Household missed = MissedHousehold(file, *p.holder);
  Import(server, registry::HouseholdJson(missed) + "\n");
  office.Ok({"sync"});
  const std::string missed_review = office.New("misidentification_review");
  office.Set(missed_review, {"household_no", missed.household_no, "head_name", missed.head_name,
                             "village", kA, "review_year", "2026", "review_kind", "missed",
                             "people", "2", "conclusion", "confirmed", "review_date",
                             "2026-08-10"});
  REQUIRE(office.Finalize(missed_review).code == 0);
  const std::string inclusion = office.New("status_review");
  office.Set(inclusion, {"transition", "new_inclusion", "missed_household", "yes", "household_no",
                         missed.household_no, "head_name", missed.head_name, "village", kA,
                         "review_year", "2026"});
  FillTwoRounds(office, inclusion);
  office.Sign(inclusion, "sig_team_leader", "蒋玉林");
  REQUIRE(office.Finalize(inclusion).code == 0);
  refused = office({"transition", inclusion, "--today", kToday});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.text, Catch::Contains("已登记在户 " + p.holder->household_no + "（户主 " +
                                           p.holder->head_name + "）"));
  CHECK(refused.text.find(p.holder->members[0].id_number) == std::string::npos);
  CHECK_THAT(office.Ok({"transition", inclusion, "--today", kToday, "--override-duplicate",
                        "经核实系同名同号，公安已更正"}),
             Catch::Contains("已办理：新纳入"));
  CHECK_THAT(StatusOf(office, inclusion), Catch::Contains("经核实系同名同号，公安已更正"));
  CHECK_THAT(StatusOf(office, missed.id), Catch::Contains("识别年度"));

  // 9. The report after the round: every figure moved by exactly what the round did.
  const std::string after_csv = dir.File("after.csv");
  const std::string shown =
      office.Ok({"report", "--year", "2026", "--as-of", kToday, "--csv", after_csv});
  CHECK_THAT(shown, Catch::Contains("拟调整（截至 2026-11-23 仍在程序中）"));
  const ReportTable after(ReadFileBytes(after_csv));
  CheckRound(before, after, p, missed);
}

}  // namespace doorstep::testing::round
