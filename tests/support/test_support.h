// Shared test helpers: temporary directories, a settable clock, a seeded random source and a
// one-call store opener. Real SQLite files in a real temp directory; no mocks of the store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "doorstep/core/ports.h"
#include "doorstep/core/store.h"
#include "values.h"

namespace doorstep::testing {

// A fresh directory under the system temp dir, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A clock the test sets. Starts at 2026-11-23T02:00:00Z (10:00 in Beijing).
class FakeClock final : public Clock {
 public:
  int64_t now_ms = 1795399200000;
  int64_t NowMs() override { return now_ms; }
  int UtcOffsetMinutes() override { return 480; }
  void AdvanceDays(int days) { now_ms += int64_t{days} * 86400000; }
};

// Deterministic randomness for reproducible tests.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed = 42) : rng_(seed) {}
  Status Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng_());
    return Status::Ok();
  }

 private:
  std::mt19937_64 rng_;
};

// Owns the ports a Store needs and opens stores with them.
struct StoreFixture {
  TempDir dir;
  FakeClock clock;
  SeededRandom random;
  std::string key;  // set in encrypted builds (see EncryptionKey())

  StoreFixture();
  std::string DbPath() const { return dir.File("store.db"); }
  StoreOptions Options(const std::string& path = {}) ;
  // Opens the store at DbPath() with author surveyor "s1" on device "d1"; REQUIREs success.
  std::unique_ptr<Store> Open();
};

// The key tests use: non-empty when the core is built with SQLCipher, empty otherwise.
std::string EncryptionKey();
bool EncryptionEnabled();

// Path of a file under the source tree (forms/, tests/data/...).
std::string SourcePath(const std::string& relative);

// A FormDef from JSON text (protobuf JSON mapping); REQUIREs that it parses.
v1::FormDef FormJson(const std::string& json);
// The demo household form shipped in forms/ (version "2024.1" or "2025.1").
v1::FormDef HouseholdForm(const std::string& version = "2024.1");

// Value builders (doorstep/core/values.h): Text, One, Many, Int, Dec, Day, Geo.
using namespace doorstep::values;

// A short signature for tests.
SignatureInput TestSignature(const std::string& signer, const std::string& proxy = {});

// The whole file's bytes (empty when missing).
std::string ReadFileBytes(const std::string& path);

}  // namespace doorstep::testing
