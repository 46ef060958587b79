// `transition`: check and apply a household status transition. See commands.h.

#include "doorstep/registry/commands.h"
#include "doorstep/registry/poverty_line.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/workflow.h"
#include "record_values.h"

namespace doorstep::registry {
namespace {

// The household a review is about: its record, or for a missed household (漏评) the record of
// its household number.
Result<const Household*> FindHousehold(const Township& registry, const Review& review) {
  if (!review.household_id.empty()) {
    for (const Household& h : registry.households) {
      if (h.id == review.household_id) return &h;
    }
    return Status(Code::kNotFound, "the review's household record is not in this store",
                  "household_ref");
  }
  if (!review.missed_household || review.household_no.empty()) {
    return Status(Code::kInvalidArgument, "the review names no household record",
                  "household_ref");
  }
  const Household* found = nullptr;
  for (const Household& h : registry.households) {
    if (h.household_no != review.household_no) continue;
    if (found != nullptr) {
      return Status(Code::kFailedPrecondition,
                    "漏评户的户编号对应多份调查登记表，请在评议记录中填写记录编号 (more than one "
                    "household record has this number: set household_ref)",
                    "household_no");
    }
    found = &h;
  }
  if (found == nullptr) {
    return Status(Code::kFailedPrecondition,
                  "漏评户 " + review.household_no +
                      " 尚无贫困户调查登记表：请先入户调查登记 (survey the missed household first)",
                  "household_no");
  }
  return found;
}

std::vector<Edit> HouseholdEditsOf(const Household& before, const Household& after) {
  std::vector<Edit> edits;
  edits.push_back(Edit::Set("poverty_status", values::One(after.status)));
  if (after.status_year != 0) {
    edits.push_back(Edit::Set("status_year", values::Int(after.status_year)));
  }
  if (after.lifted_year != 0 && after.lifted_year != before.lifted_year) {
    edits.push_back(Edit::Set("lifted_year", values::Int(after.lifted_year)));
  }
  if (after.identification_year != before.identification_year) {
    edits.push_back(Edit::Set("identification_year", values::Int(after.identification_year)));
    edits.push_back(
        Edit::Set("identification_standard", values::One(after.identification_standard)));
    if (after.poverty_line_yuan > 0) {
      edits.push_back(Edit::Set("poverty_line", values::Dec(after.poverty_line_yuan)));
    }
  }
  return edits;
}

}  // namespace

Result<bool> RunTransition(Store& store, const TransitionRequest& request, std::ostream& out) {
  if (request.today == kNoDay) return Status(Code::kInvalidArgument, "today is required", "today");
  PovertyLines lines = PovertyLines::BuiltIn();
  if (!request.lines_file.empty()) {
    DS_ASSIGN_OR_RETURN(lines, PovertyLines::LoadFile(request.lines_file));
  }
  DS_ASSIGN_OR_RETURN(RecordId review_id, RecordId::Parse(request.review_id));
  DS_ASSIGN_OR_RETURN(Review review, ReadReview(store, review_id));
  DS_ASSIGN_OR_RETURN(Township registry, LoadTownship(store));
  DS_ASSIGN_OR_RETURN(const Household* found, FindHousehold(registry, review));
  const Household household = *found;
  DS_ASSIGN_OR_RETURN(RecordId household_id, RecordId::Parse(household.id));
  const std::string target = TargetStatus(review.transition);
  out << "户编号 " << household.household_no << "  户主 " << household.head_name << "  "
      << StatusTitle(household.status) << " -> " << StatusTitle(target) << "\n";
  // The review and the household are written in one transaction: a review that says it was
  // applied was applied, and is never applied again (a later review may have moved on since).
  if (review.applied_day != kNoDay) {
    out << "此评议已于 " << FormatIsoDay(review.applied_day) << " 由 " << review.applied_by
        << " 办理，未再写入\n";
    return true;
  }
  TransitionContext context;
  context.registry = &registry;
  context.stored = true;
  context.duplicate_override = request.duplicate_override;
  const TransitionCheck check = CheckTransition(household, review, lines, request.today, context);
  if (!check.ok()) {
    out << "不能办理，尚缺 " << check.unmet.size() << " 项：\n";
    for (const Unmet& u : check.unmet) out << "  - " << u.message << "\n";
    return false;
  }
  DS_ASSIGN_OR_RETURN(Household after,
                      ApplyTransition(household, review, lines, request.today, context));
  if (request.dry_run) {
    out << "条件全部满足（试运行，未写入）\n";
    return true;
  }
  if (request.applied_by.empty()) {
    return Status(Code::kInvalidArgument, "who applies the transition is required", "applied_by");
  }
  std::vector<Edit> applied = {Edit::Set("applied_date", values::Day(request.today)),
                               Edit::Set("applied_by", values::Text(request.applied_by))};
  if (!request.duplicate_override.empty()) {
    applied.push_back(Edit::Set("duplicate_override", values::Text(request.duplicate_override)));
  }
  DS_ASSIGN_OR_RETURN(auto reports, store.Amend({{review_id, applied},
                                                 {household_id, HouseholdEditsOf(household,
                                                                                  after)}}));
  for (size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].ok()) continue;
    // Nothing was written. The household's record must stay valid under its new status (a rule
    // of the household form the procedure cannot see, such as a lifted year).
    out << (i == 0 ? "评议记录" : "贫困户调查登记表") << "在新状态下不能通过校验，未写入：\n";
    for (const auto& e : reports[i].errors) out << "  - " << e.path << ": " << e.message << "\n";
    return false;
  }
  out << "已办理：" << StatusTitle(after.status) << "（" << after.status_year << " 年）\n";
  return true;
}

}  // namespace doorstep::registry
