// The fields of the review forms: misidentification review and status review (the village
// register and the assistance visit are in place_fields.cpp). See fields.h; the forms are in forms/registry/.

#include "fields.h"

namespace doorstep::registry::fields {
namespace {

using enum Kind;

template <auto... M>
constexpr auto Mis = &Reach<MisidentificationReview, M...>;
template <auto... M>
constexpr auto R = &Reach<Review, M...>;
template <auto... M>
constexpr auto Ev = &Reach<ExitVerification, M...>;

constexpr Field<MisidentificationReview> kMisidentification[] = {
    {nullptr, "uuid", nullptr, kText, Mis<&MisidentificationReview::id>, kRequired | kUuid},
    // A missed household (漏评) has no record yet: its number and head name say who it is.
    {"household_ref", "household_uuid", nullptr, kText, Mis<&MisidentificationReview::household_id>,
     kUuid | kJsonOmitEmpty},
    {"household_no", "household_no", nullptr, kText, Mis<&MisidentificationReview::household_no>,
     kJsonOmitEmpty},
    {"head_name", "head_name", nullptr, kText, Mis<&MisidentificationReview::head_name>,
     kJsonOmitEmpty},
    {"village", "village", nullptr, kText, Mis<&MisidentificationReview::village>, kRequired},
    {"review_year", "year", nullptr, kInt, Mis<&MisidentificationReview::year>, kFormSkipZero},
    {"review_kind", "review_kind", nullptr, kChoice, Mis<&MisidentificationReview::kind>,
     kRequired},
    {"people", "people", nullptr, kInt, Mis<&MisidentificationReview::people>,
     kFormSkipZero | kJsonOmitEmpty},
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

// The procedure asks about objections once a notice (or the announcement) has started, about
// their resolution once there was one, whether the flags were handled and fed back once there are
// flags, and the household's acknowledgement except for a removal.
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
bool AnnouncementStarted(const Review& r) {
  return r.announcement_start != kNoDay;
}
bool AnnouncementObjected(const Review& r) {
  return AnnouncementStarted(r) && r.announcement_objection;
}
bool Flagged(const Review& r) {
  return !r.comparison_flags.empty();
}
bool Acknowledgeable(const Review& r) {
  return r.transition != Transition::kRemoval && r.assessment1_day != kNoDay;
}
bool NewInclusion(const Review& r) {
  return r.transition == Transition::kNewInclusion;
}

constexpr uint16_t kStep = kJsonOmitEmpty;  // a procedure step not taken is left out

constexpr Field<Review> kReview[] = {
    {nullptr, "uuid", nullptr, kText, R<&Review::id>, kRequired | kUuid},
    // Empty for a missed household (漏评) that the review registers.
    {"household_ref", "household_uuid", nullptr, kText, R<&Review::household_id>,
     kUuid | kJsonOmitEmpty},
    {"household_no", "household_no", nullptr, kText, R<&Review::household_no>, kJsonOmitEmpty},
    {"head_name", "head_name", nullptr, kText, R<&Review::head_name>, kJsonOmitEmpty},
    {"village", "village", nullptr, kText, R<&Review::village>, kRequired},
    {"transition", "transition", nullptr, kChoice,
     TextCodec<Review>{TransitionText, SetTransition, "new_inclusion, exit, return or removal"},
     kRequired},
    {"missed_household", "missed_household", nullptr, kYesNo, R<&Review::missed_household>, 0,
     NewInclusion},
    {"review_year", "year", nullptr, kInt, R<&Review::year>, kFormSkipZero},
    {"reason", "reason", nullptr, kText, R<&Review::reason>, kStep},
    {"return_cause", "return_cause", nullptr, kChoice, R<&Review::return_cause>, kStep},
    {"application_date", "application_date", nullptr, kDay, R<&Review::application_day>, kStep},
    {"assessment1_date", "assessment1_date", nullptr, kDay, R<&Review::assessment1_day>, kStep},
    {"assessment1_outcome", "assessment1_outcome", nullptr, kChoice,
     R<&Review::assessment1_outcome>, kStep},
    {"household_acknowledged", "household_acknowledged", nullptr, kYesNo,
     R<&Review::household_acknowledged>, 0, Acknowledgeable},
    {"notice1_start", "notice1_start", nullptr, kDay, R<&Review::notice1_start>, kStep},
    {"notice1_objection", "notice1_objection", nullptr, kYesNo, R<&Review::notice1_objection>, 0,
     Notice1Started},
    {"notice1_objection_resolved", "notice1_objection_resolved", nullptr, kYesNo,
     R<&Review::notice1_objection_resolved>, 0, Notice1Objected},
    {"township_review_date", "township_review_date", nullptr, kDay,
     R<&Review::township_review_day>, kStep},
    {"township_review_outcome", "township_review_outcome", nullptr, kChoice,
     R<&Review::township_review_outcome>, kStep},
    {"notice2_start", "notice2_start", nullptr, kDay, R<&Review::notice2_start>, kStep},
    {"notice2_objection", "notice2_objection", nullptr, kYesNo, R<&Review::notice2_objection>, 0,
     Notice2Started},
    {"notice2_objection_resolved", "notice2_objection_resolved", nullptr, kYesNo,
     R<&Review::notice2_objection_resolved>, 0, Notice2Objected},
    {"county_review_date", "county_review_date", nullptr, kDay, R<&Review::county_review_day>,
     kStep},
    {"county_review_outcome", "county_review_outcome", nullptr, kChoice,
     R<&Review::county_review_outcome>, kStep},
    {"comparison_date", "comparison_date", nullptr, kDay, R<&Review::comparison_day>, kStep},
    {"comparison_departments", "comparison_departments", nullptr, kChoices,
     R<&Review::comparison_departments>, kStep},
    {"comparison_flags", "comparison_flags", nullptr, kChoices, R<&Review::comparison_flags>,
     kStep},
    {"feedback_date", "feedback_date", nullptr, kDay, R<&Review::feedback_day>, kStep},
    {"assessment2_date", "assessment2_date", nullptr, kDay, R<&Review::assessment2_day>, kStep},
    {"comparison_flags_handled", "comparison_flags_handled", nullptr, kYesNo,
     R<&Review::comparison_flags_handled>, 0, Flagged},
    {"assessment2_outcome", "assessment2_outcome", nullptr, kChoice,
     R<&Review::assessment2_outcome>, kStep},
    {"announcement_start", "announcement_start", nullptr, kDay, R<&Review::announcement_start>,
     kStep},
    {"announcement_objection", "announcement_objection", nullptr, kYesNo,
     R<&Review::announcement_objection>, 0, AnnouncementStarted},
    {"announcement_objection_resolved", "announcement_objection_resolved", nullptr, kYesNo,
     R<&Review::announcement_objection_resolved>, 0, AnnouncementObjected},
    {"notification_date", "notification_date", nullptr, kDay, R<&Review::notification_day>, kStep},
    {"completed_date", "completed_date", nullptr, kDay, R<&Review::completed_day>, kStep},
    // Written by `transition` when it applies the change; not part of an export.
    {"applied_date", nullptr, nullptr, kDay, R<&Review::applied_day>, kStep},
    {"applied_by", nullptr, nullptr, kText, R<&Review::applied_by>, kStep},
    {"duplicate_override", nullptr, nullptr, kText, R<&Review::duplicate_override>, kStep},
};
static_assert(Valid(kReview));

// Read from stored records only (an export carries no verifications).
constexpr Field<ExitVerification> kExitVerification[] = {
    {"household_ref", nullptr, nullptr, kText, Ev<&ExitVerification::household_id>},
    {"village", nullptr, nullptr, kText, Ev<&ExitVerification::village>},
    {"exit_year", nullptr, nullptr, kInt, Ev<&ExitVerification::exit_year>},
    {"conclusion", nullptr, nullptr, kChoice, Ev<&ExitVerification::conclusion>},
    {"verify_date", nullptr, nullptr, kDay, Ev<&ExitVerification::verify_day>},
};
static_assert(Valid(kExitVerification));

}  // namespace

const Table<MisidentificationReview>& MisidentificationTable() {
  return Cached<kMisidentification>();
}

const Table<Review>& ReviewTable() {
  return Cached<kReview>();
}

const Table<ExitVerification>& ExitVerificationTable() {
  return Cached<kExitVerification>();
}

}  // namespace doorstep::registry::fields
