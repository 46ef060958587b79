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

std::string ProvinceOf(const Household& h) {
  return h.county_code.size() >= 2 ? h.county_code.substr(0, 2) : "";
}

void UnknownLine(int year, std::vector<Unmet>* unmet) {
  const std::string y = std::to_string(year);
  unmet->push_back(
      MakeUnmet(kUnmetPovertyLineUnknown, y + " 年的贫困线未知", "no poverty line for " + y));
}

// Identification (新纳入, 返贫): income at or below the line, or a guarantee not met.
void CheckPoor(const Household& h, const Review& r, const PovertyLines& lines,
               std::vector<Unmet>* unmet) {
  std::optional<double> line = lines.Line(r.year, ProvinceOf(h));
  if (!line) return UnknownLine(r.year, unmet);
  if (h.PerCapitaNet() > *line && h.guarantees.AllMet()) {
    const std::string yuan = Yuan(*line);
    unmet->push_back(MakeUnmet(
        kUnmetIncomeNotBelowLine,
        "人均纯收入高于贫困线 " + yuan + " 元且两不愁三保障均已达标，不符合识别标准",
        "per-capita net income is above the line of " + yuan +
            " yuan and every guarantee is met"));
  }
}

// The 脱贫退出户调查核实登记表 of this household and year.
void CheckExitVerification(const Household& h, const Review& r, const Township& registry,
                           std::vector<Unmet>* unmet) {
  bool found = false;
  for (const ExitVerification& v : registry.exit_verifications) {
    // The year verified: the form's exit year, else the year of the verification day.
    const int year = v.exit_year != 0                ? v.exit_year
                     : v.verify_day != kNoDay        ? YearOfDay(v.verify_day)
                                                     : 0;
    if (v.household_id != h.id || year != r.year) continue;
    if (v.finalized && v.signatures_valid && v.conclusion == "meets") return;
    found = true;
  }
  unmet->push_back(MakeUnmet(
      kUnmetExitVerificationMissing,
      found ? "脱贫退出户调查核实登记表未提交、签名不全或结论不是“达到脱贫标准”"
            : "缺少本年度脱贫退出户调查核实登记表",
      found ? "the exit verification is not finalized, not fully signed or does not conclude "
              "\"meets\""
            : "no exit verification of this household for the review year"));
}

void CheckEvidence(const Household& h, const Review& r, const PovertyLines& lines,
                   const TransitionContext& context, std::vector<Unmet>* unmet) {
  switch (r.transition) {
    case Transition::kExit: {
      std::optional<double> line = lines.Line(r.year, ProvinceOf(h));
      if (!line) {
        UnknownLine(r.year, unmet);
      } else if (!(h.PerCapitaNet() > *line)) {
        // The line, not the income: the message may travel in a Status.
        const std::string yuan = Yuan(*line);
        unmet->push_back(
            MakeUnmet(kUnmetIncomeNotAboveLine, "人均纯收入未超过贫困线 " + yuan + " 元",
                      "per-capita net income is not above the line of " + yuan + " yuan"));
      }
      CheckGuarantees(h.guarantees, unmet);
      CheckSignatures(h, unmet);
      if (context.registry != nullptr) CheckExitVerification(h, r, *context.registry, unmet);
      break;
    }
    case Transition::kNewInclusion:
    case Transition::kReturn:
      if (h.household_no.empty()) {
        unmet->push_back(
            MakeUnmet(kUnmetHouseholdNoMissing, "未填写户编号", "household number missing"));
      }
      if (h.ActiveSize() == 0) {
        unmet->push_back(MakeUnmet(kUnmetHouseholdEmpty, "户内无在册成员",
                                   "no member of the household is left"));
      }
      if (h.main_cause.empty()) {
        unmet->push_back(
            MakeUnmet(kUnmetCauseMissing, "未填写主要致贫原因", "main cause of poverty missing"));
      }
      if (r.transition == Transition::kReturn && r.return_cause.empty()) {
        unmet->push_back(
            MakeUnmet(kUnmetCauseMissing, "未填写返贫原因", "cause of the return missing"));
      }
      CheckPoor(h, r, lines, unmet);
      CheckSignatures(h, unmet);
      if (context.registry != nullptr && context.duplicate_override.empty()) {
        for (Unmet& u : DuplicatePeople(h, context.registry->households)) {
          unmet->push_back(std::move(u));
        }
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

// Stored records: a draft is not evidence, and an unsigned review decided nothing.
void CheckRecords(const Household& h, const Review& r, std::vector<Unmet>* unmet) {
  if (!h.finalized) {
    unmet->push_back(MakeUnmet(kUnmetRecordNotFinalized, "贫困户调查登记表尚未提交（仍是草稿）",
                               "the household record is a draft"));
  }
  if (!r.finalized) {
    unmet->push_back(MakeUnmet(kUnmetRecordNotFinalized, "评议记录尚未提交（仍是草稿）",
                               "the review record is a draft"));
  }
  if (r.team_leader_signature == SignatureState::kMissing) {
    unmet->push_back(MakeUnmet(kUnmetReviewUnsigned, "评议记录缺少驻村工作队队长签名",
                               "the review has no team leader signature"));
  } else if (r.team_leader_signature == SignatureState::kStale) {
    unmet->push_back(MakeUnmet(kUnmetReviewUnsigned, "评议记录在队长签名后被修改，需重新签名",
                               "the review changed after the team leader signed: sign again"));
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
      return status.empty() || status == kStatusRemoved || status == kStatusCandidate;
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
                                const PovertyLines& lines, int32_t today,
                                const TransitionContext& context) {
  TransitionCheck check;
  if (context.stored) CheckRecords(household, review, &check.unmet);
  if (!TransitionAllowedFrom(household.status, review.transition)) {
    check.unmet.push_back(MakeUnmet(
        kUnmetStatusNotAllowed,
        std::string("当前状态“") + StatusTitle(household.status) + "”不能办理" +
            TransitionTitle(review.transition),
        "status \"" + household.status + "\" does not allow " + TransitionName(review.transition)));
  }
  CheckEvidence(household, review, lines, context, &check.unmet);
  workflow_internal::CheckProcedure(review, CompletionDay(review, today), today, &check.unmet);
  return check;
}

Result<Household> ApplyTransition(const Household& household, const Review& review,
                                  const PovertyLines& lines, int32_t today,
                                  const TransitionContext& context) {
  TransitionCheck check = CheckTransition(household, review, lines, today, context);
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
  if (review.transition == Transition::kNewInclusion) {
    // 识别年度, 识别标准, 识别时贫困线 of the year the household is included.
    const std::string province = ProvinceOf(household);
    const std::optional<double> line = lines.Line(year, province);
    // Provincial when the province has a line of its own in force that year.
    bool provincial = false;
    if (auto p = lines.provinces().find(province); p != lines.provinces().end()) {
      provincial = !p->second.lines.empty() && p->second.lines.begin()->first <= year;
    }
    out.identification_year = year;
    out.identification_standard = provincial ? "provincial" : "national";
    out.poverty_line_yuan = line.value_or(0);
  }
  return out;
}

std::vector<Unmet> DuplicatePeople(const Household& household,
                                   const std::vector<Household>& registry) {
  std::vector<Unmet> unmet;
  for (size_t i = 0; i < household.members.size(); ++i) {
    const Member& m = household.members[i];
    if (!m.Active() || m.id_number.empty()) continue;
    for (const Household& other : registry) {
      if (&other == &household || (!household.id.empty() && other.id == household.id) ||
          !IsRegisteredStatus(other.status)) {
        continue;
      }
      if (!household.household_no.empty() && other.household_no == household.household_no) {
        continue;  // the same household under another record is the duplicate-number problem
      }
      for (const Member& o : other.members) {
        if (!o.Active() || NormalizedResidentId(o.id_number) != NormalizedResidentId(m.id_number)) {
          continue;
        }
        std::string zh;
        std::string en;
        MemberLabel(m, i, &zh, &en);
        unmet.push_back(MakeUnmet(
            kUnmetDuplicatePerson,
            zh + " 已登记在户 " + other.household_no + "（户主 " + other.head_name + "）",
            en + " is already a member of household " + other.household_no));
      }
    }
  }
  return unmet;
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
