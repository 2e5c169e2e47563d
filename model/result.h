// Errors as values across module seams (after leveldb's Status).
//
// An Error keeps the remote service's code and message verbatim so a user sees exactly
// what the service said; `kind` is tenantsync's classification used to decide what to do
// (retry, resync, block, report). Exceptions never cross a seam: adapters catch and convert.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tenantsync {

enum class ErrorKind {
  Invalid,       // bad input: file, flag, config, malformed remote data
  NotFound,      // 404 / Request_ResourceNotFound
  Conflict,      // duplicate UPN (ObjectConflict)
  Auth,          // 401, token endpoint refusal
  Forbidden,     // 403 Authorization_RequestDenied
  Throttled,     // 429 (retry_after_seconds set)
  Transient,     // 503/504, dropped connection, timeout
  Rejected,      // the service refused the operation (license rules etc.; see Refusal)
  ResyncNeeded,  // delta token expired (410 syncStateNotFound)
  Stale,         // plan fingerprint mismatch, stale tenant mirror
  Limit,         // a safety limit was exceeded
  Io,            // local file or cache failure
  Internal,
};

// Why the service refused a write; parsed from its message (docs/graph.md).
enum class Refusal {
  None,
  Seats,           // no free seat
  UsageLocation,   // missing or prohibited usage location
  ExclusivePlans,  // mutually exclusive service plans
  Dependency,      // a plan depends on another
  UnknownSku,      // SKU not in tenant
  NoSuchLicense,   // removing a license the user lacks
  GroupInherited,  // removing a group-inherited license
  PasswordComplexity,
  DuplicateUpn,
  Other,
};

const char* to_string(ErrorKind kind);
const char* to_string(Refusal refusal);

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string code;     // the service's error code, or a tenantsync code
  std::string message;  // the service's message verbatim, or ours
  int http_status = 0;
  double retry_after_seconds = 0;  // Throttled only
  Refusal refusal = Refusal::None;

  // "code: message" for the service's errors (http_status set), else just the message.
  std::string describe() const;
};

Error make_error(ErrorKind kind, std::string message, std::string code = {});

class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status ok_status() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}             // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}         // NOLINT
  Result(const Status& status) : v_(status.error()) {}  // NOLINT: only from a failed Status

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status() : Status(error()); }
  // Moves the value into `out`, or returns the error (leaving `out` as it was).
  Status move_to(T& out) && {
    if (!ok()) return error();
    out = std::get<0>(std::move(v_));
    return {};
  }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace tenantsync
