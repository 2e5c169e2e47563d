// Microsoft Entra admin roles ("permissions" in Partner Center) as Graph's role management
// lists them: GET /roleManagement/directory/roleDefinitions and .../roleAssignments.
//
// Only tenant-wide assignments (directoryScopeId "/") are modelled: the ones Partner Center
// gives and the ones tenantsync makes.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tenantsync {

struct RoleDefinition {
  std::string id;  // for built-in roles, the template id (the same in every tenant)
  std::string display_name;
  bool is_built_in = false;
  // Graph marks privileged roles (beta; v1.0 may leave it out): see sync/plan/role_catalogue.h.
  bool is_privileged = false;

  bool operator==(const RoleDefinition&) const = default;
};

struct RoleAssignment {
  std::string id;
  std::string principal_id;  // the user's object id
  std::string role_definition_id;
  std::string directory_scope_id = "/";  // "/" = the whole tenant

  bool operator==(const RoleAssignment&) const = default;
};

// Graph shapes; other fields are ignored. An absent isPrivileged is false.
void to_json(nlohmann::json& j, const RoleDefinition& d);
void from_json(const nlohmann::json& j, RoleDefinition& d);
void to_json(nlohmann::json& j, const RoleAssignment& a);
void from_json(const nlohmann::json& j, RoleAssignment& a);

}  // namespace tenantsync
