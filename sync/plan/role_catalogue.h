// Which admin role a name means, and which roles are privileged: the rules every command
// that changes roles applies before anything is sent. Pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "model/role.h"

namespace tenantsync {

// Privileged: the service says so, or the role's template id is one Microsoft lists as
// privileged (so a service that leaves isPrivileged out never lets one pass unasked).
bool is_privileged_role(const RoleDefinition& d);

// The role `name` names: its id (= template id for built-in roles) or display name, any
// case. nullptr when the tenant has no such role.
const RoleDefinition* find_role(const std::vector<RoleDefinition>& roles, std::string_view name);

}  // namespace tenantsync
