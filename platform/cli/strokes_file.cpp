#include "strokes_file.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cli.h"
#include "json_input.h"
#include "output.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

[[noreturn]] void Bad(const std::string& file, const std::string& where, const std::string& what) {
  Fail("strokes file '" + file + "': " + (where.empty() ? what : where + ": " + what));
}

// An integer-valued number within [lo, hi].
int64_t IntegerAt(const std::string& file, const json& obj, const char* key,
                  const std::string& where, int64_t lo, int64_t hi) {
  auto it = obj.find(key);
  if (it == obj.end()) Bad(file, where, std::string("missing key '") + key + "'");
  double d = 0;
  if (it->is_number_integer()) {
    d = static_cast<double>(it->get<int64_t>());
  } else if (it->is_number_unsigned()) {
    d = static_cast<double>(it->get<uint64_t>());
  } else if (it->is_number_float()) {
    d = std::round(it->get<double>());
  } else {
    Bad(file, where, std::string("'") + key + "' must be a number");
  }
  if (!std::isfinite(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
    Bad(file, where,
        std::string("'") + key + "' out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return static_cast<int64_t>(d);
}

StrokeList ParseStrokes(const std::string& file, const json& strokes) {
  constexpr int64_t kMaxCoord = std::numeric_limits<int32_t>::max();
  constexpr int64_t kMaxTime = std::numeric_limits<uint32_t>::max();
  if (!strokes.is_array()) Bad(file, "strokes", "must be an array of strokes");
  if (strokes.empty()) Bad(file, "strokes", "no strokes: the signature is empty");
  StrokeList out;
  for (size_t i = 0; i < strokes.size(); ++i) {
    const std::string sw = "strokes[" + std::to_string(i) + "]";
    const json& stroke = strokes[i];
    if (!stroke.is_array()) Bad(file, sw, "must be an array of points");
    if (stroke.empty()) Bad(file, sw, "a stroke has no points");
    std::vector<StrokePoint> points;
    for (size_t k = 0; k < stroke.size(); ++k) {
      const std::string pw = sw + "[" + std::to_string(k) + "]";
      const json& p = stroke[k];
      if (!p.is_object()) Bad(file, pw, "must be an object {\"x\", \"y\", \"t\"}");
      StrokePoint pt;
      pt.x = static_cast<int32_t>(IntegerAt(file, p, "x", pw, -kMaxCoord, kMaxCoord));
      pt.y = static_cast<int32_t>(IntegerAt(file, p, "y", pw, -kMaxCoord, kMaxCoord));
      pt.t_ms = static_cast<uint32_t>(IntegerAt(file, p, "t", pw, 0, kMaxTime));
      if (p.contains("p") && !p["p"].is_null()) {
        pt.pressure = static_cast<uint16_t>(IntegerAt(file, p, "p", pw, 0, 1000));
      }
      points.push_back(pt);
    }
    out.push_back(std::move(points));
  }
  return out;
}

std::string OptionalString(const std::string& file, const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) Bad(file, key, "must be a string");
  return it->get<std::string>();
}

}  // namespace

StrokesFile ReadStrokesFile(const std::string& file) {
  return ParseStrokesText(ReadFileOrFail(file, "strokes file", kMaxStrokesFileBytes), file);
}

StrokesFile ParseStrokesText(const std::string& text, const std::string& file) {
  const json doc = ParseJsonOrFail(text, "strokes file", file);
  StrokesFile out;
  if (doc.is_array()) {
    out.strokes = ParseStrokes(file, doc);
  } else if (doc.is_object()) {
    if (!doc.contains("strokes")) Bad(file, "", "missing key 'strokes'");
    out.role = OptionalString(file, doc, "role");
    out.signer = OptionalString(file, doc, "signer");
    if (doc.contains("canvas_w") || doc.contains("canvas_h")) {
      out.canvas_width = static_cast<uint32_t>(IntegerAt(file, doc, "canvas_w", "", 1, 100000));
      out.canvas_height = static_cast<uint32_t>(IntegerAt(file, doc, "canvas_h", "", 1, 100000));
    }
    out.strokes = ParseStrokes(file, doc["strokes"]);
  } else {
    Bad(file, "", "expected an object with \"strokes\" or an array of strokes");
  }
  if (out.canvas_width == 0) {
    int32_t max_x = 0;
    int32_t max_y = 0;
    for (const auto& s : out.strokes) {
      for (const auto& p : s) {
        max_x = std::max(max_x, p.x);
        max_y = std::max(max_y, p.y);
      }
    }
    out.canvas_width = static_cast<uint32_t>(max_x) + 1;
    out.canvas_height = static_cast<uint32_t>(max_y) + 1;
  }
  return out;
}

}  // namespace doorstep::cli
