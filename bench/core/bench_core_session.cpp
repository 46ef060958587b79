// bench_core, form session figures: opening a FormSession on a registry household (forms/registry/
// household.json) with 5 members, and one answer through the session (Store::Apply in one
// transaction, re-evaluation, the new question list and its change list) on that household.
#include "bench_core_session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "doorstep/core/session.h"
#include "doorstep/core/values.h"

namespace doorstep::bench {
namespace {

double NowUs() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "bench_core: session: %s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

void Must(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench_core: session: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// A registry household draft: the household fields a surveyor fills first, and `members` members
// with name, ID number, sex, relation, health and labour.
std::vector<Edit> RegistryHousehold(int members) {
  using namespace values;
  std::vector<Edit> e = {
      Edit::Set("county", Text("某县")),        Edit::Set("township", Text("某乡")),
      Edit::Set("village", Text("某村")),       Edit::Set("household_no", Text("5201020304050607")),
      Edit::Set("head_name", Text("张一")),     Edit::Set("mobile", Text("13800000000")),
      Edit::Set("poverty_status", One("poor")), Edit::Set("main_cause", One("illness")),
      Edit::Set("inc_wage", Dec(12000)),        Edit::Set("inc_production", Dec(3000)),
      Edit::Set("inc_property", Dec(0)),        Edit::Set("inc_subsidy", Dec(500)),
      Edit::Set("inc_pension", Dec(0)),         Edit::Set("inc_eco", Dec(0)),
      Edit::Set("production_costs", Dec(1000)), Edit::Set("visit_date", Day(2026, 11, 1)),
      Edit::Set("g_food", One("yes")),          Edit::Set("g_water", One("yes")),
  };
  const char* names[] = {"张一", "李二", "张三", "张四", "张五"};
  const char* ids[] = {"520102198001011234", "520102198203021248", "520102200505051230",
                       "520102200807071244", "520102201209091211"};
  for (int i = 0; i < members; ++i) {
    std::string id = "00000000-0000-4000-8000-00000000000" + std::to_string(i);
    std::string p = "members[" + id + "]/";
    e.push_back(Edit::AddInstance("members", id));
    e.push_back(Edit::Set(p + "m_name", Text(names[i % 5])));
    e.push_back(Edit::Set(p + "m_id_number", Text(ids[i % 5])));
    e.push_back(Edit::Set(p + "m_sex", One(i % 2 ? "female" : "male")));
    e.push_back(Edit::Set(p + "m_relation", One(i == 0 ? "head" : "son")));
    e.push_back(Edit::Set(p + "m_health", One("healthy")));
    e.push_back(Edit::Set(p + "m_labor", One("normal_labor")));
  }
  return e;
}

// The answer number `i`: a mix of household and member fields, as a surveyor types them.
std::pair<std::string, std::string> Answer(int i) {
  switch (i % 4) {
    case 0: return {"inc_wage", std::to_string(10000 + i)};
    case 1: return {"members[" + std::to_string(i % 5 + 1) + "]/m_migrant_months",
                    std::to_string(i % 12)};
    case 2: return {"mobile", "138" + std::to_string(10000000 + i)};
    default: return {"members[" + std::to_string(i % 5 + 1) + "]/m_ethnicity",
                     i % 2 ? "汉族" : "苗族"};
  }
}

}  // namespace

SessionFigures RunSessionBench(Store& store, int answers) {
  auto def = Must(LoadFormFile(std::string(DOORSTEP_SOURCE_DIR) + "/forms/registry/household.json"),
                  "form");
  Must(store.InstallForm(def), "install");
  RecordId id = Must(store.CreateRecord("household", "", RegistryHousehold(5)), "household");

  std::vector<double> open_ms;
  for (int i = 0; i < 20; ++i) {
    double t0 = NowUs();
    auto session = Must(FormSession::Open(store, id), "open");
    open_ms.push_back((NowUs() - t0) / 1000.0);
  }
  auto session = Must(FormSession::Open(store, id), "open");
  std::vector<double> edit_us;
  size_t changes = 0;
  for (int i = 0; i < answers; ++i) {
    auto [path, text] = Answer(i);
    double t0 = NowUs();
    EditOutcome outcome = Must(session->SetText(path, text), "answer");
    edit_us.push_back(NowUs() - t0);
    changes += outcome.changes.size();
  }
  SessionFigures f;
  f.open_ms = Percentile(open_ms, 0.5);
  f.edit_median_us = Percentile(edit_us, 0.5);
  f.edit_p90_us = Percentile(edit_us, 0.9);
  f.questions = session->questions().size();
  f.changes_per_edit = static_cast<double>(changes) / answers;
  return f;
}

}  // namespace doorstep::bench
