// The registry views (model.h) <-> records of the registry form pack in a core Store.
//
// Writing: the edits that put an export household (or village register, or misidentification
// review) into a record of the form pack, so that it is validated by the form's own rules like a
// record captured at the door. Member repeat instances get deterministic ids (derived from the
// household id and the member's resident ID), so importing the same household twice addresses the
// same instances.
// Reading: a stored record back into a view, with the signature states the core computes (valid /
// stale / missing), and a whole store (or some villages) into a Township for the problem list
// and the reports.
//
// Thread rules: like Store (one thread at a time per store).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "doorstep/core/store.h"
#include "doorstep/form.pb.h"
#include "doorstep/registry/model.h"

namespace doorstep::registry {

// The form ids of the pack and the version this build writes.
inline constexpr const char* kHouseholdForm = "household";
inline constexpr const char* kStatusReviewForm = "status_review";
inline constexpr const char* kExitVerificationForm = "exit_verification";
inline constexpr const char* kMisidentificationForm = "misidentification_review";
inline constexpr const char* kVillageRegisterForm = "village_register";
inline constexpr const char* kAssistanceVisitForm = "assistance_visit";
inline constexpr const char* kPackVersion = "2026.1";

// Directory of the shipped form pack (forms/registry of the source tree, overridable with the
// DOORSTEP_FORMS environment variable).
std::string DefaultFormPackDir();
// Every *.json FormDef of a directory, sorted by file name.
Result<std::vector<v1::FormDef>> LoadFormPack(const std::string& dir);

// Signature field of a role: household_head -> sig_head, responsible_cadre (脱贫责任人) ->
// sig_responsible, surveyor -> sig_surveyor, team_leader -> sig_team_leader, vice_team_leader ->
// sig_vice_leader; "" for others.
std::string SignaturePath(const std::string& role);

// Deterministic member instance id: a UUID from SHA-256(household id, resident ID); the member
// index is used instead when the ID is empty or repeats inside the household.
std::string MemberInstanceId(const Household& household, size_t member_index);

// Edits for a fresh household record: data first, signatures (with strokes) last.
std::vector<Edit> HouseholdEdits(const Household& household);
// A village register's needs get deterministic instance ids (village id and line number).
std::vector<Edit> VillageRegisterEdits(const VillageRegister& village);
std::vector<Edit> MisidentificationReviewEdits(const MisidentificationReview& review);
// A status review's procedure. The team leader's signature, required once completed_date is set,
// is not part of an export: an imported completed review is a draft awaiting it.
std::vector<Edit> StatusReviewEdits(const Review& review);

// Creates (does not finalize) the record of an export household: the data first, then each
// signature at the time it was made. `set_time(ms)` moves the clock the store was opened with; it
// is set back to `now_ms` at the end, so the form's today() is the present when the caller
// validates (an export member born after an old survey is still valid today).
Result<RecordId> CreateHouseholdRecord(Store& store, const Household& household,
                                       const std::string& version,
                                       const std::function<void(int64_t)>& set_time,
                                       int64_t now_ms);

// Reads one stored household record (form "household", any version of the pack).
Result<Household> ReadHousehold(Store& store, const RecordId& id);

// Reads one stored status_review record.
Result<Review> ReadReview(Store& store, const RecordId& id);

// Every live record of the pack's forms in the store (all villages when `villages` is empty).
Result<Township> LoadTownship(Store& store, const std::vector<std::string>& villages = {});

// A validation path in words for the clerk: "成员 第2人 (member 2) / m_id_number" for a member
// field (the number, never the name: it reaches import errors),
// the path itself otherwise.
std::string DescribePath(const Household& household, const std::string& path);

}  // namespace doorstep::registry
