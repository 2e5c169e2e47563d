// sync/plan/: step 2, desired state against the cache: resolver, planner, seats, rules, limits.
//
// Plans a whole desired state against the cache: the step `plan`, `apply --desired`,
// `drift` and `run` share (docs/architecture.md data flow, step 2).
//
// Tenants are planned from their snapshots a few at a time (one per core, each on its own
// read connection), so memory holds a few tenants whatever the estate's size; the plan
// lists them in the desired state's order whichever finished first. The plan carries the
// fingerprint of the mirror it was computed from (Cache::fingerprint over the planned tenants).
// Service plan names of the SKUs seen are gathered for reports. Blocks its caller.
#pragma once

#include <string>
#include <vector>

#include "model/desired_state.h"
#include "model/plan.h"
#include "model/result.h"
#include "sync/clock.h"
#include "sync/plan/planner.h"
#include "sync/plan/service_rules.h"
#include "sync/store/cache.h"
#include "sync/store/service_plan_names.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

struct BuiltPlan {
  Plan plan;
  ServicePlanNames plan_names;  // service plan id -> name, for rendering
};

// The desired state's tenants (all of them, or those `tenant_filter` names by domain or
// id) planned against the cache. Fails when a tenant is unknown to the cache, a filter
// names a tenant the desired state does not declare, or a name cannot be resolved; every
// problem is reported at once.
Result<BuiltPlan> build_plan(Cache& cache, const DesiredState& desired,
                             const std::vector<std::string>& tenant_filter,
                             const ServiceRules& rules, Clock::time_point now,
                             const PlanOptions& options = {});

// One tenant's desired state planned against a snapshot the caller loaded already (the
// imperative commands pick their users from it first). The fingerprint covers that
// tenant. Fails when a name cannot be resolved against the snapshot.
Result<BuiltPlan> build_tenant_plan(Cache& cache, const TenantSnapshot& snapshot,
                                    const DesiredTenant& desired, const ServiceRules& rules,
                                    Clock::time_point now, const PlanOptions& options = {});

// The desired state's tenants that `tenant_filter` selects (all when empty), by the names
// the file uses; for mirroring exactly what will be planned.
std::vector<std::string> desired_tenant_names(const DesiredState& desired,
                                              const std::vector<std::string>& tenant_filter);

}  // namespace tenantsync
