#include "test_support.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <unistd.h>

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

}  // namespace doorstep::testing
