// Decodes one page of a tenant's admin roles (GET /roleManagement/directory/roleDefinitions
// and .../roleAssignments) straight from simdjson's parse, without an nlohmann tree. The
// service's definitions carry each role's permissions, hundreds of action names for some
// roles, which tenantsync does not keep; the tree built all of them, and a tenant's roles
// were the largest tree a full read still built (issue #19).
//
// It accepts and refuses exactly what decoding the tree with model/role.cpp's from_json
// does (list_page_decoding.h has the page's rules): a definition's id is a required string,
// displayName a string when present, isBuiltIn and isPrivileged true only when they are
// the boolean true; an assignment's id, principalId and roleDefinitionId are required
// strings and directoryScopeId is a string when present ("/" when absent). Null is not a
// string. Unknown properties are skipped.
#pragma once

#include <string>
#include <vector>

#include "connector/list_page_failure.h"
#include "model/role.h"

namespace tenantsync {

template <class T>
struct DecodedRolePage {
  std::vector<T> items;
  std::string next_link;  // @odata.nextLink when it is a string; "" otherwise
};

// Each returns false and fills `failure` when the page cannot be used.
bool decode_role_page(const std::string& text, DecodedRolePage<RoleDefinition>& out,
                      ListPageFailure& failure);
bool decode_role_page(const std::string& text, DecodedRolePage<RoleAssignment>& out,
                      ListPageFailure& failure);

}  // namespace tenantsync
