// Deterministic households for tests and benchmarks, shaped for forms/household_v1.json:
// ~24 household fields, N members x ~12 fields, and 3 signatures of ~275 points each.
// No Catch2 dependency (the benchmarks link it too).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "doorstep/core/store.h"

namespace doorstep::testdata {

// A valid 18-digit resident ID (GB 11643 check digit) for the given birth date.
std::string ResidentId(std::mt19937_64& rng, int year, int month, int day, bool male);

// Handwriting-like strokes: `points` points in 2-4 strokes on a 600x300 canvas.
StrokeList Handwriting(std::mt19937_64& rng, size_t points = 275);

struct HouseholdOptions {
  int members = 5;
  bool sign = true;  // add the three signatures (head, surveyor, leader) as kSign edits last
};

// Edits that fill a valid household (finalizes cleanly with the fixture clock in 2026).
std::vector<Edit> HouseholdEdits(std::mt19937_64& rng, const HouseholdOptions& options = {});

// The resident IDs used by the most recent HouseholdEdits call (for leak checks).
const std::vector<std::string>& LastResidentIds();

}  // namespace doorstep::testdata
