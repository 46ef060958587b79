// `doorstep sample`, `doorstep problems`, `doorstep report`: the registry commands on the local
// store (a reviewer's synced copy of the township, or a team's villages). The work is shared with
// doorstep-server (doorstep/registry/commands.h).
#include <algorithm>
#include <iostream>

#include "cli.h"
#include "doorstep/registry/commands.h"
#include "doorstep/registry/records.h"

namespace doorstep::cli {
namespace {

int32_t Today(Session& session) {
  return LocalToday(session.clock());
}

int32_t ParseDayOrFail(const std::string& text, const std::string& option) {
  auto day = registry::ParseIsoDay(text);
  if (!day) UsageFail(option + ": expected a date YYYY-MM-DD");
  return *day;
}

struct ProblemsArgs {
  registry::ProblemsRequest request;
  std::string today;
};

struct TransitionArgs {
  registry::TransitionRequest request;
  std::string today;
};

struct ReportArgs {
  registry::ReportRequest request;
  std::string as_of;
};

struct SampleArgs {
  registry::SampleRequest request;
  std::string today;
  std::string village_names;
  bool clean = false;
};

}  // namespace

void RegisterRegistryCommands(Cli& cli) {
  auto sample = std::make_shared<SampleArgs>();
  auto* s = cli.app().add_subcommand(
      "sample", "Generate a realistic sample township (JSON Lines for doorstep-server import)");
  s->add_option("--villages", sample->request.villages,
                "Number of villages (default 14, or as many as --villages-names)")
      ->check(CLI::Range(1, 1000));
  s->add_option("--households", sample->request.households, "Number of households")
      ->check(CLI::Range(1, 1000000));
  s->add_option("--seed", sample->request.seed, "Seed (same seed, same township)");
  s->add_option("--out", sample->request.out_file, "Output file (.jsonl)")->required();
  s->add_option("--csv", sample->request.csv_file, "Also write the households as CSV");
  s->add_option("--planted", sample->request.planted_file,
                "Write the planted problems (JSON Lines) here");
  s->add_option("--today", sample->today, "The survey's today (YYYY-MM-DD)");
  s->add_option("--county", sample->request.county, "County name (default 黎平县)");
  s->add_option("--county-code", sample->request.county_code,
                "County code, 6 digits starting with a province code (default 522631)");
  s->add_option("--township", sample->request.township, "Township name (default 高屯镇)");
  s->add_option("--villages-names", sample->village_names,
                "Village names \"A,B,C\"; their number is the village count");
  s->add_flag("--clean", sample->clean, "Plant no problems");
  cli.Add(s, [sample] {
    sample->request.plant_problems = !sample->clean;
    if (!sample->village_names.empty()) {
      sample->request.village_names = registry::SplitVillageNames(sample->village_names);
    }
    if (!sample->today.empty()) sample->request.today = ParseDayOrFail(sample->today, "--today");
    Check(registry::RunSample(sample->request, std::cout));
  });

  auto problems = std::make_shared<ProblemsArgs>();
  auto* p = cli.app().add_subcommand("problems", "The problem list (问题清单) of the local store");
  p->add_option("--village", problems->request.villages, "Only these villages");
  p->add_option("--today", problems->today, "Date the checks are made on (YYYY-MM-DD)");
  p->add_option("--max-visit-age-days", problems->request.max_visit_age_days,
                "A visit older than this is stale")
      ->check(CLI::Range(1, 3650));
  p->add_option("--max-assistance-gap-days", problems->request.max_assistance_gap_days,
                "A poor household not visited by its cadre for longer is listed (default 31)")
      ->check(CLI::Range(1, 3650));
  p->add_option("--far-above-factor", problems->request.far_above_factor,
                "Poor households above this multiple of the line are listed");
  p->add_option("--max-per-capita", problems->request.max_per_capita_yuan,
                "Per-capita net income above this (yuan) is implausible");
  p->add_option("--lines", problems->request.lines_file, "Poverty-line table (JSON)")
      ->check(CLI::ExistingFile);
  p->add_option("--csv", problems->request.csv_file, "Also write the list as CSV");
  cli.Add(p, [&cli, problems] {
    Session& session = cli.session();
    problems->request.today =
        problems->today.empty() ? Today(session) : ParseDayOrFail(problems->today, "--today");
    auto township = Unwrap(registry::LoadTownship(session.store(), problems->request.villages));
    Unwrap(registry::RunProblems(township, problems->request, std::cout));
  });

  auto transition = std::make_shared<TransitionArgs>();
  auto* t = cli.app().add_subcommand(
      "transition",
      "Check a status review (status_review record) and apply the household's new status");
  t->add_option("review", transition->request.review_id, "The status_review record id")
      ->required();
  t->add_option("--today", transition->today, "Date of the decision (YYYY-MM-DD)");
  t->add_option("--lines", transition->request.lines_file, "Poverty-line table (JSON)")
      ->check(CLI::ExistingFile);
  t->add_flag("--dry-run", transition->request.dry_run, "Check only, write nothing");
  t->add_option("--by", transition->request.applied_by,
                "Who applies it, recorded in the review (default: the store's surveyor id)");
  t->add_option("--override-duplicate", transition->request.duplicate_override,
                "Apply although a member is registered in another household: the reviewer's "
                "reason, recorded in the review");
  cli.Add(t, [&cli, transition] {
    Session& session = cli.session();
    session.RequireAuthor();
    if (transition->request.applied_by.empty()) {
      transition->request.applied_by = session.store().author().surveyor_id;
    }
    transition->request.today =
        transition->today.empty() ? Today(session) : ParseDayOrFail(transition->today, "--today");
    transition->request.review_id =
        session.ResolveRecord(transition->request.review_id).ToString();
    if (!Unwrap(registry::RunTransition(session.store(), transition->request, std::cout))) {
      Fail("the transition's requirements are not met (listed above)");
    }
  });

  auto report = std::make_shared<ReportArgs>();
  auto* r = cli.app().add_subcommand("report", "Village and township report of the local store");
  r->add_option("--village", report->request.villages, "Only these villages");
  r->add_option("--year", report->request.year, "Report year (default: this year)");
  r->add_option("--as-of", report->as_of,
                "Day of the proposed (拟) figures, YYYY-MM-DD (default: today, or 31 December of "
                "a past year)");
  r->add_option("--csv", report->request.csv_file, "Also write the report as CSV");
  cli.Add(r, [&cli, report] {
    Session& session = cli.session();
    if (report->request.year == 0) report->request.year = registry::YearOfDay(Today(session));
    report->request.as_of =
        report->as_of.empty()
            ? std::min(Today(session), registry::DayFromCivil(report->request.year, 12, 31))
            : ParseDayOrFail(report->as_of, "--as-of");
    auto township = Unwrap(registry::LoadTownship(session.store(), report->request.villages));
    Check(registry::RunReport(township, report->request, std::cout));
  });
}

}  // namespace doorstep::cli
