// Signatures rendered as standalone SVG documents (archive copies, print-outs, review screens).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <system_error>

#include "doorstep/core/signature.h"

namespace doorstep {
namespace {

constexpr double kDefaultStrokeWidth = 2.5;
constexpr int64_t kFontSize = 16;
constexpr int64_t kCaptionBand = 28;      // height added under the canvas for the caption
constexpr int64_t kCaptionBaseline = 20;  // baseline of the caption below the canvas
constexpr int64_t kCaptionInset = 8;
constexpr double kMaxPressure = 1000.0;

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, result.ptr);
}

// Appends v2 / 2, for coordinates kept doubled so that midpoints stay integral: "3", "-1.5".
void AppendHalf(std::string* out, int64_t v2) {
  if (v2 < 0) out->push_back('-');
  const uint64_t magnitude = v2 < 0 ? 0 - static_cast<uint64_t>(v2) : static_cast<uint64_t>(v2);
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof(buf), magnitude / 2);
  out->append(buf, result.ptr);
  if (magnitude % 2 != 0) out->append(".5");
}

// Appends v with at most two decimals, trailing zeros dropped: "2.5", "3", "0.63".
void AppendNumber(std::string* out, double v) {
  // Room for any finite double in fixed notation (DBL_MAX has 309 digits): a shorter buffer made
  // to_chars fail and the whole uninitialised buffer was appended (a width of 1e300, say).
  char buf[320];
  const auto result = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, 2);
  if (result.ec != std::errc()) {
    out->push_back('0');  // not finite: callers pass finite numbers
    return;
  }
  std::string_view s(buf, static_cast<size_t>(result.ptr - buf));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  out->append(s);
}

// Length of the valid UTF-8 sequence at s[i] (1..4) or 0 when the bytes there are not valid UTF-8
// (overlong forms, surrogates, code points above U+10FFFF) or not an XML 1.0 character.
size_t ValidXmlUtf8Length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    const bool allowed = b0 >= 0x20 || b0 == '\t' || b0 == '\n' || b0 == '\r';
    return allowed ? 1 : 0;
  }
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min_cp = 0;
  if ((b0 & 0xe0) == 0xc0) {
    length = 2;
    cp = b0 & 0x1fu;
    min_cp = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    length = 3;
    cp = b0 & 0x0fu;
    min_cp = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    length = 4;
    cp = b0 & 0x07u;
    min_cp = 0x10000;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3fu);
  }
  if (cp < min_cp || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  if (cp == 0xfffe || cp == 0xffff) return 0;
  return length;
}

// The predefined entity for one of XML's five special characters, else nullptr.
const char* Entity(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&apos;";
    default:
      return nullptr;
  }
}

// Appends text as XML character data / attribute content: the five special characters escaped,
// UTF-8 (Chinese names) passed through, anything that would make the document ill-formed
// (control characters, invalid UTF-8) replaced with U+FFFD.
void AppendXmlEscaped(std::string* out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (const char* entity = Entity(text[i])) {
      out->append(entity);
      ++i;
      continue;
    }
    const size_t length = ValidXmlUtf8Length(text, i);
    if (length == 0) {
      out->append("\xef\xbf\xbd");
      ++i;
    } else {
      out->append(text.substr(i, length));
      i += length;
    }
  }
}

// A rough width of the caption in pixels (wide glyphs for CJK), used only to size a canvas that
// has no size of its own.
int64_t EstimateTextWidth(std::string_view text) {
  double width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t b = static_cast<uint8_t>(text[i]);
    if (b < 0x80) {
      width += 0.6 * kFontSize;
    } else if ((b & 0xc0) != 0x80) {
      width += 1.0 * kFontSize;  // first byte of a multi-byte character
    }
  }
  return static_cast<int64_t>(std::ceil(width));
}

std::string Caption(const v1::Signature& signature) {
  std::string caption;
  const auto add = [&](std::string_view part) {
    if (part.empty()) return;
    if (!caption.empty()) caption.append(" \xc2\xb7 ");  // " · "
    caption.append(part);
  };
  add(signature.role());
  add(signature.signer_name());
  if (!signature.proxy_signer_name().empty()) {
    add("\xe4\xbb\xa3\xe7\xad\xbe: " + signature.proxy_signer_name());  // "代签: "
  }
  return caption;
}

// Appends the path of one stroke with at least two points: quadratic curves through the midpoints
// of consecutive points, each controlled by the point between them, which smooths the polyline
// without overshooting it. Coordinates are doubled so midpoints stay exact.
void AppendStrokePath(std::string* out, const std::vector<StrokePoint>& points, int64_t off_x,
                      int64_t off_y) {
  const auto x2 = [&](size_t i) { return 2 * (int64_t{points[i].x} + off_x); };
  const auto y2 = [&](size_t i) { return 2 * (int64_t{points[i].y} + off_y); };
  const auto point = [&](int64_t px2, int64_t py2) {
    AppendHalf(out, px2);
    out->push_back(' ');
    AppendHalf(out, py2);
  };
  out->append("d=\"M");
  point(x2(0), y2(0));
  const size_t n = points.size();
  for (size_t i = 1; i + 1 < n; ++i) {
    out->append(" Q");
    point(x2(i), y2(i));
    out->push_back(' ');
    point((x2(i) + x2(i + 1)) / 2, (y2(i) + y2(i + 1)) / 2);
  }
  out->append(" L");
  point(x2(n - 1), y2(n - 1));
  out->push_back('"');
}

// Stroke width scaled by the stroke's average pressure: half the width at no pressure, 1.5x at
// full pressure. nullopt when the stroke has no pressure.
std::optional<double> PressureWidth(const std::vector<StrokePoint>& points, double base) {
  if (points.empty() || !points.front().pressure.has_value()) return std::nullopt;
  double sum = 0;
  for (const StrokePoint& p : points) {
    sum += std::min<double>(p.pressure.value_or(0), kMaxPressure);
  }
  const double average = sum / static_cast<double>(points.size());
  return base * (0.5 + average / kMaxPressure);
}

// Where the strokes are drawn: the canvas size and the shift applied to every point.
struct Canvas {
  int64_t width = 0;
  int64_t height = 0;  // without the caption band
  int64_t off_x = 0;
  int64_t off_y = 0;
};

// The capture canvas when known, else the bounding box of the points plus a margin (points
// shifted so the viewBox still starts at 0 0), widened for the caption.
Canvas LayOut(const v1::Signature& signature, const StrokeList& strokes, double stroke_width,
              const std::string& caption) {
  Canvas c;
  c.width = signature.canvas_width();
  c.height = signature.canvas_height();
  if (c.width != 0 && c.height != 0) return c;
  const double pen = std::min(stroke_width, 1000.0);  // an absurd width must not overflow
  const int64_t margin = std::max<int64_t>(8, static_cast<int64_t>(std::ceil(2 * pen)));
  int64_t min_x = std::numeric_limits<int64_t>::max(), min_y = min_x;
  int64_t max_x = std::numeric_limits<int64_t>::min(), max_y = max_x;
  for (const auto& stroke : strokes) {
    for (const StrokePoint& p : stroke) {
      min_x = std::min<int64_t>(min_x, p.x);
      max_x = std::max<int64_t>(max_x, p.x);
      min_y = std::min<int64_t>(min_y, p.y);
      max_y = std::max<int64_t>(max_y, p.y);
    }
  }
  if (strokes.empty()) min_x = max_x = min_y = max_y = 0;
  c.width = max_x - min_x + 2 * margin;
  c.height = max_y - min_y + 2 * margin;
  c.off_x = margin - min_x;
  c.off_y = margin - min_y;
  if (!caption.empty()) {
    c.width = std::max(c.width, EstimateTextWidth(caption) + 2 * kCaptionInset);
  }
  return c;
}

// Appends one stroke: a filled circle for a single point, else a path (with its own width when
// the stroke has pressure).
void AppendStroke(std::string* out, const std::vector<StrokePoint>& stroke, const Canvas& canvas,
                  double stroke_width, const std::string& color) {
  const std::optional<double> pressure_width = PressureWidth(stroke, stroke_width);
  const double w = pressure_width.value_or(stroke_width);
  if (stroke.size() == 1) {
    // A dot: a filled circle as wide as the pen.
    out->append("<circle cx=\"");
    AppendInt(out, int64_t{stroke[0].x} + canvas.off_x);
    out->append("\" cy=\"");
    AppendInt(out, int64_t{stroke[0].y} + canvas.off_y);
    out->append("\" r=\"");
    AppendNumber(out, std::max(w / 2, 0.5));
    out->append("\" fill=\"");
    AppendXmlEscaped(out, color);
    out->append("\" stroke=\"none\"/>\n");
    return;
  }
  out->append("<path ");
  AppendStrokePath(out, stroke, canvas.off_x, canvas.off_y);
  if (pressure_width.has_value()) {
    out->append(" stroke-width=\"");
    AppendNumber(out, w);
    out->push_back('"');
  }
  out->append("/>\n");
}

// Appends the group of strokes (nothing when there are none).
void AppendStrokes(std::string* out, const StrokeList& strokes, const Canvas& canvas,
                   double stroke_width, const std::string& color) {
  if (strokes.empty()) return;
  out->append("<g fill=\"none\" stroke=\"");
  AppendXmlEscaped(out, color);
  out->append("\" stroke-width=\"");
  AppendNumber(out, stroke_width);
  out->append("\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n");
  for (const auto& stroke : strokes) AppendStroke(out, stroke, canvas, stroke_width, color);
  out->append("</g>\n");
}

// Appends the caption under a canvas `height` high.
void AppendCaption(std::string* out, const std::string& caption, int64_t height,
                   const std::string& color) {
  out->append("<text x=\"");
  AppendInt(out, kCaptionInset);
  out->append("\" y=\"");
  AppendInt(out, height + kCaptionBaseline);
  out->append("\" font-family=\"sans-serif\" font-size=\"");
  AppendInt(out, kFontSize);
  out->append("\" fill=\"");
  AppendXmlEscaped(out, color);
  out->append("\">");
  AppendXmlEscaped(out, caption);
  out->append("</text>\n");
}

}  // namespace

std::string RenderSvg(const v1::Signature& signature, const SvgOptions& options) {
  const double stroke_width = std::isfinite(options.stroke_width) && options.stroke_width > 0
                                  ? options.stroke_width
                                  : kDefaultStrokeWidth;
  // Rendering is best effort: a stroke that does not decode is left out.
  StrokeList strokes;
  for (const v1::Stroke& encoded : signature.strokes()) {
    auto points = DecodeStroke(encoded);
    if (points.ok() && !points->empty()) strokes.push_back(std::move(points).value());
  }
  const std::string caption = options.include_caption ? Caption(signature) : std::string();
  const Canvas canvas = LayOut(signature, strokes, stroke_width, caption);
  const int64_t total_height = caption.empty() ? canvas.height : canvas.height + kCaptionBand;

  std::string out;
  out.reserve(512 + PointCount(signature) * 24);
  out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
  AppendInt(&out, canvas.width);
  out.append("\" height=\"");
  AppendInt(&out, total_height);
  out.append("\" viewBox=\"0 0 ");
  AppendInt(&out, canvas.width);
  out.push_back(' ');
  AppendInt(&out, total_height);
  out.append("\">\n");
  AppendStrokes(&out, strokes, canvas, stroke_width, options.color);
  if (!caption.empty()) AppendCaption(&out, caption, canvas.height, options.color);
  out.append("</svg>");
  return out;
}

}  // namespace doorstep
