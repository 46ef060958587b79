// The one error model of Doorstep.
//
// Every fallible call returns a Status or a Result<T>. A Status carries a Code from the single
// catalog below, a human-readable message, and `where`: the field path ("members[2f..]/id_number"),
// the expression column ("relevant:12") or the byte offset ("offset 1834") at fault, so callers
// and clerks can see exactly what was wrong. Messages never contain personal data (resident ids,
// incomes, health): they name fields, not values.
//
// Thread rules: value types, safe to copy and move between threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace doorstep {

// The catalog of error codes. Stable numbers: the C ABI exposes them.
enum class Code : int {
  kOk = 0,
  kInvalidArgument = 1,     // malformed input from the caller (bad path, bad value text)
  kNotFound = 2,            // no such record, form, field, instance
  kAlreadyExists = 3,       // installing a form version twice with different content
  kFailedPrecondition = 4,  // operation not allowed in the current state (edit a finalized record)
  kValidation = 5,          // record failed validation (see ValidationReport for every error)
  kParse = 6,               // expression or document parse error
  kCorruption = 7,          // stored bytes do not decode
  kIo = 8,                  // file system or SQLite I/O error
  kWrongKey = 9,            // encrypted store opened with the wrong key (or not encrypted)
  kSchemaTooNew = 10,       // store written by a newer Doorstep
  kConflict = 11,           // concurrent edit detected
  kPermissionDenied = 12,   // out of scope
  kInternal = 13,           // a bug: invariant violated
  kUnavailable = 14,        // network or server unavailable (retryable)
  kCancelled = 15,          // cancelled by the caller
  kResourceExhausted = 16,  // a size or depth limit was hit
};

const char* CodeName(Code code);

class Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message, std::string where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The field path, expression column or byte offset at fault; may be empty.
  const std::string& where() const { return where_; }

  // "<code name>: <where>: <message>" (where omitted when empty).
  std::string ToString() const;

  // Prefixes `where` with a context ("members[..]/" + where) and returns *this.
  Status& WithContext(const std::string& context);

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string where_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  // By value, so `for (auto& x : F().value())` never dangles on the temporary Result.
  T value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace doorstep

#define DS_CONCAT_INNER(a, b) a##b
#define DS_CONCAT(a, b) DS_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define DS_RETURN_IF_ERROR(expr)               \
  do {                                         \
    ::doorstep::Status ds_status_ = (expr);    \
    if (!ds_status_.ok()) return ds_status_;   \
  } while (false)

// `DS_ASSIGN_OR_RETURN(auto x, F());` declares x from a Result or returns its Status.
#define DS_ASSIGN_OR_RETURN(lhs, expr) DS_ASSIGN_OR_RETURN_IMPL(DS_CONCAT(ds_result_, __LINE__), lhs, expr)
#define DS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
