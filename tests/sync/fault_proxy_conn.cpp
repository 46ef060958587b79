// FaultProxy's connections (see fault_proxy.h): one thread per accepted connection forwards both
// directions with poll() on non-blocking sockets and applies the connection's FaultRule to each
// chunk as it passes (no test cases here).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "fault_proxy.h"

namespace doorstep::testing::fault {
namespace {

constexpr size_t kChunk = 16 << 10;
constexpr size_t kMaxHead = 64 << 10;  // header blocks larger than this are not parsed

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// Closes with RST instead of FIN: the peer sees "connection reset", as when a link drops.
void Reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

// Reads what the peer already sent (so close() sends FIN, not RST), then closes.
void CloseAfterData(int fd) {
  char sink[4096];
  while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
  shutdown(fd, SHUT_WR);
  close(fd);
}

// Content-Length of a header block, or -1.
int64_t ContentLength(const std::string& head) {
  size_t pos = 0;
  while ((pos = head.find('\n', pos)) != std::string::npos) {
    ++pos;
    static constexpr char kName[] = "content-length:";
    if (head.size() - pos < sizeof kName - 1) break;
    bool same = true;
    for (size_t i = 0; i + 1 < sizeof kName && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(head[pos + i])) == kName[i];
    }
    if (same) return std::strtoll(head.c_str() + pos + sizeof kName - 1, nullptr, 10);
  }
  return -1;
}

}  // namespace

class FaultProxy::Conn {
 public:
  Conn(FaultProxy& proxy, uint64_t index, int client) : proxy_(proxy), index_(index) {
    up_.from = client;
    down_.to = client;
    up_.upstream = true;
  }

  void Run(int upstream_port) {
    const int server = Connect(upstream_port);
    if (server < 0) {
      proxy_.Update(index_, [](ConnectionInfo& c) { c.upstream_refused = c.closed = true; });
      Reset(up_.from);
      return;
    }
    up_.to = server;
    down_.from = server;
    SetNonBlocking(up_.from);
    SetNonBlocking(server);
    Loop();
    if (!closed_) {
      close(up_.from);
      close(server);
    }
    proxy_.Update(index_, [](ConnectionInfo& c) { c.closed = true; });
  }

 private:
  struct Dir {
    bool upstream = false;  // client -> server
    int from = -1;
    int to = -1;
    uint64_t read = 0;       // stream bytes read from `from`
    uint64_t forwarded = 0;  // stream bytes written to `to`
    std::string head;        // the header block while its end is unknown
    bool head_done = false;
    uint64_t body_start = 0;  // stream offset of the first body byte
    int64_t content_length = -1;
    bool eof = false;
  };

  static int Connect(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
  }

  void Loop() {
    char buf[kChunk];
    while (!closed_ && !(up_.eof && down_.eof)) {
      if (proxy_.stopping()) return;
      pollfd fds[2] = {{up_.from, static_cast<short>(up_.eof ? 0 : POLLIN), 0},
                       {down_.from, static_cast<short>(down_.eof ? 0 : POLLIN), 0}};
      if (poll(fds, 2, kPollMs) <= 0) continue;
      for (Dir* d : {&up_, &down_}) {
        const pollfd& p = fds[d == &up_ ? 0 : 1];
        if (closed_ || d->eof || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const ssize_t n = recv(d->from, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
        if (n < 0) {  // the peer reset: so does the other side
          Abort();
          return;
        }
        if (n == 0) {
          End(*d);
          continue;
        }
        Receive(*d, buf, static_cast<size_t>(n));
      }
    }
  }

  // `from` ended: the rest of the request (if held for the rule) goes out, then the end.
  void End(Dir& d) {
    if (d.upstream && !rule_chosen_) Choose();
    if (d.upstream && !pending_.empty()) {
      std::string held = std::move(pending_);
      pending_.clear();
      Process(d, held.data(), held.size());
      if (closed_) return;
    }
    d.eof = true;
    shutdown(d.to, SHUT_WR);
  }

  void Receive(Dir& d, char* data, size_t n) {
    if (!d.upstream) {
      if (!rule_chosen_) Choose();  // the server spoke first
      proxy_.Update(index_, [n](ConnectionInfo& c) { c.response_seen += n; });
      Process(d, data, n);
      return;
    }
    if (rule_chosen_) {
      Process(d, data, n);
      return;
    }
    // The rule depends on the request line: hold the bytes until it is complete.
    pending_.append(data, n);
    if (pending_.find('\n') == std::string::npos && pending_.size() < 8192) return;
    Choose();
    std::string held = std::move(pending_);
    pending_.clear();
    Process(d, held.data(), held.size());
  }

  void Choose() {
    std::string line = pending_.substr(0, pending_.find_first_of("\r\n"));
    rule_ = proxy_.TakeRule(index_, line);
    rule_chosen_ = true;
    proxy_.Update(index_, [&](ConnectionInfo& c) {
      c.request_line = line;
      c.rule = rule_.Describe();
    });
  }

  // A stream offset of the rule (kNever while a body offset cannot be placed yet).
  uint64_t At(const Dir& d, uint64_t offset) const {
    if (offset == kNever) return kNever;
    if (!rule_.body_offsets) return offset;
    return d.head_done ? d.body_start + offset : kNever;
  }

  void ScanHead(Dir& d, const char* data, size_t n) {
    if (d.head_done || d.head.size() >= kMaxHead) return;
    const size_t before = d.head.size();
    d.head.append(data, std::min(n, kMaxHead - before));
    const size_t end = d.head.find("\r\n\r\n", before < 3 ? 0 : before - 3);
    if (end == std::string::npos) return;
    d.head_done = true;
    d.body_start = end + 4;
    d.content_length = ContentLength(d.head.substr(0, end + 2));
    const int64_t length = d.content_length;
    const uint64_t head = d.body_start;
    proxy_.Update(index_, [&d, length, head](ConnectionInfo& c) {
      if (d.upstream) {
        c.request_content_length = length;
        c.request_head_bytes = head;
      } else {
        c.response_content_length = length;
        c.response_head_bytes = head;
      }
    });
    d.head.clear();
    d.head.shrink_to_fit();
  }

  // Applies the rule to `n` bytes of `d` at stream offset d.read and forwards what remains.
  void Process(Dir& d, char* data, size_t n) {
    const uint64_t pos = d.read;
    d.read += n;
    ScanHead(d, data, n);
    if (d.upstream && held_) return;  // held: the server gets nothing more
    const uint64_t corrupt =
        At(d, d.upstream ? rule_.corrupt_request_at : rule_.corrupt_response_at);
    if (corrupt >= pos && corrupt < pos + n) {
      data[corrupt - pos] = static_cast<char>(static_cast<uint8_t>(data[corrupt - pos]) ^
                                              rule_.corrupt_mask);
      Fired((d.upstream ? "corrupted request byte " : "corrupted response byte ") +
            std::to_string(corrupt));
    }
    const uint64_t drop = At(d, d.upstream ? rule_.drop_request_after : rule_.drop_response_after);
    const uint64_t truncate = d.upstream ? kNever : At(d, rule_.truncate_response_after);
    const uint64_t hold = d.upstream ? At(d, rule_.hold_request_after) : kNever;
    const uint64_t cut = std::min({drop, truncate, hold});
    const size_t keep = cut < pos + n ? static_cast<size_t>(cut - std::min(cut, pos)) : n;
    if (rule_.delay.count() > 0) std::this_thread::sleep_for(rule_.delay);
    if (keep > 0 && !Send(d, data, keep)) return;
    if (keep == n) return;
    if (hold == cut) {
      held_ = true;
      Fired("held request at " + std::to_string(cut));
      return;
    }
    if (drop <= truncate) {
      Fired((d.upstream ? "dropped request at " : "dropped response at ") + std::to_string(cut));
      CloseAfterData(up_.to);  // the server reads what was forwarded, then the end
      Reset(up_.from);         // the client's link is gone
    } else {
      Fired("truncated response at " + std::to_string(cut));
      shutdown(up_.from, SHUT_WR);
      close(up_.from);
      close(up_.to);
    }
    closed_ = true;
  }

  bool Send(Dir& d, const char* data, size_t n) {
    size_t done = 0;
    while (done < n) {
      const ssize_t w = send(d.to, data + done, n - done, MSG_NOSIGNAL);
      if (w > 0) {
        done += static_cast<size_t>(w);
        continue;
      }
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        pollfd p{d.to, POLLOUT, 0};
        poll(&p, 1, kPollMs);
        if (!proxy_.stopping()) continue;
      }
      Abort();  // the destination is gone (or the proxy stops)
      return false;
    }
    d.forwarded += n;
    const bool complete = d.upstream && d.head_done &&
                          d.forwarded >= d.body_start + static_cast<uint64_t>(
                                                            std::max<int64_t>(0, d.content_length));
    const bool up = d.upstream;
    proxy_.Update(index_, [n, complete, up](ConnectionInfo& c) {
      (up ? c.request_bytes : c.response_bytes) += n;
      if (complete) c.request_complete = true;
    });
    std::lock_guard<std::mutex> lock(proxy_.mu_);
    (up ? proxy_.bytes_up_ : proxy_.bytes_down_) += n;
    return true;
  }

  void Fired(const std::string& what) {
    proxy_.Update(index_, [&what](ConnectionInfo& c) {
      c.fault += (c.fault.empty() ? "" : ", ") + what;
    });
  }

  // One side failed: the other side sees its link reset too.
  void Abort() {
    if (closed_) return;
    Reset(up_.from);
    Reset(up_.to);
    closed_ = true;
  }

  FaultProxy& proxy_;
  uint64_t index_;
  Dir up_;
  Dir down_;
  FaultRule rule_;
  bool rule_chosen_ = false;
  bool held_ = false;  // HoldRequestAfter fired
  std::string pending_;  // request bytes held until the request line is complete
  bool closed_ = false;  // both sockets are closed
};

void FaultProxy::Serve(FaultProxy& proxy, uint64_t index, int client, int upstream_port) {
  Conn(proxy, index, client).Run(upstream_port);
}

}  // namespace doorstep::testing::fault
