// Data and printing of `doorstep-demo`: fictional households of one village (names and numbers
// are invented) and a clerk-readable view of a household as a tablet holds it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "doorstep/core/store.h"
#include "doorstep/core/values.h"

namespace doorstep::cli::demo {

inline constexpr char kCounty[] = "黎平县";
inline constexpr char kTownship[] = "高屯街道";
inline constexpr char kVillage[] = "坪新冲村";

// The edits that capture household `n` (0, 1 or 2) of the demo village, members included.
std::vector<Edit> HouseholdEdits(int n);
// Head name of household `n` (for headings).
std::string HouseholdHead(int n);

// Edits adding one member (name, relation, sex, birth date) with a fresh instance id.
// Fails only when `random` does.
Result<std::vector<Edit>> NewMember(Random& random, const std::string& name, const std::string& relation,
                                    const std::string& sex, int year, int month, int day);

// Prints the household as the store holds it: main fields with their labels, then every member.
void PrintHousehold(std::ostream& out, Store& store, const RecordId& id, const std::string& indent);

// True when both stores hold the same synced values for the record.
bool SameRecord(Store& a, Store& b, const RecordId& id);

}  // namespace doorstep::cli::demo
