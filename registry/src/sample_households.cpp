// Sample generator, households: villages (name, groups, work team, cadres, centre), then each
// household's status history, causes, housing and guarantees, income split, assisting cadre,
// measures, GPS and surveyors. Incomes always fit the status (see sample.h).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sample_internal.h"

namespace doorstep::registry::sample_internal {
namespace {

// Township centre (south-east Guizhou) and the size of a degree there. No trigonometry at run
// time: libm results may differ in the last bit between platforms, and the sample must not.
constexpr double kCentreLat = 26.2306;
constexpr double kCentreLon = 109.1367;
constexpr double kKmPerDegreeLat = 111.0;
constexpr double kKmPerDegreeLon = 111.0 * 0.8970;  // cos(26.23 degrees)

const std::vector<std::string> kUnits = {"县林业局",
                                         "县财政局",
                                         "县水务局",
                                         "县教育局",
                                         "县供电局",
                                         "县农业农村局",
                                         "镇人民政府",
                                         "县住房和城乡建设局",
                                         "县自然资源局",
                                         "县民政局",
                                         "县交通运输局",
                                         "县乡村振兴局",
                                         "县人力资源和社会保障局",
                                         "县卫生健康局"};
const std::vector<std::string> kPositions = {"科长",   "工作队员", "副局长",  "驻村第一书记",
                                             "副科长", "科员",     "工作队长"};

const std::vector<std::string> kCauses = {
    "lack_labor", "lack_water", "schooling", "lack_land",    "lack_skills",   "low_motivation",
    "disability", "disaster",   "illness",   "lack_capital", "poor_transport"};
const std::vector<int> kCauseWeights = {114, 101, 99, 90, 90, 90, 88, 87, 86, 83, 72};

struct MeasureKind {
  const char* type;
  const char* description;
  int min_yuan, max_yuan;
};

const std::vector<MeasureKind> kMeasures = {
    {"ecological_compensation", "生态护林员", 8000, 12000},
    {"ecological_compensation", "退耕还林补助", 500, 3000},
    {"consumption_assistance", "电商帮销", 1000, 8000},
    {"consumption_assistance", "农产品消费扶贫", 1000, 6000},
    {"microcredit", "扶贫小额信贷5万元", 50000, 50000},
    {"microcredit", "产业贷款贴息", 1000, 5000},
    {"employment_transfer", "推荐到广东务工", 500, 3000},
    {"employment_transfer", "就近就业扶贫车间", 1000, 5000},
    {"employment_transfer", "劳务输出至浙江", 500, 3000},
    {"education_support", "义务教育阶段资助", 500, 2000},
    {"education_support", "高中免学费", 1000, 3000},
    {"education_support", "雨露计划补助", 1500, 3000},
    {"social_security", "纳入农村低保", 2000, 6000},
    {"social_security", "临时救助", 500, 3000},
    {"housing_renovation", "人居环境整治", 2000, 8000},
    {"housing_renovation", "透风漏雨整治", 3000, 10000},
    {"housing_renovation", "危房改造", 15000, 35000},
    {"public_welfare_job", "公益性岗位保洁员", 6000, 12000},
    {"public_welfare_job", "护林员", 8000, 12000},
    {"public_welfare_job", "护路员", 6000, 10000},
    {"health_support", "家庭医生签约服务", 0, 500},
    {"health_support", "慢病签约服务", 200, 1000},
    {"health_support", "大病救治", 5000, 30000},
    {"skills_training", "厨师技能培训", 1000, 3000},
    {"skills_training", "农村实用技术培训", 500, 1500},
    {"industry_support", "发展养牛产业", 5000, 20000},
    {"industry_support", "种植食用菌", 3000, 10000},
    {"industry_support", "入股合作社分红", 1000, 5000},
    {"industry_support", "种植茶叶20亩", 5000, 15000},
};
const MeasureKind kRelocation = {"relocation", "易地扶贫搬迁安置", 20000, 60000};

// A point uniformly inside a disc of `radius_km` around (lat, lon), to 6 decimals.
void Scatter(Rng& rng, double radius_km, double* lat, double* lon) {
  double x = 0, y = 0;
  do {
    x = UniformReal(rng, -1, 1);
    y = UniformReal(rng, -1, 1);
  } while (x * x + y * y > 1);
  *lat = std::round((*lat + y * radius_km / kKmPerDegreeLat) * 1e6) / 1e6;
  *lon = std::round((*lon + x * radius_km / kKmPerDegreeLon) * 1e6) / 1e6;
}

bool AnyMember(const Household& h, bool (*pred)(const Member&)) {
  return std::any_of(h.members.begin(), h.members.end(), pred);
}

void SetCauses(Rng& rng, Household* h) {
  std::string main = kCauses[PickWeighted(rng, kCauseWeights)];
  // The main cause follows the family where the family makes it obvious.
  if (AnyMember(*h, [](const Member& m) { return m.health == "disabled"; }) && Chance(rng, 0.4)) {
    main = "disability";
  } else if (AnyMember(*h, [](const Member& m) { return m.health == "serious_illness"; }) &&
             Chance(rng, 0.4)) {
    main = "illness";
  } else if (AnyMember(*h,
                       [](const Member& m) {
                         return m.school_status == "senior_high" ||
                                m.school_status == "vocational" || m.school_status == "college";
                       }) &&
             Chance(rng, 0.3)) {
    main = "schooling";
  }
  h->main_cause = main;
  const int others = UniformInt32(rng, 0, 2);
  while (static_cast<int>(h->other_causes.size()) < others) {
    const std::string& c = PickOne(rng, kCauses);
    if (c != main &&
        std::find(h->other_causes.begin(), h->other_causes.end(), c) == h->other_causes.end()) {
      h->other_causes.push_back(c);
    }
  }
}

// Uniform in [lo, hi], but never above hi (hi when the range is empty): years are cut to the
// visit year, so that nothing happens after the survey's today.
int UpTo(Rng& rng, int lo, int hi) {
  return lo > hi ? hi : UniformInt32(rng, lo, hi);
}

// Identified 2014-2019, lifted 2016-2020, returned from 2021, removed after identification: each
// step at least a year after the one before when there is room, and none after the visit year.
void SetStatusYears(Rng& rng, int visit_year, Household* h) {
  const std::string& s = h->status;
  const int steps_before = s == kStatusReturned ? 2 : s == kStatusPoor || s == kStatusNew ? 0 : 1;
  h->identification_year = UpTo(rng, 2014, std::min(2019, visit_year - steps_before));
  if (s == kStatusNew) {
    // Newly included this year: identified now, not in 2014-2019.
    h->identification_year = h->status_year = visit_year;
  } else if (s == kStatusPoor) {
    h->status_year = h->identification_year;
  } else if (s == kStatusLifted || s == kStatusReturned) {
    const int last_lift = std::min(2020, s == kStatusLifted ? visit_year : visit_year - 1);
    h->lifted_year = UpTo(rng, std::max(2016, h->identification_year + 1), last_lift);
    h->status_year = s == kStatusLifted ? h->lifted_year
                                        : UpTo(rng, std::max(2021, h->lifted_year + 1), visit_year);
  } else {
    h->status_year = UpTo(rng, h->identification_year + 1, visit_year);
  }
}

// Lifted households met the housing guarantee; poor ones have had their 危房 renovated (the problem
// list reports a C or D house of a poor household); only removed households still live in one.
void SetHousing(Rng& rng, Household* h) {
  const bool lifted = h->status == kStatusLifted;
  h->relocated = Chance(rng, 0.08);
  if (h->relocated) {
    h->danger_grade = "A";
    h->house_area_m2 = UniformInt32(rng, 500, 1200) / 10.0;
  } else {
    static const std::vector<std::string> kGrades = {"A", "B", "C", "D"};
    const std::vector<int> weights = lifted                    ? std::vector<int>{65, 35, 0, 0}
                                     : IsPoorStatus(h->status) ? std::vector<int>{60, 40, 0, 0}
                                                               : std::vector<int>{50, 25, 15, 10};
    h->danger_grade = kGrades[PickWeighted(rng, weights)];
    h->house_area_m2 = UniformInt32(rng, 400, 1800) / 10.0;
  }
  Guarantees& g = h->guarantees;
  g.food = g.clothing = g.compulsory_education = g.basic_medical = g.safe_drinking_water = true;
  g.safe_housing = h->danger_grade == "A" || h->danger_grade == "B";
  // Lifted households met every guarantee (the exit required it); a few others miss one more.
  if (!lifted && Chance(rng, 0.05)) {
    bool* parts[] = {&g.food, &g.clothing, &g.compulsory_education, &g.basic_medical,
                     &g.safe_drinking_water};
    *parts[UniformInt32(rng, 0, 4)] = false;
  }
}

void SetMeasures(Rng& rng, int visit_year, Household* h) {
  const int count = UniformInt32(rng, 1, 3);
  const int last_year = std::max(h->identification_year, std::min(visit_year, 2022));
  std::set<std::string> seen;
  while (static_cast<int>(h->measures.size()) < count) {
    const MeasureKind& k =
        h->relocated && h->measures.empty() ? kRelocation : PickOne(rng, kMeasures);
    if (!seen.insert(k.description).second) continue;
    AssistanceMeasure m;
    m.type = k.type;
    m.description = k.description;
    m.year = UniformInt32(rng, h->identification_year, last_year);
    m.amount_yuan = UniformInt32(rng, k.min_yuan / 100, k.max_yuan / 100) * 100.0;
    h->measures.push_back(std::move(m));
  }
  // A poor household has a measure of the survey year (the problem list's no_measures_this_year).
  if (IsPoorStatus(h->status)) h->measures.back().year = visit_year;
}

// Low-income guarantee (低保) and extreme-poverty support (特困供养) follow the family's means; a
// poor household that qualifies has it. Every member of a poor household is insured (医保).
void SetSupport(Rng& rng, Household* h) {
  const bool poor = IsPoorStatus(h->status);
  const bool guarantee = Chance(rng, poor ? 0.35 : 0.1) || (poor && NeedsGuarantee(*h));
  for (Member& m : h->members) {
    m.low_income_guarantee = guarantee && m.Active();
    if (poor) m.medical_insurance = true;
  }
  Member& head = h->members.front();
  if (h->members.size() == 1 && head.age >= 60 && head.labor != "normal_labor" &&
      Chance(rng, 0.5)) {
    head.extreme_poverty_support = true;
  }
}

}  // namespace

bool NeedsGuarantee(const Household& h) {
  bool all_without_labor = true;
  for (const Member& m : h.members) {
    if (!m.Active()) continue;
    if (m.labor != "lost_labor" && m.labor != "no_labor") all_without_labor = false;
    const bool severe = m.disability_grade == 1 || m.disability_grade == 2;
    if (m.health == "serious_illness" || (m.health == "disabled" && severe)) return true;
  }
  return all_without_labor;
}

double LineFor(const Context& ctx, int year) {
  const std::optional<double> line = ctx.lines.Line(year, ctx.options->county_code);
  return line ? *line : 4000.0;
}

std::string DrawStatus(Rng& rng) {
  static const std::vector<std::string> kStatuses = {kStatusLifted, kStatusPoor, kStatusRemoved,
                                                     kStatusNew, kStatusReturned};
  return kStatuses[PickWeighted(rng, {53, 25, 12, 6, 4})];
}

VillagePlan MakeVillage(Rng& rng, int number, std::set<std::string>* names) {
  VillagePlan v;
  v.number = number;
  do {
    v.name = VillageName(rng);
  } while (!names->insert(v.name).second);
  v.groups = UniformInt32(rng, 4, 10);
  v.lat = kCentreLat;
  v.lon = kCentreLon;
  Scatter(rng, 3.5, &v.lat, &v.lon);
  v.team_leader = PersonName(rng, Chance(rng, 0.8));
  v.vice_team_leader = PersonName(rng, Chance(rng, 0.6));
  const int surveyors = UniformInt32(rng, 3, 4);
  for (int i = 0; i < surveyors; ++i) v.surveyors.push_back(PersonName(rng, Chance(rng, 0.5)));
  const int cadres = UniformInt32(rng, 4, 8);
  for (int i = 0; i < cadres; ++i) {
    v.cadres.push_back(Cadre{PersonName(rng, Chance(rng, 0.6)), PickOne(rng, kUnits),
                             PickOne(rng, kPositions), PhoneNumber(rng)});
  }
  return v;
}

void SetIncome(Rng& rng, double per_capita, Household* h) {
  const double net = per_capita * std::max(1, h->ActiveSize());
  int elders = 0, guaranteed = 0;
  bool migrants = false;
  for (const Member& m : h->members) {
    if (!m.Active()) continue;
    elders += m.age >= 60 ? 1 : 0;
    guaranteed += m.low_income_guarantee ? 1 : 0;
    migrants = migrants || m.migrant_months > 0;
  }
  double pension = elders * UniformReal(rng, 1300, 1900);
  double subsidy = net * UniformReal(rng, 0.03, 0.15) + guaranteed * UniformReal(rng, 1200, 2000);
  double eco = Chance(rng, 0.3) ? net * UniformReal(rng, 0.01, 0.06) : 0;
  // Transfers stay below 60% of the net so that earned income dominates.
  const double transfers = pension + subsidy + eco;
  if (transfers > 0.6 * net) {
    const double f = 0.6 * net / transfers;
    pension *= f;
    subsidy *= f;
    eco *= f;
  }
  const double earned = net - pension - subsidy - eco;
  const double property = Chance(rng, 0.3) ? earned * UniformReal(rng, 0.005, 0.04) : 0;
  const double wage =
      earned * (migrants ? UniformReal(rng, 0.5, 0.85) : UniformReal(rng, 0.1, 0.45));
  const double production_net = earned - property - wage;
  const double costs = production_net * UniformReal(rng, 0.15, 0.45);
  Income& in = h->income;
  in.wage = std::round(wage);
  in.production = std::round(production_net + costs);
  in.property = std::round(property);
  in.subsidy = std::round(subsidy);
  in.pension = std::round(pension);
  in.eco_compensation = std::round(eco);
  in.production_costs = std::round(costs);
}

Household MakeHousehold(Rng& rng, const Context& ctx, const VillagePlan& village, int seq,
                        const std::string& status, int32_t visit_day) {
  const SampleOptions& o = *ctx.options;
  const int visit_year = YearOfDay(visit_day);
  Household h;
  h.id = NewUuid(rng);
  h.form_version = "2020.1";
  char no[32];
  std::snprintf(no, sizeof no, "%s%s%03d%04d", o.county_code.c_str(), ctx.township_code.c_str(),
                village.number, seq);
  h.household_no = no;
  h.county = o.county;
  h.county_code = o.county_code;
  h.township = o.township;
  h.village = village.name;
  h.group = GroupName(UniformInt32(rng, 1, village.groups));
  h.members = MakeMembers(rng, ctx, visit_day);
  h.head_name = h.members.front().name;
  h.head_id_number = h.members.front().id_number;
  h.phone = PhoneNumber(rng);
  h.status = status;
  SetStatusYears(rng, visit_year, &h);
  h.identification_standard = Chance(rng, 0.79) ? "national" : "provincial";
  h.poverty_line_yuan = LineFor(ctx, h.identification_year);
  SetCauses(rng, &h);
  SetHousing(rng, &h);
  SetSupport(rng, &h);

  const double line = LineFor(ctx, visit_year);
  double factor = UniformReal(rng, 0.5, 1.6);  // poor, new, returned
  if (status == kStatusLifted) factor = UniformReal(rng, 1.2, 3.0);
  if (status == kStatusRemoved) factor = UniformReal(rng, 1.0, 5.0);
  SetIncome(rng, factor * line, &h);
  // A poor household above the line is poor for a reason: half of them still lack a guarantee
  // (safe drinking water), the others have an exit in procedure (sample.cpp adds it).
  if (IsPoorStatus(status) && h.guarantees.AllMet() && h.PerCapitaNet() > line &&
      Chance(rng, 0.5)) {
    h.guarantees.safe_drinking_water = false;
  }

  const Cadre& cadre = PickOne(rng, village.cadres);
  h.cadre_name = cadre.name;
  h.cadre_unit = cadre.unit;
  h.cadre_position = cadre.position;
  h.cadre_phone = cadre.phone;
  SetMeasures(rng, visit_year, &h);

  h.has_gps = true;
  h.lat = village.lat;
  h.lon = village.lon;
  Scatter(rng, 1.0, &h.lat, &h.lon);
  h.gps_accuracy_m = UniformInt32(rng, 3, 40);
  h.visit_day = visit_day;
  std::vector<std::string> team = village.surveyors;
  Shuffle(rng, &team);
  h.surveyors = {team[0], team[1]};
  h.team_leader = village.team_leader;
  h.vice_team_leader = village.vice_team_leader;
  SignHousehold(rng, o, &h);
  h.finalized = true;
  return h;
}

}  // namespace doorstep::registry::sample_internal
