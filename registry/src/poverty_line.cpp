#include "doorstep/registry/poverty_line.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "doorstep/registry/resident_id.h"

namespace doorstep::registry {
namespace {

using nlohmann::json;

// Every schema error names the key path both in the message (shown alone by some callers) and in
// where() (for tools that point at the spot).
Status KeyError(const std::string& path, const std::string& what) {
  return Status(Code::kInvalidArgument, "poverty lines: \"" + path + "\": " + what, path);
}

// "2016" -> 2016; nullopt unless exactly four digits.
std::optional<int> ParseYear(const std::string& key) {
  if (key.size() != 4) return std::nullopt;
  int v = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

Status ReadTable(const json& table, const std::string& path, std::map<int, double>* out) {
  if (!table.is_object()) return KeyError(path, "must be an object of year -> line");
  for (const auto& [key, value] : table.items()) {
    const std::string at = path + "/" + key;
    std::optional<int> year = ParseYear(key);
    if (!year) return KeyError(at, "the key must be a 4-digit year");
    if (!value.is_number()) return KeyError(at, "the line must be a number (yuan per year)");
    const double line = value.get<double>();
    if (!std::isfinite(line) || line <= 0) return KeyError(at, "the line must be positive");
    (*out)[*year] = line;
  }
  return Status::Ok();
}

Status ReadProvince(const json& entry, const std::string& path, PovertyLines::Province* out) {
  if (!entry.is_object()) return KeyError(path, "must be an object with \"lines\"");
  for (const auto& [key, value] : entry.items()) {
    if (key == "name") {
      if (!value.is_string()) return KeyError(path + "/name", "must be a string");
      out->name = value.get<std::string>();
    } else if (key == "lines") {
      DS_RETURN_IF_ERROR(ReadTable(value, path + "/lines", &out->lines));
    } else {
      return KeyError(path + "/" + key, "unknown key (expected \"name\" or \"lines\")");
    }
  }
  if (!entry.contains("lines")) return KeyError(path + "/lines", "missing");
  return Status::Ok();
}

// The entry with the greatest year <= `year`, if any.
std::optional<double> InForce(const std::map<int, double>& table, int year) {
  auto it = table.upper_bound(year);
  if (it == table.begin()) return std::nullopt;
  return std::prev(it)->second;
}

json TableJson(const std::map<int, double>& table) {
  json out = json::object();
  for (const auto& [year, line] : table) {
    // Whole yuan print as integers, as in the shipped file.
    if (line == std::floor(line) && std::fabs(line) < 1e15) {
      out[std::to_string(year)] = static_cast<int64_t>(line);
    } else {
      out[std::to_string(year)] = line;
    }
  }
  return out;
}

}  // namespace

PovertyLines PovertyLines::BuiltIn() {
  // Keep in step with forms/poverty_lines.json (a test compares the two).
  PovertyLines p;
  p.national_ = {{2014, 2736}, {2015, 2855}, {2016, 2952}, {2017, 3335},
                 {2018, 3535}, {2019, 3747}, {2020, 4000}};
  p.provinces_["32"] = Province{"江苏省", {{2016, 6000}}};
  p.note_ =
      "National line: yuan of per-capita net income per year in current prices (the 2010 "
      "standard of 2300 yuan re-priced each year). The provincial entry for Jiangsu (32) is an "
      "example of a provincial line above the national one: each province sets its own.";
  return p;
}

Result<PovertyLines> PovertyLines::FromJson(const std::string& json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Status(Code::kParse, "poverty lines: not valid JSON");
  }
  if (!doc.is_object()) return KeyError("", "the document must be a JSON object");
  PovertyLines out;
  for (const auto& [key, value] : doc.items()) {
    if (key == "national") {
      DS_RETURN_IF_ERROR(ReadTable(value, "national", &out.national_));
    } else if (key == "provinces") {
      if (!value.is_object()) return KeyError("provinces", "must be an object keyed by province");
      for (const auto& [code, entry] : value.items()) {
        const std::string at = "provinces/" + code;
        if (!IsProvinceCode(code)) return KeyError(at, "not a two-digit province code");
        Province province;
        DS_RETURN_IF_ERROR(ReadProvince(entry, at, &province));
        out.provinces_[code] = std::move(province);
      }
    } else if (key == "note") {
      if (!value.is_string()) return KeyError("note", "must be a string");
      out.note_ = value.get<std::string>();
    } else {
      return KeyError(key, "unknown key (expected \"national\", \"provinces\" or \"note\")");
    }
  }
  if (!doc.contains("national")) return KeyError("national", "missing");
  return out;
}

Result<PovertyLines> PovertyLines::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kIo, "cannot open poverty-line file", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status(Code::kIo, "cannot read poverty-line file", path);
  Result<PovertyLines> lines = FromJson(text.str());
  if (!lines.ok()) {
    Status status = lines.status();
    return status.WithContext(path);
  }
  return lines;
}

std::optional<double> PovertyLines::Line(int year, const std::string& province_code) const {
  if (province_code.size() >= 2) {
    auto it = provinces_.find(province_code.substr(0, 2));
    if (it != provinces_.end()) {
      if (std::optional<double> line = InForce(it->second.lines, year)) return line;
    }
  }
  return InForce(national_, year);
}

std::string PovertyLines::ToJson() const {
  json doc = json::object();
  doc["national"] = TableJson(national_);
  if (!provinces_.empty()) {
    json provinces = json::object();
    for (const auto& [code, province] : provinces_) {
      json entry = json::object();
      if (!province.name.empty()) entry["name"] = province.name;
      entry["lines"] = TableJson(province.lines);
      provinces[code] = std::move(entry);
    }
    doc["provinces"] = std::move(provinces);
  }
  if (!note_.empty()) doc["note"] = note_;
  return doc.dump(2) + "\n";
}

}  // namespace doorstep::registry
