// Sample generator, signatures: handwriting-like strokes and the three required signatures of a
// household (head, surveyor, team leader), all valid and signed on the visit day.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sample_internal.h"

namespace doorstep::registry {
namespace {

using sample_internal::Rng;
using sample_internal::UniformInt;
using sample_internal::UniformInt32;
using sample_internal::UniformReal;

constexpr int kCanvasW = 600;
constexpr int kCanvasH = 300;

// Stroke lengths: at least two points each, the rest spread unevenly (a signature has long and
// short strokes).
std::vector<size_t> StrokeLengths(Rng& rng, size_t points) {
  const size_t max_strokes = std::min<size_t>(5, points / 2);
  const size_t n = max_strokes >= 2
                       ? static_cast<size_t>(UniformInt(rng, 2, static_cast<int64_t>(max_strokes)))
                       : 1;
  std::vector<size_t> lengths(n, n == 1 ? points : 2);
  if (n == 1) return lengths;
  const size_t rest = points - 2 * n;
  std::vector<int> weights(n);
  int total = 0;
  for (int& w : weights) total += (w = UniformInt32(rng, 1, 10));
  size_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t share = rest * static_cast<size_t>(weights[i]) / static_cast<size_t>(total);
    lengths[i] += share;
    given += share;
  }
  for (; given < rest; ++given) {
    lengths[static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(n) - 1))] += 1;
  }
  return lengths;
}

}  // namespace

std::vector<std::vector<Point>> HandwritingStrokes(Rng& rng, size_t points) {
  std::vector<std::vector<Point>> strokes;
  if (points == 0) return strokes;
  const std::vector<size_t> lengths = StrokeLengths(rng, points);
  const double cell = 520.0 / static_cast<double>(lengths.size());
  int32_t t = 0;
  for (size_t s = 0; s < lengths.size(); ++s) {
    // Each stroke writes roughly one character cell, left to right, with a wandering pen.
    const double lo = 40 + cell * static_cast<double>(s);
    double x = lo + UniformReal(rng, 0, cell * 0.3);
    double y = UniformReal(rng, 90, 210);
    double dx = UniformReal(rng, -1, 1), dy = UniformReal(rng, -1, 1);
    const double speed = UniformReal(rng, 2.0, 3.6);
    std::vector<Point> stroke;
    stroke.reserve(lengths[s]);
    for (size_t k = 0; k < lengths[s]; ++k) {
      stroke.push_back(
          {static_cast<int32_t>(std::lround(x)), static_cast<int32_t>(std::lround(y)), t});
      t += UniformInt32(rng, 6, 18);
      dx += UniformReal(rng, -0.35, 0.35);
      dy += UniformReal(rng, -0.35, 0.35);
      const double norm = std::sqrt(dx * dx + dy * dy);  // sqrt is exact in IEEE: portable
      if (norm < 1e-6) {
        dx = 1;
        dy = 0;
      } else {
        dx /= norm;
        dy /= norm;
      }
      // Stay near the cell and inside the canvas: turn back at the edges.
      if (x + dx * speed < lo - 20 || x + dx * speed > lo + cell + 20) dx = -dx;
      if (y + dy * speed < 40 || y + dy * speed > kCanvasH - 40) dy = -dy;
      x = std::clamp(x + dx * speed, 0.0, kCanvasW - 1.0);
      y = std::clamp(y + dy * speed, 0.0, kCanvasH - 1.0);
    }
    strokes.push_back(std::move(stroke));
    t += UniformInt32(rng, 120, 450);  // pen lifted between strokes
  }
  return strokes;
}

namespace sample_internal {

void SignHousehold(Rng& rng, const SampleOptions& options, Household* h) {
  // Signed during the visit, 08:00-15:30 Beijing time (UTC+8), a few minutes apart.
  int64_t at = int64_t{h->visit_day} * 86400000 + int64_t{UniformInt32(rng, 0, 27000)} * 1000;
  const Member& head = h->members.front();
  std::string proxy;
  // An elderly head who cannot write has a family member sign for them.
  if (head.education == "illiterate" && head.age >= 70 && Chance(rng, 0.5)) {
    for (size_t i = 1; i < h->members.size(); ++i) {
      const Member& m = h->members[i];
      if (m.Active() && m.age >= 18) {
        proxy = m.name;
        break;
      }
    }
  }
  // The 脱贫责任人 (the household's assisting cadre) signs every household still in the registry
  // (seeds/000: 形成贫困户和脱贫责任人签字的入户调查记录).
  const std::string responsible = h->status == kStatusRemoved ? std::string() : h->cadre_name;
  const std::pair<const char*, std::string> roles[] = {{"household_head", h->head_name},
                                                       {"responsible_cadre", responsible},
                                                       {"surveyor", h->surveyors.front()},
                                                       {"team_leader", h->team_leader}};
  for (const auto& [role, signer] : roles) {
    if (signer.empty()) continue;
    Signature s;
    s.role = role;
    s.signer = signer;
    if (s.role == "household_head") s.proxy_signer = proxy;
    s.signed_at_ms = at;
    s.canvas_w = kCanvasW;
    s.canvas_h = kCanvasH;
    s.strokes = HandwritingStrokes(rng, options.signature_points);
    s.state = SignatureState::kValid;
    h->signatures.push_back(std::move(s));
    at += int64_t{UniformInt32(rng, 30, 600)} * 1000;
  }
}

}  // namespace sample_internal
}  // namespace doorstep::registry
