#include "fakes/fake_routes.h"

#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

std::vector<std::string> path_segments(const std::string& encoded_path) {
  std::vector<std::string> out;
  for (const std::string& s : split(encoded_path, '/')) {
    if (!s.empty()) out.push_back(percent_decode(s));
  }
  return out;
}

ResolvedRoute resolve_route(const std::string& method, const std::vector<std::string>& seg) {
  ResolvedRoute r;
  auto set = [&](Route route, const std::string& pattern, bool write = false) {
    r.route = route;
    r.folded = method + " /v1.0/" + pattern;
    r.write = write;
  };
  auto is = [](const std::string& a, const char* b) { return iequals(a, b); };
  const bool get = method == "GET";
  const bool post = method == "POST";
  size_t n = seg.size();

  if (n == 1 && is(seg[0], "contracts") && get) {
    set(Route::kContracts, "contracts");
  } else if (n == 1 && is(seg[0], "subscribedSkus") && get) {
    set(Route::kSubscribedSkus, "subscribedSkus");
  } else if (n == 1 && is(seg[0], "domains") && get) {
    set(Route::kDomains, "domains");
  } else if (n == 1 && is(seg[0], "users") && (get || post)) {
    set(get ? Route::kListUsers : Route::kCreateUser, "users", post);
  } else if (n == 1 && is(seg[0], "$batch") && post) {
    set(Route::kBatch, "$batch");
  } else if (n == 2 && is(seg[0], "users") && is(seg[1], "delta") && get) {
    set(Route::kUsersDelta, "users/delta");
  } else if (n == 2 && is(seg[0], "users")) {
    r.id = seg[1];
    if (get) {
      set(Route::kGetUser, "users/{id}");
    } else if (method == "PATCH") {
      set(Route::kPatchUser, "users/{id}", true);
    } else if (method == "DELETE") {
      set(Route::kDeleteUser, "users/{id}", true);
    } else {
      set(Route::kMethodNotAllowed, "users/{id}");
    }
  } else if (n == 3 && is(seg[0], "users") && is(seg[2], "assignLicense") && post) {
    r.id = seg[1];
    set(Route::kAssignLicense, "users/{id}/assignLicense", true);
  } else if (n == 3 && is(seg[0], "directory") && is(seg[1], "deletedItems") &&
             is(seg[2], "microsoft.graph.user") && get) {
    set(Route::kListDeleted, "directory/deletedItems/microsoft.graph.user");
  } else if (n == 3 && is(seg[0], "directory") && is(seg[1], "deletedItems") && get) {
    r.id = seg[2];
    set(Route::kGetDeleted, "directory/deletedItems/{id}");
  } else if (n == 4 && is(seg[0], "directory") && is(seg[1], "deletedItems") &&
             is(seg[3], "restore") && post) {
    r.id = seg[2];
    set(Route::kRestore, "directory/deletedItems/{id}/restore", true);
  } else if (n == 2 && is(seg[0], "groups")) {
    r.id = seg[1];
    set(get ? Route::kGetGroup : Route::kMethodNotAllowed, "groups/{id}");
  } else if (n >= 3 && is(seg[0], "roleManagement") && is(seg[1], "directory") &&
             is(seg[2], "roleDefinitions") && n <= 4) {
    const std::string base = "roleManagement/directory/roleDefinitions";
    if (n == 4) r.id = seg[3];
    if (!get) {
      set(Route::kMethodNotAllowed, n == 3 ? base : base + "/{id}");
    } else {
      set(n == 3 ? Route::kListRoleDefinitions : Route::kGetRoleDefinition,
          n == 3 ? base : base + "/{id}");
    }
  } else if (n >= 3 && is(seg[0], "roleManagement") && is(seg[1], "directory") &&
             is(seg[2], "roleAssignments") && n <= 4) {
    const std::string base = "roleManagement/directory/roleAssignments";
    if (n == 3 && get) {
      set(Route::kListRoleAssignments, base);
    } else if (n == 3 && post) {
      set(Route::kCreateRoleAssignment, base, true);
    } else if (n == 4 && get) {
      r.id = seg[3];
      set(Route::kGetRoleAssignment, base + "/{id}");
    } else if (n == 4 && method == "DELETE") {
      r.id = seg[3];
      set(Route::kDeleteRoleAssignment, base + "/{id}", true);
    } else {
      set(Route::kMethodNotAllowed, n == 3 ? base : base + "/{id}");
    }
  } else {
    std::string pattern = n == 0 ? std::string() : seg[0];
    for (size_t i = 1; i < n; ++i) pattern += "/{id}";
    set(Route::kUnknown, pattern);
  }
  return r;
}

}  // namespace tenantsync::fake
