// The whole sync over HTTPS (doorstep-server's cpp-httplib SSLServer, the tablet's libcurl), with a
// township CA and a server certificate made at test time by the openssl command; a wrong CA and a
// wrong pinned key are refused at once, never retried; plain HTTP stays on loopback.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "client_harness.h"

namespace doorstep::testing {
namespace {

// Runs a shell command; REQUIREs success.
void Sh(const std::string& command) {
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// A CA and a certificate for 127.0.0.1 signed by it (P-256 keys: quick to make), in `dir`; also
// a second CA that signed nothing here. Returns the server key's pin (sha256//<base64>).
std::string MakePki(const std::string& dir) {
  const std::string d = "'" + dir + "'";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  Sh("cd " + d + " && openssl req -x509 " + ec +
     " -keyout ca.key -out ca.pem -days 2 -subj '/CN=Test Township CA' 2>/dev/null");
  Sh("cd " + d + " && openssl req -x509 " + ec +
     " -keyout other.key -out other-ca.pem -days 2 -subj '/CN=Another CA' 2>/dev/null");
  Sh("cd " + d + " && openssl req " + ec +
     " -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>/dev/null");
  Sh("cd " + d +
     " && printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && "
     "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
     "-out server.pem -days 2 -extfile ext.cnf 2>/dev/null");
  Sh("cd " + d +
     " && openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | "
     "openssl dgst -sha256 -binary | openssl enc -base64 > pin.txt");
  return "sha256//" + Slurp(dir + "/pin.txt");
}

struct TlsVillage {
  TempDir dir;
  std::string pin = MakePki(dir.path().string());
  TestServer server{dir.path().string(), [this](ss::HttpServerOptions& o) {
                      o.tls_cert_file = dir.File("server.pem");
                      o.tls_key_file = dir.File("server.key");
                    }};

  Tablet::Options With(const std::string& ca, const std::string& pinned = {}) {
    Tablet::Options o;
    o.ca_file = ca;
    o.pinned_key = pinned;
    o.curl_attempts = 3;
    return o;
  }
};

}  // namespace

TEST_CASE("the whole sync runs over HTTPS with the township's CA", "[sync][tls]") {
  TlsVillage v;
  REQUIRE(v.server.url().rfind("https://127.0.0.1:", 0) == 0);
  Tablet a(v.dir.path().string(), "TAB-A", v.With(v.dir.File("ca.pem")));
  Tablet b(v.dir.path().string(), "TAB-B", v.With(v.dir.File("ca.pem"), v.pin));
  a.Enroll(v.server.url(), v.server.Token({kVillage}));
  b.Enroll(v.server.url(), v.server.Token({kVillage}));
  auto id = a.store().CreateRecord("household", "", SmallHousehold(kVillage, "王秀英"));
  REQUIRE(id.ok());
  a.SyncOk();
  b.SyncOk();  // pinned to the server's key as well
  CHECK(TextOf(b.store(), *id, "head_name") == "王秀英");
  CHECK(a.Checksum(kVillage) == v.server.Checksum(kVillage));
}

TEST_CASE("a certificate from another CA, or another key than pinned, is refused at once",
          "[sync][tls]") {
  TlsVillage v;
  const std::string token = v.server.Token({kVillage});
  SECTION("wrong CA") {
    Tablet t(v.dir.path().string(), "TAB-W", v.With(v.dir.File("other-ca.pem")));
    auto e = t.client().Enroll(v.server.url(), token, "TAB-W");
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == Code::kPermissionDenied);
    CHECK_THAT(e.status().message(), !Catch::Contains("attempts"));  // not retried
  }
  SECTION("the system's CAs do not know the township's") {
    Tablet t(v.dir.path().string(), "TAB-S", v.With(""));
    auto e = t.client().Enroll(v.server.url(), token, "TAB-S");
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == Code::kPermissionDenied);
  }
  SECTION("pinned key mismatch") {
    const std::string wrong = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    Tablet t(v.dir.path().string(), "TAB-P", v.With(v.dir.File("ca.pem"), wrong));
    auto e = t.client().Enroll(v.server.url(), token, "TAB-P");
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == Code::kPermissionDenied);
    CHECK_THAT(e.status().message(), !Catch::Contains("attempts"));
  }
  // The token was never used: a correct tablet still enrolls with it.
  Tablet ok(v.dir.path().string(), "TAB-OK", v.With(v.dir.File("ca.pem"), v.pin));
  ok.Enroll(v.server.url(), token);
}

TEST_CASE("plain HTTP stays on loopback unless allowed explicitly", "[sync][tls]") {
  SECTION("the server") {
    TempDir dir;
    ss::SqliteStoreOptions so;
    so.path = dir.File("server.db");
    auto store = ss::SqliteServerStore::Open(so);
    REQUIRE(store.ok());
    SharedClock clock;
    posix::SystemRandom random;
    ss::ServiceOptions o;
    o.clock = &clock;
    o.random = &random;
    ss::SyncService service(store->get(), o);
    ss::HttpServerOptions ho;
    ho.host = "0.0.0.0";
    ss::HttpServer refused(&service, ho);
    Status s = refused.Start();
    CHECK(s.code() == Code::kFailedPrecondition);
    CHECK_THAT(s.message(), Catch::Contains("plain HTTP is served only on a loopback address"));
    ho.allow_plain_http = true;
    ss::HttpServer allowed(&service, ho);
    CHECK(allowed.Start().ok());
    allowed.Stop();
    ho.allow_plain_http = false;
    ho.tls_cert_file = dir.File("missing.pem");
    ss::HttpServer half(&service, ho);
    CHECK(half.Start().code() == Code::kInvalidArgument);  // a certificate without its key
  }
  SECTION("the client") {
    sc::CurlTransport curl(TestCurlOptions(1));
    auto r = curl.Get("http://192.0.2.1:8080/v1/health");  // TEST-NET-1: never reached
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kFailedPrecondition);
    CHECK_THAT(r.status().message(), Catch::Contains("plain http:// is refused"));
  }
}

}  // namespace doorstep::testing
