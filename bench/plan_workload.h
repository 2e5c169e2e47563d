// plan_bench's estate and desired state: many tenants, generated deterministically, one at
// a time (nothing holds the whole estate).
//
// Each tenant (index 1..N, M users) has eight real SKUs with their service plans (SPE_E3,
// SPE_E5, EMS, EXCHANGESTANDARD, MCOEV, MCOPSTN1, POWER_BI_PRO, VISIOCLIENT). Users spread
// over seven departments and five usage locations (every 50th without one, every 97th in
// CN), and mostly hold what the desired state's rules give their department already:
// one user in five drifts (a license missing or extra, other disabled plans, Exchange
// Plan 1 instead of E3, nothing yet); some hold EMS through a group or unmanaged SKUs; 1%
// are soft-deleted. Seats leave a little headroom, none for E3, EMS and the Teams SKUs in
// every fifth tenant.
//
// The desired state governs six SKUs with eight rules (department, job title and usage
// location), `unlisted: revoke` in odd tenants and `keep` in even ones, every tenth tenant
// in report mode, and entries for about 4% of users: explicit licenses (swaps across the
// exclusive Exchange plans, E3 with EMS, other disabled plans), deletions, ignores,
// restores of half the deleted users, two creates and one user that does not exist.
// Planned, that is a mix of assign, revoke, update, swap, restore, delete and create, with
// operations blocked for seats, missing or prohibited usage locations, exclusive plans
// and plan dependencies.
#pragma once

#include <string>
#include <vector>

#include "model/desired_state.h"
#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"

namespace tenantsync::bench {

struct PlanTenant {
  Tenant tenant;
  std::vector<Sku> skus;  // consumedUnits counted from the users
  std::vector<User> users;
  std::vector<User> deleted_users;  // deleted_date_time set, before 2026-11-20
};

Tenant plan_tenant_identity(int index);  // 1-based
PlanTenant make_plan_tenant(int index, int users);
DesiredTenant make_desired_tenant(const PlanTenant& tenant, int index);

}  // namespace tenantsync::bench
