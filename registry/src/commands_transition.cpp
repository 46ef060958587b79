// `transition`: check and apply a household status transition. See commands.h.

#include "doorstep/registry/commands.h"
#include "doorstep/registry/poverty_line.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/workflow.h"
#include "record_values.h"

namespace doorstep::registry {
namespace {

const char* StatusTitle(const std::string& status) {
  if (status == kStatusNew) return "新纳入";
  if (status == kStatusPoor) return "未脱贫";
  if (status == kStatusLifted) return "已脱贫";
  if (status == kStatusReturned) return "返贫";
  if (status == kStatusRemoved) return "清退";
  return "未登记";
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
  auto household_id = RecordId::Parse(review.household_id);
  if (!household_id.ok()) {
    return Status(Code::kInvalidArgument, "the review names no household record",
                  "household_ref");
  }
  DS_ASSIGN_OR_RETURN(Household household, ReadHousehold(store, household_id.value()));
  const std::string target = TargetStatus(review.transition);
  out << "户编号 " << household.household_no << "  户主 " << household.head_name << "  "
      << StatusTitle(household.status) << " -> " << StatusTitle(target) << "\n";
  const TransitionCheck check = CheckTransition(household, review, lines, request.today);
  if (!check.ok()) {
    out << "不能办理，尚缺 " << check.unmet.size() << " 项：\n";
    for (const Unmet& u : check.unmet) out << "  - " << u.message << "\n";
    return false;
  }
  DS_ASSIGN_OR_RETURN(Household after, ApplyTransition(household, review, lines, request.today));
  if (request.dry_run) {
    out << "条件全部满足（试运行，未写入）\n";
    return true;
  }
  std::vector<Edit> edits;
  edits.push_back(Edit::Set("poverty_status", values::One(after.status)));
  if (after.status_year != 0) {
    edits.push_back(Edit::Set("status_year", values::Int(after.status_year)));
  }
  if (after.lifted_year != 0 && after.lifted_year != household.lifted_year) {
    edits.push_back(Edit::Set("lifted_year", values::Int(after.lifted_year)));
  }
  const bool was_final = household.finalized;
  if (was_final) DS_RETURN_IF_ERROR(store.Reopen(household_id.value()));
  DS_RETURN_IF_ERROR(store.Apply(household_id.value(), edits).status());
  if (was_final) {
    DS_ASSIGN_OR_RETURN(ValidationReport report, store.Finalize(household_id.value()));
    if (!report.ok()) {
      out << "已写入新状态；记录需补正后再提交：\n";
      for (const auto& e : report.errors) out << "  - " << e.path << ": " << e.message << "\n";
      return true;
    }
  }
  out << "已办理：" << StatusTitle(after.status) << "（" << after.status_year << " 年）\n";
  return true;
}

}  // namespace doorstep::registry
