// The planner: one tenant's mirror plus its desired state in, the operations apply would
// send out (docs/architecture.md, data flow step 2). A pure function: no I/O, no clock but
// the `now` it is given, the same output for the same input whatever the order of the
// snapshot's users or SKUs. Work is O(users x licenses) with hash lookups; one tenant at a time.
//
// What each user should hold, among the tenant's managedSkus (other SKUs are never
// touched, with one exception below):
// - A user entry with `licenses` gets exactly those (it overrides rules). Otherwise the
//   union of every rule the user matches. A rule matches when all its `where` keys do:
//   department, jobTitle and usageLocation compare equal ignoring ASCII case; upnSuffix
//   matches the end of the UPN ignoring case, at a boundary: "@x.com" or "x.com" match
//   "a@x.com", and "x.com" also "a@sales.x.com", but not "a@notx.com". When several rules
//   grant one SKU with different disabledPlans, a plan stays disabled only if every one
//   of them disables it.
// - A managed SKU the user holds directly but should not is revoked when the user is
//   governed: it has an entry, matches a rule, or the tenant says `unlisted: revoke`.
//   Ungoverned users keep their managed SKUs (`unlisted: keep`).
// - A SKU the user holds with other disabled plans is updated.
// - Group-inherited licenses cannot be changed on the user: a desired SKU held only
//   through a group counts as held (no direct assignment, whatever its disabled plans),
//   and an undesired one yields no operation but a note naming the group.
// - An entry names a user by UPN or, as the imperative commands do, by object id (which
//   is how `users restore` picks one soft-deleted user among several of one name).
// - `ignore: true`: the user is left alone and listed in `ignored_users`.
// - `state: deleted`: a delete operation, and nothing else for that user. Deletions free
//   no seats in this plan (the executor sends them last).
// - A soft-deleted user with an entry that is not `state: deleted` is restored (rules alone
//   never restore anyone: a leaver deleted by hand stays deleted), with license operations
//   that take its licenses from what it held when deleted to what it should hold. The
//   restore is blocked when the user was deleted more than 30 days before `now`, and when
//   an active user now holds its UPN (the service refuses that restore with
//   ObjectConflict; the reason names the active user). With a UPN entry the active user
//   takes the entry, so only an entry naming the deleted user's id meets this.
// - A desired user that does not exist is created when its entry has `create` (assigned
//   its licenses, user_id empty); the create is blocked (and so are its licenses) when the
//   UPN's domain is not a verified domain of the tenant (snapshot.domains; unknown domains
//   block too), or with PlanOptions::creates_blocked. Without `create` the user is noted
//   ("file:line: x does not exist in tenant; not created ...") and listed in
//   `missing_users`.
// - Admin roles: create.roles are given once the user is created (never to an existing
//   user: like the rest of `create`, they describe the creation); `users roles` gives an
//   AddRole per role the user does not hold tenant-wide and a RemoveRole per assignment of
//   a role to take away. Blocked while the tenant's roles were never read, while its mirror is
//   not complete, and for a privileged role without PlanOptions::allow_privileged_roles.
// - `users restore --new-upn` (restore_as): the restore carries newUserPrincipalName; the
//   new name must be in a verified domain and free.
// - Properties (`set`, PATCH /users/{id}, the body in `details`): those of the user's entry
//   (`usageLocation` in a file; any of UserProperties from `users set`) that the user does
//   not have. A governed user (an entry, a matching rule, or `unlisted: revoke`) without a
//   usage location gets the tenant's `defaultUsageLocation`; an entry's own usageLocation
//   wins, and the default never changes a location a user has. Licenses (and rules on
//   usageLocation) are planned with the location the set gives, so an assignment the set
//   makes possible is not blocked: the executor sends the set first. A created user gets
//   them in its create body instead. A set that blocks sign-in (accountEnabled false)
//   takes access away: a stale mirror blocks it.
//
// Every operation is checked against what the service would refuse (ServiceRules) and is
// `blocked`, with the service's message in its reason, when it would fail:
// - Usage location: assignments and updates need one, and not one the SKU is prohibited in.
// - Exclusive and dependent plans are checked on the user's resulting licenses, all its
//   ready operations applied together as one assignLicense call, so a swap inside one user
//   (revoke EXCHANGESTANDARD, assign SPE_E3) is fine. Only conflicts the call brings about
//   count (a plan newly enabled, or a required plan newly lost). The operation that brings
//   the conflict is blocked: the assignment, or the revocation of what another kept plan
//   depends on. After any block the user's remaining operations are checked again, and a
//   revocation whose service plans a blocked assignment would have replaced (the same
//   plan or one exclusive with it) is held back too ("kept until SPE_E3 can be assigned"),
//   so half a swap never leaves a user without a service it had.
// - Seats, per SKU: free = enabled + warning - consumed (never below 0); ready revocations
//   in this plan free seats first. The free seats go, in this order, to (1) the licenses a
//   restore brings back (they consume already), (2) assignments of users with an entry,
//   (3) assignments of users who only match rules; within each, by UPN (ASCII case
//   ignored). The rest are blocked and counted in the SKU's shortfall. A restore brings
//   back every license the user held, even past the seat count (as the service does), so
//   each one that does not fit gets a ready revocation, reason "cannot come back: no free
//   seat of X", and the tenant never ends over its seats (this may revoke a SKU outside
//   managedSkus: the restore brought it). A seat freed later in planning (its winner was
//   blocked for another reason) stays unused until the next plan.
// - A tenant whose mirror is not Complete: everything that removes access (revoke,
//   delete, an update that disables a plan) and everything that needs an exact picture
//   (restore, create) is blocked with "tenant mirror is stale: <reason>; re-run mirror";
//   assignments and updates that only enable plans proceed. TenantPlan::stale says so for
//   the whole tenant (the same reason), so no summary calls its plan complete.
// - Nothing at all is planned (the plan is one note, also in TenantPlan::not_planned) for
//   a tenant gone from the partner's contracts ("tenant is gone from the partner's
//   contracts since <time>: nothing is planned"), one whose cached data was read from
//   another remote than the configured graphUrl, and one no read of which ever finished
//   whole (never mirrored, or its first read failed part way), and one whose cached rows
//   fail their checksum (snapshot.rows_fail_checksum(): checksum_failure_message()).
//
// Output order: operations by user (UPN, ASCII case ignored), then restore, set, revoke,
// update, assign, delete, create, then SKU part number. Seat lines for every managed SKU
// and every other SKU the plan touches, by part number. Notes by user, then missing users
// in file order.
//
// Seats one user frees can go to another user: the executor must send calls that free
// seats before calls that take them.
#pragma once

#include <chrono>
#include <optional>

#include "model/desired_state.h"
#include "model/plan.h"
#include "model/result.h"
#include "model/shard.h"
#include "sync/clock.h"
#include "sync/plan/desired_resolver.h"
#include "sync/plan/service_rules.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

// How long the service keeps a soft-deleted user restorable.
inline constexpr std::chrono::hours kRestoreWindow{24 * 30};

// What planning needs to know besides the tenant and its desired state.
struct PlanOptions {
  // Why users cannot be created by this command ("" = they can): it has no place for
  // their temporary passwords. Every create is then blocked with this reason.
  std::string creates_blocked;
  // Privileged admin roles (sync/plan/role_catalogue.h) may be given: --allow-privileged.
  // Without it every AddRole of one is blocked, saying how to allow it.
  bool allow_privileged_roles = false;
  // safety.useGraceSeats: grace units (prepaidUnits.warning) count as free seats.
  bool use_grace_seats = false;
  // This process's share of the tenants (docs/cli.md "Shards"): build_plan plans only the
  // desired-state tenants it owns and skips the others, as if they were not declared.
  std::optional<Shard> shard;
};

// Plans one tenant. `desired` must be resolved against `snapshot`.
TenantPlan plan_tenant(const TenantSnapshot& snapshot, const ResolvedTenant& desired,
                       const ServiceRules& rules, Clock::time_point now,
                       const PlanOptions& options = {});

// Resolves `desired` against `snapshot` (resolve_desired_tenant()), then plans it. A tenant
// that plans nothing (see above) is not resolved (it may have no SKUs to resolve against).
Result<TenantPlan> plan_tenant(const TenantSnapshot& snapshot, const DesiredTenant& desired,
                               const ServiceRules& rules, Clock::time_point now,
                               const PlanOptions& options = {});

}  // namespace tenantsync
