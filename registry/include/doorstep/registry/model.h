// Typed views of the registry forms (forms/registry/, see docs/registry.md).
//
// The core stores records field by field and knows nothing about poverty alleviation; the registry
// rules (resident IDs, poverty lines, status transitions, the problem list, reports) work on these
// plain structs instead. They are filled from stored records (records.h), from the registry export
// in JSON Lines (jsonl.h) and by the sample generator (sample.h).
//
// Dates are day numbers (days since 1970-01-01, the core's DATE representation); kNoDay = unknown.
// Money is yuan per year. Nothing here is logged: names, ID numbers and incomes are personal data.
//
// Thread rules: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorstep::registry {

inline constexpr int32_t kNoDay = INT32_MIN;

// Civil date <-> day number (proleptic Gregorian). DayFromCivil does not validate: use
// IsValidCivil first for untrusted input.
int32_t DayFromCivil(int year, int month, int day);
void CivilFromDay(int32_t day, int* year, int* month, int* dom);
bool IsValidCivil(int year, int month, int day);
int YearOfDay(int32_t day);
// "YYYY-MM-DD" -> day; nullopt when not a valid date in that exact shape.
std::optional<int32_t> ParseIsoDay(const std::string& text);
std::string FormatIsoDay(int32_t day);  // "YYYY-MM-DD"; "" for kNoDay
// Full years between two days (birthday-exact).
int AgeOn(int32_t birth_day, int32_t on_day);

// Household poverty status (贫困户属性). Choice values of the form's `status` list.
inline constexpr const char* kStatusNew = "new";            // 新纳入 newly included this year
inline constexpr const char* kStatusPoor = "poor";          // 未脱贫 registered poor
inline constexpr const char* kStatusLifted = "lifted";      // 已脱贫 lifted out
inline constexpr const char* kStatusReturned = "returned";  // 返贫 fell back
inline constexpr const char* kStatusRemoved = "removed";    // 清退 removed (misidentified / gone)
// True for new, poor and returned: the household counts as poor today.
bool IsPoorStatus(const std::string& status);

// Natural increase / decrease of members (自然增减), the `member_change` choice list.
// Empty = no change this visit.
inline constexpr const char* kChangeBirth = "birth";
inline constexpr const char* kChangeMarriageIn = "marriage_in";
inline constexpr const char* kChangeMoveIn = "move_in";
inline constexpr const char* kChangeDeath = "death";
inline constexpr const char* kChangeMarriageOut = "marriage_out";
inline constexpr const char* kChangeMoveOut = "move_out";
inline constexpr const char* kChangeImprisonment = "imprisonment";
bool IsIncreaseChange(const std::string& change);
bool IsDecreaseChange(const std::string& change);  // the member no longer counts

struct Member {
  std::string instance_id;  // repeat instance UUID in a stored record; empty otherwise
  std::string name;
  std::string id_number;  // 18-character resident ID
  std::string relation;   // head, spouse, son, daughter, son_in_law, daughter_in_law, grandson,
                          // granddaughter, father, mother, other
  std::string sex;        // male / female (as recorded; the ID also encodes it)
  int age = -1;           // as recorded in an export; -1 unknown (the form derives it from the ID)
  std::string ethnicity;  // 汉族, 苗族, ...
  std::string education;  // illiterate, preschool, primary, junior_high, senior_high,
                          // vocational, college
  std::string school_status;  // not_in_school, preschool, primary, junior_high, senior_high,
                              // vocational, college, dropout
  std::string health;     // healthy, chronic_illness, serious_illness, disabled
  int disability_grade = 0;   // 1-4 when disabled, else 0
  std::string labor;      // skilled_labor, normal_labor, weak_labor, lost_labor, no_labor
  int migrant_months = 0;  // months of migrant work last year, 0-12
  bool medical_insurance = false;
  bool pension_insurance = false;
  bool low_income_guarantee = false;  // 低保
  bool extreme_poverty_support = false;  // 特困供养
  std::string change;   // "" or one of the kChange* values
  int32_t change_day = kNoDay;

  bool Active() const { return !IsDecreaseChange(change); }
};

struct Income {
  double wage = 0;
  double production = 0;  // production and business income (gross)
  double property = 0;
  double subsidy = 0;     // transfer: policy subsidies
  double pension = 0;     // transfer: pensions
  double eco_compensation = 0;  // transfer: ecological compensation
  double production_costs = 0;
  double Transfers() const { return subsidy + pension + eco_compensation; }
  double Total() const { return wage + production + property + Transfers(); }
  double Net() const { return Total() - production_costs; }
};

// 两不愁三保障 plus safe drinking water.
struct Guarantees {
  bool food = false;
  bool clothing = false;
  bool compulsory_education = false;
  bool basic_medical = false;
  bool safe_housing = false;
  bool safe_drinking_water = false;
  bool AllMet() const {
    return food && clothing && compulsory_education && basic_medical && safe_housing &&
           safe_drinking_water;
  }
};

struct AssistanceMeasure {
  std::string instance_id;
  std::string type;  // employment_transfer, industry_support, ... (the `measure` choice list)
  std::string description;
  int year = 0;
  double amount_yuan = 0;
};

struct Point {
  int32_t x = 0;
  int32_t y = 0;
  int32_t t = 0;  // ms since the first point of the signature
  bool operator==(const Point&) const = default;
};

// Signature state as the core reports it for a stored record; an imported export signature is
// kValid once the import has signed it over the imported content.
enum class SignatureState { kValid, kStale, kMissing };

struct Signature {
  std::string role;  // household_head, surveyor, team_leader, vice_team_leader
  std::string signer;
  std::string proxy_signer;  // someone who signed for a head who cannot write
  int64_t signed_at_ms = 0;
  uint32_t canvas_w = 0;
  uint32_t canvas_h = 0;
  std::vector<std::vector<Point>> strokes;  // export/sample only; empty when read from a store
  SignatureState state = SignatureState::kMissing;
};

struct Household {
  std::string id;  // record UUID (the export's `uuid`)
  std::string form_version;  // of the stored record; the export's `form_version`
  std::string household_no;  // 16 digits
  std::string county;
  std::string county_code;  // 6 digits; the first two are the province code
  std::string township;
  std::string village;
  std::string group;  // 村民小组
  std::string head_name;
  std::string head_id_number;
  std::string phone;
  std::string status;  // kStatus*
  int status_year = 0;  // year the current status took effect (0 unknown)
  std::string identification_standard;  // national / provincial
  int identification_year = 0;
  double poverty_line_yuan = 0;  // line recorded at identification (export field)
  int lifted_year = 0;           // 0 = not lifted
  std::string main_cause;        // illness, disability, schooling, disaster, lack_land,
                                 // lack_water, lack_skills, lack_labor, lack_capital,
                                 // poor_transport, low_motivation
  std::vector<std::string> other_causes;
  Income income;
  Guarantees guarantees;
  double house_area_m2 = 0;
  std::string danger_grade;  // A-D
  bool relocated = false;
  std::string cadre_name;
  std::string cadre_unit;
  std::string cadre_position;
  std::string cadre_phone;
  std::vector<AssistanceMeasure> measures;
  bool has_gps = false;
  double lat = 0;
  double lon = 0;
  double gps_accuracy_m = 0;
  int32_t visit_day = kNoDay;
  std::vector<std::string> surveyors;
  std::string team_leader;
  std::string vice_team_leader;
  std::vector<Member> members;
  std::vector<Signature> signatures;
  bool finalized = false;  // stored records: finalized (vs draft)

  // Members who still count (no decrease change).
  int ActiveSize() const;
  // (total income - production costs) / active household size; 0 when nobody is left.
  double PerCapitaNet() const;
  // The signature of a role, or nullptr.
  const Signature* SignatureOf(const std::string& role) const;
};

// The status transitions of dynamic management (动态管理).
enum class Transition {
  kNewInclusion,  // 新纳入: (not registered / removed) -> new
  kExit,          // 脱贫退出: new / poor / returned -> lifted
  kReturn,        // 返贫: lifted -> returned
  kRemoval,       // 清退: any registered status -> removed
};
const char* TransitionName(Transition t);  // new_inclusion, exit, return, removal
std::optional<Transition> ParseTransition(const std::string& name);

// Comparison results from other departments (比对), imported as flags for the second assessment.
// Values of the `comparison_flag` choice list: registered_car, business_registered,
// commercial_flat, public_servant, high_deposit, ...
struct Review {
  std::string id;            // record UUID of the status_review record
  std::string household_id;  // the household record it is about
  std::string village;
  Transition transition = Transition::kExit;
  int year = 0;
  std::string reason;  // removal: misidentified / whole_household_gone / ...; free text otherwise
  // Procedure (程序), in order. kNoDay = not done. Outcomes: approved / rejected / "".
  int32_t assessment1_day = kNoDay;
  std::string assessment1_outcome;
  int32_t notice1_start = kNoDay;  // 公示, 7 days
  bool notice1_objection = false;
  bool notice1_objection_resolved = false;
  int32_t comparison_day = kNoDay;  // 比对 (new inclusion / return only)
  std::vector<std::string> comparison_flags;
  bool comparison_flags_handled = false;  // the second assessment dealt with every flag
  int32_t assessment2_day = kNoDay;       // new inclusion / return only
  std::string assessment2_outcome;
  int32_t notice2_start = kNoDay;  // new inclusion / return only, 7 days
  bool notice2_objection = false;
  bool notice2_objection_resolved = false;
  int32_t announcement_start = kNoDay;  // 公告, 5 days
  int32_t notification_day = kNoDay;    // 告知 the household
  int32_t completed_day = kNoDay;       // the transition took effect; kNoDay = still open
};

// 识别不精准户调查核定登记表: a review of whether a household was identified correctly.
struct MisidentificationReview {
  std::string id;
  std::string household_id;
  std::string village;
  int year = 0;
  std::string kind;        // wrong_inclusion (错评), wrong_exit (错退), missed (漏评)
  std::string conclusion;  // confirmed / not_confirmed / pending
  std::vector<std::string> comparison_flags;
};

// 贫困村登记表 (one per village and year).
struct VillageRegister {
  std::string id;
  std::string county;
  std::string township;
  std::string village;
  int year = 0;
  int registered_households = 0;  // 户籍户数
  int registered_population = 0;  // 户籍人口
  int rural_population = 0;       // 农村户籍人口: the denominator of poverty incidence
  int assigned_households = 0;    // households assigned to this year's survey
  bool poor_village = false;
  int village_exit_year = 0;
  std::string team_leader;
};

// 帮扶走访记录.
struct AssistanceVisit {
  std::string id;
  std::string household_id;
  std::string village;
  int32_t visit_day = kNoDay;
  std::string cadre_name;
  std::string content;
};

// Everything the rules look at for one township (or any set of villages).
struct Township {
  std::vector<Household> households;
  std::vector<Review> reviews;
  std::vector<MisidentificationReview> misidentification_reviews;
  std::vector<VillageRegister> villages;
  std::vector<AssistanceVisit> visits;
};

}  // namespace doorstep::registry
