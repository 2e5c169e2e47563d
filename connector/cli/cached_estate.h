// What the cross-tenant views (`tenants`, `licenses --all-tenants`) read: the cached
// tenants in the config's scope, and a desired state planned over them from the cache
// alone (`plan --no-refresh`), nothing read from the remote. A tenant the config or the
// desired state names that the cache does not know is said on stderr, never silently
// left out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/desired_state.h"
#include "sync/plan/plan_builder.h"
#include "sync/store/cache.h"

namespace tenantsync {

// The snapshots of the cached tenants in scope, in the cache's order. NotFound when the
// cache knows no tenant at all.
Result<std::vector<TenantSnapshot>> cached_tenants_in_scope(const std::string& command,
                                                            Cache& cache, const Config& config);

// `desired` planned over those of `shown` it names, as `plan --no-refresh` plans it
// (apply_preview_options: creates blocked without passwords.dir, safety.useGraceSeats);
// nullopt when it names none of them.
Result<std::optional<BuiltPlan>> plan_from_cache(const std::string& command, Cache& cache,
                                                 const Config& config, const DesiredState& desired,
                                                 const std::vector<TenantSnapshot>& shown,
                                                 Clock::time_point now);

}  // namespace tenantsync
