// Compares the cache's picture of a tenant with the fake's own state
// (GET /_fake/state/{tenant}, fixture-shaped), field by field.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/store/tenant_snapshot.h"

namespace tenantsync::test {

// One line per difference ("user 1234 (adele@...): usageLocation: cache US, service DE"),
// empty when the cache holds exactly what the service has: verified domains, SKUs (seats, status,
// consumed units, service plans), active users (attributes, direct licenses with their disabled
// plans, group-inherited ones with their group) and soft-deleted users (deletion time,
// the licenses they held, direct and inherited alike).
std::vector<std::string> mirror_differences(const TenantSnapshot& cached,
                                            const nlohmann::json& service_state);

// Joins lines for a failure message.
std::string join_lines(const std::vector<std::string>& lines);

}  // namespace tenantsync::test
