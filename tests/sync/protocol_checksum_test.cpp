// Scope checksums: the canonical line, order independence, sensitivity to every part of a field.
//
// What goes in is the caller's job (checksum.h): live synced fields only, calculated fields left
// out, metadata included. The last test shows why leaving calculated fields out matters: the
// builder hashes whatever it is given.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "doorstep/core/values.h"
#include "doorstep/sync/checksum.h"

namespace doorstep::sync {
namespace {

RecordId Id(uint8_t fill) {
  RecordId id;
  id.bytes.fill(fill);
  return id;
}

using values::Int;
using values::Text;

using Field = std::tuple<RecordId, std::string, v1::Value>;

Digest DigestOf(const std::vector<Field>& fields) {
  ChecksumBuilder b;
  for (const auto& [id, path, value] : fields) b.Add(id, path, value);
  return b.Finish();
}

std::vector<Field> SampleFields() {
  v1::Value sig;
  auto* s = sig.mutable_signature();
  s->set_role("head");
  s->set_signer_name("王秀英");
  auto* stroke = s->add_strokes();
  for (int i = 0; i < 50; ++i) {
    stroke->add_dx(i % 3);
    stroke->add_dy(-(i % 5));
    stroke->add_dt(8 + i % 4);
  }
  v1::Value multi;
  multi.mutable_select_multiple()->add_values("lack_capital");
  multi.mutable_select_multiple()->add_values("lack_skills");
  v1::Value geo;
  geo.mutable_geopoint()->set_latitude(26.31);
  geo.mutable_geopoint()->set_longitude(107.85);
  v1::Value flag;
  flag.set_flag(true);
  v1::Value member;
  member.mutable_instance()->set_ordinal(1);
  return {
      {Id(1), "@form", Text("household@2024.1")},
      {Id(1), "@state", Text("finalized")},
      {Id(1), "village", Text("坪新冲村")},
      {Id(1), "head_name", Text("王秀英")},
      {Id(1), "other_causes", multi},
      {Id(1), "gps", geo},
      {Id(1), "sig_head", sig},
      {Id(1), "members[3f2a0c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b]", member},
      {Id(1), "members[3f2a0c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b]/m_migrant_months", Int(3)},
      {Id(2), "@form", Text("household@2024.1")},
      {Id(2), "@deleted", flag},
      {Id(2), "village", Text("坪新冲村")},
  };
}

}  // namespace

TEST_CASE("the canonical line is id, length-prefixed path, length-prefixed value",
          "[sync][protocol]") {
  RecordId id;
  for (size_t i = 0; i < 16; ++i) id.bytes[i] = static_cast<uint8_t>(i * 17);
  v1::Value v = Text("坪新冲村");
  std::string value_bytes = v.SerializeAsString();
  std::string line = ChecksumLine(id, "village", v);
  std::string expected(id.AsBytes());
  expected += static_cast<char>(7);
  expected += "village";
  expected += static_cast<char>(value_bytes.size());
  expected += value_bytes;
  CHECK(line == expected);

  // Lengths over 127 take a two-byte varint.
  std::string long_path(200, 'p');
  std::string long_line = ChecksumLine(id, long_path, v);
  CHECK(long_line.substr(16, 2) == std::string("\xc8\x01", 2));
  CHECK(long_line.substr(18, 200) == long_path);
  CHECK(long_line.substr(218) ==
        std::string(1, static_cast<char>(value_bytes.size())) + value_bytes);
}

TEST_CASE("an empty scope hashes to SHA-256 of nothing", "[sync][protocol]") {
  ChecksumBuilder b;
  CHECK(b.fields() == 0);
  CHECK(ToHex(b.Finish()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("the checksum is SHA-256 of the sorted lines", "[sync][protocol]") {
  auto fields = SampleFields();
  std::vector<std::string> lines;
  for (const auto& [id, path, value] : fields) lines.push_back(ChecksumLine(id, path, value));
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const auto& l : lines) all += l;
  CHECK(DigestOf(fields) == Sha256Of(all));
}

TEST_CASE("the order fields are added in does not matter", "[sync][protocol]") {
  auto fields = SampleFields();
  Digest reference = DigestOf(fields);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(fields.begin(), fields.end(), rng);
    CHECK(DigestOf(fields) == reference);
  }
  ChecksumBuilder b;
  for (const auto& [id, path, value] : fields) b.Add(id, path, value);
  CHECK(b.fields() == fields.size());
  Digest first = b.Finish();
  CHECK(first == reference);
  CHECK(b.Finish() == reference);  // Finish may be asked again
  CHECK(b.fields() == fields.size());
}

TEST_CASE("any change of record, path or value changes the checksum", "[sync][protocol]") {
  const auto fields = SampleFields();
  const Digest reference = DigestOf(fields);
  for (size_t i = 0; i < fields.size(); ++i) {
    INFO("field " << i << " " << std::get<1>(fields[i]));
    auto other_record = fields;
    std::get<0>(other_record[i]).bytes[15] ^= 0x01;
    CHECK(DigestOf(other_record) != reference);

    auto other_path = fields;
    std::get<1>(other_path[i]) += "x";
    CHECK(DigestOf(other_path) != reference);

    auto other_value = fields;
    v1::Value& v = std::get<2>(other_value[i]);
    if (v.has_signature()) {
      v.mutable_signature()->mutable_strokes(0)->set_dx(3, 99);
    } else if (v.kind_case() == v1::Value::kText) {
      v.set_text(v.text() + " ");
    } else {
      v.set_text("");  // another kind, even empty, is another value
    }
    CHECK(DigestOf(other_value) != reference);

    auto missing = fields;
    missing.erase(missing.begin() + static_cast<std::ptrdiff_t>(i));
    CHECK(DigestOf(missing) != reference);
  }
}

TEST_CASE("length prefixes keep path and value apart", "[sync][protocol]") {
  // "ab" + value "c" and "a" + value "bc" must not collide, nor two fields merge into one.
  CHECK(ChecksumLine(Id(1), "ab", Text("c")) != ChecksumLine(Id(1), "a", Text("bc")));
  CHECK(DigestOf({{Id(1), "a", Text("x")}, {Id(1), "b", Text("y")}}) !=
        DigestOf({{Id(1), "a", Text("y")}, {Id(1), "b", Text("x")}}));
}

TEST_CASE("value bytes are deterministic and kind-sensitive", "[sync][protocol]") {
  // Integer 0 and an unset value differ (a set oneof member is always serialized).
  v1::Value zero = Int(0);
  v1::Value empty;
  CHECK(ChecksumLine(Id(1), "n", zero) != ChecksumLine(Id(1), "n", empty));
  // A copy, a parsed copy and the original give the same line.
  v1::Value sig = std::get<2>(SampleFields()[6]);
  v1::Value parsed;
  REQUIRE(parsed.ParseFromString(sig.SerializeAsString()));
  CHECK(ChecksumLine(Id(1), "s", sig) == ChecksumLine(Id(1), "s", parsed));
}

TEST_CASE("calculated fields must be left out by the caller", "[sync][protocol]") {
  // The builder hashes whatever it is given: a device that fed in a calculated field
  // ("net_income") would disagree with a server that never stores it.
  auto fields = SampleFields();
  auto with_calculated = fields;
  with_calculated.emplace_back(Id(1), "net_income", Int(12000));
  CHECK(DigestOf(with_calculated) != DigestOf(fields));
}

TEST_CASE("a builder told records come in id order hashes each record as it ends, same digest",
          "[sync][protocol]") {
  // SampleFields lists record 1 then record 2, fields of a record in no sorted order.
  const auto fields = SampleFields();
  ChecksumBuilder streaming(true);
  for (const auto& [id, path, value] : fields) streaming.Add(id, path, value);
  CHECK(streaming.in_order());
  CHECK(streaming.fields() == fields.size());
  CHECK(streaming.Finish() == DigestOf(fields));
  CHECK(streaming.Finish() == DigestOf(fields));  // again: the same

  // Record 2 before record 1: the promise is broken, and the builder says so.
  ChecksumBuilder broken(true);
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    broken.Add(std::get<0>(*it), std::get<1>(*it), std::get<2>(*it));
  }
  CHECK_FALSE(broken.in_order());
  CHECK(broken.Finish() != DigestOf(fields));
}

}  // namespace doorstep::sync
