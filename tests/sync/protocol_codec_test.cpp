// Body encoding: round trips, limits (decompression bombs), corrupt input, encoding negotiation.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "doorstep/sync.pb.h"
#include "doorstep/sync/codec.h"

namespace doorstep::sync {
namespace {

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Text-like data that compresses well but not trivially.
std::string Compressible(size_t n, uint64_t seed) {
  static const char* const kWords[] = {"household", "members",    "village", "income",  "坪新冲村",
                                       "m_name",    "2026-11-23", "poor",    "illness", "yes"};
  std::mt19937_64 rng(seed);
  std::string s;
  while (s.size() < n) {
    s += kWords[rng() % 10];
    s += std::to_string(rng() % 1000);
    s += ' ';
  }
  s.resize(n);
  return s;
}

std::string Compressed(std::string_view data, Encoding e, int level = 3) {
  auto r = Compress(data, e, level);
  REQUIRE(r.ok());
  return std::move(r).value();
}

const Encoding kAll[] = {Encoding::kIdentity, Encoding::kZstd, Encoding::kGzip};

}  // namespace

TEST_CASE("every encoding round-trips empty, small, random and large inputs", "[sync][protocol]") {
  const std::string inputs[] = {std::string(),
                                std::string("a"),
                                std::string(1, '\0'),
                                RandomBytes(1000, 1),
                                RandomBytes(1 << 20, 2),
                                Compressible(3 << 20, 3),
                                std::string(5 << 20, 'z')};
  for (Encoding e : kAll) {
    for (const std::string& in : inputs) {
      INFO(EncodingName(e) << " input of " << in.size() << " bytes");
      std::string packed = Compressed(in, e);
      auto back = Decompress(packed, e);
      REQUIRE(back.ok());
      CHECK(*back == in);
    }
  }
}

TEST_CASE("compressed bodies carry their format's magic and shrink text", "[sync][protocol]") {
  std::string text = Compressible(100000, 4);
  std::string z = Compressed(text, Encoding::kZstd);
  std::string g = Compressed(text, Encoding::kGzip);
  REQUIRE(z.size() > 4);
  CHECK(z.substr(0, 4) == std::string("\x28\xb5\x2f\xfd", 4));
  REQUIRE(g.size() > 2);
  CHECK(g.substr(0, 2) == std::string("\x1f\x8b", 2));
  CHECK(z.size() < text.size() / 2);
  CHECK(g.size() < text.size() / 2);
  CHECK(Compressed(text, Encoding::kIdentity) == text);
}

TEST_CASE("levels change the size, never the content", "[sync][protocol]") {
  std::string text = Compressible(200000, 5);
  for (int level : {-5, 0, 1, 3, 9, 19, 100}) {
    for (Encoding e : {Encoding::kZstd, Encoding::kGzip}) {
      INFO(EncodingName(e) << " level " << level);
      auto back = Decompress(Compressed(text, e, level), e);
      REQUIRE(back.ok());
      CHECK(*back == text);
    }
  }
  // Compression is deterministic (batch sizing relies on it).
  CHECK(Compressed(text, Encoding::kZstd) == Compressed(text, Encoding::kZstd));
  CHECK(Compressed(text, Encoding::kGzip) == Compressed(text, Encoding::kGzip));
}

TEST_CASE("a decompression bomb stops at the output limit", "[sync][protocol]") {
  const std::string zeros(100u << 20, '\0');  // 100 MiB
  for (Encoding e : {Encoding::kZstd, Encoding::kGzip}) {
    INFO(EncodingName(e));
    std::string bomb = Compressed(zeros, e, 9);
    CHECK(bomb.size() <= kMaxCompressedBody);  // small enough to pass the wire limit
    auto r = Decompress(bomb, e, 16u << 20);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kResourceExhausted);
    CHECK_THAT(r.status().message(), Catch::Contains("16 MiB"));
    // It stops after ~16 MiB of output, not 100: cut the bomb in half (~50 MiB of output, then
    // truncated). Decoded to the end it is corrupt; under the 16 MiB limit the decoder gives up
    // before it reaches the cut, so the limit is what it reports.
    const std::string half = bomb.substr(0, bomb.size() / 2);
    auto whole = Decompress(half, e, 200u << 20);
    REQUIRE_FALSE(whole.ok());
    CHECK(whole.status().code() == Code::kCorruption);
    auto cut = Decompress(half, e, 16u << 20);
    REQUIRE_FALSE(cut.ok());
    CHECK(cut.status().code() == Code::kResourceExhausted);
    CHECK_THAT(cut.status().message(), Catch::Contains("16 MiB"));
  }
}

TEST_CASE("the limit holds when the frame does not declare its size", "[sync][protocol]") {
  // 40 zstd frames of 1 MiB each: every frame header is within the limit, the sum is not, so
  // only the streaming bound can stop it. Likewise 40 concatenated gzip members.
  const std::string mib(1u << 20, '\0');
  for (Encoding e : {Encoding::kZstd, Encoding::kGzip}) {
    INFO(EncodingName(e));
    std::string one = Compressed(mib, e);
    std::string many;
    for (int i = 0; i < 40; ++i) many += one;
    auto r = Decompress(many, e, 16u << 20);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kResourceExhausted);
    // Within the limit, concatenated frames / members decode to the concatenation.
    auto ok = Decompress(one + one, e, 2u << 20);
    REQUIRE(ok.ok());
    CHECK(*ok == mib + mib);
  }
}

TEST_CASE("output of exactly the limit is accepted, one byte more is not", "[sync][protocol]") {
  const size_t limit = 4096;
  std::string exact = Compressible(limit, 6);
  std::string over = Compressible(limit + 1, 6);
  for (Encoding e : kAll) {
    INFO(EncodingName(e));
    auto fits = Decompress(Compressed(exact, e), e, limit);
    REQUIRE(fits.ok());
    CHECK(*fits == exact);
    auto too_big = Decompress(Compressed(over, e), e, limit);
    REQUIRE_FALSE(too_big.ok());
    CHECK(too_big.status().code() == Code::kResourceExhausted);
    CHECK_THAT(too_big.status().message(), Catch::Contains("4 KiB (4096 bytes)"));
  }
}

TEST_CASE("corrupt and truncated input fails with kCorruption and an offset", "[sync][protocol]") {
  std::string text = Compressible(50000, 7);
  for (Encoding e : {Encoding::kZstd, Encoding::kGzip}) {
    INFO(EncodingName(e));
    std::string good = Compressed(text, e);

    SECTION("truncated") {
      std::string cut = good.substr(0, good.size() / 2);
      auto r = Decompress(cut, e);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
      CHECK(r.status().where() == "offset " + std::to_string(cut.size()));
      CHECK_THAT(r.status().message(), Catch::Contains("truncated"));
    }
    SECTION("last byte missing") {
      auto r = Decompress(good.substr(0, good.size() - 1), e);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
    }
    SECTION("garbage") {
      auto r = Decompress(RandomBytes(5000, 8), e);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
      CHECK_THAT(r.status().where(), Catch::StartsWith("offset "));
    }
    SECTION("empty body") {
      auto r = Decompress("", e);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
      CHECK(r.status().where() == "offset 0");
    }
    SECTION("a flipped byte in the payload is detected (zstd checksum, gzip CRC)") {
      std::string bad = good;
      bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x40);
      auto r = Decompress(bad, e);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
      CHECK_THAT(r.status().where(), Catch::StartsWith("offset "));
    }
    SECTION("trailing garbage after a complete body") {
      auto r = Decompress(good + "garbage!", e);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
    }
  }
}

TEST_CASE("an identity body over the limit is refused", "[sync][protocol]") {
  auto r = Decompress(std::string(101, 'x'), Encoding::kIdentity, 100);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kResourceExhausted);
  CHECK(Decompress(std::string(100, 'x'), Encoding::kIdentity, 100).ok());
}

TEST_CASE("Content-Encoding names parse", "[sync][protocol]") {
  CHECK(*ParseEncoding("") == Encoding::kIdentity);
  CHECK(*ParseEncoding("identity") == Encoding::kIdentity);
  CHECK(*ParseEncoding("zstd") == Encoding::kZstd);
  CHECK(*ParseEncoding(" ZSTD ") == Encoding::kZstd);
  CHECK(*ParseEncoding("gzip") == Encoding::kGzip);
  CHECK(*ParseEncoding("x-gzip") == Encoding::kGzip);
  for (const char* bad : {"br", "deflate", "gzip, zstd", "zstd;q=1"}) {
    auto r = ParseEncoding(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().where() == "Content-Encoding");
  }
  for (Encoding e : kAll) CHECK(*ParseEncoding(EncodingName(e)) == e);
  CHECK(std::string(EncodingName(Encoding::kZstd)) == "zstd");
  CHECK(std::string(EncodingName(Encoding::kGzip)) == "gzip");
  CHECK(std::string(EncodingName(Encoding::kIdentity)) == "identity");
}

TEST_CASE("Accept-Encoding picks zstd, then gzip, then identity", "[sync][protocol]") {
  struct Case {
    const char* header;
    Encoding expected;
  };
  const Case cases[] = {
      {"", Encoding::kIdentity},
      {"zstd, gzip", Encoding::kZstd},
      {"gzip, zstd", Encoding::kZstd},  // our preference, not the header's order
      {"gzip", Encoding::kGzip},
      {"GZip", Encoding::kGzip},
      {"x-gzip", Encoding::kGzip},
      {"zstd", Encoding::kZstd},
      {"br, deflate", Encoding::kIdentity},
      {"identity", Encoding::kIdentity},
      {"gzip, zstd;q=0", Encoding::kGzip},
      {"zstd;q=0.000, gzip;q=0.1", Encoding::kGzip},
      {"zstd;q=0.001", Encoding::kZstd},
      {"zstd;q=0.5, gzip;q=1.0", Encoding::kZstd},  // q-values only refuse (q=0), never rank
      {" zstd ; q=0 , gzip ; Q=1", Encoding::kGzip},
      {"zstd;q=0, gzip;q=0", Encoding::kIdentity},
      {"*", Encoding::kZstd},
      {"*, zstd;q=0", Encoding::kGzip},
      {"*;q=0, gzip", Encoding::kGzip},
      {"*;q=0", Encoding::kIdentity},
      {"deflate, gzip;q=1.0, *;q=0.5", Encoding::kZstd},
      {",,, ,gzip,", Encoding::kGzip},
      {"gzip;level=9", Encoding::kGzip},
      {"zstd;q=", Encoding::kZstd},
  };
  for (const Case& c : cases) {
    INFO("Accept-Encoding: " << c.header);
    CHECK(ChooseEncoding(c.header) == c.expected);
  }
}

TEST_CASE("EncodeBody and DecodeBody round-trip a message in every encoding", "[sync][protocol]") {
  v1::ChangeSet set;
  set.set_device_id("device-1");
  set.set_batch_seq(7);
  set.add_paths("head_name");
  auto* c = set.add_changes();
  c->set_record_id(std::string(16, '\x11'));
  c->mutable_value()->set_text("王秀英");
  c->set_hlc(123456789);
  for (Encoding e : kAll) {
    INFO(EncodingName(e));
    auto body = EncodeBody(set, e);
    REQUIRE(body.ok());
    v1::ChangeSet back;
    auto st = DecodeBody(*body, e, &back);
    REQUIRE(st.ok());
    CHECK(back.SerializeAsString() == set.SerializeAsString());
  }
}

TEST_CASE("DecodeBody enforces the limits and names the message type", "[sync][protocol]") {
  v1::ChangeSet out;
  SECTION("over 1 MiB on the wire") {
    std::string body(kMaxCompressedBody + 1, 'x');
    auto st = DecodeBody(body, Encoding::kIdentity, &out);
    CHECK(st.code() == Code::kResourceExhausted);
    CHECK_THAT(st.message(), Catch::Contains("1 MiB"));
  }
  SECTION("over 16 MiB decompressed") {
    std::string body = Compressed(std::string(kMaxBody + 1, '\0'), Encoding::kZstd);
    REQUIRE(body.size() <= kMaxCompressedBody);
    auto st = DecodeBody(body, Encoding::kZstd, &out);
    CHECK(st.code() == Code::kResourceExhausted);
    CHECK_THAT(st.message(), Catch::Contains("16 MiB"));
  }
  SECTION("not a protobuf") {
    for (Encoding e : kAll) {
      std::string body = Compressed(std::string("\xff\xff\xff\xff\xff", 5), e);
      auto st = DecodeBody(body, e, &out);
      CHECK(st.code() == Code::kParse);
      CHECK(st.message() == "body is not a valid doorstep.v1.ChangeSet");
    }
    v1::PullPage page;
    auto st = DecodeBody(std::string("\x0a\x05", 2), Encoding::kIdentity, &page);
    CHECK(st.code() == Code::kParse);
    CHECK(st.message() == "body is not a valid doorstep.v1.PullPage");
  }
  SECTION("corrupt compression") {
    auto st = DecodeBody("not zstd at all", Encoding::kZstd, &out);
    CHECK(st.code() == Code::kCorruption);
  }
  SECTION("an empty identity body is an empty message") {
    CHECK(DecodeBody("", Encoding::kIdentity, &out).ok());
  }
}

}  // namespace doorstep::sync
