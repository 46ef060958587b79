// Signature strokes from a JSON file, in the shape of one entry of "signatures" in the household
// registry export (docs/registry.md; examples/signatures/*.json):
//   {"role": "household_head", "signer": "...", "canvas_w": 600, "canvas_h": 300,
//    "strokes": [[{"x": 89, "y": 181, "t": 0, "p": 500}, ...], ...]}
// or a bare array of strokes. x and y are canvas pixels, t milliseconds since the first point,
// p an optional pressure 0..1000. Without canvas_w/canvas_h the canvas is the strokes' bounding
// box (from 0,0). Other keys (e.g. "signed_at") are ignored.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/signature.h"

namespace doorstep::cli {

struct StrokesFile {
  std::string role;    // may be empty
  std::string signer;  // may be empty
  uint32_t canvas_width = 0;
  uint32_t canvas_height = 0;
  StrokeList strokes;
};

// Reads and checks `file`. Fails (CliError) naming the byte offset of a JSON syntax error or the
// location of a missing or wrong key ("strokes[2][5]: missing key 'y'"); never quotes values.
StrokesFile ReadStrokesFile(const std::string& file);
// The same for a file's text already read (the fuzz target fuzz_strokes); `file` names it in
// messages.
StrokesFile ParseStrokesText(const std::string& text, const std::string& file);

}  // namespace doorstep::cli
