// Photo uploads over a bad link: the fault-injecting TCP proxy (fault_proxy.h) between the libcurl
// client and the server cuts real connections in the middle of a chunk's body or of the server's
// answer. The server never appends a partial chunk, and the upload resumes from the last chunk
// the server holds whole, sending only the rest.
#include <catch2/catch.hpp>

#include "attachment_harness.h"
#include "fault_proxy.h"

namespace doorstep::testing::att {
namespace {

using fault::FaultProxy;
using fault::FaultRule;

constexpr size_t kChunk = 256 * 1024;

struct ProxiedTablet {
  PhotoServer server;
  FaultProxy proxy{server.port()};
  TempDir dir;
  std::unique_ptr<Tablet> tablet;
  std::string photo = Photo(1100 * 1024, 21);  // 5 chunks: 4 x 256 KiB + 76 KiB

  explicit ProxiedTablet(int curl_attempts) {
    REQUIRE(proxy.Start().ok());
    tablet = std::make_unique<Tablet>(dir.path().string(), "TAB-A",
                                      Tablet::Options{.curl_attempts = curl_attempts});
    tablet->Enroll(proxy.url(), server.Token({kVillage}));
    auto id = tablet->store().CreateRecord("photo_survey", "",
                                           {Edit::Set("village", Text(kVillage))});
    REQUIRE(id.ok());
    REQUIRE(tablet->store().Attach(*id, "house_photo", photo, "image/jpeg", "h.jpg").ok());
  }
  uint64_t Uploaded() {
    auto info = tablet->store().GetBlobInfo(ShaOf(photo));
    REQUIRE(info.ok());
    REQUIRE(info->has_value());
    return (*info)->uploaded;
  }
  std::string Faults(const std::string& prefix) {
    std::string out;
    for (const auto& c : proxy.Connections(prefix)) {
      if (!c.fault.empty()) out += c.fault + ";";
    }
    return out;
  }
};

TEST_CASE("a link cut in the middle of a chunk resumes from the last whole chunk",
          "[sync][attachments]") {
  ProxiedTablet t(1);  // no retry: the sync ends with the link down
  // The third chunk's connection goes down after 100 KiB of its body.
  t.proxy.Enqueue(FaultRule::On("PUT /v1/attachments/").Skip(2).DropRequestAfter(100 * 1024)
                      .InBody());
  auto first = t.tablet->Sync();
  INFO(first.attachments_status.ToString());
  CHECK(first.status.ok());  // the records went before the photo
  CHECK(first.checksums_match());
  CHECK(first.attachments_status.code() == Code::kUnavailable);
  CHECK_THAT(t.Faults("PUT "), Catch::Contains("dropped request"));
  CHECK(first.attachment_chunks_sent == 2);
  CHECK(t.Uploaded() == 2 * kChunk);
  // The 100 KiB that arrived were not appended: the server holds whole chunks only.
  CHECK(t.server.State(t.photo).held == 2 * kChunk);

  t.proxy.ClearRules();
  const uint64_t up_before = t.proxy.bytes_up();
  auto second = t.tablet->Sync();
  REQUIRE(second.attachments_status.ok());
  CHECK(second.attachment_chunks_sent == 3);
  CHECK(second.attachment_bytes_sent == t.photo.size() - 2 * kChunk);
  // On the wire too: the rest of the photo plus requests and headers, nowhere near the whole.
  CHECK(t.proxy.bytes_up() - up_before < t.photo.size() - 2 * kChunk + 32 * 1024);
  CHECK(ReadFileBytes(t.server.BlobDir() + "/" + HexOf(t.photo)) == t.photo);
}

TEST_CASE("a lost answer to a chunk is retried in the same sync and continues after a 409",
          "[sync][attachments]") {
  ProxiedTablet t(3);  // libcurl retries within the sync
  // The server appends the third chunk, then the answer is cut after 10 bytes.
  t.proxy.Enqueue(FaultRule::On("PUT /v1/attachments/").Skip(2).DropResponseAfter(10));
  auto r = t.tablet->Sync();
  INFO(r.attachments_status.ToString());
  REQUIRE(r.status.ok());
  REQUIRE(r.attachments_status.ok());
  CHECK_THAT(t.Faults("PUT "), Catch::Contains("dropped response"));
  CHECK(r.attachments_uploaded == 1);
  // Acknowledged: chunks 1, 2, 4 and 5; the retried third was answered 409 (held 768 KiB).
  CHECK(r.attachment_chunks_sent == 4);
  CHECK(r.attachment_bytes_sent == t.photo.size() - kChunk);
  CHECK(t.proxy.Connections("PUT /v1/attachments/").size() == 6);
  CHECK(t.Uploaded() == t.photo.size());
  CHECK(ReadFileBytes(t.server.BlobDir() + "/" + HexOf(t.photo)) == t.photo);
}

}  // namespace
}  // namespace doorstep::testing::att
