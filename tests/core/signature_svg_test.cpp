// Signatures rendered as SVG: structure, sizing, pressure, captions and escaping.

#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/signature.h"

namespace doorstep {
namespace {

StrokePoint Pt(int32_t x, int32_t y, uint32_t t, std::optional<uint16_t> pressure = std::nullopt) {
  StrokePoint p;
  p.x = x;
  p.y = y;
  p.t_ms = t;
  p.pressure = pressure;
  return p;
}

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// A small well-formedness check, enough for what RenderSvg emits: elements nest and close,
// attribute values are quoted, text has no raw '<' and only the five predefined entities, one root
// element.
std::string WellFormedError(std::string_view xml) {
  std::vector<std::string> open;
  int roots = 0;
  const auto check_entities = [](std::string_view text) -> bool {
    for (size_t amp = text.find('&'); amp != std::string_view::npos;
         amp = text.find('&', amp + 1)) {
      const std::string_view rest = text.substr(amp);
      bool ok = false;
      for (std::string_view entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
        ok = ok || rest.substr(0, entity.size()) == entity;
      }
      if (!ok) return false;
    }
    return true;
  };
  size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      const size_t next = std::min(xml.find('<', i), xml.size());
      const std::string_view text = xml.substr(i, next - i);
      if (open.empty() && text.find_first_not_of(" \n") != std::string_view::npos) {
        return "text outside the root element";
      }
      if (!check_entities(text)) return "bad entity in text";
      i = next;
      continue;
    }
    // Find the end of the tag, skipping quoted attribute values.
    size_t j = i + 1;
    char quote = 0;
    for (; j < xml.size(); ++j) {
      if (quote != 0) {
        if (xml[j] == quote) quote = 0;
        if (xml[j] == '<') return "'<' in an attribute value";
      } else if (xml[j] == '"' || xml[j] == '\'') {
        quote = xml[j];
      } else if (xml[j] == '>') {
        break;
      }
    }
    if (j == xml.size()) return "unterminated tag";
    std::string_view tag = xml.substr(i + 1, j - i - 1);
    if (!check_entities(tag)) return "bad entity in a tag";
    if (tag.front() == '/') {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) return "mismatched </" + name + ">";
      open.pop_back();
    } else {
      const bool self_closing = tag.back() == '/';
      const std::string name(tag.substr(0, tag.find_first_of(" \n/")));
      if (name.empty()) return "empty tag name";
      if (open.empty()) ++roots;
      if (!self_closing) open.push_back(name);
      // Every attribute is name="value".
      std::string_view attrs = tag.substr(name.size());
      if (self_closing) attrs.remove_suffix(1);
      size_t k = 0;
      while (k < attrs.size()) {
        if (attrs[k] == ' ' || attrs[k] == '\n') {
          ++k;
          continue;
        }
        const size_t eq = attrs.find('=', k);
        if (eq == std::string_view::npos || eq + 1 >= attrs.size() || attrs[eq + 1] != '"') {
          return "unquoted attribute in <" + name + ">";
        }
        const size_t close = attrs.find('"', eq + 2);
        if (close == std::string_view::npos) return "unterminated attribute";
        k = close + 1;
      }
    }
    i = j + 1;
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (roots != 1) return "expected one root element";
  return "";
}

std::vector<StrokePoint> Wave(int32_t x0, int32_t y0, int n, bool with_pressure = false) {
  std::vector<StrokePoint> points;
  for (int i = 0; i < n; ++i) {
    std::optional<uint16_t> pressure;
    if (with_pressure) pressure = static_cast<uint16_t>(200 + 10 * i);
    points.push_back(
        Pt(x0 + 7 * i, y0 + ((i % 4) - 2) * 5, static_cast<uint32_t>(8 * i), pressure));
  }
  return points;
}

v1::Signature SampleSignature() {
  v1::Signature sig;
  sig.set_role("户主");
  sig.set_signer_name("王秀英");
  sig.set_canvas_width(800);
  sig.set_canvas_height(300);
  *sig.add_strokes() = EncodeStroke(Wave(100, 150, 40));
  *sig.add_strokes() = EncodeStroke(Wave(400, 120, 25, true));
  *sig.add_strokes() = EncodeStroke({Pt(600, 200, 900)});  // a dot
  *sig.add_strokes() = EncodeStroke(Wave(650, 100, 2));
  return sig;
}

TEST_CASE("RenderSvg draws a standalone document", "[core][signature]") {
  const std::string svg = RenderSvg(SampleSignature());
  INFO(svg);
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(std::string_view(svg).substr(svg.size() - 6) == "</svg>");
  CHECK(WellFormedError(svg).empty());
  CHECK(Count(svg, "xmlns=\"http://www.w3.org/2000/svg\"") == 1);
  CHECK(Count(svg, "width=\"800\"") == 1);
  CHECK(Count(svg, "viewBox=\"0 0 800 ") == 1);  // the height includes the caption band
  CHECK(Count(svg, "<path ") == 3);              // one per multi-point stroke
  CHECK(Count(svg, "<circle ") == 1);            // the single-point stroke
  CHECK(Count(svg, "stroke-linecap=\"round\"") == 1);
  CHECK(Count(svg, " Q") == 38 + 23);  // quadratic segments between midpoints
  CHECK(Count(svg, "d=\"M100 140 Q107 145 110.5 147.5") == 1);
  CHECK(Count(svg, "d=\"M650 90 L657 95\"") == 1);  // two points: a line
  CHECK(Count(svg, "stroke=\"#1a1a1a\"") == 1);
}

TEST_CASE("RenderSvg uses the canvas size, or the bounding box without one", "[core][signature]") {
  SvgOptions no_caption;
  no_caption.include_caption = false;
  v1::Signature sig = SampleSignature();
  CHECK(Count(RenderSvg(sig, no_caption), "viewBox=\"0 0 800 300\"") == 1);

  sig.set_canvas_width(0);
  sig.set_canvas_height(0);
  const std::string svg = RenderSvg(sig, no_caption);
  INFO(svg);
  CHECK(WellFormedError(svg).empty());
  // Points span x 100..657 and y 90..200; margin 8 on every side.
  CHECK(Count(svg, "viewBox=\"0 0 573 126\"") == 1);
  CHECK(Count(svg, "width=\"573\" height=\"126\"") == 1);
  CHECK(Count(svg, "d=\"M8 58 ") == 1);  // (100, 140) shifted by (-92, -82)

  SECTION("negative coordinates are shifted into view") {
    v1::Signature negative;
    *negative.add_strokes() = EncodeStroke({Pt(-50, -20, 0), Pt(-10, 30, 8)});
    const std::string shifted = RenderSvg(negative, no_caption);
    CHECK(Count(shifted, "viewBox=\"0 0 56 66\"") == 1);
    CHECK(Count(shifted, "d=\"M8 8 L48 58\"") == 1);
  }
}

TEST_CASE("RenderSvg varies the stroke width with pressure", "[core][signature]") {
  SvgOptions options;
  options.include_caption = false;
  options.stroke_width = 4;
  v1::Signature sig;
  *sig.add_strokes() = EncodeStroke({Pt(0, 0, 0, 1000), Pt(10, 0, 8, 1000)});
  *sig.add_strokes() = EncodeStroke({Pt(0, 9, 0, 0), Pt(10, 9, 8, 0)});
  *sig.add_strokes() = EncodeStroke({Pt(0, 19, 0), Pt(10, 19, 8)});
  const std::string svg = RenderSvg(sig, options);
  INFO(svg);
  CHECK(Count(svg, "<g fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"4\"") == 1);
  CHECK(Count(svg, "stroke-width=\"6\"") == 1);  // full pressure: 1.5x
  CHECK(Count(svg, "stroke-width=\"2\"") == 1);  // no pressure at all: 0.5x
  CHECK(Count(svg, "stroke-width=") == 3);       // the stroke without pressure inherits
}

TEST_CASE("RenderSvg ignores unusable stroke widths", "[core][signature]") {
  v1::Signature sig;
  *sig.add_strokes() = EncodeStroke({Pt(0, 0, 0), Pt(10, 0, 8)});
  for (double width : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(), 1e300}) {
    SvgOptions options;
    options.stroke_width = width;
    const std::string svg = RenderSvg(sig, options);
    INFO(svg);
    CHECK(WellFormedError(svg).empty());
    if (!(width > 0)) CHECK(Count(svg, "stroke-width=\"2.5\"") == 1);  // the default
    // The width is a number, however large (1e300 once printed an uninitialised buffer).
    const std::string attr = "stroke-width=\"";
    const size_t at = svg.find(attr);
    REQUIRE(at != std::string::npos);
    const size_t end = svg.find('"', at + attr.size());
    REQUIRE(end != std::string::npos);
    const std::string value = svg.substr(at + attr.size(), end - at - attr.size());
    CHECK_FALSE(value.empty());
    CHECK(value.find_first_not_of("0123456789.") == std::string::npos);
  }
}

TEST_CASE("RenderSvg captions the signer, with the proxy signer", "[core][signature]") {
  v1::Signature sig = SampleSignature();
  SECTION("signer") {
    const std::string svg = RenderSvg(sig);
    CHECK(Count(svg, "<text ") == 1);
    CHECK(Count(svg, ">户主 · 王秀英</text>") == 1);
    CHECK(Count(svg, "代签") == 0);
  }
  SECTION("proxy signer") {
    sig.set_proxy_signer_name("李明");
    const std::string svg = RenderSvg(sig);
    CHECK(WellFormedError(svg).empty());
    CHECK(Count(svg, ">户主 · 王秀英 · 代签: 李明</text>") == 1);
  }
  SECTION("no caption when asked for none or when there is nothing to say") {
    SvgOptions options;
    options.include_caption = false;
    CHECK(Count(RenderSvg(sig, options), "<text") == 0);
    CHECK(Count(RenderSvg(sig, options), "viewBox=\"0 0 800 300\"") == 1);
    v1::Signature anonymous = sig;
    anonymous.clear_role();
    anonymous.clear_signer_name();
    CHECK(Count(RenderSvg(anonymous), "<text") == 0);
  }
}

TEST_CASE("RenderSvg escapes hostile text", "[core][signature]") {
  v1::Signature sig = SampleSignature();
  sig.set_signer_name("<script>&\"'");
  sig.set_role("a</text><svg onload=\"x\">");
  sig.set_proxy_signer_name(std::string("bad\x01utf8\xff\xc3(", 11));
  SvgOptions options;
  options.color = "red\" onclick=\"x";
  const std::string svg = RenderSvg(sig, options);
  INFO(svg);
  CHECK(WellFormedError(svg).empty());
  CHECK(Count(svg, "<script") == 0);
  CHECK(Count(svg, "&lt;script&gt;&amp;&quot;&apos;") == 1);
  CHECK(Count(svg, "a&lt;/text&gt;&lt;svg onload=&quot;x&quot;&gt;") == 1);
  CHECK(Count(svg, "<svg") == 1);
  CHECK(Count(svg, "onclick=\"") == 0);
  // Control characters and invalid UTF-8 become U+FFFD.
  CHECK(Count(svg, "bad\xef\xbf\xbdutf8\xef\xbf\xbd\xef\xbf\xbd(") == 1);
}

TEST_CASE("RenderSvg of an empty signature is an empty but valid SVG", "[core][signature]") {
  const std::string empty = RenderSvg(v1::Signature());
  INFO(empty);
  CHECK(empty.rfind("<svg ", 0) == 0);
  CHECK(std::string_view(empty).substr(empty.size() - 6) == "</svg>");
  CHECK(WellFormedError(empty).empty());
  CHECK(Count(empty, "viewBox=\"0 0 16 16\"") == 1);
  CHECK(Count(empty, "<path") == 0);
  CHECK(Count(empty, "<text") == 0);

  v1::Signature blank = SampleSignature();
  blank.clear_strokes();
  const std::string with_canvas = RenderSvg(blank);
  CHECK(WellFormedError(with_canvas).empty());
  CHECK(Count(with_canvas, "<path") == 0);
  CHECK(Count(with_canvas, "<text ") == 1);
}

TEST_CASE("RenderSvg leaves out strokes that do not decode", "[core][signature]") {
  v1::Signature sig = SampleSignature();
  sig.mutable_strokes(0)->mutable_dy()->RemoveLast();
  const std::string svg = RenderSvg(sig);
  CHECK(WellFormedError(svg).empty());
  CHECK(Count(svg, "<path ") == 2);
}

TEST_CASE("RenderSvg output stays well-formed for random signatures", "[core][signature]") {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int32_t> coordinate(-2000, 2000);
  std::uniform_int_distribution<int> count(0, 30);
  for (int round = 0; round < 50; ++round) {
    v1::Signature sig;
    const int strokes = count(rng) % 5;
    for (int s = 0; s < strokes; ++s) {
      std::vector<StrokePoint> points;
      const int n = count(rng);
      for (int i = 0; i < n; ++i) {
        points.push_back(Pt(coordinate(rng), coordinate(rng), static_cast<uint32_t>(8 * i)));
      }
      *sig.add_strokes() = EncodeStroke(points);
    }
    if (round % 2 == 0) sig.set_signer_name("张三");
    const std::string svg = RenderSvg(sig);
    INFO(svg);
    REQUIRE(WellFormedError(svg).empty());
  }
}

}  // namespace
}  // namespace doorstep
