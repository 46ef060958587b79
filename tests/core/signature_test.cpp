// The delta stroke codec: round trips, corruption, the 32-bit edges and the size on the wire.

#include "doorstep/core/signature.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace doorstep {
namespace {

constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr uint32_t kUint32Max = std::numeric_limits<uint32_t>::max();

// --- Helpers
// --------------------------------------------------------------------------------------

StrokePoint Pt(int32_t x, int32_t y, uint32_t t, std::optional<uint16_t> pressure = std::nullopt) {
  StrokePoint p;
  p.x = x;
  p.y = y;
  p.t_ms = t;
  p.pressure = pressure;
  return p;
}

std::string Describe(const StrokePoint& p) {
  std::string s =
      "(" + std::to_string(p.x) + ", " + std::to_string(p.y) + ", t=" + std::to_string(p.t_ms);
  if (p.pressure) s += ", p=" + std::to_string(*p.pressure);
  return s + ")";
}

bool SamePoint(const StrokePoint& a, const StrokePoint& b) {
  return a.x == b.x && a.y == b.y && a.t_ms == b.t_ms && a.pressure == b.pressure;
}

// The points a decoder must return: points without pressure in a stroke that has some get 0.
std::vector<StrokePoint> Normalized(std::vector<StrokePoint> points) {
  const bool any = std::any_of(points.begin(), points.end(),
                               [](const StrokePoint& p) { return p.pressure.has_value(); });
  if (any) {
    for (StrokePoint& p : points) p.pressure = p.pressure.value_or(0);
  }
  return points;
}

// A pen writing cursive across an 800 x 300 canvas, sampled every ~8 ms.
std::vector<StrokePoint> RealisticStroke(std::mt19937* rng, size_t n, bool with_pressure,
                                         double phase = 0) {
  std::uniform_int_distribution<int> jitter(-1, 1);
  std::uniform_int_distribution<int> interval(7, 9);
  std::vector<StrokePoint> points;
  uint32_t t = 0;
  for (size_t i = 0; i < n; ++i) {
    const double s = static_cast<double>(i) + phase;
    const double x = 90 + 2.2 * static_cast<double>(i) + 24 * std::sin(s * 0.35);
    const double y = 150 + 45 * std::sin(s * 0.21) * std::cos(s * 0.05);
    std::optional<uint16_t> pressure;
    if (with_pressure) pressure = static_cast<uint16_t>(450 + 250 * std::sin(s * 0.02));
    points.push_back(Pt(static_cast<int32_t>(std::lround(x)) + jitter(*rng),
                        static_cast<int32_t>(std::lround(y)) + jitter(*rng), t, pressure));
    t += static_cast<uint32_t>(interval(*rng));
  }
  return points;
}

// Random strokes, including negative coordinates and jumps across most of the int32 range (every
// delta still fits in an int32, so the encoding is exact).
std::vector<StrokePoint> RandomStroke(std::mt19937* rng) {
  std::uniform_int_distribution<int> length_dist(0, 300);
  std::uniform_int_distribution<int> mode_dist(0, 3);
  std::uniform_int_distribution<int32_t> small(-40, 40);
  std::uniform_int_distribution<int32_t> huge(-1'000'000'000, 1'000'000'000);
  std::uniform_int_distribution<uint32_t> t_start(0, 2'000'000'000);
  std::uniform_int_distribution<int64_t> t_step(-50, 2'000'000);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> pressure_dist(0, 1000);

  const size_t n = static_cast<size_t>(length_dist(*rng));
  const int coordinate_mode = mode_dist(*rng);  // 0 small walk, 1 huge jumps, 2/3 mixed
  const int pressure_mode = mode_dist(*rng);    // 0/1 none, 2 all, 3 some
  int64_t x = huge(*rng), y = huge(*rng);
  int64_t t = t_start(*rng);
  std::vector<StrokePoint> points;
  for (size_t i = 0; i < n; ++i) {
    const bool jump = coordinate_mode == 1 || (coordinate_mode >= 2 && percent(*rng) < 10);
    x = jump ? huge(*rng) : std::clamp<int64_t>(x + small(*rng), -1'000'000'000, 1'000'000'000);
    y = jump ? huge(*rng) : std::clamp<int64_t>(y + small(*rng), -1'000'000'000, 1'000'000'000);
    t = std::clamp<int64_t>(t + t_step(*rng), 0, kUint32Max);
    std::optional<uint16_t> pressure;
    if (pressure_mode == 2 || (pressure_mode == 3 && percent(*rng) < 50)) {
      pressure = static_cast<uint16_t>(pressure_dist(*rng));
    }
    points.push_back(
        Pt(static_cast<int32_t>(x), static_cast<int32_t>(y), static_cast<uint32_t>(t), pressure));
  }
  return points;
}

void AddRaw(v1::Stroke* stroke, int32_t dx, int32_t dy, int32_t dt) {
  stroke->add_dx(dx);
  stroke->add_dy(dy);
  stroke->add_dt(dt);
}

void RequireSameStroke(const std::vector<StrokePoint>& actual,
                       const std::vector<StrokePoint>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    if (!SamePoint(actual[i], expected[i])) {
      FAIL("point " << i << ": got " << Describe(actual[i]) << ", want " << Describe(expected[i]));
    }
  }
}

// --- Stroke codec
// ---------------------------------------------------------------------------------

TEST_CASE("EncodeStroke stores the first point absolute, then deltas", "[core][signature]") {
  const v1::Stroke s = EncodeStroke({Pt(10, -5, 0), Pt(12, -9, 8), Pt(11, -9, 15)});
  CHECK(std::vector<int32_t>(s.dx().begin(), s.dx().end()) == std::vector<int32_t>{10, 2, -1});
  CHECK(std::vector<int32_t>(s.dy().begin(), s.dy().end()) == std::vector<int32_t>{-5, -4, 0});
  CHECK(std::vector<int32_t>(s.dt().begin(), s.dt().end()) == std::vector<int32_t>{0, 8, 7});
  CHECK(s.pressure_size() == 0);

  SECTION("pressure is all or none") {
    const v1::Stroke p = EncodeStroke({Pt(0, 0, 0), Pt(1, 1, 5, 700), Pt(2, 2, 9)});
    CHECK(std::vector<uint32_t>(p.pressure().begin(), p.pressure().end()) ==
          std::vector<uint32_t>{0, 700, 0});
  }
  SECTION("an empty stroke encodes to nothing and decodes to nothing") {
    const v1::Stroke empty = EncodeStroke({});
    CHECK(empty.ByteSizeLong() == 0);
    auto decoded = DecodeStroke(empty);
    REQUIRE(decoded.ok());
    CHECK(decoded->empty());
  }
}

TEST_CASE("Stroke codec round-trips random strokes", "[core][signature]") {
  std::mt19937 rng(20261123);
  for (int round = 0; round < 400; ++round) {
    INFO("round " << round);
    const std::vector<StrokePoint> points = RandomStroke(&rng);
    const v1::Stroke encoded = EncodeStroke(points);
    // Through the wire format too, not just the in-memory message.
    v1::Stroke parsed;
    REQUIRE(parsed.ParseFromString(encoded.SerializeAsString()));
    auto decoded = DecodeStroke(parsed);
    REQUIRE(decoded.ok());
    RequireSameStroke(*decoded, Normalized(points));
  }
}

TEST_CASE("Stroke codec at the edges of the 32-bit range", "[core][signature]") {
  SECTION("extremes reachable by int32 deltas are exact") {
    const std::vector<StrokePoint> points = {
        Pt(kInt32Min, kInt32Max, 0), Pt(-1, 0, 2'000'000'000), Pt(0, -1, 4'000'000'000),
        Pt(kInt32Max, kInt32Min, kUint32Max), Pt(0, -1, kUint32Max - 5)};
    auto decoded = DecodeStroke(EncodeStroke(points));
    REQUIRE(decoded.ok());
    RequireSameStroke(*decoded, points);
  }
  SECTION("jumps too large for a delta saturate and catch up, and always decode") {
    const std::vector<StrokePoint> points = {Pt(kInt32Min, 0, kUint32Max), Pt(kInt32Max, 5, 0),
                                             Pt(kInt32Max, 6, 1), Pt(100, 7, 2)};
    auto decoded = DecodeStroke(EncodeStroke(points));
    REQUIRE(decoded.ok());
    REQUIRE(decoded->size() == 4);
    CHECK((*decoded)[0].x == kInt32Min);
    CHECK((*decoded)[0].t_ms == static_cast<uint32_t>(kInt32Max));  // t0 saturates
    CHECK((*decoded)[1].x == -1);                                   // as far as one delta goes
    CHECK((*decoded)[1].t_ms == 0);                                 // caught up
    CHECK((*decoded)[2].x == kInt32Max - 1);                        // still catching up
    RequireSameStroke({(*decoded)[3]}, {points[3]});                // caught up
  }
}

TEST_CASE("DecodeStroke rejects corrupt strokes", "[core][signature]") {
  v1::Stroke s = EncodeStroke({Pt(1, 2, 0, 10), Pt(3, 4, 8, 20), Pt(5, 6, 16, 30)});
  REQUIRE(DecodeStroke(s).ok());
  const auto expect_corruption = [](const v1::Stroke& stroke, const std::string& where) {
    auto decoded = DecodeStroke(stroke);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().code() == Code::kCorruption);
    CHECK(decoded.status().where() == where);
  };

  SECTION("length mismatches name the array") {
    v1::Stroke bad = s;
    bad.mutable_dy()->RemoveLast();
    expect_corruption(bad, "dy");
    bad = s;
    bad.add_dt(3);
    expect_corruption(bad, "dt");
    bad = s;
    bad.mutable_pressure()->RemoveLast();
    expect_corruption(bad, "pressure");
    bad = s;
    bad.mutable_dx()->RemoveLast();  // dx is the reference: dy is now the odd one out
    expect_corruption(bad, "dy");
  }
  SECTION("coordinates and times leaving the 32-bit range") {
    v1::Stroke bad;
    AddRaw(&bad, kInt32Max, 0, 0);
    AddRaw(&bad, 1, 0, 0);
    expect_corruption(bad, "dx");

    bad.Clear();
    AddRaw(&bad, 0, kInt32Min, 0);
    AddRaw(&bad, 0, -1, 0);
    expect_corruption(bad, "dy");

    bad.Clear();
    AddRaw(&bad, 0, 0, -1);
    expect_corruption(bad, "dt");  // negative first time

    bad.Clear();
    AddRaw(&bad, 0, 0, 5);
    AddRaw(&bad, 0, 0, -6);
    expect_corruption(bad, "dt");  // time going below 0

    bad.Clear();
    AddRaw(&bad, 0, 0, kInt32Max);
    AddRaw(&bad, 0, 0, kInt32Max);
    AddRaw(&bad, 0, 0, 1);
    auto last_valid = DecodeStroke(bad);
    REQUIRE(last_valid.ok());
    CHECK(last_valid->back().t_ms == kUint32Max);  // 2^32 - 1 is the last valid time
    AddRaw(&bad, 0, 0, 1);
    expect_corruption(bad, "dt");
  }
  SECTION("pressure that does not fit 16 bits") {
    v1::Stroke bad = s;
    bad.set_pressure(1, 70000);
    expect_corruption(bad, "pressure");
  }
  SECTION("DecodeStrokes names the stroke") {
    v1::Signature sig;
    *sig.add_strokes() = s;
    *sig.add_strokes() = s;
    sig.mutable_strokes(1)->mutable_dt()->RemoveLast();
    auto decoded = DecodeStrokes(sig);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().code() == Code::kCorruption);
    CHECK(decoded.status().where() == "strokes[1]: dt");
  }
}

TEST_CASE("DecodeStrokes and PointCount cover every stroke", "[core][signature]") {
  std::mt19937 rng(7);
  v1::Signature sig;
  StrokeList strokes = {
      RealisticStroke(&rng, 40, false), {Pt(5, 5, 900)}, RealisticStroke(&rng, 12, true)};
  for (const auto& stroke : strokes) *sig.add_strokes() = EncodeStroke(stroke);
  CHECK(PointCount(sig) == 53);
  auto decoded = DecodeStrokes(sig);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 3);
  for (size_t i = 0; i < strokes.size(); ++i) RequireSameStroke((*decoded)[i], strokes[i]);
  CHECK(PointCount(v1::Signature()) == 0);
}

TEST_CASE("A realistic stroke costs well under 4 bytes a point", "[core][signature]") {
  std::mt19937 rng(42);
  const std::vector<StrokePoint> points = RealisticStroke(&rng, 275, false);
  const double per_point =
      static_cast<double>(EncodeStroke(points).ByteSizeLong()) / static_cast<double>(points.size());
  INFO("bytes per point, no pressure: " << per_point);
  CHECK(per_point <= 4.5);
  CHECK(per_point < 3.5);

  // A whole signature: 3 strokes of 275 points with the signer's details.
  v1::Signature sig;
  sig.set_role("户主");
  sig.set_signer_name("张三");
  sig.set_canvas_width(800);
  sig.set_canvas_height(300);
  for (int i = 0; i < 3; ++i)
    *sig.add_strokes() = EncodeStroke(RealisticStroke(&rng, 275, false, i * 50.0));
  const double sig_per_point =
      static_cast<double>(sig.ByteSizeLong()) / static_cast<double>(PointCount(sig));
  INFO("bytes per point, 3 x 275-point signature: " << sig_per_point);
  CHECK(sig_per_point <= 4.5);

  // Pressure is stored absolute (a varint of 0..1000 costs 1-2 bytes a point).
  const double pressure_per_point =
      static_cast<double>(EncodeStroke(RealisticStroke(&rng, 275, true)).ByteSizeLong()) / 275.0;
  INFO("bytes per point, with pressure: " << pressure_per_point);
  CHECK(pressure_per_point <= 6.0);
}

}  // namespace
}  // namespace doorstep
