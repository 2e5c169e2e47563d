// `users reset-password`: a new temporary password per user, which the user must change
// at the next sign-in. Sent through the Directory port as WriteRequest::Kind::UpdateUser,
// i.e. PATCH /users/{id} {"passwordProfile": {"forceChangePasswordNextSignIn": true,
// "password": "..."}} (graph-contract.md), the adapter batching them by 20.
//
// Not a planner operation: it touches no license, seat or user lifecycle, so there is
// nothing to check against the mirror beyond the user existing (user_task.h,
// active_targets()). Not journalled either: the request is nothing but a secret, and a
// reset that may or may not have reached the service is simply reset again.
//
// The passwords go nowhere but the caller's PasswordFile: not a log, an error or a result.
// Blocks its caller; the Directory may be called from other threads meanwhile.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/result.h"
#include "sync/directory.h"

namespace tenantsync {

struct PasswordReset {
  std::string upn;
  std::string user_id;   // what the request addresses
  std::string password;  // a secret: see above
};

struct PasswordResetResult {
  std::string upn;
  std::string user_id;
  Status status;  // failed: the service's code and message, verbatim
};

// The PATCH body. It holds the password: never log it.
nlohmann::json password_reset_body(std::string_view password);

// Sends every reset, `chunk` per Directory::write; one result per reset, in order.
std::vector<PasswordResetResult> reset_passwords(Directory& directory, const std::string& tenant,
                                                 const std::vector<PasswordReset>& resets,
                                                 size_t chunk = 200);

}  // namespace tenantsync
