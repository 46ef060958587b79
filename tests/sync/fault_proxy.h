// A fault-injecting TCP proxy for the sync tests: it listens on 127.0.0.1 (an ephemeral port) and
// forwards every accepted connection to the real server on 127.0.0.1, applying a FaultRule to the
// connection's two byte streams. Real sockets on both sides, so the client (libcurl) and the server
// (cpp-httplib) meet the faults exactly as they would on a bad link:
//
//   drop       after N bytes of one direction the link goes down: the bytes forwarded so far
//              reach the other side, the server's socket is closed (FIN after the data, so it
//              reads exactly N bytes and then the end) and the client's is reset (RST)
//   truncate   the response ends after N bytes: both sockets are closed cleanly (FIN), so the
//              client sees an early end of the body its Content-Length promised
//   corrupt    the byte at offset N of the request or the response is XORed with a mask
//   delay      every chunk waits D ms before it is forwarded (both directions)
//   hold       after N request bytes nothing more goes to the server, and the connection stays
//              open: the server waits for the rest of a request (a test then kills it)
//
// Offsets count from the first byte of the connection's stream in that direction, or, with
// `body_offsets`, from the first byte after the header block of the first message (the request
// or response body). Rules are per connection: a rule set for the n-th accepted connection, else
// the first queued rule whose `match` (a prefix of the request line, "POST /v1/push") fits, else
// the default rule (pass through). The rule is chosen once the request line has arrived. With
// HTTP keep-alive a connection carries several requests and the rule sees them as one stream;
// the tests' tablets open one connection per request.
//
// The proxy counts connections and bytes, and keeps one ConnectionInfo per connection (request
// line, bytes each way, whether the request body was complete, which fault fired), so a test can
// check that the fault it asked for really happened and wait for a point in a transfer.
//
// Thread rules: one thread accepts, one thread serves each connection. Every public method is
// thread-safe; rules may be changed while connections are open (an open connection keeps the rule
// it was given). Stop() (and the destructor) closes every connection and joins every thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "doorstep/core/status.h"

namespace doorstep::testing::fault {

inline constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

struct FaultRule {
  // Which connections a queued rule applies to: a prefix of the request line ("POST /v1/pull");
  // empty: any. `skip` lets that many matching connections pass first (queued rules only).
  std::string match;
  int skip = 0;

  uint64_t drop_request_after = kNever;   // client -> server bytes forwarded, then the link drops
  uint64_t drop_response_after = kNever;  // server -> client
  uint64_t truncate_response_after = kNever;
  uint64_t hold_request_after = kNever;
  uint64_t corrupt_request_at = kNever;
  uint64_t corrupt_response_at = kNever;
  uint8_t corrupt_mask = 0x5a;
  bool body_offsets = false;
  std::chrono::milliseconds delay{0};

  // Builders, for one-line rules: FaultRule::On("POST /v1/push").DropRequestAfter(512).
  static FaultRule On(std::string request_line_prefix);
  FaultRule Skip(int n) const;
  FaultRule DropRequestAfter(uint64_t n) const;
  FaultRule DropResponseAfter(uint64_t n) const;
  FaultRule TruncateResponseAfter(uint64_t n) const;
  FaultRule HoldRequestAfter(uint64_t n) const;
  FaultRule CorruptRequestAt(uint64_t offset, uint8_t mask = 0x5a) const;
  FaultRule CorruptResponseAt(uint64_t offset, uint8_t mask = 0x5a) const;
  FaultRule InBody() const;  // offsets from the first body byte
  FaultRule Delay(std::chrono::milliseconds d) const;
  // "drop request after 512 body bytes"-style description, for test messages.
  std::string Describe() const;
};

// What happened on one connection (a snapshot).
struct ConnectionInfo {
  uint64_t index = 0;        // 1-based, in accept order
  std::string request_line;  // "POST /v1/push HTTP/1.1" (empty when none arrived)
  std::string rule;          // FaultRule::Describe() of the rule it got
  uint64_t request_bytes = 0;   // client -> server bytes forwarded
  uint64_t response_bytes = 0;  // server -> client bytes forwarded
  uint64_t response_seen = 0;   // server -> client bytes read from the server (forwarded or not)
  // The whole request (header block and Content-Length bytes of body) went to the server.
  bool request_complete = false;
  int64_t request_content_length = -1;  // of the first request; -1 when none was declared
  int64_t response_content_length = -1;
  uint64_t request_head_bytes = 0;   // size of the first request's header block (0: not seen)
  uint64_t response_head_bytes = 0;  // size of the first response's header block (0: not seen)
  std::string fault;  // the fault that fired ("dropped request at 512"), empty when none did
  bool upstream_refused = false;  // the server could not be reached
  bool closed = false;
};

class FaultProxy {
 public:
  // Forwards to 127.0.0.1:`upstream_port`.
  explicit FaultProxy(int upstream_port);
  ~FaultProxy();  // Stop()
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // Binds 127.0.0.1 on an ephemeral port and starts accepting. kIo when the socket fails.
  Status Start();
  void Stop();
  int port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:<port>"

  // The server moved (restarted on another port). Open connections keep their upstream.
  void set_upstream_port(int port);

  void SetDefault(FaultRule rule);
  // The first later connection the rule matches (after `skip` matching ones) gets it.
  void Enqueue(FaultRule rule);
  // The `index`-th accepted connection (1-based, see connections()) gets it.
  void ForConnection(uint64_t index, FaultRule rule);
  // Default back to pass-through; queued and per-connection rules removed.
  void ClearRules();
  size_t queued() const;  // queued rules no connection has taken yet

  uint64_t connections() const;  // accepted so far
  uint64_t bytes_up() const;     // client -> server, forwarded, every connection
  uint64_t bytes_down() const;   // server -> client, forwarded
  std::vector<ConnectionInfo> Connections() const;
  // Connections whose request line starts with `prefix`.
  std::vector<ConnectionInfo> Connections(const std::string& prefix) const;
  // Waits until `done(Connections())` holds (re-checked on every event); false after `timeout`.
  bool WaitUntil(const std::function<bool(const std::vector<ConnectionInfo>&)>& done,
                 std::chrono::milliseconds timeout);

  class Conn;  // one proxied connection (fault_proxy_conn.cpp)

 private:
  static constexpr int kPollMs = 20;  // how often blocked threads look at the stop flag
  // Forwards one accepted connection until it ends (runs on the connection's thread).
  static void Serve(FaultProxy& proxy, uint64_t index, int client, int upstream_port);
  void AcceptLoop();
  FaultRule TakeRule(uint64_t index, const std::string& request_line);
  void Update(uint64_t index, const std::function<void(ConnectionInfo&)>& fn);
  bool stopping() const { return stopping_.load(); }

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  FaultRule default_rule_;
  std::deque<FaultRule> queue_;
  std::map<uint64_t, FaultRule> by_index_;
  std::vector<ConnectionInfo> infos_;  // infos_[index - 1]
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers_;  // finished ones are joined by the accept loop
  uint64_t bytes_up_ = 0;
  uint64_t bytes_down_ = 0;

  friend class Conn;
};

}  // namespace doorstep::testing::fault
