#include "doorstep/core/sha256.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <utility>

namespace doorstep {
namespace {

std::string HexOf(std::string_view data) {
  return ToHex(Sha256Of(data));
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + 3) & 0xff);
  return s;
}

TEST_CASE("SHA-256 matches the FIPS 180-4 example vectors", "[core][sha256]") {
  CHECK(HexOf("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HexOf("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(HexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(HexOf("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmn"
              "opqrlmnopqrsmnopqrstnopqrstu") ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("SHA-256 of one million 'a'", "[core][sha256]") {
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  SECTION("in one call") {
    CHECK(HexOf(std::string(1000000, 'a')) == expected);
  }
  SECTION("in uneven chunks") {
    const std::string chunk(997, 'a');
    Sha256 sha;
    size_t left = 1000000;
    while (left > 0) {
      const size_t n = std::min(left, chunk.size());
      sha.Update(chunk.data(), n);
      left -= n;
    }
    CHECK(ToHex(sha.Final()) == expected);
  }
}

TEST_CASE("SHA-256 padding at block boundaries", "[core][sha256]") {
  // Lengths around the 55/56-byte padding edge and the 64-byte block edge; expected digests from
  // an independent implementation.
  const std::pair<size_t, const char*> cases[] = {
      {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
      {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
      {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
      {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
      {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
      {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
      {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
      {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
  };
  for (const auto& [length, hex] : cases) {
    INFO("length " << length);
    CHECK(HexOf(Pattern(length)) == hex);
  }
}

TEST_CASE("SHA-256 does not depend on how the input is split", "[core][sha256]") {
  const std::string message = Pattern(200);  // spans several blocks
  const Digest whole = Sha256Of(message);

  SECTION("two parts, every split offset") {
    for (size_t split = 0; split <= message.size(); ++split) {
      INFO("split at " << split);
      Sha256 sha;
      sha.Update(message.data(), split);
      sha.Update(message.data() + split, message.size() - split);
      CHECK(sha.Final() == whole);
    }
  }
  SECTION("three parts, every pair of offsets") {
    const std::string shorter = message.substr(0, 130);
    const Digest expected = Sha256Of(shorter);
    for (size_t a = 0; a <= shorter.size(); ++a) {
      for (size_t b = a; b <= shorter.size(); ++b) {
        Sha256 sha;
        sha.Update(std::string_view(shorter).substr(0, a));
        sha.Update(std::string_view(shorter).substr(a, b - a));
        sha.Update(std::string_view(shorter).substr(b));
        if (sha.Final() != expected) FAIL("split at " << a << " and " << b);
      }
    }
  }
  SECTION("one byte at a time, with empty updates in between") {
    Sha256 sha;
    for (char c : message) {
      sha.Update(&c, 1);
      sha.Update(nullptr, 0);
    }
    CHECK(sha.Final() == whole);
  }
}

TEST_CASE("ToHex is lowercase, two digits a byte", "[core][sha256]") {
  const uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  CHECK(ToHex(bytes, 4) == "000fa0ff");
  CHECK(ToHex(bytes, 0).empty());
  CHECK(ToHex(Sha256Of("abc")).size() == 64);
}

}  // namespace
}  // namespace doorstep
