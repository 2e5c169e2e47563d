// Which Graph operation a request names, with its id, its folded form for statistics
// ("PATCH /v1.0/users/{id}") and whether it is a write (for limits and the write count).
#pragma once

#include <string>
#include <vector>

namespace tenantsync::fake {

enum class Route {
  kContracts,
  kSubscribedSkus,
  kDomains,
  kListUsers,
  kCreateUser,
  kUsersDelta,
  kGetUser,
  kPatchUser,
  kDeleteUser,
  kAssignLicense,
  kListDeleted,
  kGetDeleted,
  kRestore,
  kListRoleDefinitions,
  kGetRoleDefinition,
  kGetGroup,
  kListRoleAssignments,
  kCreateRoleAssignment,
  kGetRoleAssignment,
  kDeleteRoleAssignment,
  kBatch,
  kMethodNotAllowed,
  kUnknown,
};

struct ResolvedRoute {
  Route route = Route::kUnknown;
  std::string id;      // the {id} segment, decoded
  std::string folded;  // "GET /v1.0/users/{id}"
  bool write = false;
};

// `segments` are the decoded path segments after "/v1.0".
ResolvedRoute resolve_route(const std::string& method, const std::vector<std::string>& segments);

// Splits a percent-encoded path into decoded segments, dropping empty ones.
std::vector<std::string> path_segments(const std::string& encoded_path);

}  // namespace tenantsync::fake
