// CurlTransport: one libcurl easy handle per transport (reused, so the connection stays open),
// timeouts, low-speed abort, cancel through XFERINFOFUNCTION, raw bodies (libcurl's automatic
// content decoding is never enabled: the sync client compresses and decompresses itself).
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "doorstep/sync/client/curl_transport.h"

namespace doorstep::sync::client {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  size_t max_body = 0;
  bool too_large = false;
  bool head_complete = false;  // the blank line ending the (final) header block arrived
  uint64_t sent = 0;
  uint64_t received = 0;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->response->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // CURLE_WRITE_ERROR
  }
  t->response->body.append(data, n);
  return n;
}

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new response (after 100 Continue or a redirect)
    t->head_complete = false;
    return n;
  }
  if (line == "\r\n" || line == "\n") {
    t->head_complete = true;
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name = Trim(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  t->response->headers.emplace_back(std::move(name), Trim(line.substr(colon + 1)));
  return n;
}

int OnProgress(void* user, curl_off_t /*dltotal*/, curl_off_t dlnow, curl_off_t /*ultotal*/,
               curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->cancel != nullptr && t->request->cancel->load()) return 1;  // abort
  const auto sent = static_cast<uint64_t>(std::max<curl_off_t>(0, ulnow));
  const auto received = static_cast<uint64_t>(std::max<curl_off_t>(0, dlnow));
  if (sent != t->sent || received != t->received) {
    t->sent = sent;
    t->received = received;
    if (t->request->on_progress) t->request->on_progress(sent, received);
  }
  return 0;
}

// The part of the URL that is safe to show: scheme, host and port (never a query).
std::string Origin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t path = url.find('/', scheme + 3);
  return url.substr(0, path);
}

Code CodeForCurl(CURLcode rc) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return Code::kInvalidArgument;
    // The server is not who it should be (or the CA bundle is wrong): not retried.
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return Code::kPermissionDenied;
    default:
      return Code::kUnavailable;
  }
}

// Whether `url` is http:// to a loopback host.
bool PlainHttp(const std::string& url) { return url.compare(0, 7, "http://") == 0; }
bool LoopbackUrl(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) return false;
  std::string host = url.substr(start + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (!host.empty() && host[0] == '[') return host.compare(0, 5, "[::1]") == 0;
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.compare(0, 4, "127.") == 0;
}

// The request's headers for libcurl, with "Expect:" (no 100-continue round trip). The caller
// frees the list.
curl_slist* HeaderList(const HttpRequest& request) {
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  return curl_slist_append(headers, "Expect:");
}

// Everything but the method: URL, headers, timeouts, callbacks into `transfer`.
void SetTransferOptions(CURL* curl, const CurlOptions& options, const HttpRequest& request,
                        curl_slist* headers, char* error_text, Transfer* transfer) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.pinned_key.empty()) {
    curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, options.pinned_key.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  if (!options.reuse_connection) curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(options.low_speed_time.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, transfer);
}

// Sets the request's method and body; false for a method the transport does not send.
bool SetMethod(CURL* curl, const HttpRequest& request) {
  if (request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    // PUT (attachment chunks): the body is sent like a POST's, under another method name.
    if (request.method == "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    return true;
  }
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return true;
  }
  return false;
}

// The status of a transfer libcurl failed with `rc` (not a cancel, not an answer over the limit):
// libcurl's message, with its error buffer's detail when that says more.
Status BrokenTransfer(CURLcode rc, const char* error_text, const std::string& label,
                      const std::string& url) {
  std::string cause = curl_easy_strerror(rc);
  std::string detail = error_text;
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  if (!detail.empty() && detail != cause) cause += " (" + detail + ")";
  return Status(CodeForCurl(rc), label + " to " + Origin(url) + ": " + cause);
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : options_(std::move(options)) {
  GlobalInit();
}

CurlTransport::~CurlTransport() {
  CloseIdle();
}

void CurlTransport::CloseIdle() {
  if (handle_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(handle_));
  handle_ = nullptr;
}

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  return SendWithRetry(options_.retry, request,
                       [this](const HttpRequest& r) { return SendOnce(r); });
}

Result<HttpResponse> CurlTransport::SendOnce(const HttpRequest& request) {
  const std::string label = EndpointLabel(request);
  if (request.cancel != nullptr && request.cancel->load()) {
    return Status(Code::kCancelled, label + ": cancelled");
  }
  if (PlainHttp(request.url) && !options_.allow_plain_http && !LoopbackUrl(request.url)) {
    return Status(Code::kFailedPrecondition,
                  label + " to " + Origin(request.url) +
                      ": plain http:// is refused except on this device (loopback); use "
                      "https://, or allow plain HTTP explicitly for a township LAN",
                  "server");
  }
  if (handle_ == nullptr) handle_ = curl_easy_init();
  CURL* curl = static_cast<CURL*>(handle_);
  if (curl == nullptr) return Status(Code::kInternal, label + ": cannot initialise libcurl");
  curl_easy_reset(curl);  // keeps the connection cache

  HttpResponse response;
  Transfer transfer;
  transfer.request = &request;
  transfer.response = &response;
  transfer.max_body = options_.max_response_bytes;
  char error_text[CURL_ERROR_SIZE] = {0};

  curl_slist* headers = HeaderList(request);
  SetTransferOptions(curl, options_, request, headers, error_text, &transfer);
  if (!SetMethod(curl, request)) {
    curl_slist_free_all(headers);
    return Status(Code::kInvalidArgument, label + ": unsupported method");
  }

  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);

  curl_off_t up = 0;
  curl_off_t down = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &up);
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
  response.bytes_sent = static_cast<uint64_t>(std::max<curl_off_t>(0, up));
  response.bytes_received = static_cast<uint64_t>(std::max<curl_off_t>(0, down));
  bytes_sent_ += response.bytes_sent;
  bytes_received_ += response.bytes_received;

  if (rc == CURLE_ABORTED_BY_CALLBACK) return Status(Code::kCancelled, label + ": cancelled");
  if (rc != CURLE_OK && transfer.too_large) {
    return Status(Code::kResourceExhausted, label + ": answer larger than " +
                                                std::to_string(options_.max_response_bytes) +
                                                " bytes; refused");
  }
  if (rc != CURLE_OK || !transfer.head_complete) {
    // Without head_complete, libcurl reported success although the connection closed inside the
    // header block: it keeps the lines that came and an empty body (delimited by the close).
    // That is an answer cut short, e.g. an empty PullPage that would end a pull early; retry it
    // like any broken transfer.
    Status broken = rc != CURLE_OK
                        ? BrokenTransfer(rc, error_text, label, request.url)
                        : Status(Code::kUnavailable,
                                 label + " to " + Origin(request.url) +
                                     ": the connection closed inside the answer's headers");
    // Connection resets drop a kept-alive connection; start the next attempt on a fresh handle.
    curl_easy_cleanup(curl);
    handle_ = nullptr;
    return broken;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace doorstep::sync::client
