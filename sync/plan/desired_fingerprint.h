// A tenant's desired state as a fingerprint ("sha256:..." of its canonical JSON,
// desired_state_to_json): what a saved plan records of the intent it was made from, so
// `apply --plan` can refuse a plan whose tenant's desired state changed since (trust rule:
// act only on current intent). Equal DesiredTenants (operator==) have equal fingerprints;
// where each was written (file, line) does not count.
#pragma once

#include <string>

#include "model/desired_state.h"
#include "model/plan.h"

namespace tenantsync {

std::string desired_fingerprint(const DesiredTenant& tenant);

// Why `plan` is not the plan of `current` any more, "" when every tenant's desired state
// is the one it was made from: a tenant no longer in `current` (matched by its domain or
// id, any case), one whose desired state changed, or a plan that records none (made by a
// release before desired fingerprints). Names the first tenant found.
std::string why_plan_is_not_current(const Plan& plan, const DesiredState& current);

}  // namespace tenantsync
