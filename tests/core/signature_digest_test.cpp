// The canonical encoding of signed content and its digest. The golden digest below pins the
// format: see "ContentDigest format is stable".

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/core/signature.h"
#include "doorstep/core/values.h"

namespace doorstep {
namespace {

using values::Text;
constexpr auto Integer = [](int64_t i) { return values::Int(i); };
constexpr auto Decimal = [](double d) { return values::Dec(d); };
constexpr auto Date = [](int32_t days) { return values::Day(days); };
constexpr auto SelectOne = [](const std::string& s) { return values::One(s); };
// Not values::Many: the digest tests feed unsorted lists on purpose.
v1::Value SelectMultiple(const std::vector<std::string>& values) {
  v1::Value v;
  for (const auto& s : values) v.mutable_select_multiple()->add_values(s);
  return v;
}
v1::Value Geo(double lat, double lon, double alt, double accuracy) {
  v1::Value v;
  v.mutable_geopoint()->set_latitude(lat);
  v.mutable_geopoint()->set_longitude(lon);
  v.mutable_geopoint()->set_altitude(alt);
  v.mutable_geopoint()->set_accuracy_m(accuracy);
  return v;
}
v1::Value Attachment(const std::string& sha256, const std::string& media_type) {
  v1::Value v;
  v.mutable_attachment()->set_sha256(sha256);
  v.mutable_attachment()->set_media_type(media_type);
  v.mutable_attachment()->set_size(1234);
  v.mutable_attachment()->set_file_name("photo.jpg");
  return v;
}
v1::Value Instance(int64_t ordinal) {
  v1::Value v;
  v.mutable_instance()->set_ordinal(ordinal);
  return v;
}
v1::Value Flag(bool b) {
  v1::Value v;
  v.set_flag(b);
  return v;
}
v1::Value SignatureValue(const std::string& signer) {
  v1::Value v;
  v.mutable_signature()->set_signer_name(signer);
  StrokePoint dot;
  dot.x = 3;
  dot.y = 4;
  *v.mutable_signature()->add_strokes() = EncodeStroke({dot});
  return v;
}

using Fields = std::vector<std::pair<std::string, v1::Value>>;

Digest DigestOf(const Fields& fields) {
  std::vector<std::pair<std::string, const v1::Value*>> refs;
  refs.reserve(fields.size());
  for (const auto& [path, value] : fields) refs.emplace_back(path, &value);
  return ContentDigest(std::move(refs));
}

const std::string kMember = "members[0b6c3f5e-8f7a-4a53-9a57-3c1d2b1e4f60]";

// One field of every kind, as a household record might hold them.
Fields SampleFields() {
  return {
      {"head_name", Text("王秀英")},
      {"household_size", Integer(4)},
      {"monthly_income", Decimal(3250.5)},
      {"interview_date", Date(20415)},
      {"dwelling_type", SelectOne("apartment")},
      {"water_sources", SelectMultiple({"bottled", "piped"})},
      {"location", Geo(39.9042, 116.4074, 44.5, 8.0)},
      {"dwelling_photo", Attachment(std::string(32, '\x5a'), "image/jpeg")},
      {kMember, Instance(1)},
      {kMember + "/age", Integer(-7)},
      {"@deleted", Flag(false)},
  };
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string Canonical(const std::string& path, const v1::Value& value) {
  std::string out;
  AppendCanonical(&out, path, value);
  return out;
}

TEST_CASE("AppendCanonical writes the documented bytes", "[core][signature]") {
  CHECK(Canonical("a", Text("hi")) == Bytes({1, 'a', 1, 2, 'h', 'i'}));
  CHECK(Canonical("a", Integer(-2)) ==
        Bytes({1, 'a', 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}));
  CHECK(Canonical("a", Decimal(1.0)) == Bytes({1, 'a', 3, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0}));
  CHECK(Canonical("a", Date(-1)) == Bytes({1, 'a', 4, 0xff, 0xff, 0xff, 0xff}));
  CHECK(Canonical("a", Date(20415)) == Bytes({1, 'a', 4, 0, 0, 0x4f, 0xbf}));
  CHECK(Canonical("a", SelectOne("x")) == Bytes({1, 'a', 5, 1, 'x'}));
  CHECK(Canonical("a", SelectMultiple({"x", "yz"})) == Bytes({1, 'a', 6, 2, 1, 'x', 2, 'y', 'z'}));
  CHECK(Canonical("a", Geo(2.0, -0.0, 0.0, 0.5)) == Bytes({1, 'a', 7, 0x40}) +
                                                        std::string(7 + 8 + 8, '\0') +
                                                        Bytes({0x3f, 0xe0}) + std::string(6, '\0'));
  CHECK(Canonical("a", Attachment(std::string(32, '\x11'), "image/png")) ==
        Bytes({1, 'a', 9}) + std::string(32, '\x11') + Bytes({9}) + "image/png");
  CHECK(Canonical("a", Instance(5)) == Bytes({1, 'a', 10}));
  CHECK(Canonical("a", Flag(true)) == Bytes({1, 'a', 11, 1}));
  CHECK(Canonical("a", Flag(false)) == Bytes({1, 'a', 11, 0}));

  SECTION("lengths are varints") {
    const std::string long_path(200, 'p');
    const std::string encoded = Canonical(long_path, Text(std::string(300, 't')));
    CHECK(encoded.substr(0, 2) == Bytes({0xc8, 0x01}));
    CHECK(encoded.substr(202, 3) == Bytes({1, 0xac, 0x02}));
    CHECK(encoded.size() == 2 + 200 + 1 + 2 + 300);
  }
  SECTION("signatures and unset values append nothing") {
    std::string out = "keep";
    AppendCanonical(&out, "sig", SignatureValue("张三"));
    AppendCanonical(&out, "unset", v1::Value());
    CHECK(out == "keep");
  }
  SECTION("a malformed attachment hash still takes exactly 32 bytes") {
    CHECK(Canonical("a", Attachment("", "x")) ==
          Bytes({1, 'a', 9}) + std::string(32, '\0') + Bytes({1, 'x'}));
    CHECK(Canonical("a", Attachment(std::string(40, '\x22'), "x")) ==
          Bytes({1, 'a', 9}) + std::string(32, '\x22') + Bytes({1, 'x'}));
  }
}

TEST_CASE("ContentDigest format is stable", "[core][signature]") {
  // Format-stability test: this digest is stored in every signature ever captured. If it changes,
  // every existing signature turns stale. Never update the expected value; add a new encoding
  // version instead.
  // The expected value was cross-checked against an independent implementation of the spec.
  CHECK(ToHex(DigestOf(SampleFields())) ==
        "7c75cd4f3b3b0d3591cf5dd7526afe16160b637aba26ad6999460c7ee24c79dd");
  CHECK(ToHex(ContentDigest({})) == ToHex(Sha256Of("doorstep-sig-v1")));
}

TEST_CASE("ContentDigest does not depend on the order of the fields", "[core][signature]") {
  Fields fields = SampleFields();
  const Digest expected = DigestOf(fields);
  std::mt19937 rng(99);
  for (int i = 0; i < 50; ++i) {
    std::shuffle(fields.begin(), fields.end(), rng);
    REQUIRE(DigestOf(fields) == expected);
  }
  SECTION("even with a path given twice") {
    fields.emplace_back("household_size", Integer(5));
    const Digest twice = DigestOf(fields);
    CHECK(twice != expected);
    for (int i = 0; i < 20; ++i) {
      std::shuffle(fields.begin(), fields.end(), rng);
      REQUIRE(DigestOf(fields) == twice);
    }
  }
}

// Every way of changing one covered value.
std::vector<v1::Value> Variants(const v1::Value& v) {
  switch (v.kind_case()) {
    case v1::Value::kText:
      return {Text(v.text() + " "), Text(""), SelectOne(v.text())};
    case v1::Value::kInteger:
      return {Integer(v.integer() + 1), Integer(-v.integer()),
              Decimal(static_cast<double>(v.integer()))};
    case v1::Value::kDecimal:
      return {Decimal(std::nextafter(v.decimal(), 1e300)), Decimal(-v.decimal())};
    case v1::Value::kDate:
      return {Date(v.date() + 1), Integer(v.date())};
    case v1::Value::kSelectOne:
      return {SelectOne(v.select_one() + "x"), Text(v.select_one()),
              SelectMultiple({v.select_one()})};
    case v1::Value::kSelectMultiple:
      return {SelectMultiple({"bottled"}), SelectMultiple({"bottled", "piped", "well"}),
              SelectMultiple({"bottled", "pipes"}), SelectMultiple({})};
    case v1::Value::kGeopoint: {
      const v1::GeoPoint& g = v.geopoint();
      return {Geo(g.latitude() + 1e-9, g.longitude(), g.altitude(), g.accuracy_m()),
              Geo(g.latitude(), g.longitude() - 1e-9, g.altitude(), g.accuracy_m()),
              Geo(g.latitude(), g.longitude(), g.altitude() + 1, g.accuracy_m()),
              Geo(g.latitude(), g.longitude(), g.altitude(), g.accuracy_m() * 2)};
    }
    case v1::Value::kAttachment: {
      std::string other_hash = v.attachment().sha256();
      other_hash[31] = static_cast<char>(other_hash[31] ^ 1);
      return {Attachment(other_hash, v.attachment().media_type()),
              Attachment(v.attachment().sha256(), "image/png")};
    }
    case v1::Value::kInstance:
      return {Flag(false)};
    case v1::Value::kFlag:
      return {Flag(!v.flag()), Integer(v.flag() ? 1 : 0)};
    default:
      return {};
  }
}

TEST_CASE("ContentDigest changes with every covered value", "[core][signature]") {
  const Fields base = SampleFields();
  const Digest expected = DigestOf(base);
  for (size_t i = 0; i < base.size(); ++i) {
    INFO("field " << base[i].first);
    const std::vector<v1::Value> variants = Variants(base[i].second);
    REQUIRE_FALSE(variants.empty());
    for (const v1::Value& variant : variants) {
      Fields changed = base;
      changed[i].second = variant;
      INFO("changed to " << variant.ShortDebugString());
      CHECK(DigestOf(changed) != expected);
    }
    Fields renamed = base;
    renamed[i].first += "_";
    CHECK(DigestOf(renamed) != expected);
    Fields removed = base;
    removed.erase(removed.begin() + static_cast<std::ptrdiff_t>(i));
    CHECK(DigestOf(removed) != expected);
  }
  Fields added = base;
  added.emplace_back(kMember + "/name", Text(""));
  CHECK(DigestOf(added) != expected);
}

TEST_CASE("ContentDigest boundaries between fields are unambiguous", "[core][signature]") {
  CHECK(DigestOf({{"ab", Text("c")}}) != DigestOf({{"a", Text("bc")}}));
  // The second value holds the bytes the first pair would encode to without length prefixes.
  CHECK(DigestOf({{"a", Text("x")}, {"b", Text("y")}}) !=
        DigestOf({{"a", Text("x" + Bytes({1, 'b', 1, 1}) + "y")}}));
  CHECK(DigestOf({{"a", SelectMultiple({"x,y"})}}) !=
        DigestOf({{"a", SelectMultiple({"x", "y"})}}));
}

TEST_CASE("ContentDigest normalizes zeros and NaNs", "[core][signature]") {
  CHECK(DigestOf({{"d", Decimal(-0.0)}}) == DigestOf({{"d", Decimal(0.0)}}));
  CHECK(DigestOf({{"g", Geo(-0.0, 0.0, -0.0, 0.0)}}) ==
        DigestOf({{"g", Geo(0.0, -0.0, 0.0, -0.0)}}));
  const Digest nan = DigestOf({{"d", Decimal(std::numeric_limits<double>::quiet_NaN())}});
  for (uint64_t bits :
       {uint64_t{0x7ff8000000000000}, uint64_t{0xfff8000000000000}, uint64_t{0x7ff0000000000001},
        uint64_t{0x7fffffffffffffff}, uint64_t{0xfff0000000000abc}}) {
    const double d = std::bit_cast<double>(bits);
    REQUIRE(std::isnan(d));
    CHECK(DigestOf({{"d", Decimal(d)}}) == nan);
  }
  CHECK(DigestOf({{"d", Decimal(std::numeric_limits<double>::infinity())}}) != nan);
  CHECK(DigestOf({{"d", Decimal(std::numeric_limits<double>::infinity())}}) !=
        DigestOf({{"d", Decimal(-std::numeric_limits<double>::infinity())}}));
}

TEST_CASE("ContentDigest encodes select_multiple in the given order", "[core][signature]") {
  // The store keeps select_multiple values sorted and unique, so the given order is canonical;
  // the encoding does not re-sort, and a different order is a different value.
  CHECK(DigestOf({{"s", SelectMultiple({"a", "b"})}}) !=
        DigestOf({{"s", SelectMultiple({"b", "a"})}}));
}

TEST_CASE("ContentDigest ignores signatures, unset and null values", "[core][signature]") {
  const Fields base = SampleFields();
  const Digest expected = DigestOf(base);
  Fields with_signature = base;
  with_signature.emplace_back("head_signature", SignatureValue("王秀英"));
  CHECK(DigestOf(with_signature) == expected);
  with_signature.back().second = SignatureValue("someone else");
  CHECK(DigestOf(with_signature) == expected);

  Fields with_unset = base;
  with_unset.emplace_back("unanswered", v1::Value());
  CHECK(DigestOf(with_unset) == expected);

  std::vector<std::pair<std::string, const v1::Value*>> refs;
  for (const auto& [path, value] : base) refs.emplace_back(path, &value);
  refs.emplace_back("null", nullptr);
  CHECK(ContentDigest(refs) == expected);
}

TEST_CASE("ContentDigest covers repeat instances by existence only", "[core][signature]") {
  // A repeat member's display order is not signed content; its existence is.
  Fields reordered = SampleFields();
  for (auto& [path, value] : reordered) {
    if (value.has_instance()) value.mutable_instance()->set_ordinal(9);
  }
  CHECK(DigestOf(reordered) == DigestOf(SampleFields()));
}

}  // namespace
}  // namespace doorstep
