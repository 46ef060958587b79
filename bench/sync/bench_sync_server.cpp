// bench_sync: the server-side figures. The apply rate of SyncService::Push on pre-built ChangeSets
// (no HTTP), the fill of a large database with light households, and the HTTP pull of one village.
#include <time.h>

#include <algorithm>
#include <utility>

#include "bench_sync.h"
#include "doorstep/core/hlc.h"
#include "doorstep/registry/records.h"
#include "doorstep/sync/codec.h"
#include "doorstep/sync/wire.h"

namespace doorstep::bench {
namespace {

double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace

ApplyFigures MeasureApply(ss::ServerStore& store, const std::vector<v1::FormDef>& pack,
                          const std::vector<OutboxEntry>& entries,
                          const std::vector<std::string>& villages) {
  BenchClock clock;
  BenchRandom random(11);
  ss::ServiceOptions o;
  o.clock = &clock;
  o.random = &random;
  ss::SyncService service(&store, o);
  Must(service.InstallForms(pack), "install the form pack (apply)");
  auto token = Must(service.CreateEnrollmentToken("第一工作队", villages, false), "token (apply)");
  v1::EnrollRequest request;
  request.set_token(token.token);
  auto enrolled = Must(service.Enroll(request), "enroll (apply)");
  const ss::DeviceInfo device = Must(service.Authenticate(enrolled.credential()), "auth (apply)");
  // The batches a tablet would send (256 KiB compressed each), built before the clock starts.
  std::vector<v1::ChangeSet> batches = sync::BuildBatches(entries, device.device_id, 1);
  ApplyFigures f;
  f.batches = batches.size();
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& batch : batches) {
    batch.set_device_clock_ms(static_cast<uint64_t>(kNowMs));
    auto result = Must(service.Push(device, batch), "push (apply)");
    for (const auto& r : result.results()) {
      if (r.outcome() != v1::ChangeResult::ACCEPTED) {
        Fail("push (apply)", Status(Code::kInternal, "a change was not ACCEPTED (outcome " +
                                                         std::to_string(r.outcome()) + ")"));
      }
    }
    f.changes += static_cast<uint64_t>(batch.changes_size());
  }
  f.seconds = SecondsSince(t0);
  f.cpu_seconds = ProcessCpuSeconds() - cpu0;
  return f;
}

LightFill::LightFill(const std::vector<registry::Household>& templates) {
  // A handful of plain household fields (no members, no signatures) of each template household.
  for (const auto& h : templates) {
    std::vector<std::pair<std::string, v1::Value>> fields;
    for (Edit& e : registry::HouseholdEdits(h)) {
      if (e.op != Edit::Op::kSet || e.path.find('[') != std::string::npos) continue;
      if (e.path == "village") continue;  // set per fill village
      fields.emplace_back(e.path, std::move(e.value));
      if (fields.size() == kLightFields) break;
    }
    templates_.push_back(std::move(fields));
  }
}

double LightFill::Push(ss::SyncService& service, const ss::DeviceInfo& reviewer, int households) {
  constexpr int kPerBatch = 1000;  // households per ChangeSet: large transactions
  const auto t0 = std::chrono::steady_clock::now();
  v1::Value form;
  form.set_text(std::string(registry::kHouseholdForm) + "@" + registry::kPackVersion);
  v1::Value draft;
  draft.set_text("draft");
  const Author author{"S-fill", "fill-import"};
  for (int done = 0; done < households;) {
    const int n = std::min(kPerBatch, households - done);
    std::vector<OutboxEntry> entries;
    entries.reserve(static_cast<size_t>(n) * (kLightFields + 3));
    for (int i = 0; i < n; ++i, ++done, ++filled_) {
      v1::Value village;
      village.set_text("填充村" + std::to_string(filled_ / kVillageHouseholds + 1));
      const HlcTimestamp hlc = MakeHlc(kNowMs - 86400 * 1000 + filled_, 0);
      const RecordId id = Uuid::GenerateTimeOrdered(HlcMillis(hlc), random_).value();  // as tablets do
      auto add = [&](const std::string& path, const v1::Value& value) {
        OutboxEntry e;
        e.record_id = id;
        e.path = path;
        e.value = value;
        e.hlc = hlc;
        e.author = author;
        entries.push_back(std::move(e));
      };
      add("@form", form);
      add("@state", draft);
      add("village", village);
      const auto& fields = templates_[static_cast<size_t>(filled_) % templates_.size()];
      for (const auto& [path, value] : fields) add(path, value);
    }
    v1::ChangeSet set;
    set.set_device_id(reviewer.device_id);
    set.set_batch_seq(++batch_seq_);
    set.set_device_clock_ms(static_cast<uint64_t>(kNowMs));
    sync::Interner interner;
    for (const auto& e : entries) sync::AddChange(e, &interner, &set);
    Must(service.Push(reviewer, set), "push light households");
  }
  return SecondsSince(t0);
}

PullFigures MeasureVillagePull(const std::string& url, const std::string& credential, int runs) {
  sc::CurlTransport curl(BenchCurlOptions());
  std::vector<double> ms;
  PullFigures f;
  for (int run = 0; run < runs; ++run) {
    PullFigures one;
    const auto t0 = std::chrono::steady_clock::now();
    int64_t cursor = 0;
    for (bool more = true; more;) {
      v1::PullRequest request;
      request.set_cursor(cursor);
      sc::HttpRequest http;
      http.method = "POST";
      http.url = url + "/v1/pull";
      http.body = Must(sync::EncodeBody(request, sync::Encoding::kZstd), "encode a pull");
      http.headers = {{"Content-Type", "application/x-protobuf"},
                      {"Content-Encoding", "zstd"},
                      {"Accept-Encoding", "zstd"},
                      {"Authorization", "Bearer " + credential}};
      auto answer = Must(curl.Send(http), "POST /v1/pull");
      if (answer.status != 200) {
        Fail("POST /v1/pull", Status(Code::kInternal, "HTTP " + std::to_string(answer.status)));
      }
      const std::string* encoding = answer.Header("content-encoding");
      v1::PullPage page;
      Must(sync::DecodeBody(answer.body,
                            encoding != nullptr && *encoding == "zstd" ? sync::Encoding::kZstd
                                                                       : sync::Encoding::kIdentity,
                            &page),
           "decode a pull page");
      ++one.pages;
      one.changes += static_cast<uint64_t>(page.changes_size());
      one.records += static_cast<uint64_t>(page.records_size());
      one.bytes += answer.bytes_received;
      cursor = page.next_cursor();
      more = page.more();
    }
    ms.push_back(SecondsSince(t0) * 1000);
    f = one;
  }
  std::sort(ms.begin(), ms.end());
  f.median_ms = ms[ms.size() / 2];
  return f;
}

}  // namespace doorstep::bench
