// Reading the registry export (JSON Lines). See jsonl.h.

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <string_view>

#include "doorstep/registry/jsonl.h"
#include "export_fields.h"
#include "fields.h"

namespace doorstep::registry {
namespace {

using nlohmann::json;
using fields::Field;
using fields::Kind;
using fields::Special;

// Thrown inside one line's parse, turned into a Status naming line and field.
struct FieldError {
  std::string where;
  std::string message;
};

class Reader {
 public:
  Reader(const json& object, std::string where) : object_(object), where_(std::move(where)) {}

  const json* Find(const std::string& key) const {
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  bool Has(const std::string& key) const { return Find(key) != nullptr; }
  std::string Where(const std::string& key) const {
    return where_.empty() ? key : where_ + "." + key;
  }

  std::string Text(const std::string& key, bool required = false) const {
    const json* v = Find(key);
    if (!v) {
      if (required) throw FieldError{Where(key), "missing (required)"};
      return {};
    }
    if (!v->is_string()) throw FieldError{Where(key), "expected a string"};
    return v->get<std::string>();
  }
  double Dec(const std::string& key) const {
    const json* v = Find(key);
    if (!v) return 0;
    if (!v->is_number()) throw FieldError{Where(key), "expected a number"};
    const double d = v->get<double>();
    if (!std::isfinite(d)) throw FieldError{Where(key), "not a finite number"};
    return d;
  }
  int Int(const std::string& key) const {
    const json* v = Find(key);
    if (!v) return 0;
    if (!v->is_number_integer()) throw FieldError{Where(key), "expected an integer"};
    const int64_t i = v->get<int64_t>();
    if (i < -1000000000 || i > 1000000000) throw FieldError{Where(key), "out of range"};
    return static_cast<int>(i);
  }
  bool YesNo(const std::string& key) const {
    const json* v = Find(key);
    if (!v) return false;
    if (!v->is_boolean()) throw FieldError{Where(key), "expected true or false"};
    return v->get<bool>();
  }
  int32_t Day(const std::string& key) const {
    std::string t = Text(key);
    if (t.empty()) return kNoDay;
    // "2019-05-09" or an ISO timestamp "2019-05-09T10:09:50+08:00": the date part counts.
    auto day = ParseIsoDay(t.substr(0, 10));
    if (!day || (t.size() > 10 && t[10] != 'T')) {
      throw FieldError{Where(key), "expected a date YYYY-MM-DD"};
    }
    return *day;
  }
  Reader Object(const std::string& key) const {
    const json* v = Find(key);
    if (!v) return Reader(kEmpty, Where(key));
    if (!v->is_object()) throw FieldError{Where(key), "expected an object"};
    return Reader(*v, Where(key));
  }
  // Calls fn(reader, index) for every object of an array.
  template <typename Fn>
  void Objects(const std::string& key, Fn fn) const {
    const json* v = Find(key);
    if (!v) return;
    if (!v->is_array()) throw FieldError{Where(key), "expected an array"};
    for (size_t i = 0; i < v->size(); ++i) {
      const std::string w = Where(key) + "[" + std::to_string(i) + "]";
      if (!(*v)[i].is_object()) throw FieldError{w, "expected an object"};
      fn(Reader((*v)[i], w), i);
    }
  }
  std::vector<std::string> Names(const std::string& key) const { return List(key); }
  std::vector<std::string> List(const std::string& key) const {
    std::vector<std::string> out;
    const json* v = Find(key);
    if (!v) return out;
    if (!v->is_array()) throw FieldError{Where(key), "expected an array of strings"};
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) {
        throw FieldError{Where(key) + "[" + std::to_string(i) + "]", "expected a string"};
      }
      out.push_back((*v)[i].get<std::string>());
    }
    return out;
  }
  const json& raw() const { return object_; }
  const std::string& where() const { return where_; }

 private:
  static inline const json kEmpty = json::object();
  const json& object_;
  std::string where_;
};

// Signatures stay explicit (fields.h): strokes and a time, not field values.
Signature ReadSignature(const Reader& r) {
  Signature s;
  s.role = r.Text("role", true);
  s.signer = r.Text("signer");
  s.proxy_signer = r.Text("proxy_signer");
  const std::string at = r.Text("signed_at");
  if (!at.empty()) {
    auto ms = ParseIsoTimestampMs(at);
    if (!ms) throw FieldError{r.Where("signed_at"), "expected an ISO 8601 time with offset"};
    s.signed_at_ms = *ms;
  }
  s.canvas_w = static_cast<uint32_t>(std::max(0, r.Int("canvas_w")));
  s.canvas_h = static_cast<uint32_t>(std::max(0, r.Int("canvas_h")));
  const json* strokes = r.Find("strokes");
  if (strokes) {
    if (!strokes->is_array()) throw FieldError{r.Where("strokes"), "expected an array"};
    for (size_t i = 0; i < strokes->size(); ++i) {
      const json& stroke = (*strokes)[i];
      const std::string w = r.Where("strokes") + "[" + std::to_string(i) + "]";
      if (!stroke.is_array()) throw FieldError{w, "expected an array of points"};
      std::vector<Point> points;
      points.reserve(stroke.size());
      for (size_t j = 0; j < stroke.size(); ++j) {
        const json& p = stroke[j];
        const std::string pw = w + "[" + std::to_string(j) + "]";
        if (!p.is_object()) throw FieldError{pw, "expected a point {x, y, t}"};
        Reader pr(p, pw);
        points.push_back(Point{pr.Int("x"), pr.Int("y"), pr.Int("t")});
      }
      s.strokes.push_back(std::move(points));
    }
  }
  s.state = SignatureState::kValid;
  return s;
}

// The reader of the object that holds the last key of a path, and that key:
// "income.transfer.subsidy" -> the reader of income.transfer, "subsidy".
Reader Holder(const Reader& r, std::string_view path, std::string* key) {
  const size_t dot = path.find('.');
  if (dot == std::string_view::npos) {
    *key = path;
    return r;
  }
  return Holder(r.Object(std::string(path.substr(0, dot))), path.substr(dot + 1), key);
}

// Reads the exported fields of a table, in the table's order (the first bad one is reported);
// special rows go to `special`.
template <typename T, typename SpecialFn>
void ReadFields(const Reader& r, const fields::Table<T>& table, T& x, SpecialFn&& special) {
  std::string key;
  for (const Field<T>& f : table.rows) {
    if (!f.json || fields::IsDerived(f)) continue;
    if (fields::IsSpecial(f)) {
      special(f);
      continue;
    }
    const Reader at = Holder(r, f.json, &key);
    if ((f.flags & fields::kRequired) && !at.Has(key)) {
      throw FieldError{at.Where(key), "missing (required)"};
    }
    if (!fields::ReadValue(f, x, at, key)) {
      throw FieldError{at.Where(key), "expected " + fields::CodecExpected(f)};
    }
    // An optional UUID (a review of a household not registered yet) may be left out or empty.
    if ((f.flags & fields::kUuid) &&
        ((f.flags & fields::kRequired) || !fields::TextOf(f, x).empty()) &&
        !IsUuidText(fields::TextOf(f, x))) {
      throw FieldError{at.Where(key), "expected a lower-case UUID"};
    }
  }
}

constexpr auto kNoSpecial = [](const auto&) {};

template <typename T>
T FromLine(const Reader& r, const fields::Table<T>& table) {
  T x;
  ReadFields(r, table, x, kNoSpecial);
  return x;
}

template <typename T>
std::vector<T> ReadObjects(const Reader& r, const std::string& key, const fields::Table<T>& table) {
  std::vector<T> out;
  r.Objects(key, [&](const Reader& item, size_t) { out.push_back(FromLine(item, table)); });
  return out;
}

void ReadGps(const Reader& r, const std::string& key, Household& h) {
  if (!r.Find(key)) return;
  const Reader gps = r.Object(key);
  h.has_gps = true;
  h.lat = gps.Dec("lat");
  h.lon = gps.Dec("lon");
  h.gps_accuracy_m = gps.Dec("accuracy_m");
  if (h.lat < -90 || h.lat > 90) throw FieldError{gps.Where("lat"), "latitude out of range"};
  if (h.lon < -180 || h.lon > 180) throw FieldError{gps.Where("lon"), "longitude out of range"};
}

Household ReadHousehold(const Reader& r) {
  Household h;
  ReadFields(r, fields::HouseholdTable(), h, [&](const Field<Household>& f) {
    switch (fields::SpecialOf(f)) {
      case Special::kMembers:
        h.members = ReadObjects(r, f.json, fields::MemberTable());
        if (h.members.empty()) throw FieldError{f.json, "a household needs at least one member"};
        break;
      case Special::kMeasures:
        h.measures = ReadObjects(r, f.json, fields::MeasureTable());
        break;
      case Special::kGps:
        ReadGps(r, f.json, h);
        break;
      case Special::kSignatures:
        r.Objects(f.json, [&](const Reader& s, size_t) {
          h.signatures.push_back(ReadSignature(s));
        });
        break;
      case Special::kNeeds:  // not a household row
        break;
    }
  });
  return h;
}

VillageRegister ReadVillage(const Reader& r) {
  VillageRegister v;
  ReadFields(r, fields::VillageTable(), v, [&](const Field<VillageRegister>& f) {
    if (fields::SpecialOf(f) == Special::kNeeds) {
      v.needs = ReadObjects(r, f.json, fields::NeedTable());
    }
  });
  return v;
}

}  // namespace

Result<ExportRow> ParseExportLine(const std::string& text, size_t line) {
  const std::string prefix = "line " + std::to_string(line);
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status(Code::kParse, "not valid JSON", prefix);
  }
  if (!parsed.is_object()) {
    return Status(Code::kParse, "expected a JSON object", prefix);
  }
  ExportRow row;
  row.line = line;
  try {
    Reader r(parsed, "");
    const std::string type = r.Text("record_type");
    if (type.empty() || type == "household") {
      row.row = ReadHousehold(r);
    } else if (type == "village_register") {
      row.row = ReadVillage(r);
    } else if (type == "misidentification_review") {
      row.row = FromLine(r, fields::MisidentificationTable());
    } else if (type == "status_review") {
      row.row = FromLine(r, fields::ReviewTable());
    } else {
      throw FieldError{"record_type", "unknown record type (household, village_register, "
                                      "misidentification_review, status_review)"};
    }
  } catch (const FieldError& e) {
    return Status(Code::kInvalidArgument, e.message, prefix + ": " + e.where);
  } catch (const json::exception& e) {
    return Status(Code::kParse, e.what(), prefix);
  }
  return row;
}

std::vector<ExportRow> ParseJsonLines(const std::string& text, std::vector<Status>* errors) {
  std::vector<ExportRow> rows;
  size_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string one = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!one.empty() && one.back() == '\r') one.pop_back();
    if (line == 1 && one.rfind("\xEF\xBB\xBF", 0) == 0) one.erase(0, 3);
    if (one.find_first_not_of(" \t") == std::string::npos) continue;
    auto row = ParseExportLine(one, line);
    if (row.ok()) {
      rows.push_back(std::move(row).value());
    } else if (errors) {
      errors->push_back(row.status());
    }
  }
  return rows;
}

}  // namespace doorstep::registry
