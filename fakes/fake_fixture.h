// The fixture format (docs/fake-graph.md, "Fixture"): loading a whole estate from it, and
// dumping one tenant back into it for GET /_fake/state/{tenant}.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "fakes/fake_estate.h"

namespace tenantsync::fake {

// Throws std::runtime_error naming the offending field when the fixture is malformed.
std::unique_ptr<Estate> load_fixture(const nlohmann::json& fixture);
std::unique_ptr<Estate> load_fixture_file(const std::string& path);

// A tenant may carry "roleAssignments": [{"id"?, "principalId", "roleDefinitionId",
// "directoryScopeId"?}] (principal: an active user's id or UPN; role: a built-in role's
// template id or display name; scope "/"); the dump lists them with ids and template ids.

// One user in fixture shape (direct licenses as assignedLicenses, inherited ones as
// groupLicenses; deletedDateTime for soft-deleted users).
nlohmann::json user_to_fixture(const UserRecord& user);
UserRecord user_from_fixture(const nlohmann::json& j);

// The tenant in fixture shape. SKUs also carry the derived `consumedUnits` (ignored when
// loaded). Caller holds the tenant's lock.
nlohmann::json dump_tenant(const TenantDirectory& tenant);

}  // namespace tenantsync::fake
