// Poverty lines (贫困线, 扶贫标准) by year, national and per province.
//
// The national line is yuan of per-capita net income per year in current prices: 2736 in 2014 up
// to 4000 in 2020 (the 2010 constant-price standard of 2300 yuan, re-priced each year). A province
// may set its own, higher line; where it has one, households there are identified and exit
// against it. A line stays in force until the next entry, so the last year's line also applies to
// every later year (monitoring after 2020 keeps the 2020 line until a new one is entered).
//
// JSON format (forms/poverty_lines.json holds the built-in table):
//   {
//     "national": {"2014": 2736, "2015": 2855, ...},
//     "provinces": {"32": {"name": "江苏省", "lines": {"2016": 6000}}},
//     "note": "free text"
//   }
// "national" is required (an object, year -> line); "provinces" and "note" are optional. Years are
// 4-digit strings, lines positive numbers, province keys the two-digit province codes
// (IsProvinceCode) and each province needs "lines" ("name" is optional). Unknown keys are errors,
// so a misspelt "nationl" does not silently drop the table. Every error names the key at fault in
// the message and in Status::where() ("provinces/32/lines/2016").
//
// Thread rules: an immutable value after construction; const methods are safe to call
// concurrently.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "doorstep/core/status.h"

namespace doorstep::registry {

class PovertyLines {
 public:
  struct Province {
    std::string name;
    std::map<int, double> lines;  // year -> yuan
    bool operator==(const Province&) const = default;
  };

  PovertyLines() = default;  // empty: every Line() is nullopt

  // The table also shipped as forms/poverty_lines.json.
  static PovertyLines BuiltIn();
  // Errors: Code::kParse for malformed JSON, Code::kInvalidArgument for a wrong key or value (the
  // message and where() name the key).
  static Result<PovertyLines> FromJson(const std::string& json_text);
  // Code::kIo when the file cannot be read; otherwise as FromJson, with the path as context.
  static Result<PovertyLines> LoadFile(const std::string& path);

  // The line in force in `year` for a province (2-digit code, the first two digits of
  // county_code; "" = national; a longer code such as a whole county code is cut to its first two
  // digits): the entry with the greatest year <= `year`, from the province's table when it has
  // one covering that year, else the national table. nullopt when nothing covers the year.
  std::optional<double> Line(int year, const std::string& province_code = {}) const;

  const std::map<int, double>& national() const { return national_; }
  const std::map<std::string, Province>& provinces() const { return provinces_; }
  const std::string& note() const { return note_; }

  // The JSON format above (keys sorted, 2-space indent); FromJson(ToJson()) == *this.
  std::string ToJson() const;

  bool operator==(const PovertyLines&) const = default;

 private:
  std::map<int, double> national_;
  std::map<std::string, Province> provinces_;
  std::string note_;
};

}  // namespace doorstep::registry
