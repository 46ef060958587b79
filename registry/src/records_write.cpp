// Registry views -> edits of the form pack's records. See records.h; field names in
// docs/registry-forms.md.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "doorstep/core/form.h"
#include "doorstep/core/sha256.h"
#include "doorstep/core/uuid.h"
#include "doorstep/registry/records.h"
#include "fields.h"
#include "record_values.h"

namespace doorstep::registry {
namespace {

using namespace values;  // NOLINT: the value builders
using fields::Field;
using fields::Kind;
using fields::Special;

// Appends a Set edit, skipping empty text (an empty answer is no answer).
class EditList {
 public:
  void Text(const std::string& path, const std::string& text) {
    if (!text.empty()) edits_.push_back(Edit::Set(path, values::Text(text)));
  }
  void One(const std::string& path, const std::string& choice) {
    if (!choice.empty()) edits_.push_back(Edit::Set(path, values::One(choice)));
  }
  void Many(const std::string& path, std::vector<std::string> choices) {
    if (!choices.empty()) edits_.push_back(Edit::Set(path, values::Many(std::move(choices))));
  }
  void YesNo(const std::string& path, bool yes) {
    edits_.push_back(Edit::Set(path, values::One(yes ? "yes" : "no")));
  }
  void Int(const std::string& path, int64_t i, bool skip_zero = false) {
    if (!(skip_zero && i == 0)) edits_.push_back(Edit::Set(path, values::Int(i)));
  }
  void Dec(const std::string& path, double d) { edits_.push_back(Edit::Set(path, values::Dec(d))); }
  void Day(const std::string& path, int32_t day) {
    if (day != kNoDay) edits_.push_back(Edit::Set(path, values::Day(day)));
  }
  void Add(Edit e) { edits_.push_back(std::move(e)); }
  std::vector<Edit> Take() { return std::move(edits_); }

 private:
  std::vector<Edit> edits_;
};

std::string UuidFromDigest(const std::string& seed) {
  Digest d = Sha256Of(seed);
  d[6] = static_cast<uint8_t>((d[6] & 0x0F) | 0x50);  // version 5-style (name-based, SHA)
  d[8] = static_cast<uint8_t>((d[8] & 0x3F) | 0x80);  // variant 1
  return Uuid::FromBytes(d.data()).ToString();
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The edit of a plain row's value at `path` (none for an empty answer).
template <typename T>
void AddValue(EditList& e, const std::string& path, const Field<T>& f, const T& x) {
  const bool skip_zero = (f.flags & fields::kFormSkipZero) != 0;
  switch (f.kind) {
    case Kind::kText:
      e.Text(path, fields::TextOf(f, x));
      break;
    case Kind::kChoice:
      e.One(path, fields::TextOf(f, x));
      break;
    case Kind::kChoices:
      e.Many(path, fields::ListOf(f, x));
      break;
    case Kind::kNames:
      e.Text(path, Join(fields::ListOf(f, x), "、"));
      break;
    case Kind::kInt:
      e.Int(path, fields::Get<int>(f, x), skip_zero);
      break;
    case Kind::kDec:
      if (!skip_zero || !fields::IsEmpty(f, x)) e.Dec(path, fields::DecOf(f, x));
      break;
    case Kind::kYesNo:
      e.YesNo(path, fields::Get<bool>(f, x));
      break;
    case Kind::kDay:
      e.Day(path, fields::Get<int>(f, x));
      break;
    case Kind::kSpecial:
      break;
  }
}

// Edits for the form fields of a table, in the form's order; `prefix` addresses a repeat
// instance. Special rows go to `special`.
template <typename T, typename SpecialFn>
void WriteFields(EditList& e, const fields::Table<T>& table, const T& x, const std::string& prefix,
                 SpecialFn&& special) {
  for (const Field<T>* f : table.form_order) {
    if (f->flags & fields::kFormCalculated) continue;
    if (f->when && !(f->flags & fields::kWhenJsonOnly) && !f->when(x)) continue;
    if (fields::IsSpecial(*f)) {
      special(*f);
      continue;
    }
    AddValue(e, prefix + f->form, *f, x);
  }
}

constexpr auto kNoSpecial = [](const auto&) {};

template <typename T>
std::vector<Edit> RecordEdits(const fields::Table<T>& table, const T& x) {
  EditList e;
  WriteFields(e, table, x, "", kNoSpecial);
  return e.Take();
}

}  // namespace

std::string DefaultFormPackDir() {
  if (const char* env = std::getenv("DOORSTEP_FORMS"); env && *env) return env;
  return DOORSTEP_REGISTRY_FORMS_DIR;
}

Result<std::vector<v1::FormDef>> LoadFormPack(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto& p = entry.path();
    if (p.extension() == ".json") files.push_back(p);
  }
  if (ec) return Status(Code::kIo, "cannot read the form pack directory: " + ec.message(), dir);
  if (files.empty()) return Status(Code::kNotFound, "no form files (*.json)", dir);
  std::sort(files.begin(), files.end());
  std::vector<v1::FormDef> defs;
  for (const std::string& f : files) {
    DS_ASSIGN_OR_RETURN(v1::FormDef def, LoadFormFile(f));
    defs.push_back(std::move(def));
  }
  return defs;
}

std::string SignaturePath(const std::string& role) {
  if (role == "household_head") return "sig_head";
  if (role == "responsible_cadre") return "sig_responsible";
  if (role == "surveyor") return "sig_surveyor";
  if (role == "team_leader") return "sig_team_leader";
  if (role == "vice_team_leader") return "sig_vice_leader";
  return {};
}

std::string MemberInstanceId(const Household& h, size_t index) {
  const std::string& id = h.members[index].id_number;
  bool unique = !id.empty();
  for (size_t i = 0; i < h.members.size() && unique; ++i) {
    if (i != index && h.members[i].id_number == id) unique = false;
  }
  return UuidFromDigest(h.id + "/members/" +
                        (unique ? "id:" + id : "index:" + std::to_string(index)));
}

namespace {

// Edits of the signatures a household carries (from an export or the sample generator).
void AddSignatures(EditList& e, const Household& h) {
  for (const Signature& s : h.signatures) {
    const std::string path = SignaturePath(s.role);
    if (path.empty() || s.state == SignatureState::kMissing) continue;
    SignatureInput input;
    input.signer_name = s.signer;
    input.proxy_signer_name = s.proxy_signer;
    input.canvas_width = s.canvas_w;
    input.canvas_height = s.canvas_h;
    for (const auto& stroke : s.strokes) {
      std::vector<StrokePoint> points;
      points.reserve(stroke.size());
      for (const Point& p : stroke) {
        points.push_back(StrokePoint{p.x, p.y, static_cast<uint32_t>(std::max(0, p.t)), {}});
      }
      input.strokes.push_back(std::move(points));
    }
    e.Add(Edit::Sign(path, std::move(input)));
  }
}

// Adds the instance `id` of a repeat and the edits of its fields.
template <typename T>
void AddInstance(EditList& e, const std::string& repeat, const std::string& id,
                 const fields::Table<T>& table, const T& x) {
  e.Add(Edit::AddInstance(repeat, id));
  WriteFields(e, table, x, repeat + "[" + id + "]/", kNoSpecial);
}

}  // namespace

std::vector<Edit> HouseholdEdits(const Household& h) {
  EditList e;
  WriteFields(e, fields::HouseholdTable(), h, "", [&](const Field<Household>& f) {
    switch (fields::SpecialOf(f)) {
      case Special::kMembers:
        for (size_t i = 0; i < h.members.size(); ++i) {
          AddInstance(e, f.form, MemberInstanceId(h, i), fields::MemberTable(), h.members[i]);
        }
        break;
      case Special::kMeasures:
        for (size_t i = 0; i < h.measures.size(); ++i) {
          const std::string id = UuidFromDigest(h.id + "/measures/" + std::to_string(i));
          AddInstance(e, f.form, id, fields::MeasureTable(), h.measures[i]);
        }
        break;
      case Special::kGps:
        if (h.has_gps) e.Add(Edit::Set(f.form, Geo(h.lat, h.lon, h.gps_accuracy_m)));
        break;
      case Special::kSignatures:
        AddSignatures(e, h);
        break;
      case Special::kNeeds:  // not a household row
        break;
    }
  });
  return e.Take();
}

Result<RecordId> CreateHouseholdRecord(Store& store, const Household& h,
                                       const std::string& version,
                                       const std::function<void(int64_t)>& set_time,
                                       int64_t now_ms) {
  std::vector<Edit> data;
  std::vector<std::pair<int64_t, Edit>> signs;
  for (Edit& e : HouseholdEdits(h)) {
    if (e.op != Edit::Op::kSign) {
      data.push_back(std::move(e));
      continue;
    }
    int64_t at = now_ms;
    for (const Signature& s : h.signatures) {
      if (SignaturePath(s.role) == e.path && s.signed_at_ms != 0) at = s.signed_at_ms;
    }
    signs.emplace_back(at, std::move(e));
  }
  set_time(now_ms);
  auto id = store.CreateRecord(kHouseholdForm, version, data);
  if (!id.ok()) return id;
  for (auto& [at, edit] : signs) {
    set_time(at);
    auto applied = store.Apply(id.value(), {edit});
    if (!applied.ok()) {
      set_time(now_ms);
      return applied.status();
    }
  }
  set_time(now_ms);
  return id;
}

std::vector<Edit> VillageRegisterEdits(const VillageRegister& v) {
  EditList e;
  WriteFields(e, fields::VillageTable(), v, "", [&](const Field<VillageRegister>& f) {
    if (fields::SpecialOf(f) != Special::kNeeds) return;
    for (size_t i = 0; i < v.needs.size(); ++i) {
      const std::string id = UuidFromDigest(v.id + "/needs/" + std::to_string(i));
      AddInstance(e, f.form, id, fields::NeedTable(), v.needs[i]);
    }
  });
  return e.Take();
}

std::vector<Edit> MisidentificationReviewEdits(const MisidentificationReview& r) {
  return RecordEdits(fields::MisidentificationTable(), r);
}

std::vector<Edit> StatusReviewEdits(const Review& r) {
  return RecordEdits(fields::ReviewTable(), r);
}

std::string DescribePath(const Household& h, const std::string& path) {
  auto parsed = FieldPath::Parse(path);
  if (!parsed.ok() || parsed.value().segments.size() < 2) return path;
  const PathSegment& first = parsed.value().segments[0];
  if (first.name != "members") return path;
  for (size_t i = 0; i < h.members.size(); ++i) {
    const std::string& stored = h.members[i].instance_id;
    if ((stored.empty() ? MemberInstanceId(h, i) : stored) == first.instance) {
      // The member's number, never the name: import errors reach the office's terminal and
      // logs, and personal data stays out of both.
      return "成员 第" + std::to_string(i + 1) + "人 (member " + std::to_string(i + 1) + ") / " +
             parsed.value().leaf();
    }
  }
  return path;
}

}  // namespace doorstep::registry
