// Test harness of the attachment tests: the township server with a FileBlobStore (SQLite file,
// blob directory and HTTP on 127.0.0.1 in a temp directory), a form with photo fields, photos
// (incompressible pseudo-random bytes), and raw protocol calls over httplib for the statuses a
// well-behaved client never provokes.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "client_harness.h"
#include "doorstep/core/sha256.h"
#include "doorstep/sync/server/blob_store.h"

namespace doorstep::testing::att {

namespace sc = doorstep::sync::client;
namespace ss = doorstep::sync::server;

inline v1::FormDef PhotoForm() {
  return FormJson(R"({"formId": "photo_survey", "version": "1", "scopeField": "village",
    "fields": [
      {"name": "village", "type": "TEXT"},
      {"name": "head_name", "type": "TEXT"},
      {"name": "house_photo", "type": "ATTACHMENT"},
      {"name": "members", "type": "REPEAT", "children": [
        {"name": "m_name", "type": "TEXT"},
        {"name": "m_photo", "type": "ATTACHMENT"}]}
    ]})");
}

// `n` pseudo-random bytes: a stand-in for a JPEG (incompressible).
inline std::string Photo(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

inline std::string ShaOf(const std::string& bytes) {
  const Digest d = Sha256Of(bytes);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}
inline std::string HexOf(const std::string& bytes) { return ToHex(Sha256Of(bytes)); }

// The server: SQLite store, SyncService, FileBlobStore (unless `with_blobs` is false: a server
// that takes no attachments) and HttpServer, with PhotoForm installed.
class PhotoServer {
 public:
  explicit PhotoServer(bool with_blobs = true) {
    ss::SqliteStoreOptions so;
    so.path = dir_.File("server.db");
    so.connections = 2;
    auto opened = ss::SqliteServerStore::Open(so);
    REQUIRE(opened.ok());
    store_ = std::move(opened).value();
    ss::ServiceOptions o;
    o.clock = &clock_;
    o.random = &random_;
    service_ = std::make_unique<ss::SyncService>(store_.get(), o);
    REQUIRE(service_->InstallForms({PhotoForm()}).ok());
    ss::HttpServerOptions ho;
    ho.threads = 4;
    if (with_blobs) {
      auto blobs = ss::FileBlobStore::Open(BlobDir());
      INFO(blobs.status().ToString());
      REQUIRE(blobs.ok());
      blobs_ = std::move(blobs).value();
      ho.blobs = blobs_.get();
    }
    http_ = std::make_unique<ss::HttpServer>(service_.get(), ho);
    REQUIRE(http_->Start().ok());
  }
  ~PhotoServer() { http_->Stop(); }

  std::string url() const { return http_->url(); }
  int port() const { return http_->port(); }
  std::string BlobDir() const { return ss::FileBlobStore::DefaultDir(dir_.File("server.db")); }
  ss::FileBlobStore& blobs() { return *blobs_; }
  const TempDir& dir() const { return dir_; }

  std::string Token(const std::vector<std::string>& villages, bool reviewer = false) {
    auto token = service_->CreateEnrollmentToken("第一工作队", villages, reviewer);
    REQUIRE(token.ok());
    return token->token;
  }
  // A device credential for raw protocol calls.
  std::string Credential(bool reviewer = false) {
    v1::EnrollRequest request;
    request.set_token(Token({kVillage}, reviewer));
    request.set_device_name(reviewer ? "office" : "raw");
    auto enrolled = service_->Enroll(request);
    REQUIRE(enrolled.ok());
    return enrolled->credential();
  }
  // The server's blob state (REQUIREs success).
  ss::BlobState State(const std::string& bytes) {
    auto s = blobs_->State(Sha256Of(bytes));
    REQUIRE(s.ok());
    return *s;
  }
  // The server's checksum digest and field count of a village.
  std::pair<std::string, uint64_t> Checksum(const std::string& village) {
    v1::ChecksumRequest request;
    request.add_scopes(village);
    auto answer = service_->Checksums(ss::DeviceInfo::Admin(), request);
    REQUIRE(answer.ok());
    REQUIRE(answer->scopes_size() == 1);
    const auto& c = answer->scopes(0);
    return {ToHex(reinterpret_cast<const uint8_t*>(c.sha256().data()), c.sha256().size()),
            c.fields()};
  }

 private:
  TempDir dir_;
  SharedClock clock_;
  posix::SystemRandom random_;
  std::unique_ptr<ss::SqliteServerStore> store_;
  std::unique_ptr<ss::SyncService> service_;
  std::unique_ptr<ss::FileBlobStore> blobs_;
  std::unique_ptr<ss::HttpServer> http_;
};

// One raw HTTP answer (identity encoding asked, so bodies are plain protobuf).
struct RawReply {
  int status = 0;
  std::string body;
  std::string held_header;  // Doorstep-Held-Bytes
  v1::ErrorBody Error() const {
    v1::ErrorBody e;
    REQUIRE(e.ParseFromString(body));
    return e;
  }
  v1::AttachmentState State() const {
    v1::AttachmentState s;
    REQUIRE(s.ParseFromString(body));
    return s;
  }
};

class RawClient {
 public:
  RawClient(int port, std::string credential)
      : cli_("127.0.0.1", port), cred_(std::move(credential)) {
    cli_.set_decompress(false);
  }
  RawReply Get(const std::string& path) { return Finish(cli_.Get(path, Headers({}))); }
  RawReply Put(const std::string& path, const std::string& body,
               const std::string& content_encoding = {}) {
    return Finish(cli_.Put(path, Headers(content_encoding), body, "application/octet-stream"));
  }

 private:
  httplib::Headers Headers(const std::string& content_encoding) {
    httplib::Headers h{{"Accept-Encoding", "identity"}};
    if (!cred_.empty()) h.emplace("Authorization", "Bearer " + cred_);
    if (!content_encoding.empty()) h.emplace("Content-Encoding", content_encoding);
    return h;
  }
  RawReply Finish(const httplib::Result& r) {
    INFO("HTTP error: " << httplib::to_string(r.error()));
    REQUIRE(r);
    return RawReply{r->status, r->body, r->get_header_value("Doorstep-Held-Bytes")};
  }
  httplib::Client cli_;
  std::string cred_;
};

// "/v1/attachments/<hex>?offset=N&size=T"
inline std::string ChunkPath(const std::string& photo, uint64_t offset) {
  return "/v1/attachments/" + HexOf(photo) + "?offset=" + std::to_string(offset) +
         "&size=" + std::to_string(photo.size());
}

}  // namespace doorstep::testing::att
