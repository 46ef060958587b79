// Definitions of server_harness.h (no test cases here).
#include "server_harness.h"

namespace doorstep::testing::srv {

namespace ss = sync::server;

v1::FormDef TinyForm(const std::string& version) {
  return FormJson(R"({"formId": "tiny", "version": ")" + version + R"(", "scopeField": "village",
    "fields": [
      {"name": "village", "type": "TEXT"},
      {"name": "note", "type": "TEXT"},
      {"name": "count", "type": "INTEGER"},
      {"name": "double_count", "type": "INTEGER", "calculate": "${count} * 2"},
      {"name": "kids", "type": "REPEAT", "children": [{"name": "kid_name", "type": "TEXT"}]}
    ]})");
}

void CapturingLogger::Log(LogLevel, std::string_view message) {
  std::lock_guard<std::mutex> lock(mu_);
  lines_.emplace_back(message);
}

std::vector<std::string> CapturingLogger::Lines() {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

std::string CapturingLogger::All() {
  std::string out;
  for (const auto& l : Lines()) out += l + "\n";
  return out;
}

ServerFixture::ServerFixture(bool start_http) {
  ss::SqliteStoreOptions so;
  so.path = DbPath();
  so.key = EncryptionKey();
  auto opened = ss::SqliteServerStore::Open(so);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  store = std::move(opened).value();
  ss::ServiceOptions o;
  o.clock = &clock;
  o.random = &random;
  o.logger = &logger;
  service = std::make_unique<ss::SyncService>(store.get(), o);
  auto installed = service->InstallForms({HouseholdForm("2024.1"), TinyForm()});
  INFO(installed.status().ToString());
  REQUIRE(installed.ok());
  if (start_http) {
    ss::HttpServerOptions ho;
    ho.threads = 4;
    ho.logger = &logger;
    http = std::make_unique<ss::HttpServer>(service.get(), ho);
    Status started = http->Start();
    INFO(started.ToString());
    REQUIRE(started.ok());
  }
}

ServerFixture::~ServerFixture() {
  if (http) http->Stop();
}

std::string ServerFixture::Token(const std::vector<std::string>& villages, bool reviewer) {
  auto token = service->CreateEnrollmentToken("第一工作队", villages, reviewer);
  INFO(token.status().ToString());
  REQUIRE(token.ok());
  return token->token;
}

EnrolledDevice ServerFixture::Enroll(const std::vector<std::string>& villages, bool reviewer) {
  v1::EnrollRequest request;
  request.set_token(Token(villages, reviewer));
  request.set_device_name("tablet");
  auto r = service->Enroll(request);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  auto info = service->Authenticate(r->credential());
  REQUIRE(info.ok());
  return EnrolledDevice{r->device_id(), r->credential(), *info};
}

TestClient::TestClient(int port) : cli_("127.0.0.1", port) {
  cli_.set_decompress(false);
  cli_.set_connection_timeout(5, 0);
  cli_.set_read_timeout(30, 0);
  cli_.set_write_timeout(30, 0);
}

Reply TestClient::Finish(const httplib::Result& r) {
  INFO("HTTP error: " << httplib::to_string(r.error()));
  REQUIRE(r);
  Reply reply;
  reply.status = r->status;
  reply.body = r->body;
  auto enc = sync::ParseEncoding(r->get_header_value("Content-Encoding"));
  REQUIRE(enc.ok());
  reply.encoding = *enc;
  return reply;
}

Reply TestClient::Get(const std::string& path) {
  httplib::Headers headers{{"Accept-Encoding", accept}};
  if (!credential.empty()) headers.emplace("Authorization", "Bearer " + credential);
  return Finish(cli_.Get(path, headers));
}

Reply TestClient::PostRaw(const std::string& path, const std::string& body,
                          const std::string& content_encoding) {
  httplib::Headers headers{{"Accept-Encoding", accept}};
  if (!credential.empty()) headers.emplace("Authorization", "Bearer " + credential);
  if (!content_encoding.empty()) headers.emplace("Content-Encoding", content_encoding);
  return Finish(cli_.Post(path, headers, body, "application/x-protobuf"));
}

Reply TestClient::Post(const std::string& path, const google::protobuf::MessageLite& message) {
  auto bytes = sync::EncodeBody(message, encoding);
  REQUIRE(bytes.ok());
  return PostRaw(path, *bytes,
                 encoding == sync::Encoding::kIdentity ? "" : sync::EncodingName(encoding));
}

v1::PushResult TestClient::Push(const v1::ChangeSet& set) {
  Reply r = Post("/v1/push", set);
  INFO("push answered " << r.status << ": " << (r.status != 200 ? r.Error().message() : ""));
  REQUIRE(r.status == 200);
  return r.As<v1::PushResult>();
}

v1::PullPage TestClient::Pull(int64_t cursor, uint32_t page_size) {
  v1::PullRequest request;
  request.set_cursor(cursor);
  request.set_page_size(page_size);
  Reply r = Post("/v1/pull", request);
  INFO("pull answered " << r.status);
  REQUIRE(r.status == 200);
  auto page = r.As<v1::PullPage>();
  Status valid = sync::ValidatePullPage(page);
  INFO(valid.ToString());
  REQUIRE(valid.ok());
  return page;
}

std::vector<v1::PullPage> TestClient::PullAll(int64_t* cursor) {
  std::vector<v1::PullPage> pages;
  for (int i = 0; i < 1000; ++i) {
    pages.push_back(Pull(*cursor));
    *cursor = pages.back().next_cursor();
    if (!pages.back().more()) break;
  }
  return pages;
}

BatchBuilder::BatchBuilder(std::string device_id, uint64_t batch_seq, Author author)
    : author_(std::move(author)) {
  set_.set_device_id(device_id);
  set_.set_batch_seq(batch_seq);
  set_.set_device_clock_ms(1795399200000);
}

void BatchBuilder::Add(const RecordId& id, const std::string& path, std::optional<v1::Value> value,
                       int64_t base_version, HlcTimestamp hlc) {
  OutboxEntry e;
  e.record_id = id;
  e.path = path;
  e.value = std::move(value);
  e.base_version = base_version;
  e.hlc = hlc;
  e.author = author_;
  sync::AddChange(e, &interner_, &set_);
}

BatchBuilder& BatchBuilder::Set(const RecordId& id, const std::string& path,
                                const v1::Value& value, int64_t base_version, HlcTimestamp hlc) {
  Add(id, path, value, base_version, hlc);
  return *this;
}

BatchBuilder& BatchBuilder::Clear(const RecordId& id, const std::string& path,
                                  int64_t base_version, HlcTimestamp hlc) {
  Add(id, path, std::nullopt, base_version, hlc);
  return *this;
}

BatchBuilder& BatchBuilder::NewHousehold(const RecordId& id, const std::string& village,
                                         HlcTimestamp hlc, const std::string& form) {
  Add(id, "@form", Text(form), 0, hlc);
  Add(id, "@state", Text("draft"), 0, hlc);
  Add(id, "village", Text(village), 0, hlc);
  Add(id, "head_name", Text("张秀英"), 0, hlc);
  return *this;
}

BatchBuilder& BatchBuilder::Delete(const RecordId& id, int64_t base_version, HlcTimestamp hlc) {
  v1::Value flag;
  flag.set_flag(true);
  Add(id, "@deleted", flag, base_version, hlc);
  return *this;
}

BatchBuilder& BatchBuilder::WithAuthor(Author author) {
  author_ = std::move(author);
  return *this;
}

RecordId Rid(int n) {
  RecordId id;
  id.bytes[0] = 0xd0;
  id.bytes[6] = 0x40;
  id.bytes[8] = 0x80;
  id.bytes[14] = static_cast<uint8_t>(n >> 8);
  id.bytes[15] = static_cast<uint8_t>(n);
  return id;
}

HlcTimestamp Hlc(const ServerTestClock& clock, int64_t plus_ms, uint32_t counter) {
  return MakeHlc(clock.now_ms.load() + plus_ms, counter);
}

std::optional<PulledField> FindPulled(const std::vector<v1::PullPage>& pages, const RecordId& id,
                                      const std::string& path) {
  std::optional<PulledField> found;
  for (const auto& page : pages) {
    for (const auto& c : page.changes()) {
      if (c.record_id() != id.AsBytes() || sync::ChangePath(page, c) != path) continue;
      PulledField f;
      f.version = c.version();
      f.cleared = c.cleared();
      f.value = c.value();
      f.hlc = c.hlc();
      f.author = sync::ChangeAuthor(page, c);
      found = f;  // later pages carry later versions
    }
  }
  return found;
}

}  // namespace doorstep::testing::srv
