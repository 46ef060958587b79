// HttpServer: the routes of docs/sync.md on cpp-httplib.
#include "doorstep/sync/server/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <cctype>
#include <chrono>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <thread>

#include "doorstep/core/sha256.h"
#include "http_attachments.h"
#include "http_body.h"

namespace doorstep::sync::server {
namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;

// Per-request log state. A request is handled start to finish on one worker thread (pre-routing
// handler, route, response write, logger), so a thread-local carries it between them.
struct RequestLog {
  bool active = false;
  std::chrono::steady_clock::time_point start;
  std::string device = "-";
  std::optional<DeviceInfo> who;  // authenticated before the body was read (Gate)
};
thread_local RequestLog t_log;

// The credential of "Authorization: Bearer <credential>", or "".
std::string BearerCredential(const Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return {};
  }
  size_t b = header.find_first_not_of(' ', kScheme.size());
  size_t e = header.find_last_not_of(" \t\r");
  if (b == std::string::npos || e < b) return {};
  return header.substr(b, e - b + 1);
}

// cpp-httplib runs each connection on a task-queue thread for the connection's whole life. A
// fixed pool of N threads is stopped by N slow or idle connections; this pool grows, one thread
// per connection up to `max` (threads stay for reuse), and queues beyond that.
class ConnectionPool final : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(size_t max) : max_(max < 1 ? 1 : max) {}
  ~ConnectionPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    jobs_.push_back(std::move(fn));
    if (idle_ < jobs_.size() && threads_.size() < max_) {
      threads_.emplace_back([this] { Work(); });
    } else {
      cv_.notify_one();
    }
  }

  void shutdown() override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++idle_;
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, nothing left
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  const size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

// Bounds how many requests run their work at once (the store's connections are few; a thread
// per connection must not mean a transaction per connection).
class WorkGate {
 public:
  explicit WorkGate(int n) : free_(n < 1 ? 1 : n) {}
  class Held {
   public:
    explicit Held(WorkGate& g) : g_(g) {
      std::unique_lock<std::mutex> lock(g_.mu_);
      g_.cv_.wait(lock, [this] { return g_.free_ > 0; });
      --g_.free_;
    }
    ~Held() {
      {
        std::lock_guard<std::mutex> lock(g_.mu_);
        ++g_.free_;
      }
      g_.cv_.notify_one();
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    WorkGate& g_;
  };

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

// Routes whose body is not a protobuf message, and routes anyone may call.
bool IsAttachmentPath(const std::string& path) {
  constexpr std::string_view kPrefix = "/v1/attachments/";
  return std::string_view(path).substr(0, kPrefix.size()) == kPrefix;
}
// Routes that need a credential (the others are open, or unknown: 404).
bool NeedsCredential(const std::string& path) {
  for (std::string_view route : {"/v1/forms", "/v1/push", "/v1/pull", "/v1/checksum",
                                 "/v1/conflicts", "/v1/quarantine", "/v1/attachments"}) {
    if (std::string_view(path).substr(0, route.size()) == route &&
        (path.size() == route.size() || path[route.size()] == '/')) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status ParseListenAddress(const std::string& text, std::string* host, int* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return Status(Code::kInvalidArgument, "expected host:port, e.g. 127.0.0.1:8080", "listen");
  }
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) h = "0.0.0.0";
  const std::string p = text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(p) > 65535) {
    return Status(Code::kInvalidArgument, "port must be a number from 0 to 65535", "listen");
  }
  *host = h;
  *port = std::stoi(p);
  return Status::Ok();
}

class HttpServer::Impl {
 public:
  Impl(SyncService* service, const HttpServerOptions& options)
      : owned_(MakeServer(options)),
        server(*owned_),
        service_(service),
        logger_(options.logger),
        blobs_(options.blobs),
        gate_(options.threads),
        enroll_per_minute_(options.enroll_per_minute) {
    const size_t connections = static_cast<size_t>(std::max(options.max_connections, options.threads));
    server.new_task_queue = [connections] { return new ConnectionPool(connections); };
    server.set_payload_max_length(kMaxCompressedBody);
    server.set_read_timeout(options.read_timeout_s, 0);
    server.set_write_timeout(options.write_timeout_s, 0);
    server.set_keep_alive_max_count(100);
    // An answer leaves in two writes (headers, body); with Nagle the second waits for the ACK of
    // the first, which a client delays by up to 40 ms on a kept-alive connection (bench_sync:
    // ~78 ms per pull page instead of ~5).
    server.set_tcp_nodelay(true);
    Routes();
  }

  // HTTPS when a certificate and key are given (cpp-httplib's SSLServer over OpenSSL).
  static std::unique_ptr<httplib::Server> MakeServer(const HttpServerOptions& options) {
    if (options.tls_cert_file.empty()) return std::make_unique<httplib::Server>();
    return std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                                options.tls_key_file.c_str());
  }
  bool valid() const { return owned_->is_valid(); }

 private:
  std::unique_ptr<httplib::Server> owned_;

 public:
  httplib::Server& server;
  std::thread thread;

 private:

  // Reads the body (POST), authenticates (unless `open`), then runs `fn`.
  void Serve(const Request& req, Response& res, const ContentReader* reader, bool open,
             const std::function<void(const DeviceInfo&, const http::RequestBody&)>& fn) {
    WorkGate::Held held(gate_);
    http::RequestBody body;
    if (reader != nullptr) {
      Status read = http::ReadBody(req, res, *reader, &body);
      if (!read.ok()) return http::WriteError(req, res, read);
    }
    DeviceInfo device;
    if (!open && t_log.who) {
      device = *t_log.who;  // the gate authenticated this request
      t_log.device = device.device_id;
    } else if (!open) {
      auto who = service_->Authenticate(BearerCredential(req));
      if (!who.ok()) {
        if (who.status().code() == Code::kNotFound) {
          return http::WriteUnauthenticated(req, res, who.status().message());
        }
        return Fail(req, res, who.status());
      }
      device = std::move(who).value();
      t_log.device = device.device_id;
    }
    fn(device, body);
  }

  void Fail(const Request& req, Response& res, const Status& status) {
    if (http::HttpStatusFor(status.code()) >= 500) {
      Log(LogLevel::kError, req.method + " " + req.path + ": " + status.ToString());
    }
    http::WriteError(req, res, status);
  }

  template <typename Message>
  bool Parse(const Request& req, Response& res, const http::RequestBody& body, Message* msg) {
    Status s = http::ParseBody(body, msg);
    if (!s.ok()) Fail(req, res, s);
    return s.ok();
  }

  template <typename T>
  void Answer(const Request& req, Response& res, const Result<T>& result) {
    if (!result.ok()) return Fail(req, res, result.status());
    http::WriteMessage(req, res, 200, *result);
  }

  // Every route of docs/sync.md, with the hooks httplib runs around them.
  void Routes() {
    Hooks();
    SyncRoutes();
    ReviewRoutes();
    if (blobs_ != nullptr) {
      http::AddAttachmentRoutes(server, blobs_, [this](const Request& req, Response& res,
                                                       DeviceInfo* device) {
        bool authenticated = false;
        Serve(req, res, nullptr, false, [&](const DeviceInfo& who, const http::RequestBody&) {
          *device = who;
          authenticated = true;
        });
        return authenticated;
      });
    }
  }

  // Request logging, and an ErrorBody for the errors httplib answers itself.
  void Hooks() {
    server.set_pre_routing_handler([this](const Request& req, Response& res) {
      t_log = RequestLog{true, std::chrono::steady_clock::now(), "-"};
      Refusal refused = Gate(req);
      if (refused.http == 0) return httplib::Server::HandlerResponse::Unhandled;
      // The body was not read: the connection cannot carry another request. httplib closes a
      // connection after answering when the request said "Connection: close"; the Request is
      // httplib's own non-const object, handed to this hook as const.
      auto& writable = const_cast<Request&>(req);
      writable.headers.erase("Connection");
      writable.headers.emplace("Connection", "close");
      if (refused.http == 401) {
        http::WriteUnauthenticated(req, res, refused.message);
      } else {
        http::WriteErrorBody(req, res, refused.http, refused.code, refused.message, refused.where);
      }
      return httplib::Server::HandlerResponse::Handled;
    });
    server.set_logger([this](const Request& req, const Response& res) { LogRequest(req, res); });
    // Errors httplib produces itself (no route, malformed request, payload too large) get an
    // ErrorBody too; answers that already carry a body are left alone.
    server.set_error_handler(httplib::Server::HandlerWithResponse(&HttplibError));
    server.set_expect_100_continue_handler([](const Request& req, Response& res) {
      if (req.has_header("Content-Length") &&
          req.get_header_value<uint64_t>("Content-Length") > kMaxCompressedBody) {
        http::WriteErrorBody(req, res, 413, "resource_exhausted",
                             "Content-Length is over the limit of 1 MiB on the wire",
                             "Content-Length");
        return 413;
      }
      return 100;
    });
  }

  // A refusal from the headers alone: HTTP status, ErrorBody code, message, where.
  struct Refusal {
    int http = 0;  // 0: none
    std::string code, message, where;
  };

  // At most enroll_per_minute_ enrollment attempts a minute from one address: tokens are 128
  // random bits, but nobody gets to try them at line speed.
  bool EnrollmentAllowed(const std::string& address) {
    if (enroll_per_minute_ <= 0) return true;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(enroll_mu_);
    if (enroll_attempts_.size() > 4096) {
      for (auto it = enroll_attempts_.begin(); it != enroll_attempts_.end();) {
        it = now - it->second.first > std::chrono::minutes(1) ? enroll_attempts_.erase(it)
                                                               : std::next(it);
      }
    }
    auto& [start, count] = enroll_attempts_[address];
    if (count == 0 || now - start > std::chrono::minutes(1)) {
      start = now;
      count = 0;
    }
    return ++count <= enroll_per_minute_;
  }

  // What is checked from the headers alone, before any body is read (http_server.h).
  Refusal Gate(const Request& req) {
    // Credential first: nobody makes this server read, decompress or parse a body before it
    // knows who sends it.
    if (NeedsCredential(req.path)) {
      auto who = service_->Authenticate(BearerCredential(req));
      if (!who.ok() && who.status().code() == Code::kNotFound) {
        return {401, "unauthenticated", who.status().message(), "Authorization"};
      }
      if (who.ok()) t_log.who = std::move(who).value();  // else a store error: the route says
    }
    if (req.path == "/v1/enroll" && !EnrollmentAllowed(req.remote_addr)) {
      return {429, "resource_exhausted",
              "too many enrollment attempts from this address; wait a minute", "token"};
    }
    if (req.method != "POST" && req.method != "PUT") return {};
    if (!req.has_header("Content-Length")) {
      if (req.has_header("Transfer-Encoding")) {
        return {400, "invalid_argument",
                "chunked request bodies are not accepted; send a Content-Length",
                "Transfer-Encoding"};
      }
      return {411, "invalid_argument", "a request body needs a Content-Length", "Content-Length"};
    }
    // A length over the limit is left to httplib: refused before the body with "Expect:
    // 100-continue" (libcurl), else drained up to the limit and refused (a client without
    // Expect would otherwise see a broken connection instead of the 413).
    const std::string length = req.get_header_value("Content-Length");
    if (length.empty() || length.size() > 18 ||
        length.find_first_not_of("0123456789") != std::string::npos) {
      return {400, "invalid_argument", "Content-Length is not a number of bytes",
              "Content-Length"};
    }
    if (IsAttachmentPath(req.path)) return {};
    const std::string type = req.get_header_value("Content-Type");
    if (type.compare(0, 22, "application/x-protobuf") != 0) {
      std::string shown;
      for (char c : type.substr(0, 60)) shown += (c >= ' ' && c <= '~') ? c : '?';
      return {415, "invalid_argument",
              "Content-Type must be application/x-protobuf, not '" + shown + "'", "Content-Type"};
    }
    auto encoding = ParseEncoding(req.get_header_value("Content-Encoding"));
    if (!encoding.ok()) {
      return {415, "invalid_argument", encoding.status().message(), "Content-Encoding"};
    }
    return {};
  }

  static httplib::Server::HandlerResponse HttplibError(const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string code = res.status == 404 ? "not_found"
                       : res.status == 413 ? "resource_exhausted"
                       : res.status >= 500 ? "internal"
                                           : "invalid_argument";
    std::string message = res.status == 404 ? "no such endpoint: " + req.method + " " + req.path
                          : res.status == 413 ? "request body is over the limit of 1 MiB on the wire"
                                              : "malformed request";
    int status = res.status;
    http::WriteErrorBody(req, res, status, code, message, "");
    return httplib::Server::HandlerResponse::Handled;
  }

  // What a tablet syncs through: health, enrollment, forms, push, pull, checksums.
  void SyncRoutes() {
    server.Get("/v1/health", [](const Request&, Response& res) {
      // Through a content provider: httplib would gzip a text body for a client accepting gzip.
      res.set_content_provider(2, "text/plain",
                               [](size_t offset, size_t length, httplib::DataSink& sink) {
                                 return sink.write("ok" + offset, length);
                               });
    });
    server.Post("/v1/enroll", [this](const Request& req, Response& res, const ContentReader& rd) {
      Serve(req, res, &rd, true, [&](const DeviceInfo&, const http::RequestBody& body) {
        v1::EnrollRequest msg;
        if (!Parse(req, res, body, &msg)) return;
        auto r = service_->Enroll(msg);
        if (!r.ok() && r.status().code() == Code::kNotFound) {
          return http::WriteUnauthenticated(req, res, r.status().message());
        }
        if (r.ok()) t_log.device = r->device_id();
        Answer(req, res, r);
      });
    });
    server.Get("/v1/forms", [this](const Request& req, Response& res) {
      Serve(req, res, nullptr, false, [&](const DeviceInfo& device, const http::RequestBody&) {
        AnswerForms(req, res, device);
      });
    });
    server.Post("/v1/push", [this](const Request& req, Response& res, const ContentReader& rd) {
      Serve(req, res, &rd, false, [&](const DeviceInfo& device, const http::RequestBody& body) {
        v1::ChangeSet msg;
        if (Parse(req, res, body, &msg)) Answer(req, res, service_->Push(device, msg));
      });
    });
    server.Post("/v1/pull", [this](const Request& req, Response& res, const ContentReader& rd) {
      Serve(req, res, &rd, false, [&](const DeviceInfo& device, const http::RequestBody& body) {
        v1::PullRequest msg;
        if (Parse(req, res, body, &msg)) Answer(req, res, service_->Pull(device, msg));
      });
    });
    server.Post("/v1/checksum", [this](const Request& req, Response& res, const ContentReader& rd) {
      Serve(req, res, &rd, false, [&](const DeviceInfo& device, const http::RequestBody& body) {
        v1::ChecksumRequest msg;
        if (Parse(req, res, body, &msg)) Answer(req, res, service_->Checksums(device, msg));
      });
    });
  }

  // The form pack and the device's scope, or 304 when the tablet already holds both.
  void AnswerForms(const Request& req, Response& res, const DeviceInfo& device) {
    auto forms = service_->Forms(device);
    if (!forms.ok()) return Answer(req, res, forms);
    // The form pack changes rarely and is ~10 KB: a tablet that holds it (If-None-Match
    // with the ETag it was given) gets 304 and no body.
    const std::string etag = "\"" + ToHex(Sha256Of(forms->SerializeAsString())) + "\"";
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    Answer(req, res, forms);
  }

  // Conflicts and quarantine, for review.
  void ReviewRoutes() {
    server.Get("/v1/conflicts", [this](const Request& req, Response& res) {
      Serve(req, res, nullptr, false, [&](const DeviceInfo& device, const http::RequestBody&) {
        const bool open_only = !req.has_param("open") || req.get_param_value("open") != "0";
        Answer(req, res, service_->Conflicts(device, open_only));
      });
    });
    server.Post(R"(/v1/conflicts/(\d{1,18})/resolve)",
                [this](const Request& req, Response& res, const ContentReader& rd) {
      Serve(req, res, &rd, false, [&](const DeviceInfo& device, const http::RequestBody& body) {
        v1::ResolveRequest msg;
        if (!Parse(req, res, body, &msg)) return;
        const int64_t id = std::stoll(req.matches[1].str());
        Answer(req, res, service_->Resolve(device, id, msg));
      });
    });
    server.Get("/v1/quarantine", [this](const Request& req, Response& res) {
      Serve(req, res, nullptr, false, [&](const DeviceInfo& device, const http::RequestBody&) {
        Answer(req, res, service_->Quarantine(device));
      });
    });
  }

  void LogRequest(const Request& req, const Response& res) {
    std::string ms = "-";
    if (t_log.active) {
      auto elapsed = std::chrono::steady_clock::now() - t_log.start;
      ms = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
    }
    const std::string device = t_log.active ? t_log.device : "-";
    t_log = RequestLog{};
    Log(res.status >= 500 ? LogLevel::kWarning : LogLevel::kInfo,
        req.method + " " + req.path + " " + std::to_string(res.status) + " device=" + device +
            " " + ms + " ms");
  }

  void Log(LogLevel level, const std::string& line) {
    if (logger_ != nullptr) logger_->Log(level, line);
  }

  SyncService* service_;
  Logger* logger_;
  BlobStore* blobs_;
  WorkGate gate_;
  const int enroll_per_minute_;
  std::mutex enroll_mu_;
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, int>> enroll_attempts_;
};

HttpServer::HttpServer(SyncService* service, HttpServerOptions options)
    : service_(service), options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

namespace {

bool LoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.compare(0, 4, "127.") == 0;
}

}  // namespace

Status HttpServer::Start() {
  if (impl_ != nullptr) return Status(Code::kFailedPrecondition, "the server is already started");
  const bool tls = !options_.tls_cert_file.empty();
  if (tls != !options_.tls_key_file.empty()) {
    return Status(Code::kInvalidArgument, "HTTPS needs both a certificate and its key",
                  tls ? "tls_key" : "tls_cert");
  }
  if (!tls && !options_.allow_plain_http && !LoopbackHost(options_.host)) {
    return Status(Code::kFailedPrecondition,
                  "plain HTTP is served only on a loopback address: give a TLS certificate and "
                  "key, or allow plain HTTP explicitly (tablets' credentials and households "
                  "would cross the network unencrypted)",
                  options_.host);
  }
  auto impl = std::make_unique<Impl>(service_, options_);
  if (!impl->valid()) {
    return Status(Code::kInvalidArgument,
                  "cannot load the TLS certificate and key (PEM files, the key matching the "
                  "certificate)",
                  options_.tls_cert_file);
  }
  int port = options_.port;
  if (port == 0) {
    port = impl->server.bind_to_any_port(options_.host);
  } else if (!impl->server.bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return Status(Code::kIo, "cannot listen on this address (in use, or not an address of this host)",
                  options_.host + ":" + std::to_string(options_.port));
  }
  port_ = port;
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  // Wait until the listener runs, so that a Stop() right after Start() is not lost.
  for (int i = 0; i < 5000 && !impl->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_ = std::move(impl);
  if (options_.logger != nullptr) {
    options_.logger->Log(LogLevel::kInfo, "doorstep-server listening on " + url());
  }
  return Status::Ok();
}

std::string HttpServer::url() const {
  const bool v6 = options_.host.find(':') != std::string::npos;
  std::string host = options_.host == "0.0.0.0" ? "127.0.0.1" : options_.host;
  const char* scheme = options_.tls_cert_file.empty() ? "http://" : "https://";
  return scheme + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port_);
}

void HttpServer::Stop() {
  if (impl_ == nullptr) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_.reset();
}

}  // namespace doorstep::sync::server
