// bench_core: the cost of saving one household, against the floor of writing the same bytes as
// raw rows with plain SQLite. Prints one `name: value` line per figure so runs can be compared.
//
// Household: ~24 household fields + 5 members x ~12 fields + 3 signatures of ~275 points each,
// saved as one CreateRecord(..., finalize = true) call: one transaction with validation,
// calculations, signature binding, outbox and audit.
//
// Form session (bench_core_session.cpp): opening a session on a registry household with 5 members,
// and one answer with its change list on it, with Durability::kFull (the default, each answer
// fsynced) and kOff (CPU work only).
//
// Usage: bench_core [households=300] [--durability full|off]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "doorstep/core/form.h"
#include "doorstep/core/store.h"
#include "bench_core_session.h"
#include "household_sample.h"

using namespace doorstep;
namespace fs = std::filesystem;

namespace {

class FixedClock final : public Clock {
 public:
  int64_t now = 1795399200000;  // 2026-11-23T02:00Z
  int64_t NowMs() override { return now++; }
};

class SeededRandom final : public Random {
 public:
  std::mt19937_64 rng{1};
  Status Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng());
    return Status::Ok();
  }
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double NowUs() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t FileBytes(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "bench_core: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

struct Figures {
  double median_us, p99_us, floor_median_us, disk_bytes;
};

Figures Run(int households, Durability durability, const fs::path& dir) {
  FixedClock clock;
  SeededRandom random;
  StoreOptions o;
  o.path = (dir / "store.db").string();
  o.clock = &clock;
  o.random = &random;
  o.durability = durability;
  auto opened = Store::Open(o);
  if (!opened.ok()) Die("open", opened.status());
  auto& store = *opened.value();
  if (auto s = store.SetAuthor({"bench", "tablet-1"}); !s.ok()) Die("author", s);
  auto form = LoadFormFile(std::string(DOORSTEP_SOURCE_DIR) + "/forms/household_v1.json");
  if (!form.ok()) Die("form", form.status());
  if (auto s = store.InstallForm(form.value()); !s.ok()) Die("install", s);

  std::mt19937_64 rng(2026);
  std::vector<std::vector<Edit>> input;
  for (int i = 0; i < households; ++i) input.push_back(testdata::HouseholdEdits(rng));

  std::vector<double> save_us;
  std::vector<RecordId> ids;
  for (const auto& edits : input) {
    double t0 = NowUs();
    auto id = store.CreateRecord("household", "", edits, /*finalize=*/true);
    double t1 = NowUs();
    if (!id.ok()) Die("save", id.status());
    save_us.push_back(t1 - t0);
    ids.push_back(id.value());
  }

  // The floor: the same stored bytes (every value row) written as raw rows in one transaction.
  std::vector<std::vector<std::pair<std::string, std::string>>> rows;
  for (const auto& id : ids) {
    auto rec = store.GetRecord(id);
    if (!rec.ok()) Die("read back", rec.status());
    std::vector<std::pair<std::string, std::string>> r;
    for (const auto& v : rec->values) r.emplace_back(v.path, v.value.SerializeAsString());
    rows.push_back(std::move(r));
  }
  opened.value().reset();

  sqlite3* db = nullptr;
  std::string floor_path = (dir / "floor.db").string();
  sqlite3_open(floor_path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, durability == Durability::kFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF",
               nullptr, nullptr, nullptr);
  sqlite3_exec(db,
               "CREATE TABLE raw(record_id BLOB, path TEXT, value BLOB, "
               "PRIMARY KEY(record_id, path)) WITHOUT ROWID",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO raw VALUES(?, ?, ?)", -1, &ins, nullptr);
  std::vector<double> floor_us;
  for (size_t h = 0; h < rows.size(); ++h) {
    double t0 = NowUs();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (const auto& [path, bytes] : rows[h]) {
      sqlite3_bind_blob(ins, 1, ids[h].bytes.data(), 16, SQLITE_STATIC);
      sqlite3_bind_text(ins, 2, path.data(), static_cast<int>(path.size()), SQLITE_STATIC);
      sqlite3_bind_blob(ins, 3, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    floor_us.push_back(NowUs() - t0);
  }
  sqlite3_finalize(ins);
  sqlite3_close(db);

  // Closing the store checkpointed its WAL into the main file.
  double disk = static_cast<double>(FileBytes(dir / "store.db") + FileBytes(dir / "store.db-wal")) /
                households;
  return {Percentile(save_us, 0.5), Percentile(save_us, 0.99), Percentile(floor_us, 0.5), disk};
}

bench::SessionFigures RunSession(Durability durability, const fs::path& dir) {
  FixedClock clock;
  SeededRandom random;
  StoreOptions o;
  o.path = (dir / "session.db").string();
  o.clock = &clock;
  o.random = &random;
  o.durability = durability;
  auto opened = Store::Open(o);
  if (!opened.ok()) Die("open", opened.status());
  if (auto s = opened.value()->SetAuthor({"bench", "tablet-1"}); !s.ok()) Die("author", s);
  return bench::RunSessionBench(*opened.value(), 400);
}

}  // namespace

int main(int argc, char** argv) {
  int households = 300;
  if (argc > 1) households = std::max(10, std::atoi(argv[1]));
  fs::path base = fs::temp_directory_path() / ("doorstep-bench-" + std::to_string(::getpid()));
  fs::create_directories(base / "full");
  fs::create_directories(base / "off");

  Figures full = Run(households, Durability::kFull, base / "full");
  Figures off = Run(households, Durability::kOff, base / "off");
  bench::SessionFigures session_full = RunSession(Durability::kFull, base / "full");
  bench::SessionFigures session_off = RunSession(Durability::kOff, base / "off");
  if (std::getenv("BENCH_KEEP")) {
    std::fprintf(stderr, "kept %s\n", base.c_str());
  } else {
    fs::remove_all(base);
  }

  std::printf("households: %d\n", households);
  std::printf("household_save_median_us: %.0f\n", full.median_us);
  std::printf("household_save_p99_us: %.0f\n", full.p99_us);
  std::printf("floor_median_us: %.0f\n", full.floor_median_us);
  std::printf("floor_ratio: %.2f\n", full.median_us / full.floor_median_us);
  std::printf("disk_bytes_per_household: %.0f\n", full.disk_bytes);
  // Without fsync both sides measure CPU work only: the honest view of our overhead.
  std::printf("household_save_median_us_nosync: %.0f\n", off.median_us);
  std::printf("household_save_p99_us_nosync: %.0f\n", off.p99_us);
  std::printf("floor_median_us_nosync: %.0f\n", off.floor_median_us);
  std::printf("floor_ratio_nosync: %.2f\n", off.median_us / off.floor_median_us);
  // Form session on a registry household with 5 members (questions: the rows of its list).
  std::printf("session_questions: %zu\n", session_full.questions);
  std::printf("session_changes_per_edit: %.1f\n", session_full.changes_per_edit);
  std::printf("session_open_ms: %.2f\n", session_full.open_ms);
  std::printf("session_edit_median_us: %.0f\n", session_full.edit_median_us);
  std::printf("session_edit_p90_us: %.0f\n", session_full.edit_p90_us);
  std::printf("session_edit_median_us_nosync: %.0f\n", session_off.edit_median_us);
  std::printf("session_edit_p90_us_nosync: %.0f\n", session_off.edit_p90_us);
  return 0;
}
