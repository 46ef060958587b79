// Writing the registry export (JSON Lines). See jsonl.h.

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <string_view>

#include "doorstep/registry/jsonl.h"
#include "export_fields.h"
#include "fields.h"

namespace doorstep::registry {
namespace {

using ojson = nlohmann::ordered_json;
using fields::Field;
using fields::Kind;
using fields::Special;

// Integers stay integers in the JSON (the export writes 45183, not 45183.0).
ojson Amount(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 9e15) {
    return static_cast<int64_t>(std::llround(v));
  }
  return std::round(v * 100) / 100;
}

ojson DayOrNull(int32_t day) { return day == kNoDay ? ojson(nullptr) : ojson(FormatIsoDay(day)); }

// The value of a plain row as the export writes it.
template <typename T>
ojson JsonValue(const Field<T>& f, const T& x) {
  switch (f.kind) {
    case Kind::kText:
    case Kind::kChoice:
      return fields::TextOf(f, x);
    case Kind::kChoices:
    case Kind::kNames:
      return fields::ListOf(f, x);
    case Kind::kInt:
      return fields::Get<int>(f, x);
    case Kind::kDec:
      return Amount(fields::DecOf(f, x));
    case Kind::kYesNo:
      return fields::Get<bool>(f, x);
    case Kind::kDay:
      return DayOrNull(fields::Get<int>(f, x));
    case Kind::kSpecial:
      break;
  }
  return nullptr;
}

// The slot of a key path ("income.transfer.subsidy"), making the objects on the way.
ojson& Slot(ojson& j, std::string_view path) {
  ojson* at = &j;
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    at = &(*at)[std::string(path.substr(0, dot))];
    path.remove_prefix(dot + 1);
  }
  return (*at)[std::string(path)];
}

// Puts the exported fields of a table into `j`, in the table's order; special rows go to
// `special`.
template <typename T, typename SpecialFn>
void PutFields(ojson& j, const fields::Table<T>& table, const T& x, SpecialFn&& special) {
  for (const Field<T>& f : table.rows) {
    if (!f.json || (f.when && !f.when(x))) continue;
    if (fields::IsSpecial(f)) {
      special(f);
      continue;
    }
    const bool empty = (f.flags & (fields::kJsonOmitEmpty | fields::kJsonNullEmpty)) &&
                       fields::IsEmpty(f, x);
    if (empty && (f.flags & fields::kJsonOmitEmpty)) continue;
    Slot(j, f.json) = empty ? ojson(nullptr) : JsonValue(f, x);
  }
}

constexpr auto kNoSpecial = [](const auto&) {};

template <typename T>
ojson ObjectOf(const fields::Table<T>& table, const T& x) {
  ojson j;
  PutFields(j, table, x, kNoSpecial);
  return j;
}

template <typename T>
ojson ArrayOf(const fields::Table<T>& table, const std::vector<T>& items) {
  ojson array = ojson::array();
  for (const T& x : items) array.push_back(ObjectOf(table, x));
  return array;
}

// A line of another record kind: its record_type first.
template <typename T>
std::string RecordLine(const char* record_type, const fields::Table<T>& table, const T& x) {
  ojson j;
  j["record_type"] = record_type;
  PutFields(j, table, x, kNoSpecial);
  return j.dump();
}

// Signatures stay explicit (fields.h): strokes and a time, not field values.
ojson SignatureJson(const Signature& s) {
  ojson j;
  j["role"] = s.role;
  j["signer"] = s.signer;
  if (!s.proxy_signer.empty()) j["proxy_signer"] = s.proxy_signer;
  j["signed_at"] = s.signed_at_ms != 0 ? ojson(FormatBeijingTimestamp(s.signed_at_ms)) : ojson();
  j["canvas_w"] = s.canvas_w;
  j["canvas_h"] = s.canvas_h;
  ojson strokes = ojson::array();
  for (const auto& stroke : s.strokes) {
    ojson points = ojson::array();
    for (const Point& p : stroke) points.push_back(ojson{{"x", p.x}, {"y", p.y}, {"t", p.t}});
    strokes.push_back(std::move(points));
  }
  j["strokes"] = std::move(strokes);
  return j;
}

}  // namespace

std::string HouseholdJson(const Household& h) {
  ojson j;
  PutFields(j, fields::HouseholdTable(), h, [&](const Field<Household>& f) {
    switch (fields::SpecialOf(f)) {
      case Special::kMembers:
        j[f.json] = ArrayOf(fields::MemberTable(), h.members);
        break;
      case Special::kMeasures:
        j[f.json] = ArrayOf(fields::MeasureTable(), h.measures);
        break;
      case Special::kGps:
        if (h.has_gps) {
          j[f.json] =
              ojson{{"lat", h.lat}, {"lon", h.lon}, {"accuracy_m", Amount(h.gps_accuracy_m)}};
        }
        break;
      case Special::kSignatures: {
        ojson signatures = ojson::array();
        for (const Signature& s : h.signatures) {
          if (s.state != SignatureState::kMissing) signatures.push_back(SignatureJson(s));
        }
        j[f.json] = std::move(signatures);
        break;
      }
      case Special::kNeeds:  // not a household row
        break;
    }
  });
  return j.dump();
}

std::string VillageRegisterJson(const VillageRegister& v) {
  ojson j;
  j["record_type"] = "village_register";
  PutFields(j, fields::VillageTable(), v, [&](const Field<VillageRegister>& f) {
    // The needs list (an extension of the line) is left out when empty.
    if (fields::SpecialOf(f) == Special::kNeeds && !v.needs.empty()) {
      j[f.json] = ArrayOf(fields::NeedTable(), v.needs);
    }
  });
  return j.dump();
}

std::string MisidentificationReviewJson(const MisidentificationReview& r) {
  return RecordLine("misidentification_review", fields::MisidentificationTable(), r);
}

std::string StatusReviewJson(const Review& r) {
  return RecordLine("status_review", fields::ReviewTable(), r);
}

}  // namespace doorstep::registry
