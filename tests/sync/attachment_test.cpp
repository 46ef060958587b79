// Photos end to end: tablets (real SQLite files, the real libcurl client) upload attachments to
// the township server (real HTTP on 127.0.0.1, a FileBlobStore directory) after the records, in
// chunks, resuming after a dropped link from what the server holds; deduplicated across devices;
// verified by the server; never holding the records back; fetched by the township office.
#include <catch2/catch.hpp>
#include <filesystem>

#include "attachment_harness.h"

namespace doorstep::testing::att {
namespace {

constexpr size_t kChunk = 256 * 1024;

// A tablet enrolled on `server` for kVillage, its link behind CutLink (no retries).
struct PhotoTablet {
  TempDir dir;
  Tablet tablet;
  PhotoTablet(PhotoServer& server, const std::string& name, bool reviewer = false)
      : tablet(dir.path().string(), name, Tablet::Options{.cut_link = true}) {
    tablet.Enroll(server.url(), server.Token(reviewer ? std::vector<std::string>{}
                                                      : std::vector<std::string>{kVillage},
                                             reviewer));
  }
  Store& store() { return tablet.store(); }

  // A household of kVillage with `photo` as its house photo.
  RecordId Household(const std::string& photo, const std::string& head = "王秀英") {
    auto id = store().CreateRecord("photo_survey", "",
                                   {Edit::Set("village", Text(kVillage)),
                                    Edit::Set("head_name", Text(head))});
    REQUIRE(id.ok());
    auto set = store().Attach(*id, "house_photo", photo, "image/jpeg", "house.jpg");
    INFO(set.status().ToString());
    REQUIRE(set.ok());
    return *id;
  }
  sc::SyncResult Sync(size_t chunk = kChunk) {
    sc::SyncOptions o;
    o.attachment_chunk_bytes = chunk;
    return tablet.client().Sync(o);
  }
  BlobInfo Info(const std::string& photo) {
    auto info = store().GetBlobInfo(ShaOf(photo));
    REQUIRE(info.ok());
    REQUIRE(info->has_value());
    return **info;
  }
};

bool IsAttachment(const sc::HttpRequest& r) {
  return r.url.find("/v1/attachments/") != std::string::npos;
}

std::string ServerCopy(PhotoServer& server, const std::string& photo) {
  return ReadFileBytes(server.BlobDir() + "/" + HexOf(photo));
}

}  // namespace

TEST_CASE("photos upload in chunks after the records, over real HTTP", "[sync][attachments]") {
  PhotoServer server;
  PhotoTablet a(server, "TAB-A");
  const std::string big = Photo(600 * 1024, 1);    // 3 chunks: 256 + 256 + 88 KiB
  const std::string small = Photo(100 * 1024, 2);  // 1 chunk
  a.Household(big);
  a.Household(small, "李四");
  std::vector<std::string> order;
  a.tablet.link().observe = [&](const sc::HttpRequest& r, const sc::HttpResponse& answer,
                                CutLink::Cut) {
    order.push_back(sc::EndpointLabel(r) + " " + std::to_string(answer.status));
  };
  std::vector<sc::SyncProgress> seen;
  sc::SyncOptions o;
  auto r = a.tablet.client().Sync(o, [&](const sc::SyncProgress& p) { seen.push_back(p); });
  INFO(r.status.ToString() << " / " << r.attachments_status.ToString());
  REQUIRE(r.status.ok());
  REQUIRE(r.attachments_status.ok());
  CHECK(r.checksums_match());
  CHECK(r.attachments_pending == 2);
  CHECK(r.attachments_uploaded == 2);
  CHECK(r.attachments_already_there == 0);
  CHECK(r.attachments_remaining == 0);
  CHECK(r.attachment_chunks_sent == 4);
  CHECK(r.attachment_bytes_sent == big.size() + small.size());

  // Records first: every attachment request comes after the last push and pull.
  size_t last_record = 0;
  size_t first_photo = order.size();
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i].find("/v1/attachments/") != std::string::npos) {
      first_photo = std::min(first_photo, i);
    } else if (order[i].find("/v1/push") != std::string::npos ||
               order[i].find("/v1/pull") != std::string::npos) {
      last_record = i;
    }
  }
  INFO([&] { std::string all; for (auto& l : order) all += l + "\n"; return all; }());
  CHECK(last_record < first_photo);
  // One GET per photo (the server holds nothing yet), then the chunks.
  CHECK(std::count_if(order.begin(), order.end(), [](const std::string& l) {
          return l.rfind("PUT /v1/attachments/", 0) == 0 && l.size() > 4 &&
                 l.compare(l.size() - 4, 4, " 200") == 0;
        }) == 4);

  CHECK(ServerCopy(server, big) == big);
  CHECK(ServerCopy(server, small) == small);
  CHECK_FALSE(std::filesystem::exists(server.BlobDir() + "/" + HexOf(big) + ".part"));
  CHECK(a.Info(big).complete);
  CHECK(a.Info(big).uploaded == big.size());
  CHECK(a.store().PendingUploads().value().empty());

  // Progress reports photos apart from records.
  REQUIRE_FALSE(seen.empty());
  CHECK(std::any_of(seen.begin(), seen.end(), [](const sc::SyncProgress& p) {
    return p.phase == sc::SyncPhase::kAttachments;
  }));
  CHECK(seen.back().phase == sc::SyncPhase::kDone);
  CHECK(seen.back().attachments_to_upload == 2);
  CHECK(seen.back().attachments_uploaded == 2);
  CHECK(seen.back().attachment_bytes_total == big.size() + small.size());
  CHECK(seen.back().attachment_bytes_held == big.size() + small.size());
  CHECK(seen.back().records_pushed == 2);

  // Nothing left: the next sync makes no attachment request at all.
  order.clear();
  auto again = a.Sync();
  REQUIRE(again.status.ok());
  CHECK(again.attachments_pending == 0);
  CHECK(std::none_of(order.begin(), order.end(), [](const std::string& l) {
    return l.find("/v1/attachments/") != std::string::npos;
  }));
}

TEST_CASE("an interrupted upload resumes from the server's held size and sends only the rest",
          "[sync][attachments]") {
  PhotoServer server;
  PhotoTablet a(server, "TAB-A");
  const std::string photo = Photo(1100 * 1024, 3);  // 5 chunks: 4 x 256 KiB + 76 KiB
  a.Household(photo);
  int puts = 0;
  CutLink::Cut cut = CutLink::Cut::kBeforeRequest;
  a.tablet.link().plan = [&](const sc::HttpRequest& r) {
    return r.method == "PUT" && ++puts == 3 ? cut : CutLink::Cut::kNone;
  };

  SECTION("the link drops before the third chunk leaves") {
    auto first = a.Sync();
    CHECK(first.status.ok());  // the records are synced
    CHECK(first.checksums_match());
    CHECK(first.attachments_status.code() == Code::kUnavailable);
    CHECK(first.attachment_chunks_sent == 2);
    CHECK(first.attachment_bytes_sent == 2 * kChunk);
    CHECK(first.attachments_remaining == 1);
    CHECK(a.Info(photo).uploaded == 2 * kChunk);
    CHECK(server.State(photo).held == 2 * kChunk);

    a.tablet.link().plan = nullptr;
    auto second = a.Sync();
    INFO(second.attachments_status.ToString());
    REQUIRE(second.attachments_status.ok());
    CHECK(second.attachment_chunks_sent == 3);
    CHECK(second.attachment_bytes_sent == photo.size() - 2 * kChunk);
    CHECK(second.attachments_uploaded == 1);
    CHECK(second.attachment_wire_bytes_sent == photo.size() - 2 * kChunk);
  }
  SECTION("the answer to the third chunk is lost after the server appended it") {
    cut = CutLink::Cut::kAfterAnswer;
    auto first = a.Sync();
    CHECK(first.status.ok());
    CHECK(first.attachments_status.code() == Code::kUnavailable);
    CHECK(first.attachment_chunks_sent == 2);  // acknowledged ones
    CHECK(a.Info(photo).uploaded == 2 * kChunk);
    CHECK(server.State(photo).held == 3 * kChunk);

    a.tablet.link().plan = nullptr;
    std::vector<int> put_statuses;
    a.tablet.link().observe = [&](const sc::HttpRequest& r, const sc::HttpResponse& answer,
                                  CutLink::Cut) {
      if (r.method == "PUT") put_statuses.push_back(answer.status);
    };
    auto second = a.Sync();
    REQUIRE(second.attachments_status.ok());
    // The server's held size wins over ours: asked first, so not one chunk is refused with 409.
    CHECK(put_statuses == std::vector<int>{200, 200});
    CHECK(second.attachment_chunks_sent == 2);
    CHECK(second.attachment_bytes_sent == photo.size() - 3 * kChunk);
    CHECK(second.attachment_wire_bytes_sent == photo.size() - 3 * kChunk);
  }
  SECTION("the next sync uses another chunk size: offsets come from the server") {
    CHECK(a.Sync().attachment_chunks_sent == 2);
    a.tablet.link().plan = nullptr;
    auto second = a.Sync(kChunk * 2);
    REQUIRE(second.attachments_status.ok());
    CHECK(second.attachment_chunks_sent == 2);  // 512 KiB + 76 KiB
    CHECK(second.attachment_bytes_sent == photo.size() - 2 * kChunk);
  }
  CHECK(ServerCopy(server, photo) == photo);
  CHECK(server.State(photo).complete);
  CHECK(a.Info(photo).complete);
}

TEST_CASE("a tablet restarted mid-upload resumes from the last acknowledged chunk",
          "[sync][attachments]") {
  PhotoServer server;
  TempDir dir;
  const std::string photo = Photo(800 * 1024, 10);  // 4 chunks
  {
    Tablet t(dir.path().string(), "TAB-A", Tablet::Options{.cut_link = true});
    t.Enroll(server.url(), server.Token({kVillage}));
    auto id = t.store().CreateRecord("photo_survey", "", {Edit::Set("village", Text(kVillage))});
    REQUIRE(id.ok());
    REQUIRE(t.store().Attach(*id, "house_photo", photo, "image/jpeg", "h.jpg").ok());
    int puts = 0;
    t.link().plan = [&](const sc::HttpRequest& r) {
      return r.method == "PUT" && ++puts == 2 ? CutLink::Cut::kBeforeRequest : CutLink::Cut::kNone;
    };
    auto first = t.Sync();
    CHECK(first.status.ok());
    CHECK(first.attachment_chunks_sent == 1);
  }  // the app is killed: the store file keeps what was acknowledged
  Tablet again(dir.path().string(), "TAB-A");
  auto info = again.store().GetBlobInfo(ShaOf(photo));
  REQUIRE(info.ok());
  REQUIRE(info->has_value());
  CHECK((*info)->uploaded == kChunk);
  auto second = again.Sync();
  INFO(second.attachments_status.ToString());
  REQUIRE(second.attachments_status.ok());
  CHECK(second.attachment_chunks_sent == 3);
  CHECK(second.attachment_bytes_sent == photo.size() - kChunk);
  CHECK(ServerCopy(server, photo) == photo);
}

TEST_CASE("a second device with the same photo uploads no chunk", "[sync][attachments]") {
  PhotoServer server;
  PhotoTablet a(server, "TAB-A");
  PhotoTablet b(server, "TAB-B");
  const std::string photo = Photo(300 * 1024, 4);
  a.Household(photo);
  REQUIRE(a.Sync().attachments_uploaded == 1);

  // B pulls A's household: its photo value refers to a blob B does not hold; nothing to upload.
  auto pulled = b.Sync();
  REQUIRE(pulled.status.ok());
  CHECK(pulled.attachments_pending == 0);

  b.Household(photo, "李四");  // the same picture taken into B's own record
  auto r = b.Sync();
  REQUIRE(r.attachments_status.ok());
  CHECK(r.attachments_pending == 1);
  CHECK(r.attachments_already_there == 1);
  CHECK(r.attachments_uploaded == 0);
  CHECK(r.attachment_chunks_sent == 0);
  CHECK(r.attachment_bytes_sent == 0);
  CHECK(b.Info(photo).complete);
}

namespace {

// Flips one byte of the first attachment chunk it carries: the whole no longer hashes right.
class CorruptFirstChunk final : public sc::HttpTransport {
 public:
  explicit CorruptFirstChunk(sc::HttpTransport& inner) : inner_(inner) {}
  bool armed = true;
  Result<sc::HttpResponse> Send(const sc::HttpRequest& request) override {
    if (!armed || request.method != "PUT" || request.body.empty()) return inner_.Send(request);
    armed = false;
    sc::HttpRequest bad = request;
    bad.body[bad.body.size() / 2] = static_cast<char>(bad.body[bad.body.size() / 2] ^ 0x5a);
    return inner_.Send(bad);
  }
  void CloseIdle() override { inner_.CloseIdle(); }

 private:
  sc::HttpTransport& inner_;
};

}  // namespace

TEST_CASE("an upload whose bytes do not match the hash is refused and made available nowhere",
          "[sync][attachments]") {
  PhotoServer server;
  PhotoTablet a(server, "TAB-A");
  const std::string photo = Photo(500 * 1024, 5);
  a.Household(photo);
  CorruptFirstChunk corrupt(a.tablet.curl());
  sc::SyncClient client(a.store(), corrupt);
  sc::SyncOptions o;
  auto r = client.Sync(o);
  CHECK(r.status.ok());  // the records are synced regardless
  CHECK(r.attachments_status.code() == Code::kCorruption);
  CHECK_THAT(r.attachments_status.message(), Catch::Contains("HTTP 422"));
  CHECK_THAT(r.attachments_status.message(), Catch::Contains("starts again from the beginning"));
  CHECK(r.attachments_uploaded == 0);
  CHECK(r.attachments_remaining == 1);
  const ss::BlobState state = server.State(photo);
  CHECK(state.held == 0);
  CHECK_FALSE(state.complete);
  CHECK_FALSE(std::filesystem::exists(server.BlobDir() + "/" + HexOf(photo)));
  CHECK_FALSE(std::filesystem::exists(server.BlobDir() + "/" + HexOf(photo) + ".part"));
  CHECK(a.Info(photo).uploaded == 0);

  auto again = client.Sync(o);  // the link behaves now
  REQUIRE(again.attachments_status.ok());
  CHECK(again.attachment_bytes_sent == photo.size());
  CHECK(ServerCopy(server, photo) == photo);
}

TEST_CASE("records reach the server even when photo uploads fail", "[sync][attachments]") {
  SECTION("the link drops every attachment request") {
    PhotoServer server;
    PhotoTablet a(server, "TAB-A");
    const std::string photo = Photo(200 * 1024, 6);
    a.Household(photo);
    a.tablet.link().plan = [](const sc::HttpRequest& r) {
      return IsAttachment(r) ? CutLink::Cut::kBeforeRequest : CutLink::Cut::kNone;
    };
    auto r = a.Sync();
    INFO(r.status.ToString());
    REQUIRE(r.status.ok());
    REQUIRE(r.checksums_verified);
    CHECK(r.checksums_match());
    CHECK(server.Checksum(kVillage) == a.tablet.Checksum(kVillage));
    CHECK(a.tablet.Pending() == 0);
    CHECK(r.attachments_status.code() == Code::kUnavailable);
    CHECK(r.attachments_remaining == 1);
    a.tablet.link().plan = nullptr;
    CHECK(a.Sync().attachments_uploaded == 1);
  }
  SECTION("the server takes no attachments") {
    PhotoServer server(false);
    PhotoTablet a(server, "TAB-A");
    a.Household(Photo(1000, 7));
    auto r = a.Sync();
    REQUIRE(r.status.ok());
    CHECK(r.checksums_match());
    CHECK(r.attachments_status.code() == Code::kNotFound);
    CHECK(r.attachments_remaining == 1);
  }
  SECTION("photo uploads turned off") {
    PhotoServer server;
    PhotoTablet a(server, "TAB-A");
    a.Household(Photo(1000, 8));
    sc::SyncOptions o;
    o.upload_attachments = false;
    auto r = a.tablet.client().Sync(o);
    REQUIRE(r.status.ok());
    CHECK(r.attachments_skipped);
    CHECK(r.attachments_remaining == 1);
  }
}

TEST_CASE("the township office fetches a photo, verified, and keeps it", "[sync][attachments]") {
  PhotoServer server;
  PhotoTablet a(server, "TAB-A");
  PhotoTablet office(server, "OFFICE", true);
  PhotoTablet b(server, "TAB-B");
  const std::string photo = Photo(1500 * 1024, 9);  // two download requests of at most 1 MiB
  const RecordId id = a.Household(photo);
  REQUIRE(a.Sync().attachments_uploaded == 1);
  REQUIRE(office.Sync().status.ok());
  REQUIRE(b.Sync().status.ok());
  auto rec = office.store().GetRecord(id);
  REQUIRE(rec.ok());
  const v1::Value* value = rec->Get("house_photo");
  REQUIRE(value != nullptr);

  int requests = 0;
  office.tablet.link().observe = [&](const sc::HttpRequest&, const sc::HttpResponse&,
                                     CutLink::Cut) { ++requests; };
  auto fetched = office.tablet.client().FetchAttachment(value->attachment());
  INFO(fetched.status().ToString());
  REQUIRE(fetched.ok());
  CHECK(*fetched == photo);
  CHECK(requests == 2);
  CHECK(office.Info(photo).complete);
  // Held now: read from the store, no request.
  CHECK(office.tablet.client().FetchAttachment(value->attachment()).value() == photo);
  CHECK(requests == 2);
  // A surveyor's tablet may not download photos.
  auto refused = b.tablet.client().FetchAttachment(value->attachment());
  CHECK(refused.status().code() == Code::kPermissionDenied);
}

}  // namespace doorstep::testing::att
