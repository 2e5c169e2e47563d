#include "model/role.h"

#include <nlohmann/json.hpp>

namespace tenantsync {
namespace {

bool flag(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

void to_json(nlohmann::json& j, const RoleDefinition& d) {
  j = {{"id", d.id},
       {"displayName", d.display_name},
       {"isBuiltIn", d.is_built_in},
       {"isPrivileged", d.is_privileged}};
}

void from_json(const nlohmann::json& j, RoleDefinition& d) {
  d.id = j.at("id").get<std::string>();
  d.display_name = j.value("displayName", std::string());
  d.is_built_in = flag(j, "isBuiltIn");
  d.is_privileged = flag(j, "isPrivileged");
}

void to_json(nlohmann::json& j, const RoleAssignment& a) {
  j = {{"id", a.id},
       {"principalId", a.principal_id},
       {"roleDefinitionId", a.role_definition_id},
       {"directoryScopeId", a.directory_scope_id}};
}

void from_json(const nlohmann::json& j, RoleAssignment& a) {
  a.id = j.at("id").get<std::string>();
  a.principal_id = j.at("principalId").get<std::string>();
  a.role_definition_id = j.at("roleDefinitionId").get<std::string>();
  a.directory_scope_id = j.value("directoryScopeId", std::string("/"));
}

}  // namespace tenantsync
