// Status transitions: allowed statuses, evidence, applying a completed review, member changes.
// The dated procedure is in workflow_procedure.cpp.
#include "doorstep/registry/workflow.h"

#include <cmath>
#include <cstdio>

#include "doorstep/registry/resident_id.h"
#include "workflow_internal.h"

namespace doorstep::registry {
namespace {

using workflow_internal::MakeUnmet;

const char* StatusZh(const std::string& status) {
  if (status.empty()) return "未登记";
  if (status == kStatusNew) return "新纳入";
  if (status == kStatusPoor) return "未脱贫";
  if (status == kStatusLifted) return "已脱贫";
  if (status == kStatusReturned) return "返贫";
  if (status == kStatusRemoved) return "清退";
  return "未知状态";
}

const char* TransitionZh(Transition t) {
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

// 2736 -> "2736", 2736.5 -> "2736.50".
std::string Yuan(double v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", v);
  }
  return buf;
}

void CheckGuarantees(const Guarantees& g, std::vector<Unmet>* unmet) {
  struct Item {
    bool met;
    const char* zh;
    const char* en;
  };
  const Item items[] = {
      {g.food, "不愁吃", "food"},
      {g.clothing, "不愁穿", "clothing"},
      {g.compulsory_education, "义务教育有保障", "compulsory_education"},
      {g.basic_medical, "基本医疗有保障", "basic_medical"},
      {g.safe_housing, "住房安全有保障", "safe_housing"},
      {g.safe_drinking_water, "饮水安全有保障", "safe_drinking_water"},
  };
  for (const Item& item : items) {
    if (item.met) continue;
    unmet->push_back(MakeUnmet(kUnmetGuaranteeUnmet, std::string("“") + item.zh + "”未达标",
                               std::string("guarantee not met: ") + item.en));
  }
}

void CheckSignatures(const Household& h, std::vector<Unmet>* unmet) {
  struct Role {
    const char* role;
    const char* zh;
  };
  for (const Role& r : {Role{"household_head", "户主"}, Role{"surveyor", "调查员"}}) {
    const Signature* s = h.SignatureOf(r.role);
    const std::string role = r.role;
    const std::string zh = r.zh;
    if (s == nullptr || s->state == SignatureState::kMissing) {
      unmet->push_back(
          MakeUnmet(kUnmetSignatureMissing, "缺少" + zh + "签名", role + " signature missing"));
    } else if (s->state == SignatureState::kStale) {
      // The record changed after signing: the signature no longer covers what is on file.
      unmet->push_back(MakeUnmet(kUnmetSignatureMissing, zh + "签名已失效，需重新签名",
                                 role + " signature is stale: sign again"));
    }
  }
}

void CheckEvidence(const Household& h, const Review& r, const PovertyLines& lines,
                   std::vector<Unmet>* unmet) {
  switch (r.transition) {
    case Transition::kExit: {
      const std::string province = h.county_code.size() >= 2 ? h.county_code.substr(0, 2) : "";
      std::optional<double> line = lines.Line(r.year, province);
      if (!line) {
        const std::string year = std::to_string(r.year);
        unmet->push_back(MakeUnmet(kUnmetPovertyLineUnknown, year + " 年的贫困线未知",
                                   "no poverty line for " + year));
      } else if (!(h.PerCapitaNet() > *line)) {
        // The line, not the income: the message may travel in a Status.
        const std::string yuan = Yuan(*line);
        unmet->push_back(
            MakeUnmet(kUnmetIncomeNotAboveLine, "人均纯收入未超过贫困线 " + yuan + " 元",
                      "per-capita net income is not above the line of " + yuan + " yuan"));
      }
      CheckGuarantees(h.guarantees, unmet);
      CheckSignatures(h, unmet);
      break;
    }
    case Transition::kNewInclusion:
    case Transition::kReturn:
      if (h.main_cause.empty()) {
        unmet->push_back(
            MakeUnmet(kUnmetCauseMissing, "未填写主要致贫原因", "main cause of poverty missing"));
      }
      break;
    case Transition::kRemoval:
      if (r.reason.empty()) {
        unmet->push_back(
            MakeUnmet(kUnmetReasonMissing, "未填写清退原因", "removal reason missing"));
      }
      break;
  }
}

int32_t CompletionDay(const Review& r, int32_t today) {
  return r.completed_day != kNoDay ? r.completed_day : today;
}

// "成员 张三" / "member 张三"; by position when the name is blank.
void MemberLabel(const Member& m, size_t index, std::string* zh, std::string* en) {
  if (m.name.empty()) {
    const std::string n = std::to_string(index + 1);
    *zh = "第 " + n + " 名成员";
    *en = "member " + n;
  } else {
    *zh = "成员 " + m.name;
    *en = "member " + m.name;
  }
}

}  // namespace

bool TransitionAllowedFrom(const std::string& status, Transition t) {
  switch (t) {
    case Transition::kNewInclusion:
      return status.empty() || status == kStatusRemoved;
    case Transition::kExit:
      return IsPoorStatus(status);
    case Transition::kReturn:
      return status == kStatusLifted;
    case Transition::kRemoval:
      return IsPoorStatus(status) || status == kStatusLifted;
  }
  return false;
}

std::string TargetStatus(Transition t) {
  switch (t) {
    case Transition::kNewInclusion:
      return kStatusNew;
    case Transition::kExit:
      return kStatusLifted;
    case Transition::kReturn:
      return kStatusReturned;
    case Transition::kRemoval:
      return kStatusRemoved;
  }
  return {};
}

TransitionCheck CheckTransition(const Household& household, const Review& review,
                                const PovertyLines& lines, int32_t today) {
  TransitionCheck check;
  if (!TransitionAllowedFrom(household.status, review.transition)) {
    check.unmet.push_back(MakeUnmet(
        kUnmetStatusNotAllowed,
        std::string("当前状态“") + StatusZh(household.status) + "”不能办理" +
            TransitionZh(review.transition),
        "status \"" + household.status + "\" does not allow " + TransitionName(review.transition)));
  }
  CheckEvidence(household, review, lines, &check.unmet);
  workflow_internal::CheckProcedure(review, CompletionDay(review, today), &check.unmet);
  return check;
}

Result<Household> ApplyTransition(const Household& household, const Review& review,
                                  const PovertyLines& lines, int32_t today) {
  TransitionCheck check = CheckTransition(household, review, lines, today);
  if (!check.ok()) {
    std::string joined;
    for (const Unmet& u : check.unmet) {
      if (!joined.empty()) joined += "; ";
      joined += u.message;
    }
    return Status(Code::kFailedPrecondition, joined,
                  std::string("review/") + TransitionName(review.transition));
  }
  // A passing check implies a known completion day (the announcement period needs one).
  const int year = YearOfDay(CompletionDay(review, today));
  Household out = household;
  out.status = TargetStatus(review.transition);
  out.status_year = year;
  if (review.transition == Transition::kExit) out.lifted_year = year;
  return out;
}

std::vector<Unmet> CheckMemberChanges(const Household& household, int32_t today) {
  std::vector<Unmet> unmet;
  for (size_t i = 0; i < household.members.size(); ++i) {
    const Member& m = household.members[i];
    if (m.change.empty()) continue;
    std::string zh;
    std::string en;
    MemberLabel(m, i, &zh, &en);
    if (m.change_day == kNoDay) {
      unmet.push_back(MakeUnmet(kUnmetChangeDateMissing, zh + " 的人口变动缺少变动日期",
                                en + ": change date missing"));
      continue;
    }
    if (today != kNoDay && m.change_day > today) {
      unmet.push_back(MakeUnmet(kUnmetChangeDateInFuture, zh + " 的变动日期晚于今天",
                                en + ": change date is in the future"));
    }
    Result<ResidentId> id = ParseResidentId(m.id_number);
    if (!id.ok()) continue;  // the problem list reports the ID; no birth date to compare with
    if (m.change_day < id->birth_day) {
      unmet.push_back(MakeUnmet(kUnmetChangeBeforeBirth, zh + " 的变动日期早于出生日期",
                                en + ": change date is before the birth date"));
    } else if (m.change == kChangeBirth && AgeOn(id->birth_day, m.change_day) >= 1) {
      unmet.push_back(MakeUnmet(kUnmetBirthNotNewborn, zh + " 登记为出生，但变动时已满1岁",
                                en + ": recorded as a birth but one year or older on the change "
                                     "date"));
    }
  }
  return unmet;
}

std::optional<Transition> RequiredTransition(const Household& household) {
  if (household.ActiveSize() == 0 && household.status != kStatusRemoved) {
    return Transition::kRemoval;
  }
  return std::nullopt;
}

}  // namespace doorstep::registry
