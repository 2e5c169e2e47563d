// Desired states the service will accept in full: written from what the cache shows of a
// tenant, with every change inside its seats and rules, so that after apply the tenant
// must equal the desired state exactly (the chaos run checks that).
#pragma once

#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "model/desired_state.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync::test {

// One enforced tenant entry, `unlisted: keep`, every user SKU managed, and user entries
// that: take EMS from users who hold it; toggle SWAY off or on in SPE_E3; license users
// who had nothing with SPE_E3 (as many as free seats allow); delete two users; restore
// every soft-deleted user with the licenses they held; create one user with SPE_E3.
// Licenses an entry keeps are written with the plans they have disabled now, so nothing
// else changes. Deterministic: the same snapshot gives the same entry.
DesiredTenant reachable_desired(const TenantSnapshot& snapshot);

// What `desired` says of each user it lists, in the shape of GET /_fake/state, keyed by
// UPN: {"deleted": bool, "licenses": {sku id: [disabled plan ids, sorted]}}.
nlohmann::json expected_users(const DesiredTenant& desired, const TenantSnapshot& snapshot);

// The same view of the service's state (GET /_fake/state) for the users `upns` names.
nlohmann::json actual_users(const nlohmann::json& state, const std::set<std::string>& upns);

}  // namespace tenantsync::test
