// posix::KeyFile, the Linux key store: a 0600 key file created on first use, refused when it is
// a symlink, open to group or others, or not a key.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>

#include "doorstep/posix/ports.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

class FailingRandom final : public Random {
 public:
  Status Fill(uint8_t*, size_t) override { return Status(Code::kUnavailable, "no entropy"); }
};

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("a key file is created 0600 on first use and read back after", "[core][posix]") {
  TempDir dir;
  SeededRandom random;
  posix::KeyFile keys(random);
  const std::string store = dir.File("village.db");
  auto key = keys.GetOrCreateKey(store);
  INFO(key.status().ToString());
  REQUIRE(key.ok());
  CHECK(key->size() == 64);
  CHECK(key->find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(keys.PathFor(store) == store + ".key");
  CHECK(ModeOf(store + ".key") == 0600);
  CHECK(ReadFileBytes(store + ".key") == *key);
  // The same key every later time, also from another KeyFile (another process).
  posix::SystemRandom other_random;
  posix::KeyFile again(other_random);
  CHECK(again.GetOrCreateKey(store).value() == *key);
  // Another store, another key.
  auto other = keys.GetOrCreateKey(dir.File("other.db"));
  REQUIRE(other.ok());
  CHECK(*other != *key);
}

TEST_CASE("a key file directory keeps the keys apart from the stores", "[core][posix]") {
  TempDir dir;
  SeededRandom random;
  posix::KeyFile keys(random, dir.path().string());
  auto key = keys.GetOrCreateKey("stores/village.db");
  REQUIRE(key.ok());
  CHECK(keys.PathFor("stores/village.db") == dir.path().string() + "/stores_village.db.key");
  CHECK(ReadFileBytes(keys.PathFor("stores/village.db")) == *key);
}

TEST_CASE("a key file open to group or others is refused and left alone", "[core][posix]") {
  TempDir dir;
  SeededRandom random;
  posix::KeyFile keys(random);
  const std::string store = dir.File("village.db");
  auto key = keys.GetOrCreateKey(store);
  REQUIRE(key.ok());
  for (mode_t mode : {0640, 0604, 0660, 0602}) {
    REQUIRE(::chmod((store + ".key").c_str(), mode) == 0);
    auto refused = keys.GetOrCreateKey(store);
    CHECK(refused.status().code() == Code::kPermissionDenied);
    CHECK_THAT(refused.status().message(), Catch::Contains("chmod 600"));
    // The message names the file, never the key.
    CHECK(refused.status().ToString().find(*key) == std::string::npos);
    CHECK(ReadFileBytes(store + ".key") == *key);
  }
  REQUIRE(::chmod((store + ".key").c_str(), 0600) == 0);
  CHECK(keys.GetOrCreateKey(store).value() == *key);
}

TEST_CASE("a key file that is a symlink is refused, whatever it points to", "[core][posix]") {
  TempDir dir;
  SeededRandom random;
  posix::KeyFile keys(random);
  const std::string store = dir.File("village.db");
  // To an attacker's key (a valid 0600 key file) and to a file that does not exist yet.
  const std::string planted = dir.File("planted.key");
  WriteText(planted, std::string(64, 'a'));
  REQUIRE(::chmod(planted.c_str(), 0600) == 0);
  REQUIRE(::symlink(planted.c_str(), (store + ".key").c_str()) == 0);
  CHECK(keys.GetOrCreateKey(store).status().code() == Code::kPermissionDenied);
  const std::string store2 = dir.File("second.db");
  REQUIRE(::symlink(dir.File("nowhere.key").c_str(), (store2 + ".key").c_str()) == 0);
  CHECK(keys.GetOrCreateKey(store2).status().code() == Code::kPermissionDenied);
  CHECK(ReadFileBytes(dir.File("nowhere.key")).empty());
}

TEST_CASE("a key file that does not hold a key is refused, not replaced", "[core][posix]") {
  TempDir dir;
  SeededRandom random;
  posix::KeyFile keys(random);
  const std::string path = keys.PathFor(dir.File("village.db"));
  for (const std::string& text : {std::string(), std::string(63, 'a'), std::string(64, 'g'),
                                  std::string(65, 'a'), std::string(64, 'A')}) {
    WriteText(path, text);
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    CHECK(keys.GetOrCreateKey(dir.File("village.db")).status().code() == Code::kCorruption);
    CHECK(ReadFileBytes(path) == text);
  }
  // A trailing newline (a key written by hand with echo) is accepted.
  WriteText(path, std::string(64, 'b') + "\n");
  CHECK(keys.GetOrCreateKey(dir.File("village.db")).value() == std::string(64, 'b'));
}

TEST_CASE("no randomness, no key file", "[core][posix]") {
  TempDir dir;
  FailingRandom broken;
  posix::KeyFile keys(broken);
  CHECK(keys.GetOrCreateKey(dir.File("village.db")).status().code() == Code::kUnavailable);
  CHECK(::access(keys.PathFor(dir.File("village.db")).c_str(), F_OK) != 0);
  CHECK(keys.GetOrCreateKey("").status().code() == Code::kInvalidArgument);
}

#ifdef DOORSTEP_HAS_ENCRYPTION
TEST_CASE("a store opens with its key from the key file, and only with it", "[core][posix]") {
  StoreFixture fx;
  posix::KeyFile keys(fx.random);
  StoreOptions o = fx.Options();
  o.key = keys.GetOrCreateKey(o.path).value();
  {
    auto store = Store::Open(o);
    REQUIRE(store.ok());
    REQUIRE((*store)->SetAuthor({"s1", "d1"}).ok());
    REQUIRE((*store)->InstallForm(HouseholdForm()).ok());
  }
  o.key = keys.GetOrCreateKey(o.path).value();
  auto reopened = Store::Open(o);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->ListForms()->size() == 1);
  // The key is nowhere in the store's files.
  CHECK(ReadFileBytes(o.path).find(o.key) == std::string::npos);
  o.key = std::string(64, '0');
  CHECK(Store::Open(o).status().code() == Code::kWrongKey);
}
#endif
