// The fields of the pack's other forms: village register, misidentification review, status
// review, assistance visit. See fields.h; the forms are in forms/registry/.

#include "fields.h"

namespace doorstep::registry::fields {
namespace {

using enum Kind;

template <auto... M>
constexpr auto V = &Reach<VillageRegister, M...>;
template <auto... M>
constexpr auto Mis = &Reach<MisidentificationReview, M...>;
template <auto... M>
constexpr auto R = &Reach<Review, M...>;
template <auto... M>
constexpr auto Visit = &Reach<AssistanceVisit, M...>;

constexpr Field<VillageRegister> kVillage[] = {
    {nullptr, "uuid", nullptr, kText, V<&VillageRegister::id>, kRequired | kUuid},
    {"county", "county", nullptr, kText, V<&VillageRegister::county>},
    {"township", "township", nullptr, kText, V<&VillageRegister::township>},
    {"village", "village", nullptr, kText, V<&VillageRegister::village>, kRequired},
    {"register_year", "year", nullptr, kInt, V<&VillageRegister::year>, kFormSkipZero},
    {"registered_households", "registered_households", nullptr, kInt,
     V<&VillageRegister::registered_households>},
    {"registered_population", "registered_population", nullptr, kInt,
     V<&VillageRegister::registered_population>},
    {"rural_population", "rural_population", nullptr, kInt, V<&VillageRegister::rural_population>},
    {"assigned_households", "assigned_households", nullptr, kInt,
     V<&VillageRegister::assigned_households>},
    {"poor_village", "poor_village", nullptr, kYesNo, V<&VillageRegister::poor_village>},
    {"village_exit_year", "village_exit_year", nullptr, kInt,
     V<&VillageRegister::village_exit_year>, kFormSkipZero | kJsonNullEmpty},
    {"team_leader", "team_leader", nullptr, kText, V<&VillageRegister::team_leader>},
};
static_assert(Valid(kVillage));

constexpr Field<MisidentificationReview> kMisidentification[] = {
    {nullptr, "uuid", nullptr, kText, Mis<&MisidentificationReview::id>, kRequired | kUuid},
    {"household_ref", "household_uuid", nullptr, kText, Mis<&MisidentificationReview::household_id>,
     kRequired | kUuid},
    {"village", "village", nullptr, kText, Mis<&MisidentificationReview::village>, kRequired},
    {"review_year", "year", nullptr, kInt, Mis<&MisidentificationReview::year>, kFormSkipZero},
    {"review_kind", "review_kind", nullptr, kChoice, Mis<&MisidentificationReview::kind>,
     kRequired},
    // The form asks for the comparison flags before the conclusion.
    {"conclusion", "conclusion", nullptr, kChoice, Mis<&MisidentificationReview::conclusion>,
     kRequired, nullptr, "comparison_flags"},
    {"comparison_flags", "comparison_flags", nullptr, kChoices,
     Mis<&MisidentificationReview::comparison_flags>},
};
static_assert(Valid(kMisidentification));

std::string TransitionText(const Review& r) {
  return TransitionName(r.transition);
}
bool SetTransition(Review& r, const std::string& text) {
  auto t = ParseTransition(text);
  r.transition = t.value_or(Transition::kExit);
  return t.has_value();
}

// The procedure asks about objections once a notice has started, about their resolution once
// there was one, and whether the flags were handled once there are flags.
bool Notice1Started(const Review& r) {
  return r.notice1_start != kNoDay;
}
bool Notice1Objected(const Review& r) {
  return Notice1Started(r) && r.notice1_objection;
}
bool Notice2Started(const Review& r) {
  return r.notice2_start != kNoDay;
}
bool Notice2Objected(const Review& r) {
  return Notice2Started(r) && r.notice2_objection;
}
bool Flagged(const Review& r) {
  return !r.comparison_flags.empty();
}

constexpr uint16_t kStep = kJsonOmitEmpty;  // a procedure step not taken is left out

constexpr Field<Review> kReview[] = {
    {nullptr, "uuid", nullptr, kText, R<&Review::id>, kRequired | kUuid},
    {"household_ref", "household_uuid", nullptr, kText, R<&Review::household_id>,
     kRequired | kUuid},
    {"village", "village", nullptr, kText, R<&Review::village>, kRequired},
    {"transition", "transition", nullptr, kChoice,
     TextCodec<Review>{TransitionText, SetTransition, "new_inclusion, exit, return or removal"},
     kRequired},
    {"review_year", "year", nullptr, kInt, R<&Review::year>, kFormSkipZero},
    {"reason", "reason", nullptr, kText, R<&Review::reason>, kStep},
    {"assessment1_date", "assessment1_date", nullptr, kDay, R<&Review::assessment1_day>, kStep},
    {"assessment1_outcome", "assessment1_outcome", nullptr, kChoice,
     R<&Review::assessment1_outcome>, kStep},
    {"notice1_start", "notice1_start", nullptr, kDay, R<&Review::notice1_start>, kStep},
    {"notice1_objection", "notice1_objection", nullptr, kYesNo, R<&Review::notice1_objection>, 0,
     Notice1Started},
    {"notice1_objection_resolved", "notice1_objection_resolved", nullptr, kYesNo,
     R<&Review::notice1_objection_resolved>, 0, Notice1Objected},
    {"comparison_date", "comparison_date", nullptr, kDay, R<&Review::comparison_day>, kStep},
    {"comparison_flags", "comparison_flags", nullptr, kChoices, R<&Review::comparison_flags>,
     kStep},
    {"comparison_flags_handled", "comparison_flags_handled", nullptr, kYesNo,
     R<&Review::comparison_flags_handled>, 0, Flagged},
    {"assessment2_date", "assessment2_date", nullptr, kDay, R<&Review::assessment2_day>, kStep},
    {"assessment2_outcome", "assessment2_outcome", nullptr, kChoice,
     R<&Review::assessment2_outcome>, kStep},
    {"notice2_start", "notice2_start", nullptr, kDay, R<&Review::notice2_start>, kStep},
    {"notice2_objection", "notice2_objection", nullptr, kYesNo, R<&Review::notice2_objection>, 0,
     Notice2Started},
    {"notice2_objection_resolved", "notice2_objection_resolved", nullptr, kYesNo,
     R<&Review::notice2_objection_resolved>, 0, Notice2Objected},
    {"announcement_start", "announcement_start", nullptr, kDay, R<&Review::announcement_start>,
     kStep},
    {"notification_date", "notification_date", nullptr, kDay, R<&Review::notification_day>, kStep},
    {"completed_date", "completed_date", nullptr, kDay, R<&Review::completed_day>, kStep},
};
static_assert(Valid(kReview));

// Read from stored records only (no export carries visits).
constexpr Field<AssistanceVisit> kVisit[] = {
    {"household_ref", nullptr, nullptr, kText, Visit<&AssistanceVisit::household_id>},
    {"village", nullptr, nullptr, kText, Visit<&AssistanceVisit::village>},
    {"visit_date", nullptr, nullptr, kDay, Visit<&AssistanceVisit::visit_day>},
    {"cadre_name", nullptr, nullptr, kText, Visit<&AssistanceVisit::cadre_name>},
    {"content", nullptr, nullptr, kText, Visit<&AssistanceVisit::content>},
};
static_assert(Valid(kVisit));

}  // namespace

const Table<VillageRegister>& VillageTable() {
  return Cached<kVillage>();
}

const Table<MisidentificationReview>& MisidentificationTable() {
  return Cached<kMisidentification>();
}

const Table<Review>& ReviewTable() {
  return Cached<kReview>();
}

const Table<AssistanceVisit>& VisitTable() {
  return Cached<kVisit>();
}

}  // namespace doorstep::registry::fields
