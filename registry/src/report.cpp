// BuildReport: the per-village yearly figures and the township row. Output is report_output.cpp.
//
// Villages are told apart by (county, township, village) so a report over several townships
// keeps two villages of the same name apart; a register or review that leaves county or township
// empty still joins the village of that name.

#include "doorstep/registry/report.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace doorstep::registry {
namespace {

constexpr const char* kStatuses[] = {kStatusNew, kStatusPoor, kStatusLifted, kStatusReturned,
                                     kStatusRemoved};

struct Group {
  VillageReport row;
  const VillageRegister* reg = nullptr;  // latest register with year <= the report year
};

bool Compatible(const std::string& a, const std::string& b) {
  return a.empty() || b.empty() || a == b;
}

// The village groups of one report, addressed by index (the vector grows while registers and
// reviews add villages that have no household).
class Groups {
 public:
  // The group of exactly this village (created when missing).
  size_t Exact(const std::string& county, const std::string& township, const std::string& village) {
    for (size_t i = 0; i < groups_.size(); ++i) {
      const VillageReport& r = groups_[i].row;
      if (r.village == village && r.county == county && r.township == township) return i;
    }
    return Create(county, township, village);
  }
  // The first group of this village whose county and township do not contradict (created when
  // missing).
  size_t Matching(const std::string& county, const std::string& township,
                  const std::string& village) {
    for (size_t i = 0; i < groups_.size(); ++i) {
      const VillageReport& r = groups_[i].row;
      if (r.village == village && Compatible(r.county, county) &&
          Compatible(r.township, township)) {
        return i;
      }
    }
    return Create(county, township, village);
  }
  Group& operator[](size_t i) { return groups_[i]; }
  std::vector<Group>& all() { return groups_; }

 private:
  size_t Create(const std::string& county, const std::string& township,
                const std::string& village) {
    Group& g = groups_.emplace_back();
    g.row.county = county;
    g.row.township = township;
    g.row.village = village;
    for (const char* s : kStatuses) g.row.by_status[s] = StatusCount{};
    return groups_.size() - 1;
  }
  std::vector<Group> groups_;
};

void AddHousehold(const Household& h, int year, VillageReport* row) {
  const int people = h.ActiveSize();
  const auto it = row->by_status.find(h.status);
  if (it != row->by_status.end()) {
    ++it->second.households;
    it->second.people += people;
  }
  const bool removed = h.status == kStatusRemoved;
  if (!removed) ++row->registered_households;
  if (IsPoorStatus(h.status)) row->poor_people += people;
  if (h.status == kStatusNew && (h.identification_year == year || h.status_year == year)) {
    ++row->new_this_year;
  }
  if (h.status == kStatusLifted && h.lifted_year == year) ++row->lifted_this_year;
  if (h.status == kStatusReturned && h.status_year == year) ++row->returned_this_year;
  if (removed && h.status_year == year) ++row->removed_this_year;
  if (!removed && h.visit_day != kNoDay && YearOfDay(h.visit_day) == year) ++row->visited;
}

void AddReview(const MisidentificationReview& r, VillageReport* row) {
  const bool confirmed = r.conclusion == "confirmed";
  if (!confirmed && r.conclusion != "not_confirmed") return;  // pending: no conclusion yet
  if (r.kind == "wrong_inclusion") {
    ++row->misidentification_reviewed;
    row->misidentification_confirmed += confirmed ? 1 : 0;
  } else if (r.kind == "wrong_exit") {
    ++row->wrong_exit_reviewed;
    row->wrong_exit_confirmed += confirmed ? 1 : 0;
  }
}

std::optional<double> Ratio(int part, int whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / whole;
}

void ComputeRates(VillageReport* row) {
  row->incidence = Ratio(row->poor_people, row->rural_population);
  row->misidentification_rate =
      Ratio(row->misidentification_confirmed, row->misidentification_reviewed);
  row->wrong_exit_rate = Ratio(row->wrong_exit_confirmed, row->wrong_exit_reviewed);
}

// The common value of a column, or "" when the villages differ.
std::string Common(const std::vector<VillageReport>& rows, std::string VillageReport::*field) {
  if (rows.empty()) return {};
  for (const VillageReport& r : rows) {
    if (r.*field != rows[0].*field) return {};
  }
  return rows[0].*field;
}

VillageReport Total(const std::vector<VillageReport>& rows) {
  VillageReport t;
  t.county = Common(rows, &VillageReport::county);
  t.township = Common(rows, &VillageReport::township);
  t.village = "合计";
  for (const char* s : kStatuses) t.by_status[s] = StatusCount{};
  bool every_population = !rows.empty();
  for (const VillageReport& r : rows) {
    for (const auto& [status, count] : r.by_status) {
      t.by_status[status].households += count.households;
      t.by_status[status].people += count.people;
    }
    t.registered_households += r.registered_households;
    t.poor_people += r.poor_people;
    t.rural_population += r.rural_population;
    every_population = every_population && r.rural_population > 0;
    t.new_this_year += r.new_this_year;
    t.lifted_this_year += r.lifted_this_year;
    t.returned_this_year += r.returned_this_year;
    t.removed_this_year += r.removed_this_year;
    t.assigned += r.assigned;
    t.visited += r.visited;
    t.misidentification_reviewed += r.misidentification_reviewed;
    t.misidentification_confirmed += r.misidentification_confirmed;
    t.wrong_exit_reviewed += r.wrong_exit_reviewed;
    t.wrong_exit_confirmed += r.wrong_exit_confirmed;
  }
  ComputeRates(&t);
  // A township incidence over a partial population would overstate poverty: unknown instead.
  if (!every_population) t.incidence.reset();
  return t;
}

}  // namespace

TownshipReport BuildReport(const Township& township, int year) {
  Groups groups;
  std::vector<size_t> household_group;            // by index into township.households
  std::map<std::string, size_t> group_of_record;  // household record id -> group (first record)
  for (const Household& h : township.households) {
    household_group.push_back(groups.Exact(h.county, h.township, h.village));
    if (!h.id.empty()) group_of_record.emplace(h.id, household_group.back());
  }
  for (const VillageRegister& reg : township.villages) {
    if (reg.year > year) continue;
    Group& g = groups[groups.Matching(reg.county, reg.township, reg.village)];
    if (g.reg == nullptr || reg.year > g.reg->year) g.reg = &reg;
  }
  for (size_t i = 0; i < township.households.size(); ++i) {
    AddHousehold(township.households[i], year, &groups[household_group[i]].row);
  }
  for (const MisidentificationReview& r : township.misidentification_reviews) {
    if (r.year != year) continue;
    const auto it = group_of_record.find(r.household_id);
    const size_t index =
        it != group_of_record.end() ? it->second : groups.Matching({}, {}, r.village);
    AddReview(r, &groups[index].row);
  }

  TownshipReport report;
  report.year = year;
  for (Group& g : groups.all()) {
    VillageReport& row = g.row;
    if (g.reg != nullptr) row.rural_population = std::max(0, g.reg->rural_population);
    row.assigned = g.reg != nullptr && g.reg->assigned_households > 0 ? g.reg->assigned_households
                                                                      : row.registered_households;
    ComputeRates(&row);
    report.villages.push_back(std::move(row));
  }
  std::stable_sort(report.villages.begin(), report.villages.end(),
                   [](const VillageReport& a, const VillageReport& b) {
                     return std::tie(a.village, a.county, a.township) <
                            std::tie(b.village, b.county, b.township);
                   });
  report.total = Total(report.villages);
  return report;
}

std::optional<double> VisitProgress(const VillageReport& row) {
  return Ratio(row.visited, row.assigned);
}

}  // namespace doorstep::registry
