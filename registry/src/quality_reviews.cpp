// Problem list, review checks: what the misidentification reviews (识别不精准户调查核定) and the
// status reviews found but the registry does not show yet. A confirmed 漏评 household must be
// registered, a confirmed 错评 household removed, a confirmed 错退 household back in the poor
// registry; comparison flags (信息比对疑点) must be dealt with before a review is concluded.
// Sources: seeds/000_aaa444608bce7585.txt (the county notice: 信息比对 results fed back to the
// village and dealt with in the second 民主评议), seeds/000 and 001 (错评、漏评、错退 "不错不漏").

#include <map>
#include <string>
#include <vector>

#include "quality_internal.h"

namespace doorstep::registry::quality_internal {
namespace {

struct Index {
  std::map<std::string, const Household*> by_id;
  std::multimap<std::string, const Household*> by_no;
};

Index IndexHouseholds(const Township& township) {
  Index index;
  for (const Household& h : township.households) {
    if (!h.id.empty()) index.by_id.emplace(h.id, &h);
    if (!h.household_no.empty()) index.by_no.emplace(h.household_no, &h);
  }
  return index;
}

// The household a review is about: by record id, else by household number (a registered one
// before a removed one); nullptr when neither matches.
const Household* Find(const Index& index, const std::string& id, const std::string& no) {
  if (!id.empty()) {
    const auto it = index.by_id.find(id);
    if (it != index.by_id.end()) return it->second;
  }
  const Household* removed = nullptr;
  if (no.empty()) return nullptr;
  for (auto [it, end] = index.by_no.equal_range(no); it != end; ++it) {
    if (it->second->status != kStatusRemoved) return it->second;
    if (removed == nullptr) removed = it->second;
  }
  return removed;
}

// A registered (not removed) household with the review's record id or household number.
bool Registered(const Index& index, const std::string& id, const std::string& no) {
  if (!id.empty()) {
    const auto it = index.by_id.find(id);
    if (it != index.by_id.end() && it->second->status != kStatusRemoved) return true;
  }
  if (no.empty()) return false;
  for (auto [it, end] = index.by_no.equal_range(no); it != end; ++it) {
    if (it->second->status != kStatusRemoved) return true;
  }
  return false;
}

const char* KindTitle(const std::string& kind) {
  if (kind == "wrong_inclusion") return "错评";
  if (kind == "wrong_exit") return "错退";
  if (kind == "missed") return "漏评";
  return "识别不精准";
}

// The `comparison_flag` choice labels of the status_review form.
std::string FlagsText(const std::vector<std::string>& flags) {
  static const std::map<std::string, const char*> kTitles = {
      {"registered_car", "有登记车辆"},     {"business_registered", "有工商注册"},
      {"commercial_flat", "有商品房"},      {"public_servant", "有公职人员"},
      {"high_deposit", "大额存款"},         {"farm_machinery", "有登记农机"},
      {"securities_holding", "有证券账户"}, {"insurance_policy", "有大额商业保险"},
      {"other_flag", "其他比对疑点"},
  };
  std::string text;
  for (const std::string& flag : flags) {
    if (!text.empty()) text += "、";
    const auto it = kTitles.find(flag);
    text += it != kTitles.end() ? it->second : flag;
  }
  return text;
}

std::string YearText(int year) {
  return year > 0 ? std::to_string(year) + " 年" : std::string();
}

// A problem about the household when it is registered, else about the household the review names.
Problem ReviewProblem(const Household* h, const std::string& review_id,
                      const std::string& household_id, const std::string& household_no,
                      const std::string& head_name, const std::string& village, const char* code,
                      std::string detail) {
  Problem p;
  if (h != nullptr) {
    p = HouseholdProblem(*h, code, std::move(detail));
  } else {
    p.code = code;
    p.village = village;
    p.household_id = household_id;
    p.household_no = household_no;
    p.head_name = head_name;
    p.detail = std::move(detail);
  }
  p.review_id = review_id;
  return p;
}

void CheckMisidentification(const MisidentificationReview& r, const Index& index,
                            std::vector<Problem>* out) {
  const Household* h = Find(index, r.household_id, r.household_no);
  const std::string prefix = YearText(r.year) + "识别不精准户核定";
  auto add = [&](const char* code, std::string detail) {
    out->push_back(ReviewProblem(h, r.id, r.household_id, r.household_no, r.head_name, r.village,
                                 code, std::move(detail)));
  };
  if (r.conclusion == "confirmed") {
    if (r.kind == "missed" && !Registered(index, r.household_id, r.household_no)) {
      std::string detail = prefix + "确认漏评";
      if (r.people > 0) detail += "（" + std::to_string(r.people) + " 人）";
      if (h != nullptr) {
        detail += "，该户记录已清退，尚未重新纳入建档立卡";
      } else if (r.household_no.empty()) {
        detail += "，尚未纳入建档立卡（核定记录未填户编号）";
      } else {
        detail += "，尚未纳入建档立卡：无在册的户编号 " + r.household_no;
      }
      add(kProblemMissedNotIncluded, std::move(detail));
    } else if (r.kind == "wrong_inclusion" && h != nullptr && IsPoorStatus(h->status)) {
      add(kProblemWrongInclusionNotRemoved, prefix + "确认错评（不符合识别标准），该户仍为“" +
                                                StatusTitle(h->status) +
                                                "”，应按“一评议一公示一公告一告知”程序清退");
    } else if (r.kind == "wrong_exit" && h != nullptr && h->status == kStatusLifted) {
      add(kProblemWrongExitNotCorrected,
          prefix + "确认错退，该户仍为“已脱贫”，应按程序重新纳入并落实帮扶");
    }
  }
  const bool pending = r.conclusion.empty() || r.conclusion == "pending";
  if (pending && !r.comparison_flags.empty()) {
    add(kProblemComparisonFlagsUnhandled, prefix + "（" + KindTitle(r.kind) + "）有比对疑点（" +
                                              FlagsText(r.comparison_flags) + "）尚未核定结论");
  }
}

void CheckStatusReview(const Review& r, const Index& index, std::vector<Problem>* out) {
  if (r.comparison_flags.empty() || r.comparison_flags_handled || r.completed_day != kNoDay) return;
  const Household* h = Find(index, r.household_id, r.household_no);
  out->push_back(ReviewProblem(h, r.id, r.household_id, r.household_no, r.head_name, r.village,
                               kProblemComparisonFlagsUnhandled,
                               YearText(r.year) + TransitionTitle(r.transition) +
                                   "评议的信息比对疑点（" + FlagsText(r.comparison_flags) +
                                   "）尚未经第二次民主评议处理"));
}

}  // namespace

void CheckReviews(const Township& township, std::vector<Problem>* out) {
  const Index index = IndexHouseholds(township);
  for (const MisidentificationReview& r : township.misidentification_reviews) {
    CheckMisidentification(r, index, out);
  }
  for (const Review& r : township.reviews) CheckStatusReview(r, index, out);
}

}  // namespace doorstep::registry::quality_internal
