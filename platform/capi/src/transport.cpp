// The HTTP transport of the C ABI: the request/response accessors a host's `send` callback uses,
// the adapter from a ds_transport to the sync client's HttpTransport, and the built-in libcurl
// transport (compiled when the library is built with it: DOORSTEP_CAPI_CURL).
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "internal.h"

#if DOORSTEP_CAPI_CURL && __has_include("doorstep/sync/client/curl_transport.h")
#include "doorstep/sync/client/curl_transport.h"
#endif

namespace doorstep::capi {
namespace {

using sync::client::HttpRequest;
using sync::client::HttpResponse;
using sync::client::HttpTransport;

// A host's callback transport (one attempt per call; retries are added around it).
class CallbackTransport final : public HttpTransport {
 public:
  explicit CallbackTransport(const ds_transport& transport) : transport_(transport) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    const std::string endpoint = sync::client::EndpointLabel(request);
    if (request.cancel != nullptr && request.cancel->load()) {
      return Status(Code::kCancelled, "cancelled", endpoint);
    }
    HttpResponse response;
    ds_http_request c_request{&request};
    ds_http_response c_response{&response};
    const ds_status rc = transport_.send(transport_.context, &c_request, &c_response);
    if (rc != DS_OK) {
      const Code code = rc == DS_CANCELLED ? Code::kCancelled
                        : rc == DS_INVALID_ARGUMENT ? Code::kInvalidArgument
                                                    : Code::kUnavailable;
      return Status(code, std::string("the host transport got no answer (") + ds_status_name(rc) +
                              ")", endpoint);
    }
    if (response.status < 100 || response.status > 599) {
      return Status(Code::kUnavailable,
                    "the host transport answered DS_OK without an HTTP status", endpoint);
    }
    response.attempts = 1;
    response.bytes_sent = request.body.size();
    response.bytes_received = response.body.size();
    if (request.on_progress) request.on_progress(response.bytes_sent, response.bytes_received);
    return response;
  }

 private:
  const ds_transport& transport_;
};

// The host's transport with the sync client's retry policy around it.
class HostTransport final : public HttpTransport {
 public:
  explicit HostTransport(const ds_transport& transport)
      : inner_(transport), retrying_(inner_, sync::client::RetryPolicy{}) {}
  Result<HttpResponse> Send(const HttpRequest& request) override { return retrying_.Send(request); }

 private:
  CallbackTransport inner_;
  sync::client::RetryingTransport retrying_;
};

// A transport owned elsewhere (the built-in curl one), used for one call. Its one curl handle
// is not thread-safe: syncs of different stores on different threads that share it take turns
// request by request (`mutex`).
class BorrowedTransport final : public HttpTransport {
 public:
  BorrowedTransport(HttpTransport& inner, std::mutex& mutex) : inner_(inner), mutex_(mutex) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return inner_.Send(request);
  }
  void CloseIdle() override {
    std::lock_guard<std::mutex> lock(mutex_);
    inner_.CloseIdle();
  }

 private:
  HttpTransport& inner_;
  std::mutex& mutex_;
};

const HttpRequest* Req(const ds_http_request* request) {
  return request == nullptr ? nullptr : request->request;
}

#if DOORSTEP_CAPI_CURL
struct CurlBox {
  std::mutex mutex;  // one request at a time on the one curl handle
  sync::client::CurlTransport curl;
};

// The built-in transport's `send`: the host may also call it from its own callback.
ds_status CurlSend(void* context, const ds_http_request* request, ds_http_response* response) {
  return Boundary("curl transport", [&]() -> Status {
    DS_CAPI_REQUIRE("curl transport", context);
    DS_CAPI_REQUIRE("curl transport", request);
    DS_CAPI_REQUIRE("curl transport", response);
    if (request->request == nullptr || response->response == nullptr) {
      return Status(Code::kInvalidArgument, "curl transport: not a request of this library");
    }
    auto* box = static_cast<CurlBox*>(context);
    std::lock_guard<std::mutex> lock(box->mutex);
    DS_ASSIGN_OR_RETURN(HttpResponse answer, box->curl.Send(*request->request));
    *response->response = std::move(answer);
    return Status::Ok();
  });
}
#endif

}  // namespace

std::unique_ptr<sync::client::HttpTransport> MakeTransport(const ds_transport* transport) {
#if DOORSTEP_CAPI_CURL
  if (transport->send == &CurlSend) {
    auto* box = static_cast<CurlBox*>(transport->context);
    return std::make_unique<BorrowedTransport>(box->curl, box->mutex);
  }
#endif
  return std::make_unique<HostTransport>(*transport);
}

}  // namespace doorstep::capi

using namespace doorstep;
using namespace doorstep::capi;

extern "C" {

const char* ds_http_request_method(const ds_http_request* request) {
  const auto* r = Req(request);
  return r == nullptr ? kEmpty : r->method.c_str();
}

const char* ds_http_request_url(const ds_http_request* request) {
  const auto* r = Req(request);
  return r == nullptr ? kEmpty : r->url.c_str();
}

size_t ds_http_request_header_count(const ds_http_request* request) {
  const auto* r = Req(request);
  return r == nullptr ? 0 : r->headers.size();
}

const char* ds_http_request_header_name(const ds_http_request* request, size_t i) {
  const auto* r = Req(request);
  if (r == nullptr || i >= r->headers.size()) return kEmpty;
  return r->headers[i].first.c_str();
}

const char* ds_http_request_header_value(const ds_http_request* request, size_t i) {
  const auto* r = Req(request);
  if (r == nullptr || i >= r->headers.size()) return kEmpty;
  return r->headers[i].second.c_str();
}

const uint8_t* ds_http_request_body(const ds_http_request* request, size_t* len) {
  const auto* r = Req(request);
  if (len != nullptr) *len = r == nullptr ? 0 : r->body.size();
  static const uint8_t kNone[1] = {0};
  return r == nullptr ? kNone : reinterpret_cast<const uint8_t*>(r->body.data());
}

void ds_http_response_set_status(ds_http_response* response, int http_status) {
  if (response != nullptr && response->response != nullptr) {
    response->response->status = http_status;
  }
}

void ds_http_response_add_header(ds_http_response* response, const char* name,
                                 const char* value) {
  GuardVoid("ds_http_response_add_header", [&] {
    if (response == nullptr || response->response == nullptr || name == nullptr) return;
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response->response->headers.emplace_back(std::move(lower), Str(value));
  });
}

void ds_http_response_set_body(ds_http_response* response, const uint8_t* body, size_t len) {
  GuardVoid("ds_http_response_set_body", [&] {
    if (response == nullptr || response->response == nullptr) return;
    if (body == nullptr || len == 0) {
      response->response->body.clear();
      return;
    }
    response->response->body.assign(reinterpret_cast<const char*>(body), len);
  });
}

ds_status ds_curl_transport_create(ds_transport** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_curl_transport_create", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_curl_transport_create", out);
#if DOORSTEP_CAPI_CURL
    auto box = std::make_unique<CurlBox>();
    auto transport = std::make_unique<ds_transport>();
    transport->context = box.get();
    transport->send = &CurlSend;
    Owned().Add(transport.get());
    box.release();
    *out = transport.release();
    return Status::Ok();
#else
    return Status(Code::kFailedPrecondition,
                  "ds_curl_transport_create: this library was built without libcurl; supply a "
                  "ds_transport");
#endif
  });
}

ds_status ds_curl_transport_configure(ds_transport* transport, const char* ca_file,
                                      const char* pinned_key, int allow_plain_http) {
  return Boundary("ds_curl_transport_configure", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_curl_transport_configure", transport);
#if DOORSTEP_CAPI_CURL
    if (!Owned().Contains(transport)) {
      return Status(Code::kInvalidArgument,
                    "ds_curl_transport_configure: not a transport of ds_curl_transport_create",
                    "transport");
    }
    std::string ca, pin;
    for (const auto& [text, field, where] :
         {std::tuple{ca_file, &ca, "ca_file"}, std::tuple{pinned_key, &pin, "pinned_key"}}) {
      if (text == nullptr) continue;
      const size_t n = strnlen(text, 4097);
      if (n > 4096) {
        return Status(Code::kInvalidArgument,
                      std::string("ds_curl_transport_configure: ") + where +
                          " is longer than 4096 bytes",
                      where);
      }
      field->assign(text, n);
    }
    auto* box = static_cast<CurlBox*>(transport->context);
    // Under the mutex every request of a sync takes: a sync in progress sees the change from its
    // next request.
    std::lock_guard<std::mutex> lock(box->mutex);
    box->curl.SetTls(std::move(ca), std::move(pin), allow_plain_http != 0);
    return Status::Ok();
#else
    return Status(Code::kFailedPrecondition,
                  "ds_curl_transport_configure: this library was built without libcurl");
#endif
  });
}

void ds_curl_transport_destroy(ds_transport* transport) {
  GuardVoid("ds_curl_transport_destroy", [&] {
    if (transport == nullptr) return;
#if DOORSTEP_CAPI_CURL
    if (!Owned().Remove(transport)) return;  // not ours: the host owns it
    delete static_cast<CurlBox*>(transport->context);
    delete transport;
#endif
  });
}

}  // extern "C"
