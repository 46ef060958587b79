// BuildReport: the per-village yearly figures and the township row. Output is report_output.cpp.
//
// Villages are told apart by (county, township, village) so a report over several townships
// keeps two villages of the same name apart; a register or review that leaves county or township
// empty still joins the village of that name.

#include "doorstep/registry/report.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
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

void Add(StatusCount* c, int people) {
  ++c->households;
  c->people += people;
}

void AddHousehold(const Household& h, int year, VillageReport* row) {
  if (h.status == kStatusCandidate) return;  // not in the registry (yet)
  const int people = h.ActiveSize();
  const auto it = row->by_status.find(h.status);
  if (it != row->by_status.end()) Add(&it->second, people);
  const bool removed = h.status == kStatusRemoved;
  if (!removed) ++row->registered_households;
  if (IsPoorStatus(h.status)) row->poor_people += people;
  if (h.status == kStatusNew && (h.identification_year == year || h.status_year == year)) {
    Add(&row->new_this_year, people);
  }
  if (h.status == kStatusLifted && h.lifted_year == year) Add(&row->lifted_this_year, people);
  if (h.status == kStatusReturned && h.status_year == year) Add(&row->returned_this_year, people);
  if (removed && h.status_year == year) Add(&row->removed_this_year, people);
  if (!removed && h.visit_day != kNoDay && YearOfDay(h.visit_day) == year) ++row->visited;
}

// `household`: the registered household the review is about, or nullptr. Called once per kind
// and household (a second review of the same household and kind counts once).
void AddReview(const MisidentificationReview& r, const Household* household, VillageReport* row) {
  const bool confirmed = r.conclusion == "confirmed";
  if (!confirmed && r.conclusion != "not_confirmed") return;  // pending: no conclusion yet
  const int people = household != nullptr ? household->ActiveSize() : std::max(0, r.people);
  if (r.kind == "wrong_inclusion") {
    ++row->misidentification_reviewed;
    if (confirmed) {
      ++row->misidentification_confirmed;
      row->misidentification_confirmed_people += people;
    }
  } else if (r.kind == "wrong_exit") {
    ++row->wrong_exit_reviewed;
    if (confirmed) {
      ++row->wrong_exit_confirmed;
      row->wrong_exit_confirmed_people += people;
    }
  }
}

bool Rejected(const Review& r) {
  for (const std::string* o : {&r.assessment1_outcome, &r.township_review_outcome,
                               &r.county_review_outcome, &r.assessment2_outcome}) {
    if (*o == "rejected") return true;
  }
  return false;
}

// 拟: in procedure on `as_of`.
void AddProposed(const Review& r, const Household* household, int32_t as_of, VillageReport* row) {
  if (r.assessment1_day == kNoDay || r.assessment1_day > as_of) return;
  if (r.completed_day != kNoDay && r.completed_day <= as_of) return;
  if (r.applied_day != kNoDay && r.applied_day <= as_of) return;  // applied: no longer 拟
  if (Rejected(r)) return;
  const int people = household != nullptr ? household->ActiveSize() : 0;
  switch (r.transition) {
    case Transition::kExit:
      return Add(&row->proposed_exit, people);
    case Transition::kNewInclusion:
      return Add(&row->proposed_new, people);
    case Transition::kReturn:
      return Add(&row->proposed_return, people);
    case Transition::kRemoval:
      return Add(&row->proposed_removal, people);
  }
}

void Sum(StatusCount* into, const StatusCount& c) {
  into->households += c.households;
  into->people += c.people;
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
    for (auto member :
         {&VillageReport::new_this_year, &VillageReport::lifted_this_year,
          &VillageReport::returned_this_year, &VillageReport::removed_this_year,
          &VillageReport::returned_by_review, &VillageReport::missed,
          &VillageReport::proposed_exit, &VillageReport::proposed_new,
          &VillageReport::proposed_return, &VillageReport::proposed_removal}) {
      Sum(&(t.*member), r.*member);
    }
    t.misidentification_confirmed_people += r.misidentification_confirmed_people;
    t.wrong_exit_confirmed_people += r.wrong_exit_confirmed_people;
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

TownshipReport BuildReport(const Township& township, int year, int32_t as_of) {
  if (as_of == kNoDay) as_of = DayFromCivil(year, 12, 31);
  Groups groups;
  std::vector<size_t> household_group;            // by index into township.households
  std::map<std::string, size_t> group_of_record;  // household record id -> group (first record)
  std::map<std::string, const Household*> by_record;
  for (const Household& h : township.households) {
    household_group.push_back(groups.Exact(h.county, h.township, h.village));
    if (!h.id.empty()) {
      group_of_record.emplace(h.id, household_group.back());
      by_record.emplace(h.id, &h);
    }
  }
  std::map<std::string, const Household*> by_number;  // registered households by number
  for (const Household& h : township.households) {
    if (IsRegisteredStatus(h.status) || h.status == kStatusCandidate) {
      by_number.emplace(h.household_no, &h);
    }
  }
  // The household a review names: by record, else (a missed household) by number.
  const auto household_of = [&](const std::string& id, const std::string& no) -> const Household* {
    if (const auto it = by_record.find(id); !id.empty() && it != by_record.end()) return it->second;
    if (const auto it = by_number.find(no); id.empty() && !no.empty() && it != by_number.end()) {
      return it->second;
    }
    return nullptr;
  };
  const auto group_of = [&](const Household* h, const std::string& village) {
    const auto it = h != nullptr ? group_of_record.find(h->id) : group_of_record.end();
    return it != group_of_record.end() ? it->second : groups.Matching({}, {}, village);
  };
  for (const VillageRegister& reg : township.villages) {
    if (reg.year > year) continue;
    Group& g = groups[groups.Matching(reg.county, reg.township, reg.village)];
    if (g.reg == nullptr || reg.year > g.reg->year) g.reg = &reg;
  }
  for (size_t i = 0; i < township.households.size(); ++i) {
    AddHousehold(township.households[i], year, &groups[household_group[i]].row);
  }
  // Reviews count once per household and kind; 其中漏评 and 其中核查发现 are the households of
  // this year's new inclusions and returns that a confirmed review of the year names.
  // A household reviewed more than once for one kind is one case, confirmed when any review
  // confirmed it, else not confirmed when any concluded so.
  struct Case {
    const MisidentificationReview* review = nullptr;
    const Household* household = nullptr;
  };
  std::map<std::pair<std::string, std::string>, Case> cases;  // (kind, household key)
  const auto rank = [](const std::string& c) { return c == "confirmed" ? 2 : c == "not_confirmed"; };
  for (size_t i = 0; i < township.misidentification_reviews.size(); ++i) {
    const MisidentificationReview& r = township.misidentification_reviews[i];
    if (r.year != year) continue;
    const Household* h = household_of(r.household_id, r.household_no);
    const std::string key = h != nullptr                ? h->id
                            : !r.household_id.empty()   ? r.household_id
                            : !r.household_no.empty()   ? r.household_no
                                                        : "#" + std::to_string(i);
    Case& c = cases[{r.kind, key}];
    if (c.review == nullptr || rank(r.conclusion) > rank(c.review->conclusion)) c = {&r, h};
  }
  std::set<const Household*> missed, wrong_exit;
  for (const auto& [kind_key, c] : cases) {
    AddReview(*c.review, c.household, &groups[group_of(c.household, c.review->village)].row);
    if (c.household != nullptr && c.review->conclusion == "confirmed") {
      if (c.review->kind == "missed") missed.insert(c.household);
      if (c.review->kind == "wrong_exit") wrong_exit.insert(c.household);
    }
  }
  for (size_t i = 0; i < township.households.size(); ++i) {
    const Household& h = township.households[i];
    VillageReport& row = groups[household_group[i]].row;
    const bool new_this_year =
        h.status == kStatusNew && (h.identification_year == year || h.status_year == year);
    if (new_this_year && missed.count(&h) > 0) Add(&row.missed, h.ActiveSize());
    if (h.status == kStatusReturned && h.status_year == year && wrong_exit.count(&h) > 0) {
      Add(&row.returned_by_review, h.ActiveSize());
    }
  }
  for (const Review& r : township.reviews) {
    if (r.year != year) continue;
    const Household* h = household_of(r.household_id, r.household_no);
    AddProposed(r, h, as_of, &groups[group_of(h, r.village)].row);
  }

  TownshipReport report;
  report.year = year;
  report.as_of = as_of;
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
