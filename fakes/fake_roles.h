// The built-in Microsoft Entra roles the fake knows (GET /roleManagement/directory/
// roleDefinitions): each with its real template id (a built-in role's `id` is its template
// id), display name, a short description and whether Microsoft marks it privileged, as the
// "Microsoft Entra built-in roles" reference lists them. A fixed subset: the common admin
// roles, not all of Microsoft's. Immutable; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tenantsync::fake {

struct RoleDefinition {
  const char* template_id;  // lower-case GUID, also the definition's id
  const char* display_name;
  const char* description;
  bool privileged;
};

// In display-name order.
const std::vector<RoleDefinition>& builtin_roles();

// By template id (any case); nullptr when unknown.
const RoleDefinition* find_role(std::string_view template_id);
// By template id or display name (any case), for fixtures; nullptr when unknown.
const RoleDefinition* find_role_by_id_or_name(std::string_view id_or_name);

// The role as a unifiedRoleDefinition (id, description, displayName, isBuiltIn, isEnabled,
// isPrivileged, resourceScopes, templateId; no rolePermissions or version).
nlohmann::json project_role_definition(const RoleDefinition& role);

// The id Graph gives a tenant-wide ("/") assignment: base64url (unpadded) of the role's
// and the principal's GUID bytes (Windows byte order), then "-1", e.g.
// "lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1". Deterministic, so runs repeat.
std::string role_assignment_id(const std::string& role_definition_id,
                               const std::string& principal_id);

}  // namespace tenantsync::fake
