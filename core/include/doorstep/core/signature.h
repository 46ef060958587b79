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
//   Details, frozen with the version:
//   - varint is unsigned LEB128 (the protobuf varint); lengths count bytes (UTF-8), not characters.
//   - Kind bytes: text 1, integer 2, decimal 3, date 4, select_one 5, select_multiple 6,
//     geopoint 7, attachment 9, instance 10, flag 11 (8 is never used: signatures are not
//     covered). They are our own numbers; they match today's proto tags but never follow them.
//   - select_multiple values are encoded in the given order, not re-sorted: the store keeps them
//     sorted and unique, so the given order is the canonical one.
//   - attachment: only sha256 and media_type are covered (not size or file name); a malformed
//     sha256 that is not 32 bytes long is zero-padded or truncated to 32 so the encoding stays
//     parseable. instance: only the existence of the member is covered, not its display ordinal.
//   - AppendCanonical encodes whatever value it is given (an empty text is an empty text);
//     leaving empty fields out is the caller's job. A value with no kind set, a signature value
//     and a null pointer contribute nothing at all (not even the path).
//   - ContentDigest orders entries that share a path (a caller bug) by their encoding, so the
//     digest never depends on the input order.
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
// without pressure in a stroke that has some get 0). Exact for every real pen input; should a
// step not fit an int32 delta (a jump of 2^31 pixels or more, or a first time of 2^31 ms or
// more), that delta saturates and the following deltas catch up, so the result always decodes.
v1::Stroke EncodeStroke(const std::vector<StrokePoint>& points);

// Decodes a delta-encoded stroke. Fails (Code::kCorruption, where = the array at fault: "dy", "dt"
// or "pressure" when it is not as long as dx; "dx", "dy" or "dt" when a coordinate leaves the
// int32 range or a time the uint32 range; "pressure" when a pressure does not fit 16 bits).
Result<std::vector<StrokePoint>> DecodeStroke(const v1::Stroke& stroke);

// Decodes every stroke of a signature; errors are prefixed with the stroke ("strokes[2]: dt").
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
// Without a canvas size (0), the canvas is the bounding box of the points plus a margin, points
// shifted so the viewBox still starts at "0 0". A caption adds a band under the canvas (the
// viewBox height grows by it). A single-point stroke is a dot; with pressure, a stroke's width
// follows its average pressure (0.5x at 0 to 1.5x at 1000). Strokes that do not decode are left
// out; text that is not valid UTF-8 or not XML-safe is replaced with U+FFFD.
std::string RenderSvg(const v1::Signature& signature, const SvgOptions& options = {});

}  // namespace doorstep
