// bench_sync: the client side of an initial sync in a process of its own, so its peak RSS is the
// client's alone (the parent holds the server, its caches and the generated households).
//
// The child is this binary re-executed with --client-child, started at the very beginning of the
// run, while the parent is still small: Linux carries a process's high-water RSS across exec
// (exec_mmap folds the old address space into signal->maxrss), so a child forked from the grown
// parent would report the parent's size in ru_maxrss. Started early, it waits on its stdin for the
// path of a tablet store, opens it, runs one full sync (SyncClient over libcurl), writes its
// figures as `key value` lines on stdout and exits; the parent reads them and takes ru_maxrss from
// wait4. The child also reports VmHWM (the peak RSS of its own address space since exec) as a
// cross-check.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench_sync.h"
#include "doorstep/posix/ports.h"

namespace doorstep::bench {
namespace {

// Peak RSS of this process since exec, from /proc/self/status (KiB).
uint64_t VmHwmKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

Status Errno(const std::string& what) {
  return Status(Code::kIo, what + ": " + std::strerror(errno));
}

}  // namespace

int ClientChildMain() {
  std::string path;
  if (!std::getline(std::cin, path) || path.empty()) return 0;  // the parent had no work for us
  BenchClock clock(kNowMs + 3600 * 1000);
  posix::SystemRandom random;
  std::unique_ptr<Store> store = OpenTablet(path, &clock, &random);
  const SyncFigures f = SyncOnce(*store);
  store.reset();
  std::printf("ok %d\nseconds %.6f\nrequests %llu\nbytes_sent %llu\nbytes_received %llu\n",
              f.ok ? 1 : 0, f.seconds, static_cast<unsigned long long>(f.requests),
              static_cast<unsigned long long>(f.bytes_sent),
              static_cast<unsigned long long>(f.bytes_received));
  std::printf("push_requests %llu\npush_bytes_sent %llu\npush_bytes_received %llu\n",
              static_cast<unsigned long long>(f.push_requests),
              static_cast<unsigned long long>(f.push_bytes_sent),
              static_cast<unsigned long long>(f.push_bytes_received));
  std::printf("pull_requests %llu\npull_bytes_received %llu\nchanges_pushed %llu\n",
              static_cast<unsigned long long>(f.pull_requests),
              static_cast<unsigned long long>(f.pull_bytes_received),
              static_cast<unsigned long long>(f.changes_pushed));
  std::printf("changes_pulled %llu\nrecords_created %llu\nchecksums_match %d\nvmhwm_kib %llu\n",
              static_cast<unsigned long long>(f.changes_pulled),
              static_cast<unsigned long long>(f.records_created), f.checksums_match ? 1 : 0,
              static_cast<unsigned long long>(VmHwmKib()));
  std::printf("push_s %.6f\npull_s %.6f\nchecksum_s %.6f\n", f.push_s, f.pull_s, f.checksum_s);
  if (!f.ok) std::printf("error %s\n", f.error.c_str());  // names endpoints and causes, no values
  std::fflush(stdout);
  return 0;
}

ClientChild ClientChild::Spawn() {
  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) {
    Fail("start the client process", Errno("pipe2"));
  }
  const pid_t pid = fork();
  if (pid < 0) Fail("start the client process", Errno("fork"));
  if (pid == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    execl("/proc/self/exe", "bench_sync", "--client-child", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  ClientChild child;
  child.pid_ = pid;
  child.in_ = to_child[1];
  child.out_ = from_child[0];
  return child;
}

SyncFigures ClientChild::Run(const std::string& db_path) {
  const std::string line = db_path + "\n";
  if (write(in_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    Fail("send work to the client process", Errno("write"));
  }
  close(in_);
  in_ = -1;
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(out_, buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail("read the client process's figures", Errno("read"));
    text.append(buffer, static_cast<size_t>(n));
  }
  close(out_);
  out_ = -1;
  int wstatus = 0;
  struct rusage usage {};
  if (wait4(pid_, &wstatus, 0, &usage) != pid_) Fail("wait for the client process", Errno("wait4"));
  pid_ = -1;
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    Fail("client process", Status(Code::kInternal, "exited abnormally (status " +
                                                       std::to_string(wstatus) + ")"));
  }
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  for (std::string l; std::getline(lines, l);) {
    const size_t space = l.find(' ');
    if (space != std::string::npos) values[l.substr(0, space)] = l.substr(space + 1);
  }
  auto num = [&values](const char* key) -> uint64_t {
    auto it = values.find(key);
    return it == values.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
  };
  SyncFigures f;
  f.ok = num("ok") == 1;
  f.error = values.count("error") ? values["error"] : "";
  auto real = [&values](const char* key) {
    auto it = values.find(key);
    return it == values.end() ? 0.0 : std::strtod(it->second.c_str(), nullptr);
  };
  f.seconds = real("seconds");
  f.push_s = real("push_s");
  f.pull_s = real("pull_s");
  f.checksum_s = real("checksum_s");
  f.requests = num("requests");
  f.bytes_sent = num("bytes_sent");
  f.bytes_received = num("bytes_received");
  f.push_requests = num("push_requests");
  f.push_bytes_sent = num("push_bytes_sent");
  f.push_bytes_received = num("push_bytes_received");
  f.pull_requests = num("pull_requests");
  f.pull_bytes_received = num("pull_bytes_received");
  f.changes_pushed = num("changes_pushed");
  f.changes_pulled = num("changes_pulled");
  f.records_created = num("records_created");
  f.checksums_match = num("checksums_match") == 1;
  f.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  f.vmhwm_mib = static_cast<double>(num("vmhwm_kib")) / 1024.0;
  return f;
}

void ClientChild::Dismiss() {
  if (pid_ <= 0) return;
  if (in_ >= 0) close(in_);  // EOF: the child exits without work
  if (out_ >= 0) close(out_);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace doorstep::bench
