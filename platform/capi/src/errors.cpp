// The library functions of the C ABI: version, status names, the thread's last error, ds_free,
// randomness; and the boundary helpers of internal.h.
#include <cstdlib>

#include "internal.h"

namespace doorstep::capi {
namespace {

struct LastError {
  std::string message;
  std::string where;
};

LastError& ThreadError() {
  thread_local LastError error;
  return error;
}

}  // namespace

ds_status SetLastError(const Status& status) {
  LastError& e = ThreadError();
  try {
    e.where = status.where();
    e.message = status.where().empty() ? status.message() : status.where() + ": " + status.message();
  } catch (...) {
    e.where.clear();
    e.message.clear();
  }
  return static_cast<ds_status>(status.code());
}

OwnedSet& Owned() {
  static OwnedSet* owned = new OwnedSet();  // never destroyed: destroy calls may come at exit
  return *owned;
}

ds_status FailAt(Code code, const char* function, const char* what) noexcept {
  try {
    return SetLastError(Status(code, std::string(function) + ": " + what));
  } catch (...) {
    // Out of memory for the message itself: the code still tells the host what happened.
    LastError& e = ThreadError();
    e.where.clear();
    e.message.clear();
    return static_cast<ds_status>(code);
  }
}

Status NullArgument(const char* function, const char* param) {
  return Status(Code::kInvalidArgument, std::string("must not be NULL (") + function + ")", param);
}

char* CopyString(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

void CallbackLogger::Log(LogLevel level, std::string_view message) {
  if (fn_ == nullptr) return;
  try {
    std::string text(message);
    fn_(context_, static_cast<int>(level), text.c_str());
  } catch (...) {
    // A log line is never worth failing a write for.
  }
}

}  // namespace doorstep::capi

using namespace doorstep;
using namespace doorstep::capi;

extern "C" {

const char* ds_version(void) { return "0.1.0"; }

int ds_abi_version(void) { return DS_ABI_VERSION; }

int ds_encryption_available(void) {
#if defined(DOORSTEP_HAS_ENCRYPTION)
  return 1;
#else
  return 0;
#endif
}

const char* ds_status_name(ds_status status) {
  if (status < 0 || status > static_cast<int>(Code::kResourceExhausted)) return "unknown";
  return CodeName(static_cast<Code>(status));
}

const char* ds_last_error_message(void) { return ThreadError().message.c_str(); }

const char* ds_last_error_where(void) { return ThreadError().where.c_str(); }

void ds_free(void* ptr) { std::free(ptr); }

ds_status ds_random_bytes(uint8_t* out, size_t n) {
  return Boundary("ds_random_bytes", [&]() -> Status {
    if (n == 0) return Status::Ok();
    DS_CAPI_REQUIRE("ds_random_bytes", out);
    posix::SystemRandom random;
    return random.Fill(out, n);
  });
}

}  // extern "C"
