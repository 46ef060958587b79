// Sample generator, assistance visits (帮扶走访记录): the assigned cadre visits each poor household
// about once a month ("确保每月一次到帮扶贫困户家中", seeds/002_f70558d1988c18db.txt), so the
// problem list's assistance_visit_overdue stays quiet for a clean township. The visits live in the
// Township only: the JSON Lines export has no assistance visits.

#include <algorithm>
#include <string>
#include <vector>

#include "sample_internal.h"

namespace doorstep::registry::sample_internal {
namespace {

const std::vector<std::string> kContents = {
    "了解家庭生产生活情况",   "宣传扶贫政策",     "核实家庭收入", "落实帮扶措施",
    "“两不愁三保障”情况核查", "帮助解决实际困难", "产业发展指导", "就业信息推荐",
};

constexpr int kHistoryDays = 180;  // half a year of visits

}  // namespace

void AddAssistanceVisits(Rng& rng, const SampleOptions& options, Township* township) {
  std::vector<AssistanceVisit>& visits = township->visits;
  for (const Household& h : township->households) {
    if (!IsPoorStatus(h.status) || h.cadre_name.empty()) continue;
    // From the start of the year the status took effect (a new household was not visited as a poor
    // one before), but the last visit always within the month before today.
    int32_t first = options.today - kHistoryDays;
    if (h.status_year > 0) first = std::max(first, DayFromCivil(h.status_year, 1, 1));
    int32_t day = options.today - UniformInt32(rng, 0, 20);
    do {
      AssistanceVisit v;
      v.id = NewUuid(rng);
      v.household_id = h.id;
      v.village = h.village;
      v.visit_day = day;
      v.cadre_name = h.cadre_name;
      v.content = PickOne(rng, kContents);
      visits.push_back(std::move(v));
      day -= UniformInt32(rng, 25, 31);
    } while (day >= first);
  }
}

}  // namespace doorstep::registry::sample_internal
