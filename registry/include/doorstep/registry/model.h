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
// 待识别: surveyed but not registered (an applicant, a missed household found by a review); only a
// new inclusion moves it into the registry. Not counted anywhere in the reports.
inline constexpr const char* kStatusCandidate = "candidate";
// True for a status that is in the registry: new, poor, lifted, returned (not removed, candidate
// or empty).
bool IsRegisteredStatus(const std::string& status);
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
  std::string role;  // household_head, responsible_cadre (脱贫责任人), surveyor, team_leader,
                     // vice_team_leader
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
  // 五清 (seeds/003_2ef3a491d6d72ded.txt): the way out of poverty (脱贫门路), the main difficulty
  // to solve, past assistance and its effect, the assistance plan and the year the household is
  // to be lifted by (脱贫时限; 0 unknown). Free text but the year.
  std::string exit_path;
  std::string main_difficulty;
  std::string past_assistance_effect;
  std::string assistance_plan;
  int exit_deadline_year = 0;
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
// Chinese titles for messages and pages: 新纳入, 未脱贫, 已脱贫, 返贫, 清退, 待识别; 未登记 for
// "", 未知状态 otherwise. TransitionTitle: 新纳入, 脱贫退出, 返贫, 清退.
const char* StatusTitle(const std::string& status);
const char* TransitionTitle(Transition t);
std::optional<Transition> ParseTransition(const std::string& name);

// Comparison results from other departments (比对), imported as flags for the second assessment.
// Values of the `comparison_flag` choice list: registered_car, business_registered,
// commercial_flat, public_servant, high_deposit, farm_machinery, securities_holding,
// insurance_policy, other_flag. The departments compared (`comparison_department` list, the nine
// of seeds/000): public_security 公安, housing 住建, finance 财政, human_resources 人社,
// market_regulation 工商, agricultural_machinery 农机, banking 银行, securities 证券,
// insurance 保险.
const std::vector<std::string>& ComparisonDepartments();

// The procedure of a status review (动态调整程序, seeds/000_aaa444608bce7585.txt, the county notice
// of 2017), in order. kNoDay = not done. Outcomes: approved / rejected / "".
//   new_inclusion, return ("两评议两公示一比对一公告一告知"): application 申请 -> assessment1 民主评议
//     (household_acknowledged 贫困户认可) -> notice1 第一次公示 (7 days) -> township_review 乡镇审核
//     -> notice2 第二次公示 (7 days) -> county_review 县扶贫办复审 -> comparison 信息比对 (departments)
//     -> feedback 反馈村户 -> assessment2 第二次民主评议 -> announcement 公告 (5 days) -> notification 告知
//   exit, removal ("一评议一公示一公告一告知"): assessment1 -> notice1 (7 days) -> township_review
//     乡镇抽查审核 -> announcement (5 days) -> notification
struct Review {
  std::string id;            // record UUID of the status_review record
  std::string household_id;  // the household record it is about; "" for a 漏评 household that
                             // the review registers (new_inclusion with missed_household)
  std::string household_no;  // as written on the review (16 digits)
  std::string head_name;
  std::string village;
  Transition transition = Transition::kExit;
  int year = 0;
  std::string reason;  // removal: misidentified / whole_household_gone / ...; free text otherwise
  std::string return_cause;  // 返贫原因 (return): the main cause list's values
  bool missed_household = false;  // 漏评: a new inclusion of a household found by a review
  int32_t application_day = kNoDay;  // 农户申请 (new inclusion / return)
  int32_t assessment1_day = kNoDay;
  std::string assessment1_outcome;
  bool household_acknowledged = false;  // 贫困户认可 the assessment's result
  int32_t notice1_start = kNoDay;  // 公示, 7 days
  bool notice1_objection = false;
  bool notice1_objection_resolved = false;
  int32_t township_review_day = kNoDay;  // 乡镇(街道)审核; 抽查审核 for exits and removals
  std::string township_review_outcome;
  int32_t notice2_start = kNoDay;  // new inclusion / return only, 7 days
  bool notice2_objection = false;
  bool notice2_objection_resolved = false;
  int32_t county_review_day = kNoDay;  // 县扶贫办复审 (new inclusion / return)
  std::string county_review_outcome;
  int32_t comparison_day = kNoDay;  // 比对 (new inclusion / return only)
  std::vector<std::string> comparison_departments;  // which departments' data was compared
  std::vector<std::string> comparison_flags;
  int32_t feedback_day = kNoDay;          // 疑似问题反馈给村、户
  bool comparison_flags_handled = false;  // the second assessment dealt with every flag
  int32_t assessment2_day = kNoDay;       // new inclusion / return only
  std::string assessment2_outcome;
  int32_t announcement_start = kNoDay;  // 公告, 5 days
  bool announcement_objection = false;
  bool announcement_objection_resolved = false;
  int32_t notification_day = kNoDay;  // 告知 the household
  int32_t completed_day = kNoDay;     // the transition took effect; kNoDay = still open
  // Stored records only: the review's state and the transition's application.
  bool finalized = false;
  SignatureState team_leader_signature = SignatureState::kMissing;
  int32_t applied_day = kNoDay;  // `doorstep transition` applied it
  std::string applied_by;
  std::string duplicate_override;  // the reviewer's reason to apply despite 一人多户
};

// 识别不精准户调查核定登记表: a review of whether a household was identified correctly.
struct MisidentificationReview {
  std::string id;
  std::string household_id;  // "" for a missed household (漏评) not registered yet
  std::string household_no;  // the registry's number; a missed household's number to be
  std::string head_name;
  std::string village;
  int year = 0;
  std::string kind;        // wrong_inclusion (错评), wrong_exit (错退), missed (漏评)
  std::string conclusion;  // confirmed / not_confirmed / pending
  int people = 0;  // members of the household (a missed one's count; others may leave 0)
  std::vector<std::string> comparison_flags;
};

// 脱贫退出户调查核实登记表: the verification an exit rests on (read from stored records only).
struct ExitVerification {
  std::string id;
  std::string household_id;
  std::string village;
  int exit_year = 0;
  std::string conclusion;  // meets / not_meets (the form's exit_conclusion list)
  int32_t verify_day = kNoDay;
  bool finalized = false;
  bool signatures_valid = false;  // every signature field of the record signed and not stale
};

// One line of a village's needs list (需求清单 / 项目清单).
struct VillageNeed {
  std::string instance_id;  // repeat instance UUID in a stored record; empty otherwise
  std::string item;         // the project
  double amount_yuan = 0;   // funds needed; 0 unknown
};

// 贫困村登记表 (one per village and year). The village file (村情档案), problem ledger (问题台账),
// needs list (需求清单) and assistance forces (帮扶力量) of seeds/003_2ef3a491d6d72ded.txt.
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
  double per_capita_income_yuan = 0;  // 村农民人均纯收入; 0 unknown
  std::string leading_industry;       // 主导产业
  std::string village_clinic;         // 村卫生室: yes / no, "" unanswered
  // 问题台账: main constraints, past assistance and its effect, the most urgent bottlenecks.
  std::string main_constraints;
  std::string past_assistance;
  std::string urgent_problems;
  std::vector<VillageNeed> needs;
  // 帮扶力量: the province/city/county leaders who liaise, the assisting units, the resident team
  // (first secretary, team leader), a leading enterprise, a technical adviser, and whether a
  // financial service outlet covers the village (yes / no, "" unanswered).
  std::vector<std::string> liaison_leaders;
  std::vector<std::string> assisting_units;
  std::string first_secretary;
  std::string team_leader;
  std::string leading_enterprise;
  std::string tech_advisor;
  std::string financial_outlet;
};

// 帮扶走访记录.
struct AssistanceVisit {
  std::string id;
  std::string household_id;
  std::string village;
  int32_t visit_day = kNoDay;
  std::string cadre_name;
  std::string content;
  std::string visit_kind;        // home_visit (入户), phone, other; "" unanswered
  bool assigned_cadre = false;   // the visitor is the household's own 帮扶责任人 (脱贫责任人)
  // 两不愁三保障 and safe water as seen at a home visit (the form asks only then: all false for
  // other visits).
  Guarantees guarantees;
};

// Everything the rules look at for one township (or any set of villages).
struct Township {
  std::vector<Household> households;
  std::vector<Review> reviews;
  std::vector<MisidentificationReview> misidentification_reviews;
  std::vector<VillageRegister> villages;
  std::vector<AssistanceVisit> visits;
  std::vector<ExitVerification> exit_verifications;
};

}  // namespace doorstep::registry
