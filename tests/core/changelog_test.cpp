// The change log: outbox entries in the same transaction as each write, collapse of repeated
// edits, HLC and author on every change, and the audit trail.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

std::map<std::string, OutboxEntry> Outbox(Store& store) {
  std::map<std::string, OutboxEntry> m;
  for (auto& e : store.PendingChanges().value()) m[e.path] = e;
  return m;
}

}  // namespace

TEST_CASE("repeated edits of one field before a sync collapse to one outbox entry",
          "[core][changelog]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm()).ok());
  auto id = store->CreateRecord("household").value();
  auto base = store->OutboxSize().value();
  CHECK(base == 2);  // @form and @state
  for (int i = 0; i < 10; ++i) {
    fx.clock.now_ms += 1000;
    REQUIRE(store->SetValue(id, "wage_income", Dec(1000 + i)).ok());
  }
  REQUIRE(store->SetValue(id, "head_name", Text("王秀英")).ok());
  CHECK(store->OutboxSize().value() == base + 2);
  auto out = Outbox(*store);
  REQUIRE(out.count("wage_income"));
  const auto& e = out["wage_income"];
  REQUIRE(e.value.has_value());
  CHECK(e.value->decimal() == 1009);  // the last value travels
  CHECK(e.record_id == id);
  CHECK(e.author == Author{"s1", "d1"});
  CHECK(e.base_version == 0);
  CHECK(HlcMillis(e.hlc) == fx.clock.now_ms - 0);  // the last edit's time (wall clock ahead)
  CHECK(out["head_name"].seq > e.seq);
  // Calculated values are derived on every side and never pushed.
  CHECK(out.count("per_capita_income") == 0);
  CHECK(out.count("household_size") == 0);
  // A cleared field stays in the outbox with no value (a deletion to push).
  REQUIRE(store->ClearValue(id, "head_name").ok());
  CHECK_FALSE(Outbox(*store)["head_name"].value.has_value());
  // Pending changes come oldest first and can be paged.
  auto first = store->PendingChanges(1).value();
  REQUIRE(first.size() == 1);
  CHECK(first[0].path == "@form");
}

TEST_CASE("the audit trail keeps who changed what, when, from which value to which",
          "[core][changelog]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(HouseholdForm()).ok());
  auto id = store->CreateRecord("household").value();
  REQUIRE(store->SetValue(id, "head_name", Text("王秀英")).ok());
  REQUIRE(store->SetAuthor({"s2", "d1"}).ok());
  fx.clock.now_ms += 60000;
  REQUIRE(store->SetValue(id, "head_name", Text("王秀云")).ok());
  REQUIRE(store->ClearValue(id, "head_name").ok());
  std::vector<AuditEntry> trail;
  for (auto& a : store->AuditTrail(id).value()) {
    if (a.path == "head_name") trail.push_back(a);
  }
  REQUIRE(trail.size() == 3);
  CHECK_FALSE(trail[0].old_value.has_value());
  CHECK(trail[0].new_value->text() == "王秀英");
  CHECK(trail[0].author.surveyor_id == "s1");
  CHECK(trail[1].old_value->text() == "王秀英");
  CHECK(trail[1].new_value->text() == "王秀云");
  CHECK(trail[1].author.surveyor_id == "s2");
  CHECK(HlcMillis(trail[1].hlc) >= fx.clock.now_ms);
  CHECK(trail[2].old_value->text() == "王秀云");
  CHECK_FALSE(trail[2].new_value.has_value());
  CHECK(trail[0].hlc < trail[1].hlc);
  CHECK(trail[1].hlc < trail[2].hlc);
}

TEST_CASE("a write interrupted by a failing statement leaves the store unchanged",
          "[core][changelog][atomicity]") {
  StoreFixture fx;
  RecordId id;
  {
    auto store = fx.Open();
    REQUIRE(store->InstallForm(HouseholdForm()).ok());
    id = store->CreateRecord("household").value();
    REQUIRE(store->SetValue(id, "head_name", Text("王秀英")).ok());
  }
  // A real SQLite failure in the middle of the write: the insert of `phone` aborts after `county`
  // was inserted and `head_name` was audited and updated by the same write (paths are written in
  // sorted order).
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(fx.DbPath().c_str(), &db) == SQLITE_OK);
#ifdef DOORSTEP_HAS_ENCRYPTION
    sqlite3_exec(db, ("PRAGMA key = '" + fx.key + "'").c_str(), nullptr, nullptr, nullptr);
#endif
    REQUIRE(sqlite3_exec(db,
                         "CREATE TRIGGER fail_phone BEFORE INSERT ON value WHEN NEW.path = 'phone' "
                         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = fx.Open();
  auto before = store->GetRecord(id).value();
  auto outbox_before = store->PendingChanges().value();
  auto audit_before = store->AuditTrail(id).value().size();
  auto r = store->Apply(id, {Edit::Set("head_name", Text("李四")), Edit::Set("county", Text("黎平县")),
                             Edit::Set("phone", Text("15712345678"))});
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("injected failure"));
  auto after = store->GetRecord(id).value();
  CHECK(after.Get("head_name")->text() == "王秀英");
  CHECK(after.Get("county") == nullptr);
  CHECK(after.values.size() == before.values.size());
  CHECK(after.updated == before.updated);
  CHECK(store->PendingChanges().value().size() == outbox_before.size());
  CHECK(store->AuditTrail(id).value().size() == audit_before);
  CHECK(store->IntegrityCheck().value() == "ok");
  // The store keeps working after the failure.
  REQUIRE(store->SetValue(id, "county", Text("黎平县")).ok());
  CHECK(store->GetRecord(id)->Get("county")->text() == "黎平县");
}
