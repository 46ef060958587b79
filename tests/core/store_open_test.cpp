// Opening a store: creation, schema migrations by user_version, reopening, a file from a newer
// schema, encryption keys and what reaches the disk.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "household_sample.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

// A raw SQLite connection to the store file, keyed in encrypted builds.
sqlite3* OpenRaw(const std::string& path, const std::string& key) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
#ifdef DOORSTEP_HAS_ENCRYPTION
  if (!key.empty()) sqlite3_exec(db, ("PRAGMA key = '" + key + "'").c_str(), nullptr, nullptr, nullptr);
#else
  (void)key;
#endif
  return db;
}

int UserVersionOf(const std::string& path, const std::string& key) {
  sqlite3* db = OpenRaw(path, key);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

void ExecRaw(const std::string& path, const std::string& key, const std::string& sql) {
  sqlite3* db = OpenRaw(path, key);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("a new store is created at the current schema and reopens with its data",
          "[core][store]") {
  StoreFixture fx;
  RecordId id;
  {
    auto store = fx.Open();
    REQUIRE(store->InstallForm(HouseholdForm()).ok());
    auto rec = store->CreateRecord("household");
    REQUIRE(rec.ok());
    id = rec.value();
    REQUIRE(store->SetValue(id, "head_name", Text("王秀英")).ok());
  }
  CHECK(UserVersionOf(fx.DbPath(), fx.key) == kStoreSchemaVersion);
  auto reopened = Store::Open(fx.Options());
  REQUIRE(reopened.ok());
  auto& store = *reopened.value();
  CHECK(store.author() == Author{"s1", "d1"});
  auto rec = store.GetRecord(id);
  REQUIRE(rec.ok());
  REQUIRE(rec->Get("head_name") != nullptr);
  CHECK(rec->Get("head_name")->text() == "王秀英");
  auto forms = store.ListForms();
  REQUIRE(forms.ok());
  REQUIRE(forms->size() == 1);
  CHECK(forms->at(0).record_count == 1);
}

TEST_CASE("the HLC never goes backwards across a reopen even if the clock does", "[core][store]") {
  StoreFixture fx;
  HlcTimestamp first = 0;
  {
    auto store = fx.Open();
    REQUIRE(store->InstallForm(HouseholdForm()).ok());
    auto id = store->CreateRecord("household");
    REQUIRE(id.ok());
    first = store->GetRecord(id.value())->updated;
  }
  fx.clock.AdvanceDays(-3);  // the tablet's clock was reset
  auto store = fx.Open();
  auto id = store->CreateRecord("household");
  REQUIRE(id.ok());
  CHECK(store->GetRecord(id.value())->created > first);
}

TEST_CASE("a store from a newer schema is refused and left untouched", "[core][store]") {
  StoreFixture fx;
  { fx.Open(); }
  ExecRaw(fx.DbPath(), fx.key, "PRAGMA user_version = " + std::to_string(kStoreSchemaVersion + 1));
  auto before = ReadFileBytes(fx.DbPath());
  auto store = Store::Open(fx.Options());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kSchemaTooNew);
  CHECK_THAT(store.status().message(), Catch::Contains("newer Doorstep"));
  CHECK(UserVersionOf(fx.DbPath(), fx.key) == kStoreSchemaVersion + 1);
}

TEST_CASE("a half-applied migration is rolled back and retried on the next open", "[core][store]") {
  StoreFixture fx;
  // A table that collides with the schema makes the migration fail part-way.
  ExecRaw(fx.DbPath(), fx.key, "CREATE TABLE outbox(x INTEGER)");
  auto failed = Store::Open(fx.Options());
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.status().where(), Catch::Contains("migration 0->1"));
  CHECK(UserVersionOf(fx.DbPath(), fx.key) == 0);
  ExecRaw(fx.DbPath(), fx.key, "DROP TABLE outbox");
  auto ok = Store::Open(fx.Options());
  INFO(ok.status().ToString());
  REQUIRE(ok.ok());
  CHECK(UserVersionOf(fx.DbPath(), fx.key) == kStoreSchemaVersion);
}

TEST_CASE("opening needs a clock, a random source and a path", "[core][store]") {
  StoreFixture fx;
  StoreOptions o = fx.Options();
  o.clock = nullptr;
  CHECK(Store::Open(o).status().code() == Code::kInvalidArgument);
  o = fx.Options();
  o.path.clear();
  CHECK(Store::Open(o).status().code() == Code::kInvalidArgument);
  o = fx.Options(fx.dir.File("no-such-dir/x.db"));
  CHECK(Store::Open(o).status().code() == Code::kIo);
}

TEST_CASE("writes need an author", "[core][store]") {
  StoreFixture fx;
  auto store = Store::Open(fx.Options());
  REQUIRE(store.ok());
  REQUIRE(store.value()->InstallForm(HouseholdForm()).ok());
  auto rec = store.value()->CreateRecord("household");
  CHECK(rec.status().code() == Code::kFailedPrecondition);
  CHECK(store.value()->SetAuthor({"", "d1"}).code() == Code::kInvalidArgument);
}

#ifdef DOORSTEP_HAS_ENCRYPTION

TEST_CASE("an encrypted store refuses a wrong or missing key and changes nothing",
          "[core][store][encryption]") {
  StoreFixture fx;
  {
    auto store = fx.Open();
    REQUIRE(store->InstallForm(HouseholdForm()).ok());
  }
  auto before = ReadFileBytes(fx.DbPath());
  StoreOptions wrong = fx.Options();
  wrong.key = "not the key";
  auto s1 = Store::Open(wrong);
  REQUIRE_FALSE(s1.ok());
  CHECK(s1.status().code() == Code::kWrongKey);
  StoreOptions none = fx.Options();
  none.key.clear();
#ifdef DOORSTEP_TABLET_BUILD
  // The tablet build refuses a keyless open before touching the file...
  CHECK(Store::Open(none).status().code() == Code::kFailedPrecondition);
  none.allow_plain_for_tests = true;  // ...and, when a test allows it, SQLCipher refuses it
#endif
  auto s2 = Store::Open(none);
  REQUIRE_FALSE(s2.ok());
  CHECK(s2.status().code() == Code::kWrongKey);
  CHECK(ReadFileBytes(fx.DbPath()) == before);
  auto good = Store::Open(fx.Options());
  REQUIRE(good.ok());
  CHECK(good.value()->ListForms()->size() == 1);
}

TEST_CASE("no resident id reaches the database, WAL or journal files in clear",
          "[core][store][encryption]") {
  StoreFixture fx;
  std::mt19937_64 rng(7);
  std::vector<std::string> ids;
  {
    auto store = fx.Open();
    REQUIRE(store->InstallForm(HouseholdForm()).ok());
    for (int i = 0; i < 5; ++i) {
      auto edits = testdata::HouseholdEdits(rng);
      for (const auto& id : testdata::LastResidentIds()) ids.push_back(id);
      auto rec = store->CreateRecord("household", "", edits, true);
      INFO(rec.status().ToString());
      REQUIRE(rec.ok());
    }
    // Check while the WAL still holds the writes, then again after close.
    for (const char* suffix : {"", "-wal", "-journal", "-shm"}) {
      auto bytes = ReadFileBytes(fx.DbPath() + suffix);
      for (const auto& id : ids) {
        INFO("file " << suffix);
        CHECK(bytes.find(id) == std::string::npos);
        CHECK(bytes.find(id.substr(0, 14)) == std::string::npos);
      }
      CHECK(bytes.find("黎平县") == std::string::npos);
    }
  }
  REQUIRE(ids.size() == 25);
  for (const char* suffix : {"", "-wal", "-journal"}) {
    auto bytes = ReadFileBytes(fx.DbPath() + suffix);
    for (const auto& id : ids) CHECK(bytes.find(id) == std::string::npos);
  }
}

#else

TEST_CASE("a plain build refuses a key instead of silently storing in clear",
          "[core][store][encryption]") {
  StoreFixture fx;
  StoreOptions o = fx.Options();
  o.key = "secret";
  auto s = Store::Open(o);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == Code::kInvalidArgument);
  CHECK_THAT(s.status().message(), Catch::Contains("DOORSTEP_SQLCIPHER"));
}

TEST_CASE("in a plain build resident ids are readable on disk (the reason for SQLCipher)",
          "[core][store][encryption]") {
  // Guards the leak test above: the same check must find the ids when nothing encrypts them,
  // otherwise the encrypted variant's pass would prove nothing.
  StoreFixture fx;
  std::mt19937_64 rng(7);
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm()).ok());
  auto edits = testdata::HouseholdEdits(rng);
  auto ids = testdata::LastResidentIds();
  REQUIRE(store->CreateRecord("household", "", edits, true).ok());
  std::string all = ReadFileBytes(fx.DbPath()) + ReadFileBytes(fx.DbPath() + "-wal");
  CHECK(all.find(ids.front()) != std::string::npos);
}

#endif

#ifdef DOORSTEP_TABLET_BUILD
TEST_CASE("a tablet store needs a key unless a test explicitly allows a plain one",
          "[core][store][encryption]") {
  StoreFixture fx;
  StoreOptions o = fx.Options();
  o.key.clear();
  auto refused = Store::Open(o);
  CHECK(refused.status().code() == Code::kFailedPrecondition);
  CHECK(refused.status().message() == "a tablet store needs a key");
  CHECK(ReadFileBytes(fx.DbPath()).empty());  // nothing created
  o.allow_plain_for_tests = true;
  auto plain = Store::Open(o);
  INFO(plain.status().ToString());
  CHECK(plain.ok());
  // A private in-memory store never reaches the disk and needs no key.
  StoreOptions mem = fx.Options(":memory:");
  mem.key.clear();
  CHECK(Store::Open(mem).ok());
}
#endif
