// What the `problems`, `report` and `sample` commands do, shared by the tablet/reviewer command
// line (`doorstep`, on its local store) and the township server (`doorstep-server`, on its
// records materialized in memory): one implementation, two front ends.
//
// Output goes to `out` (Chinese, for the clerk); CSV files are written whole or not at all (a
// temporary file renamed into place). Personal data goes only to `out` and the files the clerk
// asked for, never to a log.
//
// Thread rules: like Store.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "doorstep/core/store.h"
#include "doorstep/registry/model.h"

namespace doorstep::registry {

struct ProblemsRequest {
  std::vector<std::string> villages;  // empty = all
  int32_t today = kNoDay;             // required
  int max_visit_age_days = 365;
  int max_assistance_gap_days = 31;  // the cadre visits a poor household monthly (quality.h)
  double far_above_factor = 2.0;
  double max_per_capita_yuan = 100000;
  std::string lines_file;  // poverty-line table (JSON); empty = the built-in table
  std::string csv_file;    // also write the list as CSV here
};

struct ReportRequest {
  std::vector<std::string> villages;
  int year = 0;             // required
  int32_t as_of = kNoDay;   // the day of the 拟 (proposed) figures; kNoDay = 31 December
  std::string csv_file;
};

struct SampleRequest {
  int villages = 0;  // 0 = as many as village_names, else 14
  int households = 1300;
  uint64_t seed = 1;
  int32_t today = kNoDay;  // kNoDay = the generator's default day
  bool plant_problems = true;
  // The place; "" = the generator's default (黎平县 522631 高屯镇). county_code: 6 digits, the
  // first two a province code (IsProvinceCode: resident IDs and the poverty-line table use it).
  std::string county, county_code, township;
  // The villages' names, in order. When given, their number is the village count; a `villages`
  // that disagrees is an error (named "--villages-names"). Each name non-empty and unique.
  std::vector<std::string> village_names;
  std::string out_file;      // JSON Lines: village registers, households, reviews
  std::string csv_file;      // optional: households as CSV (no signatures)
  std::string planted_file;  // optional: the planted problems, one JSON object per line
};

struct TransitionRequest {
  std::string review_id;   // a status_review record; it names the household (household_ref)
  int32_t today = kNoDay;  // required
  std::string lines_file;  // poverty-line table (JSON); empty = the built-in table
  bool dry_run = false;    // check only
  std::string applied_by;  // recorded in the review (applied_by); required unless dry_run
  // A reviewer's reason to apply although a member is registered in another household; recorded
  // in the review (duplicate_override).
  std::string duplicate_override;
};

// Checks a status transition against its records, evidence and procedure (workflow.h, with the
// store's registry as context: exit verifications, duplicate people) and, when every requirement
// holds, applies it in ONE transaction (Store::Amend): the review records applied_date,
// applied_by (and duplicate_override) outside the team leader's signature, and the household gets
// the new status (poverty_status, status_year, lifted_year; a new inclusion also
// identification_year, identification_standard and poverty_line), each record keeping its state
// (a finalized one is validated again and stays finalized). When the household record would not
// validate under its new status nothing is written and the errors are printed. A review already
// applied is reported and changes nothing, even when a later review has moved the household on.
// A review of a missed household (漏评, no household_ref) finds the household record by its
// household number: the household must have been surveyed first. Prints every unmet requirement
// otherwise. Returns whether the transition was (or, in a dry run, would be) applied.
Result<bool> RunTransition(Store& store, const TransitionRequest& request, std::ostream& out);

// Returns the number of problems found (the command's exit status may depend on it).
Result<size_t> RunProblems(const Township& township, const ProblemsRequest& request,
                           std::ostream& out);
Status RunReport(const Township& township, const ReportRequest& request, std::ostream& out);
// Errors name the option: "--county-code", "--villages-names", "villages", "households", "out".
Status RunSample(const SampleRequest& request, std::ostream& out);

// "A,B,C" (also split on the full-width "，" and "、") -> the trimmed names, empty ones kept so
// that RunSample can refuse them.
std::vector<std::string> SplitVillageNames(const std::string& list);

// Writes `bytes` to `path` atomically (temporary file + rename).
Status WriteFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace doorstep::registry
