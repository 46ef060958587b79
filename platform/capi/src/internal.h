// Private plumbing of the C ABI (doorstep/c/doorstep.h): the handle structs, the thread's last
// error, and the boundary helpers every exported function goes through.
//
// The boundary (as LiteCore's tryCatch): each `ds_*` function that can fail is
//   return Boundary("ds_x", [&]() -> Status { ...; return Status::Ok(); });
// which runs the body, turns every exception into DS_INTERNAL with its what() (nothing escapes
// into C), records a failing Status as the thread's last error, and returns its code. Accessors
// that cannot fail (list getters) use Guard(), which returns a default on a NULL handle or an
// index out of range and never throws either.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "doorstep/c/doorstep.h"
#include "doorstep/core/ports.h"
#include "doorstep/core/session.h"
#include "doorstep/core/status.h"
#include "doorstep/core/store.h"
#include "doorstep/posix/ports.h"
#include "doorstep/sync/client/transport.h"

namespace doorstep::capi {

// --- the thread's last error ------------------------------------------------------------------
// Records `status` (not OK) as the calling thread's last error; returns its code.
ds_status SetLastError(const Status& status);
// An argument error naming the parameter: DS_INVALID_ARGUMENT, "<fn>: <param> is NULL".
Status NullArgument(const char* function, const char* param);

// Records "<function>: <what>" with `code` as the thread's last error; never throws (when even
// that message cannot be allocated, the code is returned with the last message cleared).
ds_status FailAt(Code code, const char* function, const char* what) noexcept;

// The host-visible structs this library allocated (the key-file store, the curl transport): their
// destroy functions delete only what is registered here, so a host struct that copies our
// callback and context (a decorator, a Swift copy) is never freed as if it were ours.
class OwnedSet {
 public:
  void Add(const void* p) {
    std::lock_guard<std::mutex> lock(mutex_);
    set_.insert(p);
  }
  bool Remove(const void* p) {
    std::lock_guard<std::mutex> lock(mutex_);
    return set_.erase(p) > 0;
  }
  bool Contains(const void* p) {
    std::lock_guard<std::mutex> lock(mutex_);
    return set_.count(p) > 0;
  }

 private:
  std::mutex mutex_;
  std::unordered_set<const void*> set_;
};
OwnedSet& Owned();

// Runs `body` (returning Status) behind the boundary; see the file comment.
template <typename Body>
ds_status Boundary(const char* function, Body&& body) noexcept {
  try {
    Status s = body();
    if (s.ok()) return DS_OK;
    return SetLastError(s);
  } catch (const std::bad_alloc&) {
    return FailAt(Code::kResourceExhausted, function, "out of memory");
  } catch (const std::exception& e) {
    return FailAt(Code::kInternal, function, e.what());
  } catch (...) {
    return FailAt(Code::kInternal, function, "unknown exception");
  }
}

// For functions that cannot report a status (accessors, setters returning void): runs `body`,
// returning `fallback` if it throws (recorded as the last error).
template <typename T, typename Body>
T Guard(const char* function, T fallback, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    FailAt(Code::kResourceExhausted, function, "out of memory");
  } catch (const std::exception& e) {
    FailAt(Code::kInternal, function, e.what());
  } catch (...) {
    FailAt(Code::kInternal, function, "unknown exception");
  }
  return fallback;
}
template <typename Body>
void GuardVoid(const char* function, Body&& body) noexcept {
  Guard<int>(function, 0, [&] {
    body();
    return 0;
  });
}

// Checks required pointers: `DS_REQUIRE(fn, store)` returns the NULL-argument status.
#define DS_CAPI_REQUIRE(function, param) \
  do {                                   \
    if ((param) == nullptr) return ::doorstep::capi::NullArgument(function, #param); \
  } while (false)

// A copy of `text` in malloc'd memory (released with ds_free); throws std::bad_alloc.
char* CopyString(const std::string& text);
// Text from a C argument: "" for NULL.
inline std::string Str(const char* text) { return text == nullptr ? std::string() : std::string(text); }
// Empty-string constant returned by accessors for absent values.
inline const char* kEmpty = "";

// --- handles ------------------------------------------------------------------------------------

// Calls the host's log function (never with personal data: the core logs paths and counts).
class CallbackLogger final : public Logger {
 public:
  void Set(ds_log_fn fn, void* context) {
    fn_ = fn;
    context_ = context;
  }
  bool enabled() const { return fn_ != nullptr; }
  void Log(LogLevel level, std::string_view message) override;

 private:
  ds_log_fn fn_ = nullptr;
  void* context_ = nullptr;
};

}  // namespace doorstep::capi

struct ds_store_options {
  std::string path;
  const ds_key_store* key_store = nullptr;
  int durability = 0;
  bool allow_plain = false;
  ds_log_fn log_fn = nullptr;
  void* log_context = nullptr;
};

struct ds_store {
  // Ports first: they outlive the Store declared after them.
  doorstep::posix::SystemClock clock;
  doorstep::posix::SystemRandom random;
  doorstep::capi::CallbackLogger logger;
  std::unique_ptr<doorstep::Store> store;
  std::string path;
  // Sessions open over this store. ds_store_close with sessions still open (a host bug the
  // header forbids) only marks the store closed; the last ds_session_close frees it.
  int sessions = 0;
  bool closed = false;
};

struct ds_form_list {
  std::vector<doorstep::FormSummary> forms;
  std::vector<std::pair<std::string, std::string>> titles;  // zh, en
};

struct ds_record_list {
  struct Row {
    std::string id;
    std::string form_id;
    std::string form_version;
    int state = 0;
    int64_t updated_ms = 0;
  };
  std::vector<Row> rows;
};

struct ds_session {
  ds_store* store = nullptr;
  std::unique_ptr<doorstep::FormSession> session;
};

struct ds_question_list {
  struct Row {
    doorstep::Question q;
    std::string value_text;
    std::string value_bytes;
  };
  std::vector<Row> rows;
};

struct ds_change_list {
  std::vector<doorstep::QuestionChange> changes;
  std::string instance_path;
};

struct ds_instance_list {
  std::vector<doorstep::InstanceInfo> instances;
};

struct ds_error_list {
  std::vector<doorstep::ValidationError> errors;
};

struct ds_audit_list {
  struct Row {
    std::string path;
    std::string old_value;
    std::string new_value;
    std::string surveyor;
    std::string device;
    int64_t time_ms = 0;
  };
  std::vector<Row> rows;
};

struct ds_http_request {
  const doorstep::sync::client::HttpRequest* request = nullptr;
};

struct ds_http_response {
  doorstep::sync::client::HttpResponse* response = nullptr;
};

struct ds_cancel {
  std::atomic<bool> flag{false};
};

struct ds_sync_report {
  uint64_t changes_pushed = 0;
  uint64_t changes_pulled = 0;
  uint64_t records_created = 0;
  uint64_t records_purged = 0;
  uint64_t still_pending = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  bool checksums_match = false;
  struct Conflict {
    std::string record;
    std::string path;
    bool local_won = false;
  };
  std::vector<Conflict> conflicts;
  struct Quarantined {
    std::string record;
    std::string path;
    std::string reason;
  };
  std::vector<Quarantined> quarantined;
};

struct ds_conflict_list {
  struct Candidate {
    std::string value;
    std::string surveyor;
    std::string device;
  };
  struct Row {
    int64_t id = 0;
    std::string record;
    std::string path;
    bool resolved = false;
    std::vector<Candidate> candidates;
    size_t winner = 0;
  };
  std::vector<Row> rows;
};

namespace doorstep::capi {

// An HttpTransport over a ds_transport (the built-in curl one is used directly, the host's
// through its callback with retries around it). Lives for one call.
std::unique_ptr<sync::client::HttpTransport> MakeTransport(const ds_transport* transport);

// Borrowed accessor helpers: the row `i` of a list handle, or nullptr when out of range.
template <typename List>
auto Row(const List* list, size_t i) -> decltype(&list->rows[0]) {
  if (list == nullptr || i >= list->rows.size()) return nullptr;
  return &list->rows[i];
}

}  // namespace doorstep::capi
