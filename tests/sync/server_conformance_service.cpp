// The protocol half of the conformance suite (server_conformance.h): SyncService over any store.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "doorstep/sync/checksum.h"
#include "doorstep/sync/push_result.h"
#include "server_conformance.h"
#include "server_harness.h"

namespace doorstep::testing::srv {
namespace {

namespace ss = sync::server;

const char kWang[] = "王家村";
const char kLi[] = "李家村";
const char kMember[] = "members[3f2a0000-0000-4000-8000-000000000001]";

template <typename T>
T Must(Result<T> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

struct Env {
  ServerTestClock clock;
  SeededRandom random{7};
  CapturingLogger logger;
  std::unique_ptr<ss::ServerStore> store;
  std::unique_ptr<ss::SyncService> service;
  int devices = 0;

  explicit Env(const StoreFactory& open, uint32_t default_page = 1000, uint32_t max_page = 5000,
               size_t page_bytes = 512 * 1024) {
    store = open();
    ss::ServiceOptions o;
    o.clock = &clock;
    o.random = &random;
    o.logger = &logger;
    o.default_page = default_page;
    o.max_page = max_page;
    o.page_bytes = page_bytes;
    service = std::make_unique<ss::SyncService>(store.get(), o);
    Must(service->InstallForms({HouseholdForm("2024.1"), TinyForm()}));
  }

  ss::DeviceInfo Device(const std::vector<std::string>& villages, bool reviewer = false) {
    auto token = Must(service->CreateEnrollmentToken("第一工作队", villages, reviewer));
    v1::EnrollRequest r;
    r.set_token(token.token);
    r.set_device_name("tablet-" + std::to_string(++devices));
    auto enrolled = Must(service->Enroll(r));
    return Must(service->Authenticate(enrolled.credential()));
  }

  v1::PushResult Push(const ss::DeviceInfo& d, const BatchBuilder& b) {
    return Must(service->Push(d, b.set()));
  }

  std::vector<v1::PullPage> PullAll(const ss::DeviceInfo& d, int64_t* cursor) {
    std::vector<v1::PullPage> pages;
    for (;;) {
      v1::PullRequest r;
      r.set_cursor(*cursor);
      pages.push_back(Must(service->Pull(d, r)));
      *cursor = pages.back().next_cursor();
      if (!pages.back().more()) break;
    }
    return pages;
  }

  HlcTimestamp H(int64_t plus_ms) { return Hlc(clock, plus_ms); }
};

Author By(const ss::DeviceInfo& d) { return Author{"surveyor-" + d.device_id.substr(0, 4), d.device_id}; }

size_t CountChanges(const std::vector<v1::PullPage>& pages) {
  size_t n = 0;
  for (const auto& p : pages) n += static_cast<size_t>(p.changes_size());
  return n;
}

// The version of `path` in a push result (by change index).
int64_t VersionOf(const v1::PushResult& r, int index) { return r.results(index).version(); }

}  // namespace

void RunSyncServiceConformance(const StoreFactory& open) {
  SECTION("push then pull round trip") {
    Env env(open);
    auto a = env.Device({kWang});
    v1::Value marker;
    marker.mutable_instance()->set_ordinal(1);
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), kWang, env.H(0))
        .Set(Rid(1), kMember, marker, 0, env.H(0))
        .Set(Rid(1), std::string(kMember) + "/m_name", Text("李四"), 0, env.H(0));
    auto result = env.Push(a, b);
    REQUIRE(result.results_size() == 6);
    CHECK_FALSE(result.replayed());
    CHECK(result.batch_seq() == 1);
    for (int i = 0; i < 6; ++i) {
      CHECK(result.results(i).index() == static_cast<uint32_t>(i));
      CHECK(result.results(i).outcome() == v1::ChangeResult::ACCEPTED);
      if (i > 0) CHECK(VersionOf(result, i) > VersionOf(result, i - 1));
    }
    int64_t cursor = 0;
    auto pages = env.PullAll(a, &cursor);
    REQUIRE(pages.size() == 1);
    CHECK(CountChanges(pages) == 6);
    CHECK(cursor == VersionOf(result, 5));
    REQUIRE(pages[0].records_size() == 1);
    CHECK(pages[0].records(0).form_id() == "household");
    CHECK(pages[0].records(0).form_version() == "2024.1");
    CHECK(pages[0].records(0).scope() == kWang);
    auto name = FindPulled(pages, Rid(1), std::string(kMember) + "/m_name");
    REQUIRE(name.has_value());
    CHECK(name->value.text() == "李四");
    CHECK(name->author == By(a));
    auto again = env.PullAll(a, &cursor);
    CHECK(CountChanges(again) == 0);
    CHECK(cursor == VersionOf(result, 5));
  }

  SECTION("a retried batch is answered from the record and applied once") {
    Env env(open);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), kWang, env.H(0));
    auto first = env.Push(a, b);
    v1::ChangeSet resent = b.set();
    resent.set_device_clock_ms(resent.device_clock_ms() + 5000);  // sent again later
    auto second = Must(env.service->Push(a, resent));
    CHECK(second.replayed());
    REQUIRE(second.results_size() == first.results_size());
    for (int i = 0; i < first.results_size(); ++i) {
      CHECK(second.results(i).SerializeAsString() == first.results(i).SerializeAsString());
    }
    int64_t cursor = 0;
    CHECK(CountChanges(env.PullAll(a, &cursor)) == 4);

    BatchBuilder other(a.device_id, 1, By(a));
    other.NewHousehold(Rid(2), kWang, env.H(1));
    auto refused = env.service->Push(a, other.set());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::kConflict);
    cursor = 0;
    CHECK(CountChanges(env.PullAll(a, &cursor)) == 4);
  }

  SECTION("a change outside the device's villages refuses the whole batch") {
    Env env(open);
    auto a = env.Device({kWang});
    auto b = env.Device({kLi});
    BatchBuilder mixed(a.device_id, 1, By(a));
    mixed.NewHousehold(Rid(1), kWang, env.H(0)).NewHousehold(Rid(2), kLi, env.H(0));
    auto refused = env.service->Push(a, mixed.set());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::kPermissionDenied);
    CHECK(refused.status().where() == "changes[4]");
    auto reviewer = env.Device({}, true);
    int64_t cursor = 0;
    CHECK(CountChanges(env.PullAll(reviewer, &cursor)) == 0);

    // The refused batch was not recorded: its number is still free.
    BatchBuilder ok(a.device_id, 1, By(a));
    ok.NewHousehold(Rid(1), kWang, env.H(1));
    CHECK(env.Push(a, ok).results(0).outcome() == v1::ChangeResult::ACCEPTED);

    // Editing a record of another village, or moving one there, is refused too.
    BatchBuilder li(b.device_id, 1, By(b));
    li.NewHousehold(Rid(2), kLi, env.H(2));
    env.Push(b, li);
    BatchBuilder edit(a.device_id, 2, By(a));
    edit.Set(Rid(2), "head_name", Text("王五"), 4, env.H(3));
    CHECK(env.service->Push(a, edit.set()).status().code() == Code::kPermissionDenied);
    BatchBuilder move(a.device_id, 2, By(a));
    move.Set(Rid(1), "village", Text(kLi), 3, env.H(3));
    CHECK(env.service->Push(a, move.set()).status().code() == Code::kPermissionDenied);
  }

  SECTION("concurrent edits keep every value and the winner does not depend on arrival order") {
    auto run = [&](bool a_first) {
      Env env(open);
      auto a = env.Device({kWang});
      auto b = env.Device({kWang});
      BatchBuilder create(a.device_id, 1, By(a));
      create.NewHousehold(Rid(1), kWang, env.H(0));
      const int64_t base = VersionOf(env.Push(a, create), 3);  // head_name
      BatchBuilder ea(a.device_id, 2, By(a));
      ea.Set(Rid(1), "head_name", Text("张秀英A"), base, env.H(100));
      BatchBuilder eb(b.device_id, 1, By(b));
      eb.Set(Rid(1), "head_name", Text("张秀英B"), base, env.H(200));  // later HLC: wins by rule
      v1::PushResult second;
      if (a_first) {
        env.Push(a, ea);
        second = env.Push(b, eb);
      } else {
        env.Push(b, eb);
        second = env.Push(a, ea);
      }
      const auto& r = second.results(0);
      CHECK(r.outcome() == v1::ChangeResult::CONFLICT);
      CHECK(r.winner().text() == "张秀英B");
      CHECK(r.winner_hlc() == env.H(200));
      CHECK(r.conflict_id() > 0);
      auto conflicts = Must(env.service->Conflicts(a)).conflicts();
      REQUIRE(conflicts.size() == 1);
      const auto& c = conflicts[0];
      CHECK(c.path() == "head_name");
      CHECK(c.scope() == kWang);
      REQUIRE(c.candidates_size() == 2);
      std::set<std::string> values;
      for (const auto& cand : c.candidates()) values.insert(cand.value().text());
      CHECK(values == std::set<std::string>{"张秀英A", "张秀英B"});
      CHECK(c.candidates(static_cast<int>(c.winner())).value().text() == "张秀英B");
      int64_t cursor = 0;
      auto pulled = FindPulled(env.PullAll(a, &cursor), Rid(1), "head_name");
      REQUIRE(pulled.has_value());
      CHECK(pulled->value.text() == "张秀英B");

      // A third concurrent value joins the same conflict.
      auto c3 = env.Device({kWang});
      BatchBuilder e3(c3.device_id, 1, By(c3));
      e3.Set(Rid(1), "head_name", Text("张秀英C"), base, env.H(50));
      CHECK(env.Push(c3, e3).results(0).conflict_id() == c.id());
      CHECK(Must(env.service->Conflicts(a)).conflicts(0).candidates_size() == 3);
    };
    run(true);
    run(false);
  }

  SECTION("a deletion made without seeing a later edit opens a conflict and keeps the record") {
    Env env(open);
    auto a = env.Device({kWang});
    auto b = env.Device({kWang});
    BatchBuilder create(a.device_id, 1, By(a));
    create.NewHousehold(Rid(1), kWang, env.H(0));
    auto created = env.Push(a, create);
    const int64_t seen_by_a = VersionOf(created, 3);
    BatchBuilder edit(b.device_id, 1, By(b));
    edit.Set(Rid(1), "head_name", Text("新户主"), seen_by_a, env.H(100));  // a newborn, say
    env.Push(b, edit);
    BatchBuilder del(a.device_id, 2, By(a));
    del.Delete(Rid(1), seen_by_a, env.H(200));
    auto r = env.Push(a, del).results(0);
    CHECK(r.outcome() == v1::ChangeResult::CONFLICT);
    CHECK(r.winner_cleared());  // the record is not deleted
    auto conflicts = Must(env.service->Conflicts(a)).conflicts();
    REQUIRE(conflicts.size() == 1);
    const auto& c = conflicts[0];
    CHECK(c.path() == "@deleted");
    CHECK(c.id() == r.conflict_id());
    REQUIRE(c.candidates_size() == 2);
    const auto& kept = c.candidates(static_cast<int>(c.winner()));
    CHECK_FALSE(kept.value().flag());
    CHECK(kept.author().device_id() == b.device_id);
    const auto& deleted = c.candidates(1 - static_cast<int>(c.winner()));
    CHECK(deleted.value().flag());
    CHECK(deleted.author().device_id() == a.device_id);
    int64_t cursor = 0;
    auto pulled = FindPulled(env.PullAll(b, &cursor), Rid(1), "@deleted");
    CHECK_FALSE((pulled && !pulled->cleared && pulled->value.flag()));

    // With every change seen, a deletion is an ordinary change.
    BatchBuilder create2(b.device_id, 2, By(b));
    create2.NewHousehold(Rid(2), kWang, env.H(300));
    auto c2 = env.Push(b, create2);
    BatchBuilder del3(b.device_id, 3, By(b));
    del3.Delete(Rid(2), VersionOf(c2, 3), env.H(400));
    CHECK(env.Push(b, del3).results(0).outcome() == v1::ChangeResult::ACCEPTED);
  }

  SECTION("an edit of a record deleted by a change its device had not seen brings it back") {
    Env env(open);
    auto a = env.Device({kWang});
    auto b = env.Device({kWang});
    BatchBuilder create(a.device_id, 1, By(a));
    create.NewHousehold(Rid(1), kWang, env.H(0));
    auto created = env.Push(a, create);
    BatchBuilder del(a.device_id, 2, By(a));
    del.Delete(Rid(1), VersionOf(created, 3), env.H(100));
    REQUIRE(env.Push(a, del).results(0).outcome() == v1::ChangeResult::ACCEPTED);
    BatchBuilder edit(b.device_id, 1, By(b));
    edit.Set(Rid(1), "phone", Text("13800000000"), 0, env.H(50));
    CHECK(env.Push(b, edit).results(0).outcome() == v1::ChangeResult::ACCEPTED);
    int64_t cursor = 0;
    auto pages = env.PullAll(a, &cursor);
    auto flag = FindPulled(pages, Rid(1), "@deleted");
    REQUIRE(flag.has_value());
    CHECK_FALSE(flag->value.flag());
    CHECK(flag->author.device_id == b.device_id);
    auto conflicts = Must(env.service->Conflicts(b)).conflicts();
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].path() == "@deleted");
    REQUIRE(conflicts[0].candidates_size() == 2);
    CHECK(conflicts[0].candidates(0).value().flag());
    CHECK_FALSE(conflicts[0].candidates(1).value().flag());
    CHECK(conflicts[0].winner() == 1);
  }

  SECTION("changes the server cannot place are quarantined with their bytes, never dropped") {
    Env env(open);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), kWang, env.H(0), "household@2099.1");     // 0..3: unknown version
    b.Set(Rid(2), "head_name", Text("无表单"), 0, env.H(0));           // 4: unknown record
    b.Set(Rid(3), "@form", Text("household@2024.1"), 0, env.H(0));     // 5, 6: no village
    b.Set(Rid(3), "head_name", Text("无村"), 0, env.H(0));
    b.NewHousehold(Rid(4), kWang, env.H(0));                           // 7..10: fine
    b.Set(Rid(4), "bogus", Text("?"), 0, env.H(0));                     // 11: not in the form
    b.Set(Rid(4), "household_size", Int(3), 0, env.H(0));              // 12: calculated
    b.Set(Rid(4), "m_name", Text("无成员"), 0, env.H(0));              // 13: outside its repeat
    auto result = env.Push(a, b);
    REQUIRE(result.results_size() == 14);
    for (int i : {0, 1, 2, 3, 4, 5, 6, 11, 12, 13}) {
      INFO("change " << i);
      CHECK(result.results(i).outcome() == v1::ChangeResult::QUARANTINED);
      CHECK_FALSE(result.results(i).reason().empty());
    }
    for (int i : {7, 8, 9, 10}) CHECK(result.results(i).outcome() == v1::ChangeResult::ACCEPTED);
    CHECK(result.results(0).reason() == "form household@2099.1 is not installed");
    CHECK(result.results(5).reason() == "scope field 'village' is empty");

    CHECK(env.service->Quarantine(a).status().code() == Code::kPermissionDenied);
    auto reviewer = env.Device({}, true);
    auto list = Must(env.service->Quarantine(reviewer));
    REQUIRE(list.entries_size() == 10);
    CHECK(list.entries(0).device_id() == a.device_id);
    CHECK(list.entries(0).batch_seq() == 1);
    auto rows = Must(env.store->ListQuarantine());
    REQUIRE(rows.size() == 10);
    v1::ChangeSet kept;
    REQUIRE(kept.ParseFromString(rows[3].change));
    REQUIRE(sync::ValidateChangeSet(kept).ok());
    CHECK(sync::ChangePath(kept, kept.changes(0)) == "head_name");
    CHECK(kept.changes(0).value().text() == "张秀英");
    CHECK(sync::ChangeAuthor(kept, kept.changes(0)) == By(a));

    int64_t cursor = 0;
    CHECK(CountChanges(env.PullAll(reviewer, &cursor)) == 4);
  }

  SECTION("a resolution is a new version that reaches every device") {
    Env env(open);
    auto a = env.Device({kWang});
    auto b = env.Device({kWang});
    auto reviewer = env.Device({}, true);
    BatchBuilder create(a.device_id, 1, By(a));
    create.NewHousehold(Rid(1), kWang, env.H(0));
    const int64_t base = VersionOf(env.Push(a, create), 3);
    BatchBuilder ea(a.device_id, 2, By(a));
    ea.Set(Rid(1), "head_name", Text("甲"), base, env.H(100));
    env.Push(a, ea);
    BatchBuilder eb(b.device_id, 1, By(b));
    eb.Set(Rid(1), "head_name", Text("乙"), base, env.H(200));
    const int64_t conflict_id = env.Push(b, eb).results(0).conflict_id();
    int64_t cursor_a = 0;
    env.PullAll(a, &cursor_a);

    auto open_list = Must(env.service->Conflicts(reviewer)).conflicts();
    REQUIRE(open_list.size() == 1);
    uint32_t loser = open_list[0].winner() == 0 ? 1 : 0;
    REQUIRE(open_list[0].candidates(static_cast<int>(loser)).value().text() == "甲");
    v1::ResolveRequest req;
    req.set_candidate(loser);
    CHECK(env.service->Resolve(a, conflict_id, req).status().code() == Code::kPermissionDenied);
    v1::ResolveRequest bad;
    bad.set_candidate(7);
    CHECK(env.service->Resolve(reviewer, conflict_id, bad).status().code() ==
          Code::kInvalidArgument);
    CHECK(env.service->Resolve(reviewer, 9999, req).status().code() == Code::kNotFound);
    auto resolved = Must(env.service->Resolve(reviewer, conflict_id, req));
    CHECK(resolved.resolved());
    CHECK(resolved.resolution() == loser);
    CHECK(resolved.resolved_by() == reviewer.device_id);
    CHECK(resolved.resolved_version() > cursor_a);
    CHECK(env.service->Resolve(reviewer, conflict_id, req).status().code() == Code::kConflict);

    auto pages = env.PullAll(a, &cursor_a);
    auto pulled = FindPulled(pages, Rid(1), "head_name");
    REQUIRE(pulled.has_value());
    CHECK(pulled->value.text() == "甲");
    CHECK(pulled->version == resolved.resolved_version());
    CHECK(Must(env.service->Conflicts(reviewer, true)).conflicts_size() == 0);
    CHECK(Must(env.service->Conflicts(reviewer, false)).conflicts_size() == 1);
  }

  SECTION("checksums cover the live fields of each village") {
    Env env(open);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), kWang, env.H(0)).Set(Rid(1), "phone", Text("13800000000"), 0, env.H(0));
    const int64_t phone = VersionOf(env.Push(a, b), 4);
    BatchBuilder clear(a.device_id, 2, By(a));
    clear.Clear(Rid(1), "phone", phone, env.H(1));
    CHECK(env.Push(a, clear).results(0).outcome() == v1::ChangeResult::ACCEPTED);
    sync::ChecksumBuilder expected;
    expected.Add(Rid(1), "@form", Text("household@2024.1"));
    expected.Add(Rid(1), "@state", Text("draft"));
    expected.Add(Rid(1), "village", Text(kWang));
    expected.Add(Rid(1), "head_name", Text("张秀英"));
    const size_t fields = expected.fields();
    Digest digest = expected.Finish();
    auto sums = Must(env.service->Checksums(a, v1::ChecksumRequest()));
    REQUIRE(sums.scopes_size() == 1);
    CHECK(sums.scopes(0).scope() == kWang);
    CHECK(sums.scopes(0).fields() == fields);
    CHECK(sums.scopes(0).sha256() ==
          std::string(reinterpret_cast<const char*>(digest.data()), digest.size()));
    v1::ChecksumRequest foreign;
    foreign.add_scopes(kLi);
    CHECK(env.service->Checksums(a, foreign).status().code() == Code::kPermissionDenied);
    auto reviewer = env.Device({}, true);
    CHECK(Must(env.service->Checksums(reviewer, v1::ChecksumRequest())).scopes_size() == 1);
  }

  SECTION("a record moved to another village reaches that village's devices whole") {
    Env env(open);
    auto both = env.Device({kWang, kLi});
    auto wang = env.Device({kWang});
    auto li = env.Device({kLi});
    BatchBuilder create(both.device_id, 1, By(both));
    create.NewHousehold(Rid(1), kWang, env.H(0));
    auto created = env.Push(both, create);
    int64_t cursor_li = 0;
    CHECK(CountChanges(env.PullAll(li, &cursor_li)) == 0);
    BatchBuilder move(both.device_id, 2, By(both));
    move.Set(Rid(1), "village", Text(kLi), VersionOf(created, 2), env.H(100));
    CHECK(env.Push(both, move).results(0).outcome() == v1::ChangeResult::ACCEPTED);
    auto pages = env.PullAll(li, &cursor_li);
    CHECK(CountChanges(pages) == 4);
    REQUIRE(pages[0].records_size() == 1);
    CHECK(pages[0].records(0).scope() == kLi);
    CHECK(FindPulled(pages, Rid(1), "head_name")->value.text() == "张秀英");
    BatchBuilder edit(wang.device_id, 1, By(wang));
    edit.Set(Rid(1), "phone", Text("1"), 0, env.H(200));
    CHECK(env.service->Push(wang, edit.set()).status().code() == Code::kPermissionDenied);
  }

  SECTION("HLCs far ahead of the server clock are stored under the server's clock") {
    // Honest data from a wrong clock is accepted (never waits for a reviewer) but cannot win
    // every later conflict; the device's skew is recorded.
    Env env(open);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    const HlcTimestamp ahead = env.H(3LL * 86400000);
    const HlcTimestamp near = env.H(3600000);  // an hour ahead: within the allowed skew
    b.NewHousehold(Rid(1), kWang, ahead);
    b.Set(Rid(1), "phone", Text("1"), 0, near);
    v1::ChangeSet set = b.set();
    set.set_device_clock_ms(static_cast<uint64_t>(env.clock.now_ms.load() + 60000));
    auto result = Must(env.service->Push(a, set));
    sync::ExpandPushResult(&result, set.changes_size());
    REQUIRE(result.results_size() == 5);
    const HlcTimestamp server_now = MakeHlc(env.clock.now_ms.load(), 0);
    for (int i = 0; i < 4; ++i) {
      CHECK(result.results(i).outcome() == v1::ChangeResult::ACCEPTED);
      // Under the server's clock, each distinct (two re-stamped writes never look like a retry).
      CHECK(result.results(i).winner_hlc() >= server_now);
      CHECK(result.results(i).winner_hlc() < server_now + 0x10000);
      if (i > 0) CHECK(result.results(i).winner_hlc() > result.results(i - 1).winner_hlc());
    }
    CHECK(result.results(4).winner_hlc() == 0);  // stored as sent
    int64_t cursor = 0;
    auto pages = env.PullAll(a, &cursor);
    CHECK(FindPulled(pages, Rid(1), "head_name")->hlc == result.results(3).winner_hlc());
    CHECK(FindPulled(pages, Rid(1), "phone")->hlc == near);
    auto devices = Must(env.store->ListDevices());
    auto it = std::find_if(devices.begin(), devices.end(),
                           [&](const ss::DeviceRow& d) { return d.device_id == a.device_id; });
    REQUIRE(it != devices.end());
    CHECK(it->future_hlc_count == 4);
    CHECK(it->max_future_hlc_ms == 3LL * 86400000);
    CHECK(it->clock_skew_ms == 60000);
    CHECK(env.logger.All().find("stored under the server's clock") != std::string::npos);

    // An edit from a correct clock an hour later wins the conflict against the wrong clock.
    auto b2 = env.Device({kWang});
    env.clock.now_ms += 3600000;
    BatchBuilder other(b2.device_id, 1, By(b2));
    other.Set(Rid(1), "head_name", Text("王秀兰"), 0, env.H(0));
    auto answer = Must(env.service->Push(b2, other.set()));
    REQUIRE(answer.results_size() == 1);
    CHECK(answer.results(0).outcome() == v1::ChangeResult::CONFLICT);
    CHECK(answer.results(0).winner().text() == "王秀兰");
  }

  SECTION("an HLC of 2^64-1 is never stored (it would read back negative)") {
    Env env(open);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), kWang, ~HlcTimestamp{0});
    auto result = env.Push(a, b);
    sync::ExpandPushResult(&result, 4);
    REQUIRE(result.results_size() == 4);
    CHECK(result.results(0).outcome() == v1::ChangeResult::ACCEPTED);
    int64_t cursor = 0;
    const HlcTimestamp stored = FindPulled(env.PullAll(a, &cursor), Rid(1), "head_name")->hlc;
    CHECK(stored <= MakeHlc(env.clock.now_ms.load(), 0xffff));
    CHECK(static_cast<int64_t>(stored) > 0);
  }

  SECTION("pushed values are checked against the form like a tablet's own writes") {
    Env env(open);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), kWang, env.H(0));                                   // 0..3
    b.Set(Rid(1), "wage_income", Text("lots"), 0, env.H(1));                  // 4: text, decimal
    b.Set(Rid(1), "poverty_status", One("rich"), 0, env.H(1));                // 5: not a choice
    b.Set(Rid(1), "phone", Text(std::string(10 << 20, 'x')), 0, env.H(1));    // 6: 10 MB
    b.Set(Rid(1), "head_name", Text("\xff\xfe"), 0, env.H(2));              // 7: not UTF-8
    b.Set(Rid(1), "village_group", Text("一组\x1b[2J"), 0, env.H(1));        // 8: escape code
    b.Set(Rid(1), "wage_income", Dec(12000), 0, env.H(2));                    // 9: fine
    b.Set(Rid(1), "@deleted", Text("yes"), 0, env.H(1));                       // 10: not a flag
    b.Set(Rid(1), "@state", Text("approved"), 0, env.H(1));                   // 11: no such state
    auto result = env.Push(a, b);
    sync::ExpandPushResult(&result, 12);
    REQUIRE(result.results_size() == 12);
    for (int i : {4, 5, 6, 7, 8, 10, 11}) {
      INFO("change " << i << ": " << result.results(i).reason());
      CHECK(result.results(i).outcome() == v1::ChangeResult::QUARANTINED);
    }
    for (int i : {0, 1, 2, 3, 9}) CHECK(result.results(i).outcome() == v1::ChangeResult::ACCEPTED);
    CHECK(result.results(4).reason() == "field 'wage_income' holds a decimal value");
    CHECK(result.results(5).reason() == "'rich' is not a choice of list 'status'");
    CHECK(result.results(6).reason() == "text longer than 16384 bytes");
    CHECK(result.results(7).reason() == "text is not valid UTF-8 (byte 0)");
    CHECK(result.results(8).reason() == "text holds a control character (U+001B at byte 6)");
    int64_t cursor = 0;
    auto pages = env.PullAll(a, &cursor);
    CHECK(FindPulled(pages, Rid(1), "head_name")->value.text() == "张秀英");
    CHECK(FindPulled(pages, Rid(1), "wage_income")->value.decimal() == 12000);
    CHECK_FALSE(FindPulled(pages, Rid(1), "phone").has_value());
    // Kept for a reviewer, not lost.
    CHECK(Must(env.store->ListQuarantine()).size() == 7);
  }

  SECTION("a record whose village value is bad is quarantined whole") {
    Env env(open);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), std::string(kWang) + "\x1b", env.H(0));
    auto result = env.Push(a, b);
    sync::ExpandPushResult(&result, 4);
    REQUIRE(result.results_size() == 4);
    for (int i = 0; i < 4; ++i) {
      CHECK(result.results(i).outcome() == v1::ChangeResult::QUARANTINED);
      CHECK_THAT(result.results(i).reason(), Catch::StartsWith("scope field 'village': "));
    }
  }

  SECTION("the author's device is the authenticated device") {
    Env env(open);
    auto a = env.Device({kWang});
    auto reviewer = env.Device({}, true);
    BatchBuilder b(a.device_id, 1, Author{"假冒", reviewer.device_id});
    b.NewHousehold(Rid(1), kWang, env.H(0));
    env.Push(a, b);
    int64_t cursor = 0;
    auto pulled = FindPulled(env.PullAll(reviewer, &cursor), Rid(1), "head_name");
    REQUIRE(pulled.has_value());
    CHECK(pulled->author.device_id == a.name);  // the name it enrolled with
    CHECK_FALSE(a.name.empty());
    CHECK(pulled->author.surveyor_id == "假冒");
    CHECK(env.logger.All().find("bound to this device") != std::string::npos);
  }

  SECTION("enrollment tokens expire after 7 days") {
    Env env(open);
    auto fresh = Must(env.service->CreateEnrollmentToken("第一工作队", {kWang}, false));
    auto old = Must(env.service->CreateEnrollmentToken("第一工作队", {kWang}, false));
    env.clock.now_ms += 7LL * 86400000;  // exactly 7 days: still valid
    v1::EnrollRequest r;
    r.set_token(fresh.token);
    CHECK(env.service->Enroll(r).ok());
    env.clock.now_ms += 1;
    r.set_token(old.token);
    auto refused = env.service->Enroll(r);
    CHECK(refused.status().code() == Code::kNotFound);
    CHECK_THAT(refused.status().message(), Catch::Contains("has expired"));
  }

  SECTION("a revoked device is refused from its next request; what it synced stays") {
    Env env(open);
    auto token = Must(env.service->CreateEnrollmentToken("第一工作队", {kWang}, false));
    v1::EnrollRequest r;
    r.set_token(token.token);
    r.set_device_name("lost tablet");
    auto enrolled = Must(env.service->Enroll(r));
    auto a = Must(env.service->Authenticate(enrolled.credential()));
    BatchBuilder b(a.device_id, 1, By(a));
    b.NewHousehold(Rid(1), kWang, env.H(0));
    env.Push(a, b);
    auto row = Must(env.service->RevokeDevice(a.device_id));
    CHECK(row.revoked());
    CHECK(env.service->Authenticate(enrolled.credential()).status().code() == Code::kNotFound);
    CHECK(env.service->RevokeDevice("no-such-device").status().code() == Code::kNotFound);
    auto devices = Must(env.store->ListDevices());
    REQUIRE(devices.size() == 1);
    CHECK(devices[0].revoked());
    auto reviewer = env.Device({}, true);
    int64_t cursor = 0;
    CHECK(FindPulled(env.PullAll(reviewer, &cursor), Rid(1), "head_name")->value.text() ==
          "张秀英");
  }

  SECTION("pulls come in bounded pages, in version order") {
    Env env(open, /*default_page=*/7, /*max_page=*/10);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    for (int r = 1; r <= 5; ++r) {
      b.NewHousehold(Rid(r), kWang, env.H(r)).Set(Rid(r), "phone", Text("1"), 0, env.H(r));
    }
    env.Push(a, b);  // 25 changes
    int64_t cursor = 0;
    auto pages = env.PullAll(a, &cursor);
    std::vector<int> sizes;
    std::vector<int64_t> versions;
    for (const auto& p : pages) {
      sizes.push_back(p.changes_size());
      for (const auto& c : p.changes()) versions.push_back(c.version());
    }
    CHECK(sizes == std::vector<int>{7, 7, 7, 4});
    CHECK(std::is_sorted(versions.begin(), versions.end()));
    CHECK(std::set<int64_t>(versions.begin(), versions.end()).size() == 25);
    v1::PullRequest big;
    big.set_page_size(100);
    CHECK(Must(env.service->Pull(a, big)).changes_size() == 10);
  }

  SECTION("a pull cursor beyond the server's last version starts again from 0") {
    // A server database restored from an older backup: a tablet's cursor is past every version
    // the server has; an empty page would make it skip the versions written from now on.
    Env env(open, /*default_page=*/7, /*max_page=*/10);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    for (int r = 1; r <= 2; ++r) b.NewHousehold(Rid(r), kWang, env.H(r));
    env.Push(a, b);  // 8 changes: versions 1..8
    v1::PullRequest ahead;
    ahead.set_cursor(1000000);
    auto page = Must(env.service->Pull(a, ahead));
    CHECK(page.cursor_reset());
    CHECK(page.changes_size() == 7);
    CHECK(page.more());
    CHECK(page.next_cursor() == 7);
    // At the head exactly: nothing new, no reset.
    v1::PullRequest at_head;
    at_head.set_cursor(8);
    auto none = Must(env.service->Pull(a, at_head));
    CHECK_FALSE(none.cursor_reset());
    CHECK(none.changes_size() == 0);
    CHECK(none.next_cursor() == 8);
  }

  SECTION("a page of large values ends by bytes, at least one change a page") {
    // Values of at most 16 KiB, the text limit, on pages of 10,000 bytes.
    Env env(open, /*default_page=*/1000, /*max_page=*/5000, /*page_bytes=*/10000);
    auto a = env.Device({kWang});
    BatchBuilder b(a.device_id, 1, By(a));
    for (int r = 1; r <= 6; ++r) {
      // 4 KB values: two and a half fit a page; the last is bigger than a whole page.
      const std::string big(r == 6 ? 15000 : 4000, static_cast<char>('a' + r));
      b.NewHousehold(Rid(r), kWang, env.H(r)).Set(Rid(r), "phone", Text(big), 0, env.H(100 + r));
    }
    env.Push(a, b);  // 6 x (4 household fields + the big one)
    int64_t cursor = 0;
    auto pages = env.PullAll(a, &cursor);
    std::vector<int64_t> versions;
    size_t big_values = 0;
    for (const auto& p : pages) {
      size_t bytes = 0;
      std::set<std::string> ids;
      for (const auto& c : p.changes()) {
        versions.push_back(c.version());
        bytes += c.value().ByteSizeLong();
        ids.insert(c.record_id());
        if (c.value().text().size() >= 4000) ++big_values;
      }
      INFO("page of " << p.changes_size() << " changes, " << bytes << " value bytes");
      CHECK((bytes <= 10000 || p.changes_size() == 1));
      // Headers for exactly the records the page carries.
      CHECK(static_cast<size_t>(p.records_size()) == ids.size());
      for (const auto& h : p.records()) CHECK(ids.count(h.record_id()) == 1);
    }
    CHECK(pages.size() >= 4);
    CHECK(big_values == 6);
    CHECK(versions.size() == 30);
    CHECK(std::is_sorted(versions.begin(), versions.end()));
    CHECK(std::set<int64_t>(versions.begin(), versions.end()).size() == 30);
    CHECK(CountChanges(env.PullAll(a, &cursor)) == 0);  // the cursor is past everything
  }

  SECTION("enrollment tokens work once; only hashes are stored") {
    Env env(open);
    auto token = Must(env.service->CreateEnrollmentToken("队", {kWang, kLi}, false));
    v1::EnrollRequest r;
    r.set_token(token.token);
    auto enrolled = Must(env.service->Enroll(r));
    CHECK(enrolled.team() == "队");
    CHECK(enrolled.villages_size() == 2);
    CHECK(env.service->Enroll(r).status().code() == Code::kNotFound);
    r.set_token("not-a-token");
    CHECK(env.service->Enroll(r).status().code() == Code::kNotFound);
    auto who = Must(env.service->Authenticate(enrolled.credential()));
    CHECK(who.device_id == enrolled.device_id());
    CHECK(env.service->Authenticate("wrong").status().code() == Code::kNotFound);
    CHECK(env.service->Authenticate("").status().code() == Code::kNotFound);
    auto devices = Must(env.store->ListDevices());
    REQUIRE(devices.size() == 1);
    CHECK(devices[0].credential_sha256 == Sha256Of(enrolled.credential()));
    CHECK(env.service->CreateEnrollmentToken("队", {}, false).status().code() ==
          Code::kInvalidArgument);
  }
}

}  // namespace doorstep::testing::srv
