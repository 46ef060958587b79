// bench_registry: the registry at township scale. Generates a township with the sample generator
// (households with three signatures of ~275 points each), imports it into a township server
// (SQLite file, every household validated by the form pack, whole households per transaction),
// reads it back as a reviewer's copy, and times the problem list and the report. Prints one
// `name: value` line per figure.
//
// Usage: bench_registry [households=1300] [villages=14]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include <unistd.h>

#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/quality.h"
#include "doorstep/registry/records.h"
#include "doorstep/registry/report.h"
#include "doorstep/registry/sample.h"
#include "doorstep/registry/server.h"
#include "doorstep/sync/server/sqlite_store.h"

using namespace doorstep;
namespace fs = std::filesystem;

namespace {

class FixedClock final : public Clock {
 public:
  int64_t now = 1795399200000;  // 2026-11-23T02:00Z
  int64_t NowMs() override { return now; }
};

class SeededRandom final : public Random {
 public:
  std::mt19937_64 rng{1};
  Status Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng());
    return Status::Ok();
  }
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "bench_registry: %s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

}  // namespace

int main(int argc, char** argv) {
  const int households = argc > 1 ? std::atoi(argv[1]) : 1300;
  const int villages = argc > 2 ? std::atoi(argv[2]) : 14;
  const fs::path dir = fs::temp_directory_path() / ("bench_registry." + std::to_string(getpid()));
  fs::create_directories(dir);

  auto t0 = std::chrono::steady_clock::now();
  registry::SampleOptions options;
  options.households = households;
  options.villages = villages;
  const registry::Sample sample = registry::GenerateTownship(options);
  const double generate_s = Seconds(t0);

  t0 = std::chrono::steady_clock::now();
  std::string text;
  for (const auto& v : sample.township.villages) text += registry::VillageRegisterJson(v) + "\n";
  for (const auto& h : sample.township.households) text += registry::HouseholdJson(h) + "\n";
  std::vector<Status> errors;
  auto rows = registry::ParseJsonLines(text, &errors);
  const double jsonl_s = Seconds(t0);

  FixedClock clock;
  SeededRandom random;
  sync::server::SqliteStoreOptions so;
  so.path = (dir / "server.db").string();
  auto store = Must(sync::server::SqliteServerStore::Open(so), "open server store");
  sync::server::ServiceOptions service_options;
  service_options.clock = &clock;
  service_options.random = &random;
  sync::server::SyncService service(store.get(), service_options);
  auto pack = Must(registry::LoadFormPack(registry::DefaultFormPackDir()), "form pack");
  Must(service.InstallForms(pack), "install forms");

  registry::ImportOptions import_options;
  import_options.random = &random;
  t0 = std::chrono::steady_clock::now();
  auto stats = Must(registry::ImportRegistry(service, rows, import_options), "import");
  const double import_s = Seconds(t0);
  t0 = std::chrono::steady_clock::now();
  auto again = Must(registry::ImportRegistry(service, rows, import_options), "re-import");
  const double reimport_s = Seconds(t0);

  t0 = std::chrono::steady_clock::now();
  auto copy = Must(registry::MaterializeRecords(service, {}, &clock, &random), "materialize");
  auto township = Must(registry::LoadTownship(*copy), "load township");
  const double load_s = Seconds(t0);

  t0 = std::chrono::steady_clock::now();
  registry::QualityOptions q;
  q.today = options.today;
  const auto problems = registry::FindProblems(township, q);
  const double problems_s = Seconds(t0);
  t0 = std::chrono::steady_clock::now();
  const auto report = registry::BuildReport(township, 2026);
  const std::string report_text = registry::ReportText(report);
  const double report_s = Seconds(t0);
  const auto db_bytes = fs::file_size(dir / "server.db");

  std::printf("households: %d\n", households);
  std::printf("villages: %d\n", villages);
  std::printf("export_bytes_per_household: %.0f\n",
              static_cast<double>(text.size()) / households);
  std::printf("generate_households_per_s: %.0f\n", households / generate_s);
  std::printf("jsonl_write_and_parse_s: %.3f\n", jsonl_s);
  std::printf("import_rows_refused: %zu\n", stats.failed_rows);
  std::printf("import_households_per_s: %.0f\n", households / import_s);
  std::printf("import_fields_written: %zu\n", stats.fields_written);
  std::printf("reimport_fields_written: %zu\n", again.fields_written);
  std::printf("reimport_s: %.3f\n", reimport_s);
  std::printf("reimport_to_import_ratio: %.2f\n", reimport_s / import_s);
  std::printf("server_db_bytes_per_household: %.0f\n", static_cast<double>(db_bytes) / households);
  std::printf("load_township_s: %.3f\n", load_s);
  std::printf("problem_list_ms: %.1f\n", problems_s * 1000);
  std::printf("problems_found: %zu\n", problems.size());
  std::printf("report_ms: %.1f\n", report_s * 1000);
  fs::remove_all(dir);
  return 0;
}
