// Graph error values and their exact wire shape:
// {"error":{"code","message",("details",)"innerError":{"date","request-id","client-request-id"}}}.
// Handlers throw GraphError; the service turns it into a response. Exceptions never leave
// fakes/.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "fakes/fake_http.h"

namespace tenantsync::fake {

// Per-request identifiers echoed in innerError and in the response headers.
struct RequestContext {
  std::string request_id;
  std::string client_request_id;
  double now = 0;
};

struct GraphError : std::runtime_error {
  GraphError(int status, std::string code, std::string message, nlohmann::json details = nullptr)
      : std::runtime_error(message),
        status(status),
        code(std::move(code)),
        message(std::move(message)),
        details(std::move(details)) {}

  int status;
  std::string code;
  std::string message;
  nlohmann::json details;   // null = none
  std::string retry_after;  // set on 429
};

// The messages the contract fixes.
namespace msg {
inline constexpr const char* kBadRequest = "Request_BadRequest";
inline constexpr const char* kNotFound = "Request_ResourceNotFound";
inline constexpr const char* kDenied = "Authorization_RequestDenied";
inline constexpr const char* kDeniedText = "Insufficient privileges to complete the operation.";
inline constexpr const char* kInvalidToken = "InvalidAuthenticationToken";
inline constexpr const char* kThrottled = "TooManyRequests";
inline constexpr const char* kBadUsageLocation =
    "License assignment cannot be done for user with invalid usage location.";
inline constexpr const char* kLacksLicense = "User does not have a corresponding license.";
inline constexpr const char* kGroupInherited =
    "User license is inherited from a group membership and it cannot be removed directly "
    "from the user.";
inline constexpr const char* kPasswordComplexity =
    "The specified password does not comply with password complexity requirements. Please "
    "provide a different password.";
inline constexpr const char* kConflictingObject =
    "A conflicting object with one or more of the specified property values is present in the "
    "directory.";
inline constexpr const char* kDuplicateUpn =
    "Another object with the same value for property userPrincipalName already exists.";
}  // namespace msg

[[noreturn]] void fail(int status, const std::string& code, const std::string& message);
GraphError not_found(const std::string& id);

nlohmann::json graph_error_body(const GraphError& error, const RequestContext& ctx);
FakeResponse graph_error_response(const GraphError& error, const RequestContext& ctx);

// JSON text for the wire. Strings that echo a client's input may hold invalid UTF-8;
// they are replaced rather than thrown on.
std::string wire_json(const nlohmann::json& value);

// "2.128" style seconds for Retry-After: rounded up to the millisecond so that waiting
// that long is always enough; whole numbers print without a fraction.
std::string format_retry_after(double seconds);

}  // namespace tenantsync::fake
