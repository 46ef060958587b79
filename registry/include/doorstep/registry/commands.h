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
  double far_above_factor = 2.0;
  double max_per_capita_yuan = 100000;
  std::string lines_file;  // poverty-line table (JSON); empty = the built-in table
  std::string csv_file;    // also write the list as CSV here
};

struct ReportRequest {
  std::vector<std::string> villages;
  int year = 0;  // required
  std::string csv_file;
};

struct SampleRequest {
  int villages = 14;
  int households = 1300;
  uint64_t seed = 1;
  int32_t today = kNoDay;  // kNoDay = the generator's default day
  bool plant_problems = true;
  std::string out_file;      // JSON Lines: village registers, households, reviews
  std::string csv_file;      // optional: households as CSV (no signatures)
  std::string planted_file;  // optional: the planted problems, one JSON object per line
};

struct TransitionRequest {
  std::string review_id;   // a status_review record; it names the household (household_ref)
  int32_t today = kNoDay;  // required
  std::string lines_file;  // poverty-line table (JSON); empty = the built-in table
  bool dry_run = false;    // check only
};

// Checks a status transition against its evidence and procedure (workflow.h) and, when every
// requirement holds, writes the new status (poverty_status, status_year, lifted_year) into the
// household record in one transaction (a finalized record is reopened and finalized again).
// Prints every unmet requirement otherwise. Returns whether the transition was (or, in a dry run,
// would be) applied.
Result<bool> RunTransition(Store& store, const TransitionRequest& request, std::ostream& out);

// Returns the number of problems found (the command's exit status may depend on it).
Result<size_t> RunProblems(const Township& township, const ProblemsRequest& request,
                           std::ostream& out);
Status RunReport(const Township& township, const ReportRequest& request, std::ostream& out);
Status RunSample(const SampleRequest& request, std::ostream& out);

// Writes `bytes` to `path` atomically (temporary file + rename).
Status WriteFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace doorstep::registry
