// Writes the seed corpora of the libFuzzer targets (fuzz/, docs/fuzzing.md) from what the code
// really sends: a tablet's change sets, the server's answers and pull pages, a registry export as
// JSON Lines and CSV, the shipped forms' expressions, forms and signature files. Hidden (tag
// [.fuzz_seeds]): it runs only when asked, with DOORSTEP_FUZZ_SEEDS set to the corpus directory:
//   DOORSTEP_FUZZ_SEEDS=$PWD/fuzz/corpus build/plain/tests/doorstep_sync_tests "[.fuzz_seeds]"
// The corpora are checked in; rerun this after a wire or format change.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/sample.h"
#include "doorstep/sync/codec.h"
#include "doorstep/sync/push_result.h"
#include "doorstep/sync/wire.h"
#include "household_sample.h"
#include "server_harness.h"

namespace doorstep::testing {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The encoding byte the targets read first, then the body encoded with it.
std::string Framed(const google::protobuf::MessageLite& m, sync::Encoding e) {
  auto body = sync::EncodeBody(m, e);
  REQUIRE(body.ok());
  return std::string(1, static_cast<char>(static_cast<int>(e))) + *body;
}

void Protocol(const fs::path& out) {
  srv::ServerFixture fx(false);
  auto device = fx.Enroll({"坪新冲村"});
  StoreFixture tablet;
  auto store = tablet.Open();
  REQUIRE(store->InstallForm(HouseholdForm("2024.1")).ok());
  std::mt19937_64 rng(7);
  for (int i = 0; i < 6; ++i) {
    testdata::HouseholdOptions o;
    o.members = 1 + i;
    o.sign = i != 1;
    auto created = store->CreateRecord("household", "", testdata::HouseholdEdits(rng, o));
    INFO(created.status().ToString());
    REQUIRE(created.ok());
  }
  auto pending = store->PushableChanges();
  REQUIRE(pending.ok());
  auto batches = sync::BuildBatches(*pending, device.device_id, 1, 12 << 10,
                                    sync::Encoding::kIdentity);
  REQUIRE(batches.size() >= 3);
  int n = 0;
  for (auto& set : batches) {
    set.set_compact_results(true);
    const std::string name = "batch" + std::to_string(n++);
    Write(out / "fuzz_server_push", name, set.SerializeAsString());
    Write(out / "fuzz_change_set", name, Framed(set, sync::Encoding::kIdentity));
    auto answer = fx.service->Push(device.info, set);
    REQUIRE(answer.ok());
    CHECK(answer->results_size() == 0);  // every change accepted (compact answer: runs only)
    const int changes = set.changes_size();
    // fuzz_push_answer: byte 0 is the batch size / 4 (rounded up), byte 1 the encoding.
    std::string framed = Framed(*answer, sync::Encoding::kIdentity);
    framed.insert(framed.begin(), static_cast<char>(std::min(255, (changes + 3) / 4)));
    Write(out / "fuzz_push_answer", name, framed);
  }
  // An answer with every outcome but ACCEPTED runs: the first batch again as a new batch, with
  // every other value replaced by a text (wrong type: QUARANTINED; a text field: a concurrent
  // edit of the same base version, CONFLICT) under older clocks.
  {
    v1::ChangeSet again = batches[0];
    again.set_batch_seq(100);
    for (int i = 0; i < again.changes_size(); i += 2) {
      auto* c = again.mutable_changes(i);
      c->mutable_value()->set_text("x");
      c->set_hlc(c->hlc() - 1000);
    }
    auto answer = fx.service->Push(device.info, again);
    REQUIRE(answer.ok());
    CHECK(answer->results_size() > 0);
    std::string framed = Framed(*answer, sync::Encoding::kIdentity);
    framed.insert(framed.begin(), static_cast<char>(std::min(255, (again.changes_size() + 3) / 4)));
    Write(out / "fuzz_push_answer", "mixed", framed);
  }
  Write(out / "fuzz_change_set", "batch0.zst", Framed(batches[0], sync::Encoding::kZstd));
  Write(out / "fuzz_change_set", "batch1.gz", Framed(batches[1], sync::Encoding::kGzip));
  v1::PullRequest request;
  request.set_page_size(60);
  for (int page = 0; page < 4; ++page) {
    auto got = fx.service->Pull(device.info, request);
    REQUIRE(got.ok());
    REQUIRE(got->changes_size() > 0);
    Write(out / "fuzz_pull_page", "page" + std::to_string(page),
          Framed(*got, sync::Encoding::kIdentity));
    if (!got->more()) break;
    request.set_cursor(got->next_cursor());
  }
}

void Texts(const fs::path& out) {
  // Forms and their expressions.
  std::set<std::string> expressions;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (v.is_string() && (k == "relevant" || k == "constraint" || k == "calculate" ||
                              k == "required")) {
          expressions.insert(v.get<std::string>());
        }
        walk(v);
      }
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  std::vector<fs::path> forms = {SourcePath("forms/household_v1.json"),
                                 SourcePath("forms/household_v2.json")};
  for (const auto& entry : fs::directory_iterator(SourcePath("forms/registry"))) {
    forms.push_back(entry.path());
  }
  for (const auto& f : forms) {
    const std::string text = Read(f.string());
    Write(out / "fuzz_form", f.filename().string(), text);
    walk(nlohmann::json::parse(text));
  }
  REQUIRE(expressions.size() >= 5);
  int n = 0;
  for (const auto& e : expressions) Write(out / "fuzz_expression", "e" + std::to_string(n++), e);
  // Signature files.
  for (const auto& entry : fs::directory_iterator(SourcePath("examples/signatures"))) {
    Write(out / "fuzz_strokes", entry.path().filename().string(), Read(entry.path().string()));
  }
  // A small township as JSON Lines (byte 0 even) and CSV (byte 0 odd).
  registry::SampleOptions so;
  so.villages = 2;
  so.households = 4;
  so.signature_points = 12;
  auto sample = registry::GenerateTownship(so);
  std::string jsonl(1, '\0');
  std::string csv(1, '\1');
  for (const auto& c : registry::CsvColumns()) csv += (csv.size() > 1 ? "," : "") + c;
  csv += "\r\n";
  for (const auto& v : sample.township.villages) jsonl += registry::VillageRegisterJson(v) + "\n";
  for (const auto& h : sample.township.households) {
    jsonl += registry::HouseholdJson(h) + "\n";
    csv += registry::HouseholdCsvRows(h);
  }
  for (const auto& r : sample.township.reviews) jsonl += registry::StatusReviewJson(r) + "\n";
  for (const auto& r : sample.township.misidentification_reviews) {
    jsonl += registry::MisidentificationReviewJson(r) + "\n";
  }
  Write(out / "fuzz_import", "township.jsonl", jsonl);
  Write(out / "fuzz_import", "township.csv", csv);
}

TEST_CASE("fuzz seeds: write the seed corpora of fuzz/", "[.fuzz_seeds]") {
  // Without DOORSTEP_FUZZ_SEEDS (e.g. a run of every test including hidden ones) the seeds go
  // to a temporary directory: the writer's own checks still run.
  TempDir scratch;
  const char* env = std::getenv("DOORSTEP_FUZZ_SEEDS");
  const fs::path dir = env != nullptr ? fs::path(env) : scratch.path();
  Protocol(dir);
  Texts(dir);
  CHECK(fs::exists(dir / "fuzz_server_push" / "batch0"));
}

}  // namespace
}  // namespace doorstep::testing
