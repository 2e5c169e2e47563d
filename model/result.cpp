#include "model/result.h"

namespace tenantsync {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Invalid:
      return "invalid";
    case ErrorKind::NotFound:
      return "not-found";
    case ErrorKind::Conflict:
      return "conflict";
    case ErrorKind::Auth:
      return "auth";
    case ErrorKind::Forbidden:
      return "forbidden";
    case ErrorKind::Throttled:
      return "throttled";
    case ErrorKind::Transient:
      return "transient";
    case ErrorKind::Rejected:
      return "rejected";
    case ErrorKind::ResyncNeeded:
      return "resync-needed";
    case ErrorKind::Stale:
      return "stale";
    case ErrorKind::Limit:
      return "limit";
    case ErrorKind::Io:
      return "io";
    case ErrorKind::Internal:
      return "internal";
  }
  return "internal";
}

const char* to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::None:
      return "none";
    case Refusal::Seats:
      return "seats";
    case Refusal::UsageLocation:
      return "usage-location";
    case Refusal::ExclusivePlans:
      return "exclusive-plans";
    case Refusal::Dependency:
      return "dependency";
    case Refusal::UnknownSku:
      return "unknown-sku";
    case Refusal::NoSuchLicense:
      return "no-such-license";
    case Refusal::GroupInherited:
      return "group-inherited";
    case Refusal::PasswordComplexity:
      return "password-complexity";
    case Refusal::DuplicateUpn:
      return "duplicate-upn";
    case Refusal::Other:
      return "other";
  }
  return "other";
}

std::string Error::describe() const {
  // Only the service's codes are worth showing; tenantsync's own codes are for scripts.
  if (code.empty() || http_status == 0) return message;
  return code + ": " + message;
}

Error make_error(ErrorKind kind, std::string message, std::string code) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  e.code = std::move(code);
  return e;
}

}  // namespace tenantsync
