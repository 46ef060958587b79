// Sample generator, planting: gives chosen households exactly one problem each and records every
// problem the problem list (quality.h) must then report for them.
//
// Each planter changes only what its problem is about and keeps everything else consistent, so
// that no second problem appears: a copied resident ID comes from a person of the same age and
// sex, a relabelled relation keeps every other member's relation intact, an income change keeps
// the household on the same side of every other threshold. Planters work on active members without
// a natural change (the list ignores members who left; a birth or marriage date tied to the old ID
// would no longer fit). Removed households are only used for duplicate_household, the one check
// that still looks at them.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "doorstep/registry/quality.h"
#include "doorstep/registry/resident_id.h"
#include "sample_internal.h"

namespace doorstep::registry::sample_internal {
namespace {

// Every code of the problem list except signature_stale (the sample only writes valid or missing
// signatures) and assistance_visit_overdue (the JSON Lines export carries no assistance visits, so
// an imported sample could not show it; the visits stay clean instead).
const std::vector<std::string> kPlantable = {kProblemDuplicateIdAcrossHouseholds,
                                             kProblemDuplicateIdInHousehold,
                                             kProblemDuplicateHousehold,
                                             kProblemInvalidResidentId,
                                             kProblemAgeSchoolMismatch,
                                             kProblemAgeRelationMismatch,
                                             kProblemLiftedBelowLine,
                                             kProblemLiftedGuaranteeUnmet,
                                             kProblemPoorFarAboveLine,
                                             kProblemSignatureMissing,
                                             kProblemVisitStale,
                                             kProblemIncomeImplausible,
                                             kProblemEmptyHouseholdNotRemoved,
                                             kProblemMissedNotIncluded,
                                             kProblemWrongInclusionNotRemoved,
                                             kProblemWrongExitNotCorrected,
                                             kProblemComparisonFlagsUnhandled,
                                             kProblemNoAssistanceCadre,
                                             kProblemNoMeasuresThisYear,
                                             kProblemLowIncomeGuaranteeMissing,
                                             kProblemMedicalInsuranceMissing,
                                             kProblemDangerousHouse};

bool IsYounger(const std::string& r) {
  return r == "son" || r == "daughter" || r == "son_in_law" || r == "daughter_in_law" ||
         r == "grandson" || r == "granddaughter";
}

bool Removed(const Household& h) {
  return h.status == kStatusRemoved;
}

// Active members other than the head without a natural change: safe to plant on.
std::vector<size_t> Plain(const Household& h) {
  std::vector<size_t> out;
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& m = h.members[i];
    if (m.relation != "head" && m.change.empty()) out.push_back(i);
  }
  return out;
}

// A poor household with somebody left: the households the assistance checks look at.
bool PoorActive(const Household& h) {
  return IsPoorStatus(h.status) && h.ActiveSize() > 0;
}

class Planter {
 public:
  Planter(Rng& rng, const Context& ctx, const std::vector<VillagePlan>& villages,
          std::vector<Household>* households, std::vector<MisidentificationReview>* reviews)
      : rng_(rng),
        ctx_(ctx),
        villages_(villages),
        hs_(*households),
        reviews_(*reviews),
        used_(hs_.size(), false) {}

  bool Plant(const std::string& code) {
    if (code == kProblemDuplicateIdAcrossHouseholds) return CrossDuplicate();
    if (code == kProblemDuplicateIdInHousehold) return InHouseholdDuplicate();
    if (code == kProblemDuplicateHousehold) return DuplicateHousehold();
    if (code == kProblemInvalidResidentId) return InvalidId();
    if (code == kProblemAgeSchoolMismatch) return AgeSchool();
    if (code == kProblemAgeRelationMismatch) return AgeRelation();
    if (code == kProblemLiftedBelowLine) return LiftedBelowLine();
    if (code == kProblemLiftedGuaranteeUnmet) return LiftedGuarantee();
    if (code == kProblemPoorFarAboveLine) return PoorFarAbove();
    if (code == kProblemSignatureMissing) return SignatureMissing();
    if (code == kProblemVisitStale) return VisitStale();
    if (code == kProblemIncomeImplausible) return IncomeImplausible();
    if (code == kProblemEmptyHouseholdNotRemoved) return EmptyHousehold();
    if (code == kProblemMissedNotIncluded) return MissedHousehold();
    if (code == kProblemWrongInclusionNotRemoved)
      return ConfirmedReview(kProblemWrongInclusionNotRemoved, "wrong_inclusion");
    if (code == kProblemWrongExitNotCorrected)
      return ConfirmedReview(kProblemWrongExitNotCorrected, "wrong_exit");
    if (code == kProblemComparisonFlagsUnhandled) return PendingFlags();
    if (code == kProblemNoAssistanceCadre) return NoCadre();
    if (code == kProblemNoMeasuresThisYear) return NoMeasures();
    if (code == kProblemLowIncomeGuaranteeMissing) return NoGuarantee();
    if (code == kProblemMedicalInsuranceMissing) return Uninsured();
    if (code == kProblemDangerousHouse) return DangerousHouse();
    return false;
  }

  std::vector<PlantedProblem> Take() { return std::move(planted_); }

 private:
  // Unused households matching `pred`, in random order.
  template <typename Pred>
  std::vector<size_t> Candidates(Pred pred) {
    std::vector<size_t> out;
    for (size_t i = 0; i < hs_.size(); ++i) {
      if (!used_[i] && pred(hs_[i])) out.push_back(i);
    }
    Shuffle(rng_, &out);
    return out;
  }

  void Record(const char* code, size_t household, int member = -1, std::string role = {},
              std::string review = {}) {
    used_[household] = true;
    planted_.push_back({code, hs_[household].id, member, std::move(role), std::move(review)});
  }

  double Line(const Household& h) const { return LineFor(ctx_, YearOfDay(h.visit_day)); }

  // A member of B gets the ID of a member of A of the same sex who is exactly as old on B's
  // visit day, so B's ages (and with them school and relation checks) do not change.
  bool CrossDuplicate() {
    for (size_t b : Candidates([](const Household& h) { return !Removed(h); })) {
      std::vector<size_t> js = Plain(hs_[b]);
      Shuffle(rng_, &js);
      const size_t start = static_cast<size_t>(UniformInt(rng_, 0, hs_.size() - 1));
      for (size_t j : js) {
        const Member& mb = hs_[b].members[j];
        for (size_t k = 0; k < hs_.size(); ++k) {
          const size_t a = (start + k) % hs_.size();
          if (a == b || used_[a] || Removed(hs_[a])) continue;
          for (size_t i : Plain(hs_[a])) {
            const Member& ma = hs_[a].members[i];
            if (ma.sex != mb.sex || AgeFromResidentId(ma.id_number, hs_[b].visit_day) != mb.age) {
              continue;
            }
            hs_[b].members[j].id_number = ma.id_number;
            Record(kProblemDuplicateIdAcrossHouseholds, a, static_cast<int>(i));
            Record(kProblemDuplicateIdAcrossHouseholds, b, static_cast<int>(j));
            return true;
          }
        }
      }
    }
    return false;
  }

  // The same person entered twice: a later member becomes a copy of an earlier one. Not where the
  // copy would make a poor household without 低保 qualify for it (nobody left who can work).
  bool InHouseholdDuplicate() {
    auto c = Candidates([](const Household& h) { return !Removed(h) && Plain(h).size() >= 2; });
    for (size_t k : c) {
      std::vector<size_t> js = Plain(hs_[k]);
      Shuffle(rng_, &js);
      const size_t first = std::min(js[0], js[1]), later = std::max(js[0], js[1]);
      Household copy = hs_[k];
      copy.members[later] = copy.members[first];
      if (PoorActive(copy) && NeedsGuarantee(copy) && !NeedsGuarantee(hs_[k])) continue;
      hs_[k] = std::move(copy);
      Record(kProblemDuplicateIdInHousehold, k, static_cast<int>(later));
      return true;
    }
    return false;
  }

  // A household entered twice: it replaces another household of its village, under a new id.
  bool DuplicateHousehold() {
    for (size_t y : Candidates([](const Household&) { return true; })) {
      const std::string village = hs_[y].village;
      auto xs = Candidates([&](const Household& h) { return h.village == village; });
      xs.erase(std::remove(xs.begin(), xs.end(), y), xs.end());
      if (xs.empty()) continue;
      Household copy = hs_[y];
      copy.id = NewUuid(rng_);
      hs_[xs[0]] = std::move(copy);
      used_[y] = true;
      // The list reports every record but the one with the smallest id.
      Record(kProblemDuplicateHousehold, hs_[y].id < hs_[xs[0]].id ? xs[0] : y);
      used_[xs[0]] = true;
      return true;
    }
    return false;
  }

  // A typo: a wrong check character, or an impossible month with a matching check character.
  // Member::age stays as recorded, so the age checks still pass on the recorded age.
  bool InvalidId() {
    auto c = Candidates([](const Household& h) { return !Removed(h) && !Plain(h).empty(); });
    if (c.empty()) return false;
    const std::vector<size_t> js = Plain(hs_[c[0]]);
    const size_t j = PickOne(rng_, js);
    std::string& id = hs_[c[0]].members[j].id_number;
    std::string bad = id.substr(0, 17);
    bad[10] = '1';
    bad[11] = static_cast<char>('3' + UniformInt32(rng_, 0, 5));  // month 13-18
    if (Chance(rng_, 0.5) && ctx_.ids->Reserve(bad)) {
      id = bad + ResidentIdCheckChar(bad);
    } else {
      static const std::string kChecks = "0123456789X";
      char wrong = id[17];
      while (wrong == id[17]) wrong = kChecks[static_cast<size_t>(UniformInt32(rng_, 0, 10))];
      id[17] = wrong;
    }
    Record(kProblemInvalidResidentId, c[0], static_cast<int>(j));
    return true;
  }

  // A school child recorded as out of school, or an adult recorded in primary school.
  static bool SchoolChild(const Member& m) {
    return m.age >= 7 && m.age <= 14 && m.school_status != "not_in_school";
  }
  static bool OutOfSchoolAdult(const Member& m) {
    return m.age >= 22 && m.age <= 70 && m.school_status == "not_in_school";
  }
  bool AgeSchool() {
    auto c = Candidates([](const Household& h) {
      if (Removed(h)) return false;
      for (size_t i : Plain(h)) {
        if (SchoolChild(h.members[i]) || OutOfSchoolAdult(h.members[i])) return true;
      }
      return false;
    });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    std::vector<size_t> kids, adults;
    for (size_t i : Plain(h)) {
      if (SchoolChild(h.members[i])) kids.push_back(i);
      if (OutOfSchoolAdult(h.members[i])) adults.push_back(i);
    }
    const bool kid = !kids.empty() && (adults.empty() || Chance(rng_, 0.7));
    const size_t j = PickOne(rng_, kid ? kids : adults);
    h.members[j].school_status = kid ? "not_in_school" : "primary";
    Record(kProblemAgeSchoolMismatch, c[0], static_cast<int>(j));
    return true;
  }

  // A relation entered the wrong way round: a child as a parent or a parent as a child. At least
  // 18 years apart from the head, so the 12-year gap of the list is crossed for sure.
  static bool Relabelable(const Member& m) {
    return IsYounger(m.relation) || m.relation == "father" || m.relation == "mother";
  }
  bool AgeRelation() {
    auto c = Candidates([](const Household& h) {
      if (Removed(h)) return false;
      for (size_t i : Plain(h)) {
        if (Relabelable(h.members[i])) return true;
      }
      return false;
    });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    std::vector<size_t> js;
    for (size_t i : Plain(h)) {
      if (Relabelable(h.members[i])) js.push_back(i);
    }
    Member& m = h.members[PickOne(rng_, js)];
    const bool male = m.sex == "male";
    m.relation = IsYounger(m.relation) ? (male ? "father" : "mother") : (male ? "son" : "daughter");
    Record(kProblemAgeRelationMismatch, c[0], static_cast<int>(&m - h.members.data()));
    return true;
  }

  bool LiftedBelowLine() {
    auto c = Candidates([](const Household& h) { return h.status == kStatusLifted; });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    SetIncome(rng_, UniformReal(rng_, 0.55, 0.95) * Line(h), &h);
    Record(kProblemLiftedBelowLine, c[0]);
    return true;
  }

  bool LiftedGuarantee() {
    auto c = Candidates([](const Household& h) { return h.status == kStatusLifted; });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    Guarantees& g = h.guarantees;
    bool* parts[] = {&g.food,
                     &g.clothing,
                     &g.compulsory_education,
                     &g.basic_medical,
                     &g.safe_drinking_water,
                     &g.safe_housing};
    const int k = UniformInt32(rng_, 0, h.relocated ? 4 : 5);
    *parts[k] = false;
    if (k == 5) h.danger_grade = Chance(rng_, 0.6) ? "C" : "D";  // the house is why
    Record(kProblemLiftedGuaranteeUnmet, c[0]);
    return true;
  }

  bool PoorFarAbove() {
    auto c = Candidates([](const Household& h) { return IsPoorStatus(h.status); });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    SetIncome(rng_, UniformReal(rng_, 2.3, 4.0) * Line(h), &h);
    Record(kProblemPoorFarAboveLine, c[0]);
    return true;
  }

  // One of the signatures the problem list requires (QualityOptions::required_roles) removed.
  bool SignatureMissing() {
    auto c = Candidates([](const Household& h) { return !Removed(h); });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    static const std::vector<std::string> kRequired = QualityOptions{}.required_roles;
    std::vector<size_t> ks;
    for (size_t k = 0; k < h.signatures.size(); ++k) {
      const std::string& role = h.signatures[k].role;
      if (std::find(kRequired.begin(), kRequired.end(), role) != kRequired.end()) ks.push_back(k);
    }
    if (ks.empty()) return false;
    const size_t k = PickOne(rng_, ks);
    const std::string role = h.signatures[k].role;
    h.signatures.erase(h.signatures.begin() + static_cast<std::ptrdiff_t>(k));
    Record(kProblemSignatureMissing, c[0], -1, role);
    return true;
  }

  // The household is surveyed again as it was 380-700 days ago: every age, line and signature
  // follows the old visit day, so only the visit's age is wrong.
  bool VisitStale() {
    auto c = Candidates([](const Household& h) { return !Removed(h); });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    const auto v = std::find_if(villages_.begin(), villages_.end(),
                                [&](const VillagePlan& p) { return p.name == h.village; });
    if (v == villages_.end()) return false;
    const int seq = std::stoi(h.household_no.substr(h.household_no.size() - 4));
    const int32_t visit = ctx_.options->today - UniformInt32(rng_, 380, 700);
    Household again = MakeHousehold(rng_, ctx_, *v, seq, h.status, visit);
    again.id = h.id;
    h = std::move(again);
    Record(kProblemVisitStale, c[0]);
    return true;
  }

  // Either a sign error (a component entered negative, the net unchanged) or, for a lifted
  // household where a high income trips nothing else, an income with a zero too many.
  bool IncomeImplausible() {
    auto c = Candidates([](const Household& h) { return !Removed(h); });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    if (h.status == kStatusLifted && Chance(rng_, 0.4)) {
      SetIncome(rng_, UniformReal(rng_, 110000, 200000), &h);
    } else {
      const double x = UniformInt32(rng_, 200, 3000);
      h.income.wage += h.income.property + x;
      h.income.property = -x;
    }
    Record(kProblemIncomeImplausible, c[0]);
    return true;
  }

  // Everybody left (an old person living alone died, or the family moved away) but the household
  // is still registered as poor. Lifted households are not used: their line check is skipped for
  // an empty household too, but a lifted household would be an exit, not a removal, in reality.
  bool EmptyHousehold() {
    auto c = Candidates([](const Household& h) { return IsPoorStatus(h.status); });
    if (c.empty()) return false;
    size_t pick = c[0];
    if (Chance(rng_, 0.6)) {
      for (size_t i : c) {
        if (hs_[i].members.size() == 1) {
          pick = i;
          break;
        }
      }
    }
    Household& h = hs_[pick];
    const bool alone = h.members.size() == 1;
    for (Member& m : h.members) {
      if (!m.Active()) continue;
      const Result<ResidentId> parsed = ParseResidentId(m.id_number);
      const int32_t birth = parsed.ok() ? parsed->birth_day : h.visit_day;
      m.change = alone && m.age >= 60 ? kChangeDeath : kChangeMoveOut;
      m.change_day = std::max(birth, h.visit_day - UniformInt32(rng_, 1, 200));
    }
    Record(kProblemEmptyHouseholdNotRemoved, pick);
    return true;
  }

  // ---- The reviews' findings not acted on (quality_reviews.cpp).
  // A 漏评 household confirmed by a review but not registered: a number after the village's last.
  bool MissedHousehold() {
    std::vector<const VillagePlan*> room;
    for (const VillagePlan& v : villages_) {
      if (v.households + missed_ < 9999) room.push_back(&v);
    }
    if (room.empty()) return false;
    const VillagePlan& v = *PickOne(rng_, room);
    MisidentificationReview r = MissedReview(rng_, ctx_, v, v.households + ++missed_);
    planted_.push_back({kProblemMissedNotIncluded, "", -1, "", r.id});
    reviews_.push_back(std::move(r));
    return true;
  }

  // 错评 confirmed for a household still poor, 错退 confirmed for one still lifted.
  bool ConfirmedReview(const char* code, const char* kind) {
    const bool exit = std::string(kind) == "wrong_exit";
    auto c = Candidates([&](const Household& h) {
      return exit ? h.status == kStatusLifted : IsPoorStatus(h.status);
    });
    if (c.empty()) return false;
    MisidentificationReview r = PlantedReview(rng_, ctx_, hs_[c[0]], kind, "confirmed");
    Record(code, c[0], -1, {}, r.id);
    reviews_.push_back(std::move(r));
    return true;
  }

  // A review still pending whose comparison flags nobody has looked into.
  bool PendingFlags() {
    auto c = Candidates([](const Household& h) { return !Removed(h); });
    if (c.empty()) return false;
    MisidentificationReview r = PlantedReview(rng_, ctx_, hs_[c[0]], "wrong_inclusion", "pending");
    static const std::vector<std::string> kFlags = {"registered_car",  "business_registered",
                                                    "commercial_flat", "public_servant",
                                                    "high_deposit",    "farm_machinery"};
    r.comparison_flags.push_back(PickOne(rng_, kFlags));
    Record(kProblemComparisonFlagsUnhandled, c[0], -1, {}, r.id);
    reviews_.push_back(std::move(r));
    return true;
  }

  // ---- Poor households' assistance and guarantees (quality_assistance.cpp).
  bool NoCadre() {
    auto c = Candidates(PoorActive);
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    h.cadre_name.clear();
    h.cadre_unit.clear();
    h.cadre_position.clear();
    h.cadre_phone.clear();
    // Nobody to sign as 脱贫责任人 either (not a required role of the problem list).
    std::erase_if(h.signatures,
                  [](const Signature& sig) { return sig.role == "responsible_cadre"; });
    Record(kProblemNoAssistanceCadre, c[0]);
    return true;
  }

  // This year's measures recorded under earlier years (poor and returned households were identified
  // before the visit year; a new one only in it).
  bool NoMeasures() {
    auto c = Candidates([](const Household& h) {
      return PoorActive(h) && h.identification_year < YearOfDay(h.visit_day);
    });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    const int year = YearOfDay(h.visit_day);
    for (AssistanceMeasure& m : h.measures) {
      if (m.year >= year) m.year = UniformInt32(rng_, h.identification_year, year - 1);
    }
    Record(kProblemNoMeasuresThisYear, c[0]);
    return true;
  }

  // 应保尽保: a household that qualifies (NeedsGuarantee) loses its 低保 and 特困供养.
  bool NoGuarantee() {
    auto c = Candidates([](const Household& h) { return PoorActive(h) && NeedsGuarantee(h); });
    if (c.empty()) return false;
    for (Member& m : hs_[c[0]].members) m.low_income_guarantee = m.extreme_poverty_support = false;
    Record(kProblemLowIncomeGuaranteeMissing, c[0]);
    return true;
  }

  bool Uninsured() {
    auto c = Candidates(PoorActive);
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    std::vector<size_t> js;
    for (size_t i = 0; i < h.members.size(); ++i) {
      if (h.members[i].Active()) js.push_back(i);
    }
    const size_t j = PickOne(rng_, js);
    h.members[j].medical_insurance = false;
    Record(kProblemMedicalInsuranceMissing, c[0], static_cast<int>(j));
    return true;
  }

  bool DangerousHouse() {
    auto c = Candidates([](const Household& h) { return PoorActive(h) && !h.relocated; });
    if (c.empty()) return false;
    Household& h = hs_[c[0]];
    h.danger_grade = Chance(rng_, 0.6) ? "C" : "D";
    h.guarantees.safe_housing = false;
    Record(kProblemDangerousHouse, c[0]);
    return true;
  }

  Rng& rng_;
  const Context& ctx_;
  const std::vector<VillagePlan>& villages_;
  std::vector<Household>& hs_;
  std::vector<MisidentificationReview>& reviews_;
  std::vector<bool> used_;
  std::vector<PlantedProblem> planted_;
  int missed_ = 0;  // 漏评 households planted (their numbers follow each village's last)
};

}  // namespace

std::vector<PlantedProblem> PlantProblems(Rng& rng, const Context& ctx,
                                          const std::vector<VillagePlan>& villages,
                                          std::vector<Household>* households,
                                          std::vector<MisidentificationReview>* reviews) {
  const size_t n = households->size();
  const double rate = std::clamp(ctx.options->problem_rate, 0.0, 1.0);
  size_t count = static_cast<size_t>(std::llround(rate * static_cast<double>(n)));
  std::vector<std::string> codes;
  if (n >= 200) {
    // Every code at least once, in random order.
    codes = kPlantable;
    Shuffle(rng, &codes);
    count = std::max(count, codes.size());
  }
  // Room for planters that use two households, and for clean households to remain.
  count = std::min(count, n / 4);
  while (codes.size() < count) codes.push_back(PickOne(rng, kPlantable));
  codes.resize(count);
  Planter planter(rng, ctx, villages, households, reviews);
  for (const std::string& code : codes) planter.Plant(code);
  return planter.Take();
}

}  // namespace doorstep::registry::sample_internal
