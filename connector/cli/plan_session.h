// The shared front half of plan, apply --desired, drift and run: mirror the desired
// state's tenants (unless told not to), then plan them from the cache.
#pragma once

#include <string>
#include <vector>

#include "connector/cli/engine_session.h"
#include "model/desired_state.h"
#include "sync/plan/plan_builder.h"

namespace tenantsync {

// Mirror failures do not stop planning: the failed tenant is stale, and the planner
// blocks what a stale mirror cannot justify. They are printed on stderr. The config's
// safety.useGraceSeats goes into `options`.
Result<BuiltPlan> plan_desired(EngineSession& session, const DesiredState& desired,
                               const std::vector<std::string>& tenant_filter, bool refresh,
                               bool progress, const PlanOptions& options = {});

}  // namespace tenantsync
