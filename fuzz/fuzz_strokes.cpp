// A strokes file as `doorstep sign ... --strokes FILE` reads it (JSON; platform/cli/strokes_file.h).
// A bad file fails with app::Failure naming the key or byte; anything else escaping is a finding.
// When it parses, each stroke is delta-encoded as `sign` stores it and decoded back: that always
// succeeds with the same number of points, and is exact when every step fits an int32 delta.
#include <cstdlib>

#include "doorstep/app/command_line.h"
#include "doorstep/core/signature.h"
#include "fuzz_common.h"
#include "strokes_file.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (4u << 20)) return 0;
  try {
    const cli::StrokesFile file =
        cli::ParseStrokesText(std::string(fuzz::AsText(data, size)), "fuzz.json");
    for (const auto& points : file.strokes) {
      auto back = DecodeStroke(EncodeStroke(points));
      if (!back.ok() || back->size() != points.size()) fuzz::Broken("a stroke does not decode");
      bool small = points.front().t_ms < (1u << 31);
      for (size_t i = 1; i < points.size(); ++i) {
        auto step = [](int64_t a, int64_t b) { return std::llabs(a - b) < (1LL << 31); };
        small = small && step(points[i].x, points[i - 1].x) && step(points[i].y, points[i - 1].y) &&
                step(points[i].t_ms, points[i - 1].t_ms);
      }
      for (size_t i = 0; small && i < points.size(); ++i) {
        if ((*back)[i].x != points[i].x || (*back)[i].y != points[i].y ||
            (*back)[i].t_ms != points[i].t_ms) {
          fuzz::Broken("a stroke of small steps does not decode exactly");
        }
      }
    }
  } catch (const app::Failure&) {
  }
  return 0;
}
