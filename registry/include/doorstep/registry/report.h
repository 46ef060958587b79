// Township reports (统计报表): the yearly figures the township sends to the county, per village.
//
// For one year, each village row counts households and people by poverty status, the poverty
// incidence (贫困发生率 = poor people / rural population of the village register), this year's
// inclusions, exits, returns and removals, survey progress (visited / assigned households) and the
// misidentification (错评) and wrong-exit (错退) rates from the identification reviews. The
// township row sums the villages and recomputes its rates from the sums (rates are never
// averaged). ReportText renders aligned Chinese tables for the clerk; ReportCsv the same figures
// for Excel.
//
// Figures only: no names, ID numbers or incomes appear in a report. Nothing here logs.
//
// Thread rules: pure functions over values; safe to call concurrently.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"

namespace doorstep::registry {

struct StatusCount {
  int households = 0;
  int people = 0;  // active members
};

struct VillageReport {
  std::string county, township, village;
  std::map<std::string, StatusCount> by_status;  // keys new, poor, lifted, returned, removed
  int registered_households = 0;                 // non-removed households in the registry
  int poor_people = 0;                           // active members of new/poor/returned households
  int rural_population = 0;  // from the village register of `year` (latest <= year), 0 = unknown
  std::optional<double> incidence;  // poor_people / rural_population, nullopt when unknown
  // This year's changes, households and their active members.
  StatusCount new_this_year;       // status new and identification_year == year (or status_year)
  StatusCount lifted_this_year;    // status lifted and lifted_year == year
  StatusCount returned_this_year;  // status returned and status_year == year
  StatusCount removed_this_year;   // status removed and status_year == year
  // Of returned_this_year: households with a confirmed wrong-exit (错退) review of `year`, i.e.
  // found by a review rather than reported through the village's own procedure. Reviews count
  // once per household and kind (two reviews of one household are one case).
  StatusCount returned_by_review;
  StatusCount missed;  // 其中漏评: of new_this_year, households a confirmed "missed" review of
                       // `year` names (by record, else by household number)
  // 拟: open status reviews of `year` in procedure on `as_of` (assessed, not rejected, not yet
  // completed), by transition: households and the active members of their households.
  StatusCount proposed_exit, proposed_new, proposed_return, proposed_removal;
  int assigned = 0;  // the register's assigned_households, or, without one, non-removed households
  int visited = 0;   // non-removed households whose visit_day falls in `year`
  // Reviews of `year` of kind wrong_inclusion with conclusion confirmed / not_confirmed (pending
  // excluded).
  int misidentification_reviewed = 0, misidentification_confirmed = 0;
  int misidentification_confirmed_people = 0;  // people of the confirmed 错评 households
  int wrong_exit_confirmed_people = 0;         // people of the confirmed 错退 households
  std::optional<double> misidentification_rate;           // confirmed / reviewed, nullopt when none
  int wrong_exit_reviewed = 0, wrong_exit_confirmed = 0;  // the same for kind wrong_exit
  std::optional<double> wrong_exit_rate;
};

struct TownshipReport {
  int year = 0;
  int32_t as_of = kNoDay;  // the day the 拟 figures are counted on
  std::vector<VillageReport> villages;  // sorted by village
  // The township row (village "合计"): sums; rates and incidence recomputed from the sums
  // (incidence only when every village has a population).
  VillageReport total;
};

// `as_of`: the day of the 拟 (proposed) figures; kNoDay = 31 December of `year`.
TownshipReport BuildReport(const Township& township, int year, int32_t as_of = kNoDay);

// visited / assigned; nullopt when nothing is assigned.
std::optional<double> VisitProgress(const VillageReport& row);

// Chinese, aligned columns (CJK counts double width), percentages with 2 decimals.
std::string ReportText(const TownshipReport& report);
// One row per village plus the 合计 row; UTF-8 with BOM, RFC 4180 quoting, formula-injection guard.
std::string ReportCsv(const TownshipReport& report);

}  // namespace doorstep::registry
