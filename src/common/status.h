// Status and StatusOr: the error type of every fallible function (leveldb/abseil style).
#ifndef GW_COMMON_STATUS_H_
#define GW_COMMON_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gw {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: flags, config, queries, exposition text
  kNotFound,            // a file, symbol, series or device that is not there
  kUnavailable,         // a peer or device that may come back (driver not loaded, GPU lost)
  kDeadlineExceeded,    // a timeout
  kResourceExhausted,   // a limit was hit
  kFailedPrecondition,  // the system is not in a state where this can work
  kUnimplemented,       // not supported by this driver/device
  kPermissionDenied,
  kCorruption,  // data on disk or on the wire is damaged
  kIoError,     // the operating system said no
  kInternal,    // a bug or an unexpected state of a dependency
};

std::string_view StatusCodeName(StatusCode code);

// Thread-safety: a Status is a value; distinct objects may be used from distinct threads.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message".
  Status WithContext(std::string_view prefix) const;

  // Spelled out so that deliberate ignores can be found with grep.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status UnavailableError(std::string message);
Status DeadlineExceededError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status UnimplementedError(std::string message);
Status PermissionDeniedError(std::string message);
Status CorruptionError(std::string message);
Status IoError(std::string message);
Status InternalError(std::string message);
// An IoError whose message ends with strerror(err).
Status ErrnoError(std::string_view what, int err);

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : rep_(std::move(value)) {}  // NOLINT(google-explicit-constructor): as abseil
  StatusOr(Status status) : rep_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(rep_).ok() && "StatusOr built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(rep_); }
  Status status() const { return ok() ? Status() : std::get<Status>(rep_); }

  // REQUIRES: ok().
  const T& value() const& { return std::get<T>(rep_); }
  T& value() & { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }
  void IgnoreError() const {}

 private:
  std::variant<Status, T> rep_;
};

}  // namespace gw

#define GW_STATUS_CONCAT_INNER_(a, b) a##b
#define GW_STATUS_CONCAT_(a, b) GW_STATUS_CONCAT_INNER_(a, b)

#define GW_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::gw::Status gw_status_ = (expr);        \
    if (!gw_status_.ok()) return gw_status_; \
  } while (false)

#define GW_ASSIGN_OR_RETURN(lhs, expr) \
  GW_ASSIGN_OR_RETURN_IMPL_(GW_STATUS_CONCAT_(gw_statusor_, __LINE__), lhs, expr)

// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` may be a declaration ("int x"), which
// parentheses would break.
#define GW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // GW_COMMON_STATUS_H_
