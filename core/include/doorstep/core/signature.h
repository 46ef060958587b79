// Handwritten signatures: vector strokes bound to the content they sign.
//
// A signature is a list of strokes, each a list of points (x, y in canvas pixels, t in ms since
// the first point of the signature, optional pressure 0..1000), with the signer's role, name and,
// when the signer cannot write, the name of the proxy signer. On the tablet and over the wire the
// strokes are delta-encoded (see v1::Stroke): ~3 bytes a point instead of ~24 bytes of JSON.
//
// Binding: when a signature is captured, the store computes the SHA-256 of the canonical encoding
// (below) of every field the signature covers and keeps it in the signature. Later, the same digest
// computed over the record's current values tells whether the signature is still valid; any edit
// of a covered field makes it stale until the signer signs again.
//
// Canonical encoding (version 1), the input of the content digest:
//   "doorstep-sig-v1" then, for each covered (path, value) in ascending bytewise order of path:
//   varint(len(path)) path, one kind byte, then the kind's payload:
//     text / select_one: varint(len) bytes          integer: 8 bytes big-endian two's complement
//     decimal: 8 bytes big-endian IEEE-754 (-0 as 0, every NaN as 0x7ff8000000000000)
//     date: 4 bytes big-endian                      select_multiple: varint(n), then each as text
//     geopoint: 4 decimals (lat, lon, alt, accuracy) attachment: 32-byte sha256, media type as text
//     instance (a repeat member exists): no payload  flag: one byte 0/1
//   Signature values are never covered. An empty field is simply absent.
//
// Thread rules: pure functions, callable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/core/sha256.h"
#include "doorstep/core/status.h"
#include "doorstep/value.pb.h"

namespace doorstep {

struct StrokePoint {
  int32_t x = 0;
  int32_t y = 0;
  uint32_t t_ms = 0;
  std::optional<uint16_t> pressure;  // 0..1000
};

using StrokeList = std::vector<std::vector<StrokePoint>>;

// Delta-encodes one stroke. Points of one stroke either all have pressure or none do (points
// without pressure in a stroke that has some get 0).
v1::Stroke EncodeStroke(const std::vector<StrokePoint>& points);

// Decodes a delta-encoded stroke. Fails (Code::kCorruption, where = "dx"/"dy"/"pressure") when the
// arrays have different lengths, or a coordinate or time leaves the 32-bit range.
Result<std::vector<StrokePoint>> DecodeStroke(const v1::Stroke& stroke);

// Decodes every stroke of a signature.
Result<StrokeList> DecodeStrokes(const v1::Signature& signature);

// Total number of points of a signature.
size_t PointCount(const v1::Signature& signature);

// Appends the canonical encoding of one (path, value) pair; signature values append nothing.
void AppendCanonical(std::string* out, const std::string& path, const v1::Value& value);

// The content digest of covered fields. `fields` need not be sorted; it is sorted here.
Digest ContentDigest(std::vector<std::pair<std::string, const v1::Value*>> fields);

struct SvgOptions {
  double stroke_width = 2.5;
  std::string color = "#1a1a1a";
  bool include_caption = true;  // role, signer and proxy signer under the strokes
};

// Renders a signature as a standalone SVG document (viewBox = canvas size; strokes as smoothed
// paths; caption text XML-escaped). Pure, no I/O.
std::string RenderSvg(const v1::Signature& signature, const SvgOptions& options = {});

}  // namespace doorstep
