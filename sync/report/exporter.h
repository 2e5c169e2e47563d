// Export: a tenant's current licenses written as desired state (`tenantsync export`).
//
// The point of an export is to adopt what a tenant has today as the starting desired
// state, so it is exactly what `plan` would compute no changes from, and no more:
//
// - managedSkus: every SKU of the tenant whose appliesTo is "User", by part number,
//   sorted (company-level SKUs cannot be assigned to users).
// - mode: "report". An export describes the present; nobody has reviewed it as intent
//   yet. In report mode a scheduler picking the file up plans and reports but never
//   changes the tenant, so an edit made while reviewing (or an export taken from a
//   half-read mirror) cannot revoke anything until an admin switches the tenant to
//   "enforce" on purpose.
// - unlisted: "keep", so users the file does not name keep what they have.
// - users: one entry per active user holding at least one managed SKU *directly*, with
//   those SKUs by part number (sorted) and each one's disabled plans by servicePlanName
//   (sorted; an id the SKU does not list, which only a stale cache can hold, is written as
//   the id, and planning then reports it as an unknown plan). Users are sorted by UPN
//   (case-insensitive). Left out, to keep the file compact and still exact:
//   - licenses a user only inherits from a group: the group gives them, and a user
//     entry cannot take them away (the planner does not revoke inherited licenses);
//   - users with no direct managed license: under "unlisted": "keep" an absent entry
//     plans nothing, where `"licenses": []` would pin thousands of unlicensed users;
//   - soft-deleted users: absent, they are neither restored nor purged by a plan;
//     `"state": "deleted"` would pin users that disappear on their own after 30 days.
//   A user that holds a SKU both directly and through a group is written with it (the
//   direct assignment is what the file pins); its disabled plans are the direct ones. A
//   listed user that also inherits another managed SKU from a group gets a planner note
//   naming the group (no operation, not drift).
//
// Export reads snapshots only (no I/O). The caller decides whether a snapshot is fit to
// export: a tenant whose last mirror failed part way (MirrorState::Stale) or that was
// never mirrored would be exported as the partial state the cache holds.
// `desired_state_to_text(export_state(...))` (model/desired_state.h) is the file
// `export` writes; parse_desired_state() reads it back to an equal DesiredState.
#pragma once

#include <vector>

#include "model/desired_state.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

// The tenant as one desired-state entry; `tenant` is its default domain (its id when the
// domain is unknown).
DesiredTenant export_tenant(const TenantSnapshot& snapshot);

// Every snapshot's entry, tenants sorted by domain (case-insensitive), version 1. A tenant
// without any user-assignable SKU is left out: it has nothing a desired state could
// govern, and an entry needs a non-empty managedSkus.
DesiredState export_state(const std::vector<TenantSnapshot>& snapshots);

}  // namespace tenantsync
