// Signatures: the delta stroke codec and the canonical encoding behind the content digest.
// Rendering lives in signature_svg.cpp.

#include "doorstep/core/signature.h"

#include "doorstep/core/bytes.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <string_view>

namespace doorstep {
namespace {

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kUint32Max = std::numeric_limits<uint32_t>::max();

// The delta from `*current` towards `target`, saturated to the int32 range; `*current` advances by
// the emitted delta. Exact whenever the delta fits, which it does for any real pen input.
int32_t SaturatedDelta(int64_t target, int64_t* current) {
  const int64_t delta = std::clamp(target - *current, kInt32Min, kInt32Max);
  *current += delta;
  return static_cast<int32_t>(delta);
}

// --- Canonical encoding -------------------------------------------------------------------------

// Kind bytes of canonical encoding version 1. Frozen: they are part of every stored content digest.
enum CanonicalKind : uint8_t {
  kCanonicalText = 1,
  kCanonicalInteger = 2,
  kCanonicalDecimal = 3,
  kCanonicalDate = 4,
  kCanonicalSelectOne = 5,
  kCanonicalSelectMultiple = 6,
  kCanonicalGeoPoint = 7,
  kCanonicalAttachment = 9,
  kCanonicalInstance = 10,
  kCanonicalFlag = 11,
};

constexpr char kDigestPrefix[] = "doorstep-sig-v1";
constexpr uint64_t kCanonicalNaN = 0x7ff8000000000000;
constexpr size_t kDigestAttachmentHashSize = 32;

using bytes::AppendVarint;

void AppendBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void AppendText(std::string* out, std::string_view text) {
  AppendVarint(out, text.size());
  out->append(text);
}

void AppendDecimal(std::string* out, double d) {
  uint64_t bits;
  if (d != d) {
    bits = kCanonicalNaN;  // every NaN, whatever its sign and payload
  } else if (d == 0.0) {
    bits = 0;  // -0 as 0
  } else {
    bits = std::bit_cast<uint64_t>(d);
  }
  AppendBigEndian(out, bits, 8);
}

void AppendKind(std::string* out, const std::string& path, CanonicalKind kind) {
  AppendText(out, path);
  out->push_back(static_cast<char>(kind));
}

bool CoversValue(const v1::Value* value) {
  return value != nullptr && value->kind_case() != v1::Value::KIND_NOT_SET &&
         value->kind_case() != v1::Value::kSignature;
}

using Field = std::pair<std::string, const v1::Value*>;

// Orders fields that share a path (a caller bug, but the digest must still not depend on the
// input order) by their canonical encoding.
void SortSamePathRuns(std::vector<Field>* fields) {
  auto run_begin = fields->begin();
  while (run_begin != fields->end()) {
    auto run_end = std::find_if(run_begin + 1, fields->end(),
                                [&](const Field& f) { return f.first != run_begin->first; });
    if (run_end - run_begin > 1) {
      std::vector<Field> encoded;
      for (auto it = run_begin; it != run_end; ++it) {
        std::string bytes;
        AppendCanonical(&bytes, it->first, *it->second);
        encoded.emplace_back(std::move(bytes), it->second);
      }
      std::sort(encoded.begin(), encoded.end(),
                [](const Field& a, const Field& b) { return a.first < b.first; });
      for (size_t i = 0; i < encoded.size(); ++i) (run_begin + i)->second = encoded[i].second;
    }
    run_begin = run_end;
  }
}

}  // namespace

// --- Stroke codec -------------------------------------------------------------------------------

v1::Stroke EncodeStroke(const std::vector<StrokePoint>& points) {
  v1::Stroke stroke;
  if (points.empty()) return stroke;
  const int n = static_cast<int>(points.size());
  const bool has_pressure = std::any_of(
      points.begin(), points.end(), [](const StrokePoint& p) { return p.pressure.has_value(); });
  auto* dx = stroke.mutable_dx();
  auto* dy = stroke.mutable_dy();
  auto* dt = stroke.mutable_dt();
  dx->Reserve(n);
  dy->Reserve(n);
  dt->Reserve(n);
  if (has_pressure) stroke.mutable_pressure()->Reserve(n);

  // The first delta is taken from the origin, so the first point is stored absolute. Times start
  // from 0 and stay within [0, 2^32) because every step moves towards an in-range target.
  int64_t x = 0, y = 0, t = 0;
  for (const StrokePoint& p : points) {
    dx->AddAlreadyReserved(SaturatedDelta(p.x, &x));
    dy->AddAlreadyReserved(SaturatedDelta(p.y, &y));
    dt->AddAlreadyReserved(SaturatedDelta(p.t_ms, &t));
    if (has_pressure) stroke.mutable_pressure()->AddAlreadyReserved(p.pressure.value_or(0));
  }
  return stroke;
}

Result<std::vector<StrokePoint>> DecodeStroke(const v1::Stroke& stroke) {
  const int n = stroke.dx_size();
  if (stroke.dy_size() != n) {
    return Status(Code::kCorruption,
                  "stroke has " + std::to_string(stroke.dy_size()) + " y deltas for " +
                      std::to_string(n) + " x deltas",
                  "dy");
  }
  if (stroke.dt_size() != n) {
    return Status(Code::kCorruption,
                  "stroke has " + std::to_string(stroke.dt_size()) + " time deltas for " +
                      std::to_string(n) + " x deltas",
                  "dt");
  }
  const bool has_pressure = stroke.pressure_size() > 0;
  if (has_pressure && stroke.pressure_size() != n) {
    return Status(Code::kCorruption,
                  "stroke has " + std::to_string(stroke.pressure_size()) + " pressure values for " +
                      std::to_string(n) + " x deltas",
                  "pressure");
  }

  std::vector<StrokePoint> points(static_cast<size_t>(n));
  int64_t x = 0, y = 0, t = 0;
  for (int i = 0; i < n; ++i) {
    x += stroke.dx(i);
    y += stroke.dy(i);
    t += stroke.dt(i);
    const char* bad = nullptr;
    if (x < kInt32Min || x > kInt32Max) {
      bad = "dx";
    } else if (y < kInt32Min || y > kInt32Max) {
      bad = "dy";
    } else if (t < 0 || t > kUint32Max) {
      bad = "dt";
    }
    if (bad != nullptr) {
      return Status(Code::kCorruption, "point " + std::to_string(i) + " leaves the 32-bit range",
                    bad);
    }
    StrokePoint& p = points[static_cast<size_t>(i)];
    p.x = static_cast<int32_t>(x);
    p.y = static_cast<int32_t>(y);
    p.t_ms = static_cast<uint32_t>(t);
    if (has_pressure) {
      const uint32_t pressure = stroke.pressure(i);
      if (pressure > std::numeric_limits<uint16_t>::max()) {
        return Status(Code::kCorruption,
                      "pressure of point " + std::to_string(i) + " is out of range", "pressure");
      }
      p.pressure = static_cast<uint16_t>(pressure);
    }
  }
  return points;
}

Result<StrokeList> DecodeStrokes(const v1::Signature& signature) {
  StrokeList strokes;
  strokes.reserve(static_cast<size_t>(signature.strokes_size()));
  for (int i = 0; i < signature.strokes_size(); ++i) {
    auto points = DecodeStroke(signature.strokes(i));
    if (!points.ok()) {
      Status status = points.status();
      return status.WithContext("strokes[" + std::to_string(i) + "]");
    }
    strokes.push_back(std::move(points).value());
  }
  return strokes;
}

size_t PointCount(const v1::Signature& signature) {
  size_t count = 0;
  for (const v1::Stroke& stroke : signature.strokes())
    count += static_cast<size_t>(stroke.dx_size());
  return count;
}

// --- Canonical encoding and content digest ------------------------------------------------------

void AppendCanonical(std::string* out, const std::string& path, const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kText:
      AppendKind(out, path, kCanonicalText);
      AppendText(out, value.text());
      return;
    case v1::Value::kInteger:
      AppendKind(out, path, kCanonicalInteger);
      AppendBigEndian(out, static_cast<uint64_t>(value.integer()), 8);
      return;
    case v1::Value::kDecimal:
      AppendKind(out, path, kCanonicalDecimal);
      AppendDecimal(out, value.decimal());
      return;
    case v1::Value::kDate:
      AppendKind(out, path, kCanonicalDate);
      AppendBigEndian(out, static_cast<uint32_t>(value.date()), 4);
      return;
    case v1::Value::kSelectOne:
      AppendKind(out, path, kCanonicalSelectOne);
      AppendText(out, value.select_one());
      return;
    case v1::Value::kSelectMultiple: {
      AppendKind(out, path, kCanonicalSelectMultiple);
      const auto& values = value.select_multiple().values();
      AppendVarint(out, static_cast<uint64_t>(values.size()));
      for (const std::string& v : values) AppendText(out, v);
      return;
    }
    case v1::Value::kGeopoint: {
      AppendKind(out, path, kCanonicalGeoPoint);
      const v1::GeoPoint& g = value.geopoint();
      AppendDecimal(out, g.latitude());
      AppendDecimal(out, g.longitude());
      AppendDecimal(out, g.altitude());
      AppendDecimal(out, g.accuracy_m());
      return;
    }
    case v1::Value::kAttachment: {
      AppendKind(out, path, kCanonicalAttachment);
      const std::string& hash = value.attachment().sha256();
      // Always 32 bytes so the encoding stays parseable even for a malformed hash.
      const size_t copied = std::min(hash.size(), kDigestAttachmentHashSize);
      out->append(hash, 0, copied);
      out->append(kDigestAttachmentHashSize - copied, '\0');
      AppendText(out, value.attachment().media_type());
      return;
    }
    case v1::Value::kInstance:
      AppendKind(out, path, kCanonicalInstance);
      return;
    case v1::Value::kFlag:
      AppendKind(out, path, kCanonicalFlag);
      out->push_back(value.flag() ? '\1' : '\0');
      return;
    case v1::Value::kSignature:
    case v1::Value::KIND_NOT_SET:
      return;
  }
}

Digest ContentDigest(std::vector<std::pair<std::string, const v1::Value*>> fields) {
  // Values that encode to nothing are dropped first so they cannot take part in tie-breaking.
  fields.erase(std::remove_if(fields.begin(), fields.end(),
                              [](const Field& f) { return !CoversValue(f.second); }),
               fields.end());
  // std::string compares as unsigned char: bytewise order.
  std::sort(fields.begin(), fields.end(),
            [](const Field& a, const Field& b) { return a.first < b.first; });
  for (size_t i = 1; i < fields.size(); ++i) {
    if (fields[i - 1].first == fields[i].first) {
      SortSamePathRuns(&fields);
      break;
    }
  }

  // One buffer, flushed into the hash when it grows past a few KiB: a household's ~80 fields
  // cost a single allocation.
  constexpr size_t kFlushAt = 4096;
  std::string buffer;
  buffer.reserve(kFlushAt + 256);
  buffer.append(kDigestPrefix, sizeof(kDigestPrefix) - 1);
  Sha256 sha;
  for (const Field& field : fields) {
    AppendCanonical(&buffer, field.first, *field.second);
    if (buffer.size() >= kFlushAt) {
      sha.Update(buffer);
      buffer.clear();
    }
  }
  sha.Update(buffer);
  return sha.Final();
}

}  // namespace doorstep
