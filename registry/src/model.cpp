#include "doorstep/registry/model.h"

#include <cstdio>

namespace doorstep::registry {

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t DayFromCivil(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(month > 2 ? month - 3 : month + 9);
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

void CivilFromDay(int32_t z, int* year, int* month, int* dom) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2 ? 1 : 0);
  *month = static_cast<int>(m);
  *dom = static_cast<int>(d);
}

bool IsValidCivil(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

int YearOfDay(int32_t day) {
  int y = 0, m = 0, d = 0;
  CivilFromDay(day, &y, &m, &d);
  return y;
}

std::optional<int32_t> ParseIsoDay(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n, int* out) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!digits(0, 4, &y) || !digits(5, 2, &m) || !digits(8, 2, &d)) return std::nullopt;
  if (!IsValidCivil(y, m, d)) return std::nullopt;
  return DayFromCivil(y, m, d);
}

std::string FormatIsoDay(int32_t day) {
  if (day == kNoDay) return {};
  int y = 0, m = 0, d = 0;
  CivilFromDay(day, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

int AgeOn(int32_t birth_day, int32_t on_day) {
  int by = 0, bm = 0, bd = 0, y = 0, m = 0, d = 0;
  CivilFromDay(birth_day, &by, &bm, &bd);
  CivilFromDay(on_day, &y, &m, &d);
  int age = y - by;
  if (m < bm || (m == bm && d < bd)) --age;
  return age;
}

bool IsPoorStatus(const std::string& status) {
  return status == kStatusNew || status == kStatusPoor || status == kStatusReturned;
}

bool IsIncreaseChange(const std::string& change) {
  return change == kChangeBirth || change == kChangeMarriageIn || change == kChangeMoveIn;
}

bool IsDecreaseChange(const std::string& change) {
  return change == kChangeDeath || change == kChangeMarriageOut || change == kChangeMoveOut ||
         change == kChangeImprisonment;
}

int Household::ActiveSize() const {
  int n = 0;
  for (const Member& m : members) n += m.Active() ? 1 : 0;
  return n;
}

double Household::PerCapitaNet() const {
  const int n = ActiveSize();
  return n > 0 ? income.Net() / n : 0.0;
}

const Signature* Household::SignatureOf(const std::string& role) const {
  for (const Signature& s : signatures) {
    if (s.role == role) return &s;
  }
  return nullptr;
}

bool IsRegisteredStatus(const std::string& status) {
  return IsPoorStatus(status) || status == kStatusLifted;
}

const char* StatusTitle(const std::string& status) {
  if (status.empty()) return "未登记";
  if (status == kStatusNew) return "新纳入";
  if (status == kStatusPoor) return "未脱贫";
  if (status == kStatusLifted) return "已脱贫";
  if (status == kStatusReturned) return "返贫";
  if (status == kStatusRemoved) return "清退";
  if (status == kStatusCandidate) return "待识别";
  return "未知状态";
}

const char* TransitionTitle(Transition t) {
  switch (t) {
    case Transition::kNewInclusion:
      return "新纳入";
    case Transition::kExit:
      return "脱贫退出";
    case Transition::kReturn:
      return "返贫";
    case Transition::kRemoval:
      return "清退";
  }
  return "?";
}

const char* TransitionName(Transition t) {
  switch (t) {
    case Transition::kNewInclusion:
      return "new_inclusion";
    case Transition::kExit:
      return "exit";
    case Transition::kReturn:
      return "return";
    case Transition::kRemoval:
      return "removal";
  }
  return "?";
}

std::optional<Transition> ParseTransition(const std::string& name) {
  if (name == "new_inclusion") return Transition::kNewInclusion;
  if (name == "exit") return Transition::kExit;
  if (name == "return") return Transition::kReturn;
  if (name == "removal") return Transition::kRemoval;
  return std::nullopt;
}

const std::vector<std::string>& ComparisonDepartments() {
  static const std::vector<std::string> kDepartments = {
      "public_security", "housing",    "finance",    "human_resources", "market_regulation",
      "agricultural_machinery", "banking", "securities", "insurance"};
  return kDepartments;
}

}  // namespace doorstep::registry
