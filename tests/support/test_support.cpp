#include "test_support.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "doorstep/core/expression.h"
#include "doorstep/core/form.h"

namespace doorstep::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  auto base = std::filesystem::temp_directory_path();
  for (;;) {
    auto candidate = base / ("doorstep-test-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1)));
    std::error_code ec;
    if (std::filesystem::create_directory(candidate, ec)) {
      path_ = candidate;
      return;
    }
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string EncryptionKey() {
#ifdef DOORSTEP_HAS_ENCRYPTION
  return "test-key-\xe9\x87\x91-correct horse battery staple";
#else
  return {};
#endif
}

bool EncryptionEnabled() { return !EncryptionKey().empty(); }

StoreFixture::StoreFixture() : key(EncryptionKey()) {}

StoreOptions StoreFixture::Options(const std::string& path) {
  StoreOptions o;
  o.path = path.empty() ? DbPath() : path;
  o.key = key;
  o.clock = &clock;
  o.random = &random;
  return o;
}

std::unique_ptr<Store> StoreFixture::Open() {
  auto store = Store::Open(Options());
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  REQUIRE(store.value()->SetAuthor({"s1", "d1"}).ok());
  return std::move(store).value();
}

std::string SourcePath(const std::string& relative) {
  return std::string(DOORSTEP_SOURCE_DIR) + "/" + relative;
}

v1::FormDef FormJson(const std::string& json) {
  auto def = LoadFormJson(json);
  INFO(def.status().ToString());
  REQUIRE(def.ok());
  return std::move(def).value();
}

v1::FormDef HouseholdForm(const std::string& version) {
  std::string file = version == "2025.1" ? "forms/household_v2.json" : "forms/household_v1.json";
  auto def = LoadFormFile(SourcePath(file));
  INFO(def.status().ToString());
  REQUIRE(def.ok());
  return std::move(def).value();
}

SignatureInput TestSignature(const std::string& signer, const std::string& proxy) {
  SignatureInput in;
  in.signer_name = signer;
  in.proxy_signer_name = proxy;
  in.canvas_width = 600;
  in.canvas_height = 300;
  in.strokes = {{{10, 10, 0, std::nullopt}, {20, 15, 16, std::nullopt}, {30, 12, 33, std::nullopt}},
                {{40, 40, 200, std::nullopt}, {45, 60, 216, std::nullopt}}};
  return in;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace doorstep::testing
