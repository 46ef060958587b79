// Definitions of fault_proxy.h: rules, the listener, rule choice and the connection log; the
// connections themselves are in fault_proxy_conn.cpp. A helper source of doorstep_sync_tests
// (tests/CMakeLists.txt), no test cases here.
#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace doorstep::testing::fault {
namespace {

std::string Num(uint64_t n) { return n == kNever ? "never" : std::to_string(n); }

}  // namespace

// ---- FaultRule ----

FaultRule FaultRule::On(std::string request_line_prefix) {
  FaultRule r;
  r.match = std::move(request_line_prefix);
  return r;
}
FaultRule FaultRule::Skip(int n) const {
  FaultRule r = *this;
  r.skip = n;
  return r;
}
FaultRule FaultRule::DropRequestAfter(uint64_t n) const {
  FaultRule r = *this;
  r.drop_request_after = n;
  return r;
}
FaultRule FaultRule::DropResponseAfter(uint64_t n) const {
  FaultRule r = *this;
  r.drop_response_after = n;
  return r;
}
FaultRule FaultRule::TruncateResponseAfter(uint64_t n) const {
  FaultRule r = *this;
  r.truncate_response_after = n;
  return r;
}
FaultRule FaultRule::HoldRequestAfter(uint64_t n) const {
  FaultRule r = *this;
  r.hold_request_after = n;
  return r;
}
FaultRule FaultRule::CorruptRequestAt(uint64_t offset, uint8_t mask) const {
  FaultRule r = *this;
  r.corrupt_request_at = offset;
  r.corrupt_mask = mask;
  return r;
}
FaultRule FaultRule::CorruptResponseAt(uint64_t offset, uint8_t mask) const {
  FaultRule r = *this;
  r.corrupt_response_at = offset;
  r.corrupt_mask = mask;
  return r;
}
FaultRule FaultRule::InBody() const {
  FaultRule r = *this;
  r.body_offsets = true;
  return r;
}
FaultRule FaultRule::Delay(std::chrono::milliseconds d) const {
  FaultRule r = *this;
  r.delay = d;
  return r;
}

std::string FaultRule::Describe() const {
  std::string unit = body_offsets ? " body bytes" : " bytes";
  std::string out;
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (drop_request_after != kNever) add("drop request after " + Num(drop_request_after) + unit);
  if (drop_response_after != kNever) add("drop response after " + Num(drop_response_after) + unit);
  if (truncate_response_after != kNever) {
    add("truncate response after " + Num(truncate_response_after) + unit);
  }
  if (hold_request_after != kNever) add("hold request after " + Num(hold_request_after) + unit);
  if (corrupt_request_at != kNever) add("corrupt request at " + Num(corrupt_request_at) + unit);
  if (corrupt_response_at != kNever) add("corrupt response at " + Num(corrupt_response_at) + unit);
  if (delay.count() > 0) add("delay " + std::to_string(delay.count()) + " ms per chunk");
  if (out.empty()) out = "pass";
  return match.empty() ? out : match + ": " + out;
}

// ---- FaultProxy ----

FaultProxy::FaultProxy(int upstream_port) : upstream_port_(upstream_port) {}

FaultProxy::~FaultProxy() { Stop(); }

Status FaultProxy::Start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) return Status(Code::kIo, std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Status s(Code::kIo, std::string("cannot listen on 127.0.0.1: ") + std::strerror(errno));
    close(listen_fd_);
    listen_fd_ = -1;
    return s;
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return Status::Ok();
}

void FaultProxy::Stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<Worker> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.thread.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

std::string FaultProxy::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FaultProxy::AcceptLoop() {
  while (!stopping()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mu_);
    // Join the workers that finished, so a long test does not keep hundreds of dead threads.
    std::erase_if(workers_, [](Worker& w) {
      if (!w.done->load()) return false;
      w.thread.join();
      return true;
    });
    infos_.emplace_back();
    const uint64_t index = infos_.size();
    infos_.back().index = index;
    auto done = std::make_shared<std::atomic<bool>>(false);
    const int upstream = upstream_port_;
    workers_.push_back({std::thread([this, index, fd, upstream, done] {
                          Serve(*this, index, fd, upstream);
                          done->store(true);
                        }),
                        done});
    changed_.notify_all();
  }
}

FaultRule FaultProxy::TakeRule(uint64_t index, const std::string& request_line) {
  std::lock_guard<std::mutex> lock(mu_);
  auto fits = [&request_line](const FaultRule& r) {
    return request_line.compare(0, r.match.size(), r.match) == 0;
  };
  if (auto it = by_index_.find(index); it != by_index_.end()) {
    FaultRule rule = it->second;
    by_index_.erase(it);
    return rule;
  }
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (!fits(*it)) continue;
    if (it->skip > 0) {
      --it->skip;
      break;  // this connection passes; the rule waits for a later one
    }
    FaultRule rule = *it;
    queue_.erase(it);
    return rule;
  }
  return fits(default_rule_) ? default_rule_ : FaultRule{};
}

void FaultProxy::Update(uint64_t index, const std::function<void(ConnectionInfo&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  fn(infos_[index - 1]);
  changed_.notify_all();
}

void FaultProxy::set_upstream_port(int port) {
  std::lock_guard<std::mutex> lock(mu_);
  upstream_port_ = port;
}

void FaultProxy::SetDefault(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  default_rule_ = std::move(rule);
}

void FaultProxy::Enqueue(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(rule));
}

void FaultProxy::ForConnection(uint64_t index, FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  by_index_[index] = std::move(rule);
}

void FaultProxy::ClearRules() {
  std::lock_guard<std::mutex> lock(mu_);
  default_rule_ = FaultRule{};
  queue_.clear();
  by_index_.clear();
}

size_t FaultProxy::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

uint64_t FaultProxy::connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return infos_.size();
}

uint64_t FaultProxy::bytes_up() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_up_;
}

uint64_t FaultProxy::bytes_down() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_down_;
}

std::vector<ConnectionInfo> FaultProxy::Connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return infos_;
}

std::vector<ConnectionInfo> FaultProxy::Connections(const std::string& prefix) const {
  std::vector<ConnectionInfo> out;
  for (auto& c : Connections()) {
    if (c.request_line.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(c));
  }
  return out;
}

bool FaultProxy::WaitUntil(const std::function<bool(const std::vector<ConnectionInfo>&)>& done,
                           std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return done(infos_); });
}

}  // namespace doorstep::testing::fault
