// How a tenant's admin roles map to the cache's `role_definitions` and `role_assignments`
// tables (schema v6). Internal to sync/cache*, like domain_rows.h: each function works
// inside the caller's transaction on the connection it is given.
#pragma once

#include <cstdint>
#include <vector>

#include "model/result.h"
#include "model/role.h"
#include "sync/store/sqlite.h"

namespace tenantsync::cache_rows {

// By display name; empty when never read.
Result<std::vector<RoleDefinition>> load_role_definitions(Database& db, std::int64_t tenant_key);
// By principal, then role; empty when never read or nobody holds a role.
Result<std::vector<RoleAssignment>> load_role_assignments(Database& db, std::int64_t tenant_key);

// Replace them; `changed` is set when they differed.
Status replace_role_definitions(Database& db, std::int64_t tenant_key,
                                const std::vector<RoleDefinition>& roles, bool& changed);
Status replace_role_assignments(Database& db, std::int64_t tenant_key,
                                const std::vector<RoleAssignment>& assignments, bool& changed);

// One assignment the executor made or removed (a no-op when already so).
Status insert_role_assignment(Database& db, std::int64_t tenant_key, const RoleAssignment& a);
Status delete_role_assignment(Database& db, std::int64_t tenant_key, const std::string& id);

}  // namespace tenantsync::cache_rows
