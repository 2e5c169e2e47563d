// The shared front half of plan, apply --desired, drift and run: mirror the desired
// state's tenants (unless told not to), then plan them from the cache.
#pragma once

#include <string>
#include <vector>

#include "connector/cli/engine_session.h"
#include "model/config.h"
#include "model/desired_state.h"
#include "sync/plan/plan_builder.h"

namespace tenantsync {

// The options of the commands that show what `apply --desired` would do with this config
// alone, no --passwords-out (plan, drift, and the cache views that plan): its creates are
// blocked without passwords.dir, so theirs are, with the same reason, and what they call
// ready is what apply would send. safety.useGraceSeats as the config says.
PlanOptions apply_preview_options(const Config& config);

// Mirror failures do not stop planning: the failed tenant is stale, and the planner
// blocks what a stale mirror cannot justify. They are printed on stderr. The config's
// safety.useGraceSeats goes into `options`.
Result<BuiltPlan> plan_desired(EngineSession& session, const DesiredState& desired,
                               const std::vector<std::string>& tenant_filter, bool refresh,
                               bool progress, const PlanOptions& options = {});

}  // namespace tenantsync
