// What a sync costs on the wire: a tablet does not pull back what it pushed (unless a batch of it
// is left unacknowledged), the server's checksums ride on the last pull page, and a sync with
// nothing new on either side makes two requests (forms, pull). Real server on 127.0.0.1.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "client_harness.h"
#include "doorstep/sync/wire.h"
#include "household_sample.h"

namespace doorstep::testing {
namespace {

std::string Endpoint(const sc::HttpRequest& r) {
  const size_t v1 = r.url.find("/v1/");
  return r.method + " " + (v1 == std::string::npos ? r.url : r.url.substr(v1));
}

struct CountedTablets {
  TempDir dir;
  TestServer server{dir.path().string()};
  Tablet a;
  Tablet b;
  std::map<std::string, int> calls;  // A's requests by endpoint
  std::map<std::string, int> last_status;  // the HTTP status of the last answer, by endpoint

  static Tablet::Options Cuttable() {
    Tablet::Options o;
    o.cut_link = true;
    return o;
  }
  CountedTablets() : a(dir.path().string(), "TAB-A", Cuttable()), b(dir.path().string(), "TAB-B") {
    a.Enroll(server.url(), server.Token({kVillage}));
    b.Enroll(server.url(), server.Token({kVillage}));
    a.link().observe = [this](const sc::HttpRequest& r, const sc::HttpResponse& answer,
                              CutLink::Cut) {
      ++calls[Endpoint(r)];
      last_status[Endpoint(r)] = answer.status;
    };
  }
  int Requests() const {
    int n = 0;
    for (const auto& [endpoint, count] : calls) n += count;
    return n;
  }
};

TEST_CASE("a tablet does not pull back what it pushed, and a sync with nothing new makes two "
          "requests",
          "[sync][client]") {
  CountedTablets t;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(t.a.store().CreateRecord("household", "", testdata::HouseholdEdits(rng)).ok());
  }
  const size_t pending = t.a.Pending();
  REQUIRE(pending > 100);

  auto first = t.a.SyncOk();
  CHECK(first.accepted == pending);
  CHECK(first.changes_pulled == 0);  // its own values stay home
  CHECK(first.pages_pulled == 1);
  CHECK(first.checksums_verified);  // against the checksums of the last pull page
  CHECK(first.checksums_match());
  CHECK(t.calls["POST /v1/checksum"] == 0);
  CHECK(t.calls["POST /v1/pull"] == 1);
  // The skipped rows still moved the cursor: the next sync reads nothing of them again.
  const std::string cursor = t.a.store().GetSyncValue(sc::kKeyCursor).value();
  CHECK(std::stoll(cursor) >= static_cast<long long>(pending));

  // Another tablet gets all of them.
  auto other = t.b.SyncOk();
  CHECK(other.changes_pulled == pending);
  CHECK(t.b.Checksum(kVillage) == t.a.Checksum(kVillage));

  // Nothing new on either side: forms and one pull page, no comparison (nothing moved since the
  // last matching one).
  t.calls.clear();
  auto noop = t.a.SyncOk();
  CHECK(t.Requests() == 2);
  CHECK(t.calls["GET /v1/forms"] == 1);
  CHECK(t.last_status["GET /v1/forms"] == 304);  // the tablet holds the server's form pack
  CHECK(t.calls["POST /v1/pull"] == 1);
  CHECK(noop.bytes_received < 1000);
  CHECK(noop.checksums_unchanged);
  CHECK_FALSE(noop.checksums_verified);
  CHECK(noop.changes_pulled == 0);
  CHECK(t.a.store().GetSyncValue(sc::kKeyCursor).value() == cursor);

  // B's edit reaches A, and the comparison happens again (one request more, at most).
  auto ids = t.b.store().ListRecords();
  REQUIRE(ids.ok());
  REQUIRE_FALSE(ids->empty());
  REQUIRE(t.b.store().SetValue(ids->front().id, "phone", Text("13800000000")).ok());
  t.b.SyncOk();
  t.calls.clear();
  auto after = t.a.SyncOk();
  CHECK(after.changes_pulled == 1);
  CHECK(after.checksums_verified);
  CHECK(after.checksums_match());
  CHECK(t.Requests() <= 3);
  CHECK(TextOf(t.a.store(), ids->front().id, "phone") == "13800000000");

  // A's own edit: pushed, not pulled back, compared on the pull page.
  REQUIRE(t.a.store().SetValue(ids->front().id, "phone", Text("13900000000")).ok());
  t.calls.clear();
  auto own = t.a.SyncOk();
  CHECK(own.accepted == 1);
  CHECK(own.changes_pulled == 0);
  CHECK(own.checksums_verified);
  CHECK(t.Requests() == 3);  // forms, push, pull
  CHECK(t.calls["POST /v1/checksum"] == 0);
}

TEST_CASE("the form pack comes again only when the server's changed", "[sync][client]") {
  CountedTablets t;
  t.a.SyncOk();
  CHECK(t.last_status["GET /v1/forms"] == 304);  // enrollment installed it
  REQUIRE(t.server.service().InstallForms({HouseholdForm("2025.1")}).ok());
  auto r = t.a.SyncOk();
  CHECK(t.last_status["GET /v1/forms"] == 200);
  CHECK(r.forms_installed == 1);
  auto forms = t.a.store().ListForms();
  REQUIRE(forms.ok());
  CHECK(forms->size() == 2);
  t.a.SyncOk();
  CHECK(t.last_status["GET /v1/forms"] == 304);
  // A tablet that lost its ETag gets the whole pack and installs nothing new.
  REQUIRE(t.a.store().SetSyncValue(sc::kKeyFormsEtag, "").ok());
  auto again = t.a.SyncOk();
  CHECK(t.last_status["GET /v1/forms"] == 200);
  CHECK(again.forms_installed == 0);
}

TEST_CASE("values of a batch whose answer was lost come back in the pull", "[sync][client]") {
  CountedTablets t;
  bool cut_once = true;
  t.a.link().plan = [&](const sc::HttpRequest& r) {
    if (IsPush(r) && cut_once) {
      cut_once = false;
      return CutLink::Cut::kAfterAnswer;
    }
    return CutLink::Cut::kNone;
  };
  auto id = t.a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
  REQUIRE(id.ok());
  const size_t pending = t.a.Pending();

  auto cut = t.a.Sync();
  CHECK(cut.push_status.code() == Code::kUnavailable);
  REQUIRE(cut.pull_status.ok());
  // The server applied the batch; the tablet did not hear it, so it asks for everything: its own
  // values come back (kept, still pending in flight, same content).
  CHECK(cut.changes_pulled == pending);
  CHECK(TextOf(t.a.store(), *id, "head_name") == "王秀英");
  CHECK_FALSE(t.a.store().GetSyncValue(sc::kKeyInflight).value().empty());

  auto next = t.a.SyncOk();
  CHECK(next.batches_replayed == 1);
  CHECK(next.changes_pulled == 0);
  CHECK(t.a.Pending() == 0);
  CHECK(t.server.Conflicts().empty());
  CHECK(t.a.Checksum(kVillage) == t.server.Checksum(kVillage));
}

TEST_CASE("the push reads the outbox window by window and still fills every batch",
          "[sync][client]") {
  CountedTablets t;
  // More records than one window (250), and small batches so that many windows end mid-batch.
  for (int i = 0; i < 610; ++i) {
    REQUIRE(t.a.store()
                .CreateRecord("household", "", SmallHousehold(kVillage, "户主" + std::to_string(i)))
                .ok());
  }
  const size_t pending = t.a.Pending();
  sc::SyncOptions o;
  o.batch_bytes = 4096;
  auto all = t.a.store().PushableChanges();
  REQUIRE(all.ok());
  REQUIRE(all->size() == pending);
  const size_t whole = sync::BuildBatches(*all, "any-device", 1, o.batch_bytes).size();
  REQUIRE(whole > 10);

  auto r = t.a.SyncOk(o);
  CHECK(r.accepted == pending);
  CHECK(t.a.Pending() == 0);
  // Carrying each window's last batch into the next keeps the count of the whole outbox at once
  // (give or take one batch where a window boundary shifts a cut).
  CHECK(r.batches_sent >= whole);
  CHECK(r.batches_sent <= whole + 1);
  CHECK(t.calls["POST /v1/push"] == static_cast<int>(r.batches_sent));
  t.b.SyncOk();
  CHECK(t.b.Checksum(kVillage) == t.a.Checksum(kVillage));
}

}  // namespace
}  // namespace doorstep::testing
