// Stored records of the form pack -> registry views. See records.h.

#include <algorithm>
#include <set>

#include "doorstep/registry/records.h"
#include "fields.h"
#include "record_values.h"

namespace doorstep::registry {
namespace {

using values::AsDay;
using values::AsDec;
using values::AsInt;
using values::AsList;
using values::AsText;
using values::AsYes;
using fields::Field;
using fields::Special;

std::vector<std::string> SplitNames(const std::string& text) {
  std::vector<std::string> out;
  const std::string sep = "、";
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t end = text.find(sep, pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) out.push_back(text.substr(pos, end - pos));
    pos = end + sep.size();
  }
  return out;
}

// Field access on one record, optionally inside a repeat instance.
class View {
 public:
  View(const Record& record, std::string prefix = {})
      : record_(record), prefix_(std::move(prefix)) {}
  const v1::Value* Get(const std::string& name) const { return record_.Get(prefix_ + name); }
  bool Has(const std::string& name) const { return Get(name) != nullptr; }
  std::string Text(const std::string& name) const { return AsText(Get(name)); }
  int Int(const std::string& name) const { return static_cast<int>(AsInt(Get(name))); }
  double Dec(const std::string& name) const { return AsDec(Get(name)); }
  int32_t Day(const std::string& name) const { return AsDay(Get(name)); }
  bool YesNo(const std::string& name) const { return AsYes(Get(name)); }
  std::vector<std::string> List(const std::string& name) const { return AsList(Get(name)); }
  std::vector<std::string> Names(const std::string& name) const { return SplitNames(Text(name)); }

 private:
  const Record& record_;
  std::string prefix_;
};

SignatureState FromCore(doorstep::SignatureState s) {
  switch (s) {
    case doorstep::SignatureState::kValid:
      return SignatureState::kValid;
    case doorstep::SignatureState::kStale:
      return SignatureState::kStale;
    case doorstep::SignatureState::kMissing:
      return SignatureState::kMissing;
  }
  return SignatureState::kMissing;
}

// Reads the form fields of a table from a record or a repeat instance (a coded text the field
// does not know leaves its default); special rows go to `special`.
template <typename T, typename SpecialFn>
void ReadFields(const View& v, const fields::Table<T>& table, T& x, SpecialFn&& special) {
  for (const Field<T>& f : table.rows) {
    if (!f.form) continue;
    if (fields::IsSpecial(f)) {
      special(f);
    } else {
      fields::ReadValue(f, x, v, f.form);
    }
  }
}

constexpr auto kNoSpecial = [](const auto&) {};

// The instances of a repeat, in the store's order.
template <typename T>
std::vector<T> ReadInstances(const Record& r, const std::string& repeat,
                             const std::vector<std::string>& ids, const fields::Table<T>& table) {
  std::vector<T> out;
  for (const std::string& id : ids) {
    T x;
    x.instance_id = id;
    ReadFields(View(r, repeat + "[" + id + "]/"), table, x, kNoSpecial);
    out.push_back(std::move(x));
  }
  return out;
}

template <typename T>
T FromRecord(const Record& r, const fields::Table<T>& table) {
  T x;
  x.id = r.id.ToString();
  ReadFields(View(r), table, x, kNoSpecial);
  return x;
}

Household HouseholdFromRecord(const Record& r, const std::vector<std::string>& member_ids,
                              const std::vector<std::string>& measure_ids) {
  const View v(r);
  Household h;
  h.id = r.id.ToString();
  h.form_version = r.form_version;
  h.finalized = r.state == RecordState::kFinalized;
  ReadFields(v, fields::HouseholdTable(), h, [&](const Field<Household>& f) {
    switch (fields::SpecialOf(f)) {
      case Special::kMembers:
        h.members = ReadInstances(r, f.form, member_ids, fields::MemberTable());
        break;
      case Special::kMeasures:
        h.measures = ReadInstances(r, f.form, measure_ids, fields::MeasureTable());
        break;
      case Special::kGps:
        if (const v1::Value* gps = v.Get(f.form); gps && gps->has_geopoint()) {
          h.has_gps = true;
          h.lat = gps->geopoint().latitude();
          h.lon = gps->geopoint().longitude();
          h.gps_accuracy_m = gps->geopoint().accuracy_m();
        }
        break;
      case Special::kSignatures:  // the store's signature states: ReadHousehold
      case Special::kNeeds:       // not a household row
        break;
    }
  });
  return h;
}

bool Wanted(const std::vector<std::string>& villages, const std::string& village) {
  return villages.empty() ||
         std::find(villages.begin(), villages.end(), village) != villages.end();
}

// A status review with its record state and the team leader's signature state.
Result<Review> ReviewFromRecord(Store& store, const Record& r) {
  Review review = FromRecord(r, fields::ReviewTable());
  review.finalized = r.state == RecordState::kFinalized;
  DS_ASSIGN_OR_RETURN(auto signatures, store.Signatures(r.id));
  for (const SignatureStatus& s : signatures) {
    if (s.role == "team_leader") review.team_leader_signature = FromCore(s.state);
  }
  return review;
}

// A village register with its needs list (the `needs` repeat, in the store's order).
Result<VillageRegister> VillageFromRecord(Store& store, const Record& r) {
  VillageRegister v;
  v.id = r.id.ToString();
  std::vector<std::string> need_ids;
  for (const Field<VillageRegister>& f : fields::VillageTable().rows) {
    if (f.form && fields::IsSpecial(f) && fields::SpecialOf(f) == Special::kNeeds) {
      DS_ASSIGN_OR_RETURN(need_ids, store.Instances(r.id, f.form));
    }
  }
  ReadFields(View(r), fields::VillageTable(), v, [&](const Field<VillageRegister>& f) {
    if (fields::SpecialOf(f) == Special::kNeeds) {
      v.needs = ReadInstances(r, f.form, need_ids, fields::NeedTable());
    }
  });
  return v;
}

// An exit verification is usable when finalized (its required signatures were there) and no
// signature of it is stale.
Result<ExitVerification> ExitVerificationFromRecord(Store& store, const Record& r) {
  ExitVerification v = FromRecord(r, fields::ExitVerificationTable());
  v.finalized = r.state == RecordState::kFinalized;
  DS_ASSIGN_OR_RETURN(auto signatures, store.Signatures(r.id));
  v.signatures_valid = !signatures.empty();
  for (const SignatureStatus& s : signatures) {
    if (FromCore(s.state) == SignatureState::kStale) v.signatures_valid = false;
  }
  return v;
}

}  // namespace

Result<Household> ReadHousehold(Store& store, const RecordId& id) {
  DS_ASSIGN_OR_RETURN(Record record, store.GetRelevantRecord(id));
  if (record.form_id != kHouseholdForm) {
    return Status(Code::kInvalidArgument, "not a household record (form " + record.form_id + ")",
                  id.ToString());
  }
  DS_ASSIGN_OR_RETURN(auto members, store.Instances(id, "members"));
  DS_ASSIGN_OR_RETURN(auto measures, store.Instances(id, "measures"));
  Household h = HouseholdFromRecord(record, members, measures);
  DS_ASSIGN_OR_RETURN(auto signatures, store.Signatures(id));
  for (const SignatureStatus& s : signatures) {
    Signature sig;
    sig.role = s.role;
    sig.signer = s.signer_name;
    sig.proxy_signer = s.proxy_signer_name;
    sig.signed_at_ms = s.signed_at_ms;
    sig.state = FromCore(s.state);
    h.signatures.push_back(std::move(sig));
  }
  return h;
}

Result<Review> ReadReview(Store& store, const RecordId& id) {
  DS_ASSIGN_OR_RETURN(Record record, store.GetRelevantRecord(id));
  if (record.form_id != kStatusReviewForm) {
    return Status(Code::kInvalidArgument,
                  "not a status review record (form " + record.form_id + ")", id.ToString());
  }
  return ReviewFromRecord(store, record);
}

Result<Township> LoadTownship(Store& store, const std::vector<std::string>& villages) {
  Township t;
  DS_ASSIGN_OR_RETURN(auto summaries, store.ListRecords());
  for (const RecordSummary& s : summaries) {
    if (s.form_id == kHouseholdForm) {
      DS_ASSIGN_OR_RETURN(Household h, ReadHousehold(store, s.id));
      if (Wanted(villages, h.village)) t.households.push_back(std::move(h));
      continue;
    }
    if (s.form_id != kStatusReviewForm && s.form_id != kMisidentificationForm &&
        s.form_id != kVillageRegisterForm && s.form_id != kAssistanceVisitForm &&
        s.form_id != kExitVerificationForm) {
      continue;
    }
    DS_ASSIGN_OR_RETURN(Record r, store.GetRelevantRecord(s.id));
    if (r.deleted) continue;
    View v(r);
    if (!Wanted(villages, v.Text("village"))) continue;
    if (s.form_id == kStatusReviewForm) {
      DS_ASSIGN_OR_RETURN(Review review, ReviewFromRecord(store, r));
      t.reviews.push_back(std::move(review));
    } else if (s.form_id == kExitVerificationForm) {
      DS_ASSIGN_OR_RETURN(ExitVerification ev, ExitVerificationFromRecord(store, r));
      t.exit_verifications.push_back(std::move(ev));
    } else if (s.form_id == kMisidentificationForm) {
      t.misidentification_reviews.push_back(FromRecord(r, fields::MisidentificationTable()));
    } else if (s.form_id == kVillageRegisterForm) {
      DS_ASSIGN_OR_RETURN(VillageRegister village, VillageFromRecord(store, r));
      t.villages.push_back(std::move(village));
    } else {
      t.visits.push_back(FromRecord(r, fields::VisitTable()));
    }
  }
  return t;
}

}  // namespace doorstep::registry
