// Convergence property: 3 to 5 tablets of one village make random offline edits (set and clear
// values, add and remove members, create and delete households) and sync in random order, with
// sync attempts cut at random points (before a request leaves, or after the server answered it).
// After a final round (every tablet syncs until nothing is pending, then every tablet pulls
// again), the server and every tablet hold identical state (equal checksums), and every value
// written concurrently with another is kept in a conflict record.
//
// Concurrency is tracked by the test, not taken from the server: each tablet knows a set of writes
// per field (its own, and every write the server had received for the field when the tablet last
// observed the field's server state: a pull page carrying it while nothing was pending locally, or
// the answer to its push). A write arriving at the server while the field's current value is a
// write its author did not know is concurrent: the answer must be CONFLICT and the conflict record
// must hold both values; any other write must be accepted (no false conflicts).
//
// DOORSTEP_SEED=n replays one seed; DOORSTEP_RUNS=n changes the number of seeds (default 200).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "client_harness.h"
#include "doorstep/sync/push_result.h"
#include "doorstep/sync/wire.h"

namespace doorstep::testing {
namespace {

using FieldKey = std::pair<RecordId, std::string>;
struct WriteId {
  int device = 0;
  HlcTimestamp hlc = 0;
  auto operator<=>(const WriteId&) const = default;
};
std::string DeviceName(int d) {
  return "dev" + std::to_string(d);
}

// DOORSTEP_TRACE=1 prints every edit, request and answer of a run (replay one seed with it).
bool Tracing() {
  static const bool on = std::getenv("DOORSTEP_TRACE") != nullptr;
  return on;
}
#define TRACE(x)                           \
  do {                                     \
    if (Tracing()) std::cerr << x << "\n"; \
  } while (false)
std::string Short(const RecordId& id) {
  return id.ToString().substr(0, 8);
}

class Model {
 public:
  explicit Model(int devices) : known_(static_cast<size_t>(devices)), latest_(known_.size()) {}

  void LocalWrite(int d, const FieldKey& f, HlcTimestamp hlc) {
    WriteId w{d, hlc};
    auto& k = known_[static_cast<size_t>(d)][f];
    seen_[f][w] = k;
    k.insert(w);
    latest_[static_cast<size_t>(d)][f] = w;
  }

  // The server processed a batch (first time): every change in order.
  void Arrived(int d, const v1::ChangeSet& set, const v1::PushResult& result) {
    std::map<uint32_t, const v1::ChangeResult*> by_index;
    for (const auto& r : result.results()) by_index[r.index()] = &r;
    auto& positions = batches_[{d, set.batch_seq()}];
    for (const auto& [index, r] : by_index) {
      const auto& ch = set.changes(static_cast<int>(index));
      FieldKey f{sync::ChangeRecordId(ch), sync::ChangePath(set, ch)};
      WriteId w{d, ch.hlc()};
      if (r->outcome() == v1::ChangeResult::QUARANTINED) {
        Violation("quarantined", f, w);
        continue;
      }
      positions[f] = 0;
      auto& received = received_[f];
      if (f.second == std::string(kMetaDeleted)) {  // record-level rule: not modelled per field
        received.push_back(w);
        continue;
      }
      if (std::find(received.begin(), received.end(), w) != received.end()) {
        if (r->outcome() != v1::ChangeResult::DUPLICATE) Violation("re-applied", f, w);
        continue;
      }
      auto cur = current_.find(f);
      const bool concurrent = cur != current_.end() && !seen_[f][w].count(cur->second);
      if (concurrent) {
        if (r->outcome() != v1::ChangeResult::CONFLICT) {
          Violation("concurrent write not in conflict", f, w);
        } else {
          expected_.push_back({f, w, cur->second, r->conflict_id()});
        }
      } else if (r->outcome() != v1::ChangeResult::ACCEPTED) {
        Violation("false conflict", f, w);
      }
      values_[{f, w}] = ch.cleared() ? std::string("\x01") : ch.value().SerializeAsString();
      received.push_back(w);
      if (r->outcome() == v1::ChangeResult::ACCEPTED) {
        current_[f] = w;
      } else if (r->outcome() == v1::ChangeResult::CONFLICT && cur != current_.end()) {
        const std::string winner =
            r->winner_cleared() ? std::string("\x01") : r->winner().SerializeAsString();
        const bool incoming = r->winner_hlc() == w.hlc && winner == values_[{f, w}];
        current_[f] = incoming ? w : cur->second;
      }
    }
    for (auto& [f, pos] : positions) pos = received_[f].size();
  }

  // The tablet received the answer to its batch (first time or replayed).
  void Acknowledged(int d, const v1::ChangeSet& set, const v1::PushResult& result) {
    auto it = batches_.find({d, set.batch_seq()});
    if (it == batches_.end()) return;
    for (const auto& r : result.results()) {
      const auto& ch = set.changes(static_cast<int>(r.index()));
      FieldKey f{sync::ChangeRecordId(ch), sync::ChangePath(set, ch)};
      auto pos = it->second.find(f);
      if (pos == it->second.end()) continue;
      const auto& received = received_[f];
      std::set<WriteId> prefix(received.begin(), received.begin() + static_cast<long>(pos->second));
      known_[static_cast<size_t>(d)][f].insert(prefix.begin(), prefix.end());
      auto latest = latest_[static_cast<size_t>(d)].find(f);
      if (latest != latest_[static_cast<size_t>(d)].end() && latest->second.hlc != ch.hlc()) {
        // Edited again since: the pending edit now sits on the acknowledged version.
        seen_[f][latest->second].insert(prefix.begin(), prefix.end());
      }
    }
  }

  // A pull page reached the tablet; fields pending there keep their local value.
  void Pulled(int d, const v1::PullPage& page, const std::set<FieldKey>& pending) {
    for (const auto& ch : page.changes()) {
      FieldKey f{sync::ChangeRecordId(ch), sync::ChangePath(page, ch)};
      if (pending.count(f)) continue;
      const auto& received = received_[f];
      known_[static_cast<size_t>(d)][f].insert(received.begin(), received.end());
    }
  }

  // Every expected conflict exists and holds both values.
  void CheckConflicts(const std::vector<v1::Conflict>& conflicts) {
    std::map<int64_t, const v1::Conflict*> by_id;
    for (const auto& c : conflicts) by_id[c.id()] = &c;
    for (const auto& e : expected_) {
      auto it = by_id.find(e.conflict_id);
      if (it == by_id.end()) {
        Violation("conflict record missing", e.field, e.incoming);
        continue;
      }
      const v1::Conflict& c = *it->second;
      if (c.path() != e.field.second || c.record_id() != e.field.first.AsBytes()) {
        Violation("conflict record of another field", e.field, e.incoming);
      }
      for (const WriteId& w : {e.incoming, e.current}) {
        bool found = false;
        for (const auto& cand : c.candidates()) {
          found |= cand.hlc() == w.hlc && cand.author().device_id() == DeviceName(w.device);
        }
        if (!found) Violation("value missing from its conflict", e.field, w);
      }
    }
  }

  size_t expected_conflicts() const { return expected_.size(); }
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  void Violation(const std::string& what, const FieldKey& f, const WriteId& w) {
    violations_.push_back(what + ": " + f.first.ToString() + " " + f.second + " by " +
                          DeviceName(w.device) + " hlc " + FormatHlc(w.hlc));
  }
  struct Expected {
    FieldKey field;
    WriteId incoming;
    WriteId current;
    int64_t conflict_id;
  };
  std::vector<std::map<FieldKey, std::set<WriteId>>> known_;
  std::vector<std::map<FieldKey, WriteId>> latest_;
  std::map<FieldKey, std::map<WriteId, std::set<WriteId>>> seen_;
  std::map<FieldKey, std::vector<WriteId>> received_;
  std::map<FieldKey, WriteId> current_;
  std::map<std::pair<FieldKey, WriteId>, std::string> values_;
  std::map<std::pair<int, uint64_t>, std::map<FieldKey, size_t>> batches_;
  std::vector<Expected> expected_;
  std::vector<std::string> violations_;
};

template <typename M>
bool Decode(const std::string& body, const std::string* encoding, M* out) {
  auto enc = sync::ParseEncoding(encoding == nullptr ? std::string() : *encoding);
  return enc.ok() && sync::DecodeBody(body, *enc, out).ok();
}

const std::string* RequestHeader(const sc::HttpRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::filesystem::path FastDir() {
  std::error_code ec;
  return std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                       : std::filesystem::temp_directory_path();
}

struct Run {
  uint64_t seed;
  std::mt19937_64 rng;
  std::filesystem::path dir;
  std::unique_ptr<TestServer> server;
  std::vector<std::unique_ptr<Tablet>> tablets;
  std::unique_ptr<Model> model;
  std::vector<int> cut_at;  // per tablet: request number of the current sync to cut (-1: none)
  std::vector<int> requests;
  std::vector<CutLink::Cut> cut_mode;
  std::vector<std::set<FieldKey>> pending_at_pull;

  explicit Run(uint64_t s) : seed(s), rng(s) {
    dir = FastDir() / ("doorstep-conv-" + std::to_string(::getpid()) + "-" + std::to_string(s));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    server = std::make_unique<TestServer>(dir.string());
    const int n = 3 + static_cast<int>(rng() % 3);
    model = std::make_unique<Model>(n);
    cut_at.assign(static_cast<size_t>(n), -1);
    requests.assign(static_cast<size_t>(n), 0);
    cut_mode.assign(static_cast<size_t>(n), CutLink::Cut::kNone);
    pending_at_pull.resize(static_cast<size_t>(n));
    for (int d = 0; d < n; ++d) {
      Tablet::Options o;
      o.cut_link = true;
      o.retry_attempts = rng() % 2 == 0 ? 2 : 0;
      o.durability = Durability::kOff;
      o.reuse_connection = false;
      o.random_seed = seed * 131 + static_cast<uint64_t>(d) + 1;
      tablets.push_back(std::make_unique<Tablet>(dir.string(), DeviceName(d), o));
      Tablet& t = *tablets.back();
      t.clock().now_ms += static_cast<int64_t>(d);
      t.Enroll(server->url(), server->Token({kVillage}));
      Wire(d);
    }
  }
  ~Run() {
    tablets.clear();
    server.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::set<FieldKey> PendingFields(Tablet& t) {
    std::set<FieldKey> out;
    for (const auto& e : t.store().PendingChanges().value()) out.insert({e.record_id, e.path});
    return out;
  }

  void Wire(int d) {
    const auto i = static_cast<size_t>(d);
    Tablet& t = *tablets[i];
    t.link().plan = [this, i, &t](const sc::HttpRequest& r) {
      const int k = requests[i]++;
      if (IsPull(r)) pending_at_pull[i] = PendingFields(t);
      return k == cut_at[i] ? cut_mode[i] : CutLink::Cut::kNone;
    };
    t.link().observe = [this, d, i](const sc::HttpRequest& r, const sc::HttpResponse& a,
                                    CutLink::Cut cut) {
      if (a.status != 200) return;
      const bool delivered = cut != CutLink::Cut::kAfterAnswer;
      if (IsPush(r)) {
        v1::ChangeSet set;
        v1::PushResult result;
        REQUIRE(Decode(r.body, RequestHeader(r, "Content-Encoding"), &set));
        REQUIRE(Decode(a.body, a.Header("content-encoding"), &result));
        REQUIRE(sync::ExpandPushResult(&result, set.changes_size()).ok());  // accepted runs
        TRACE(DeviceName(d) << " push batch " << set.batch_seq()
                            << (result.replayed() ? " (replayed)" : "")
                            << (delivered ? "" : " ANSWER CUT"));
        for (const auto& res : result.results()) {
          const auto& ch = set.changes(static_cast<int>(res.index()));
          TRACE("   " << Short(sync::ChangeRecordId(ch)) << " " << sync::ChangePath(set, ch)
                      << " base " << ch.base_version() << " hlc " << FormatHlc(ch.hlc())
                      << (ch.cleared() ? " cleared" : "") << " -> "
                      << v1::ChangeResult::Outcome_Name(res.outcome()) << " v" << res.version());
        }
        if (!result.replayed()) model->Arrived(d, set, result);
        if (delivered) model->Acknowledged(d, set, result);
      } else if (IsPull(r) && delivered) {
        v1::PullPage page;
        REQUIRE(Decode(a.body, a.Header("content-encoding"), &page));
        TRACE(DeviceName(d) << " pull page next " << page.next_cursor()
                            << (page.more() ? " more" : ""));
        for (const auto& ch : page.changes()) {
          TRACE("   " << Short(sync::ChangeRecordId(ch)) << " " << sync::ChangePath(page, ch)
                      << " v" << ch.version() << (ch.cleared() ? " cleared" : ""));
        }
        model->Pulled(d, page, pending_at_pull[i]);
      }
    };
  }

  // On a mismatch: the fields that differ between the tablet and the server.
  void Diff(Tablet& t) {
    std::map<FieldKey, std::string> local;
    std::map<FieldKey, std::string> remote;
    REQUIRE(t.store()
                .ForEachSyncedField({kVillage},
                                    [&](const SyncedField& f) {
                                      local[{f.record_id, f.path}] = f.value->ShortDebugString();
                                    })
                .ok());
    REQUIRE(server->service()
                .store()
                .ForEachLiveField(kVillage,
                                  [&](const ss::FieldRow& f) {
                                    remote[{f.record_id, f.path}] = f.value.ShortDebugString();
                                  })
                .ok());
    for (const auto& [k, v] : local) {
      auto it = remote.find(k);
      if (it == remote.end() || it->second != v) {
        UNSCOPED_INFO(
            "tablet " << k.first.ToString() << " " << k.second << " = " << v
                      << (it == remote.end() ? " (not on server)" : " server: " + it->second));
      }
    }
    for (const auto& [k, v] : remote) {
      if (!local.count(k)) {
        UNSCOPED_INFO("server " << k.first.ToString() << " " << k.second << " = " << v
                                << " (not on tablet)");
      }
    }
  }

  int Pick(int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); }
  template <typename T>
  const T& PickOf(const std::vector<T>& v) {
    return v[static_cast<size_t>(Pick(static_cast<int>(v.size())))];
  }

  // Registers every field the last local transaction wrote.
  void Track(int d, const std::map<FieldKey, HlcTimestamp>& before) {
    for (const auto& e : tablets[static_cast<size_t>(d)]->store().PendingChanges().value()) {
      FieldKey f{e.record_id, e.path};
      auto it = before.find(f);
      if (it == before.end() || it->second != e.hlc) {
        TRACE(DeviceName(d) << " local " << Short(e.record_id) << " " << e.path << " hlc "
                            << FormatHlc(e.hlc) << (e.value ? "" : " cleared"));
        model->LocalWrite(d, f, e.hlc);
      }
    }
  }

  void Edit(int d) {
    Tablet& t = *tablets[static_cast<size_t>(d)];
    Store& s = t.store();
    std::map<FieldKey, HlcTimestamp> before;
    for (const auto& e : s.PendingChanges().value()) before[{e.record_id, e.path}] = e.hlc;
    t.clock().now_ms += 1 + Pick(3000);
    static const std::vector<std::string> kNames = {"王秀英", "李明", "张伟"};
    static const std::vector<std::string> kPhones = {"13800000001", "13800000002", "13900000003"};
    static const std::vector<double> kWages = {12000, 12500, 13000};
    auto records = s.ListRecords().value();
    const int op = Pick(100);
    if (records.empty() || op < 12) {
      std::vector<doorstep::Edit> e = {Edit::Set("village", Text(kVillage)),
                                       Edit::Set("head_name", Text(PickOf(kNames))),
                                       Edit::Set("wage_income", Dec(PickOf(kWages)))};
      for (int m = Pick(3); m > 0; --m) e.push_back(Edit::AddInstance("members"));
      REQUIRE(s.CreateRecord("household", "", e).ok());
    } else {
      const RecordId id = PickOf(records).id;
      auto members = s.Instances(id, "members").value();
      Status st;
      if (op < 45) {
        const int which = Pick(3);
        st = which == 0   ? s.SetValue(id, "head_name", Text(PickOf(kNames)))
             : which == 1 ? s.SetValue(id, "phone", Text(PickOf(kPhones)))
                          : s.SetValue(id, "wage_income", Dec(PickOf(kWages)));
      } else if (op < 55) {
        st = s.ClearValue(id, Pick(2) == 0 ? "phone" : "wage_income");
      } else if (op < 70) {
        auto added = s.AddInstance(id, "members");
        st = added.ok() ? s.SetValue(id, "members[" + *added + "]/m_name", Text(PickOf(kNames)))
                        : added.status();
      } else if (op < 80 && !members.empty()) {
        st = s.RemoveInstance(id, "members[" + PickOf(members) + "]");
      } else if (op < 94 && !members.empty()) {
        st = s.SetValue(id, "members[" + PickOf(members) + "]/m_name", Text(PickOf(kNames)));
      } else {
        st = s.DeleteRecord(id);
      }
      INFO(st.ToString());
      REQUIRE(st.ok());
    }
    Track(d, before);
  }

  void Sync(int d, bool may_cut) {
    const auto i = static_cast<size_t>(d);
    requests[i] = 0;
    cut_at[i] = may_cut && Pick(2) == 0 ? Pick(7) : -1;
    cut_mode[i] = Pick(2) == 0 ? CutLink::Cut::kBeforeRequest : CutLink::Cut::kAfterAnswer;
    sc::SyncOptions o;
    o.page_size = 5 + static_cast<uint32_t>(Pick(40));
    o.batch_bytes = Pick(3) == 0 ? 600 : sync::kDefaultBatchBytes;
    TRACE(DeviceName(d) << " SYNC cut_at " << cut_at[i]
                        << (cut_mode[i] == CutLink::Cut::kBeforeRequest ? " before" : " after"));
    auto r = tablets[i]->client().Sync(o);
    TRACE(DeviceName(d) << " sync done: " << r.status.ToString());
    if (cut_at[i] < 0) {
      INFO(DeviceName(d) << ": " << r.status.ToString());
      REQUIRE(r.status.ok());
      // Compared, or nothing moved since the last matching comparison.
      REQUIRE((r.checksums_verified || r.checksums_unchanged));
      if (!r.checksums_match() && r.checksums_verified) Diff(*tablets[i]);
      if (r.checksums_verified) REQUIRE(r.checksums_match());
    }
  }
};

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::strtoull(v, nullptr, 10);
}

TEST_CASE("random offline edits and cut syncs converge, concurrent values are kept",
          "[sync][convergence]") {
  const uint64_t only = EnvNumber("DOORSTEP_SEED", 0);
  const uint64_t runs = EnvNumber("DOORSTEP_RUNS", 200);
  size_t conflicts = 0;
  size_t cuts = 0;
  for (uint64_t seed = only != 0 ? only : 1; seed <= (only != 0 ? only : runs); ++seed) {
    INFO("seed " << seed << " (replay: DOORSTEP_SEED=" << seed << ")");
    Run run(seed);
    const int n = static_cast<int>(run.tablets.size());
    const int steps = 25 + run.Pick(25);
    for (int step = 0; step < steps; ++step) {
      const int d = run.Pick(n);
      if (run.Pick(100) < 30) {
        run.Sync(d, /*may_cut=*/true);
      } else {
        run.Edit(d);
      }
    }
    // Final round: every tablet syncs until nothing is pending, then every tablet pulls again.
    for (int d = 0; d < n; ++d) {
      for (int attempt = 0; run.tablets[static_cast<size_t>(d)]->Pending() > 0; ++attempt) {
        REQUIRE(attempt < 3);
        run.Sync(d, false);
      }
    }
    std::vector<sc::SyncResult> last;
    for (int d = 0; d < n; ++d) {
      run.Sync(d, false);
      CAPTURE(d);
      REQUIRE(run.tablets[static_cast<size_t>(d)]->Pending() == 0);
    }
    const auto expected = run.server->Checksum(kVillage);
    for (int d = 0; d < n; ++d) {
      CAPTURE(d);
      CHECK(run.tablets[static_cast<size_t>(d)]->Checksum(kVillage) == expected);
    }
    run.model->CheckConflicts(run.server->Conflicts());
    for (const auto& v : run.model->violations()) {
      FAIL_CHECK(v);
    }
    REQUIRE(run.model->violations().empty());
    conflicts += run.model->expected_conflicts();
    for (const auto& t : run.tablets) cuts += static_cast<size_t>(t->link().cuts);
  }
  WARN("convergence: " << (only != 0 ? 1 : runs) << " seeds, " << conflicts
                       << " concurrent writes kept in conflicts, " << cuts << " cut requests");
}

}  // namespace
}  // namespace doorstep::testing
