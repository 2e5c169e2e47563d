// Desired states that make the planner work: written from what the cache shows of a
// tenant (its SKUs, departments, who holds what), so they fit any generated estate.
#pragma once

#include "model/desired_state.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync::test {

// One enforced tenant entry managing every user SKU, with `unlisted: keep` and:
// - a rule giving the largest department SPE_E5 (scarce seats: a shortfall, swaps from
//   SPE_E3 that wait for a seat, users without a usage location);
// - a rule giving CN users the calling plan (prohibited there), when the tenant has it;
// - user entries that add EXCHANGESTANDARD next to SPE_E3 (exclusive plans), the calling
//   plan without Teams Phone (a dependency), take Teams Phone from users who keep the
//   calling plan (a dependency on revoke), take EMS away (frees seats), license users
//   who had nothing (seats), license users without a usage location, delete two users,
//   restore every soft-deleted user with SPE_E3 only, and create one user.
// Deterministic: the same snapshot gives the same entry.
DesiredTenant challenging_desired(const TenantSnapshot& snapshot);

}  // namespace tenantsync::test
