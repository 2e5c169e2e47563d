// sync/tasks/: the imperative user tasks of the CLI and their per-user reports.
//
// Imperative user tasks (assign, revoke, users add / import / set / delete / restore) as the
// desired state of one tenant, so the planner checks them like any desired state and the
// executor carries them out: one engine for declarative and imperative changes.
//
// Each builder takes the tenant's snapshot (mirrored just before) and what the command
// named, and returns an in-memory DesiredTenant plus one UserTaskTarget per user named.
// A target says what the request found out before planning: which user it is, what is
// already so (no operation needed: "already holds SPE_E3"), what cannot be done for it
// and why ("EMS comes from group ...") and whether it is not there at all ("no user x in
// contoso.onmicrosoft.com"). A user the command names is never dropped silently.
//
// How each request reads as desired state:
// - assign: managedSkus = the SKUs and the SKUs to remove, unlisted keep, per selected
//   user an entry whose licenses are the SKUs (an entry's licenses are its exact set among
//   managedSkus), so the planner takes the removed ones away in the same call: a swap
//   (EXCHANGESTANDARD -> SPE_E3) is one atomic assignLicense. A user who has a SKU to
//   remove only through a group is blocked whole: the swap cannot be done for it.
//   Disabled plans of a user who does not hold the SKU: the --disable-plan plans of the
//   SKU, or with --enable-only every plan of the SKU but those. A user who holds the SKU
//   directly keeps the plans it has disabled (HolderPlans::Keep): the request can only
//   disable more, and says which it left off; HolderPlans::Reset gives holders exactly
//   the requested plans. So assigning what a user has changes nothing.
//   The planner checks seats, usage location, exclusive and dependent plans and
//   prohibited locations.
// - revoke: the same, each selected user's entry with licenses [].
// - delete: an entry with state deleted per user.
// - restore: an entry naming the soft-deleted user's object id with state active and no
//   managed SKU: its earlier licenses come back where seats allow; the planner revokes
//   those that cannot and says why, and blocks a restore past 30 days or onto a name an
//   active user holds.
// - create: an entry with `create` per new user, its licenses from the row (managedSkus =
//   every SKU named) and its admin roles (create.roles). Users that exist already are
//   skipped; a name a soft-deleted user holds is refused unless `reuse_deleted_upn` (the
//   service lets a new user take it, but then that deleted user can only come back under
//   another name: usually the admin meant to restore it).
// - roles: per selected user an entry with the roles to add and remove; a role the user
//   already holds (or lacks, to remove) is unchanged.
// - set: an entry with the properties per selected user, no managed SKU; a user that has
//   them all already is unchanged ("already has usageLocation US").
// Roles are named by display name or template id. An unknown role, a privileged one
// (sync/plan/role_catalogue.h) to give without `allow_privileged_roles`, or a tenant whose roles
// were never read is an error: nothing is sent.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/desired_state.h"
#include "model/result.h"
#include "sync/store/tenant_snapshot.h"
#include "sync/store/user_filter.h"
#include "sync/user_import.h"

namespace tenantsync {

enum class UserTaskKind { Assign, Revoke, Create, Delete, Restore, Roles, SetProperties };

// A user the command named, as found in the snapshot.
struct UserTaskTarget {
  std::string name;     // as the command named it (a UPN or id; the UPN for a filter match)
  std::string upn;      // as the tenant spells it; the name when there is no such user
  std::string user_id;  // "" when there is no such user, or it is still to be created
  std::vector<std::string> unchanged;  // already so, nothing to send: "already holds EMS"
  std::vector<std::string> blocked;    // the user is there, but (part of) the request cannot
                                       // be done: why ("EMS comes from group ...")
  std::vector<std::string> problems;   // the user is not there: "no user x in ..."
  std::vector<std::string> notes;      // worth a word, stops nothing: "sign-in is blocked ..."
  // A filter matched the user but its sign-in is blocked, so it was left out (see
  // select_users); `unchanged` says so.
  bool skipped_sign_in_blocked = false;

  bool operator==(const UserTaskTarget&) const = default;
};

struct UserTask {
  UserTaskKind kind = UserTaskKind::Assign;
  DesiredTenant desired;                // for the planner
  std::vector<UserTaskTarget> targets;  // found users by UPN (create: input order), then
                                        // names that name nobody, as given
};

// What a holder of a SKU gets on assign: its disabled plans kept (plus any the request
// disables), or exactly the plans the request gives.
enum class HolderPlans { Keep, Reset };

struct LicenseRequest {
  std::vector<std::string> skus;            // part numbers or sku ids, any case
  std::vector<std::string> disabled_plans;  // assign --disable-plan: plan names or ids
  std::vector<std::string> enabled_only;    // assign --enable-only: the plans to leave on
  std::vector<std::string> remove_skus;     // assign --remove-sku: taken away in the call
  HolderPlans holder_plans = HolderPlans::Keep;
  // --keep-plans said explicitly: a swap may then leave a plan the user had disabled off
  // even when the removed SKU had its counterpart enabled (otherwise that user is blocked).
  bool keep_plans_asked = false;
};

// assign / revoke for the users `selection` matches (its `users` list and its filter
// parts; see select_users). Invalid when a SKU, a plan, or a SKU the filter names is
// unknown, when a SKU is both to assign and to remove, or when --enable-only names no plan
// of a SKU.
Result<UserTask> assign_task(const TenantSnapshot& snapshot, const UserFilter& selection,
                             const LicenseRequest& request);
Result<UserTask> revoke_task(const TenantSnapshot& snapshot, const UserFilter& selection,
                             const LicenseRequest& request);

// `users set`: give the users `selection` matches `properties` (PATCH /users/{id}).
// Invalid when a SKU the filter names is unknown.
Result<UserTask> set_properties_task(const TenantSnapshot& snapshot, const UserFilter& selection,
                                     const UserProperties& properties);

// Soft-delete the named active users (UPN any case, or object id). A name that is
// already soft-deleted is unchanged; one that names nobody is a problem.
UserTask delete_task(const TenantSnapshot& snapshot, const std::vector<std::string>& names);

// Restore the named soft-deleted users (UPN as it was, any case, or object id; of several
// deleted users with one name, the latest deleted). `before`, the cache as it was before
// this command's mirror (may be null), explains a user the mirror no longer lists: the
// service purged it 30 days after its deletion.
// `new_upn` (`users restore --new-upn`, one user): restore it under that name, for when
// an active user took its old one.
UserTask restore_task(const TenantSnapshot& snapshot, const std::vector<std::string>& names,
                      const TenantSnapshot* before,
                      const std::optional<std::string>& new_upn = std::nullopt);

// Create `users` (checked by import_users() / check_new_user() already). An existing
// active user is not created again (`skip_existing`, `users import`: it gets the row's
// licenses and roles it lacks, so a re-run finishes an earlier one) or is a problem
// (`users add`). Invalid, naming each row and column, when a license names
// a SKU the tenant lacks or one for the company; `source` names the CSV ("" for flags).
struct CreateTaskOptions {
  bool reuse_deleted_upn = false;       // --reuse-deleted-upn
  bool allow_privileged_roles = false;  // --allow-privileged
};
Result<UserTask> create_task(const TenantSnapshot& snapshot, const std::vector<ImportUser>& users,
                             const std::string& source, bool skip_existing,
                             const CreateTaskOptions& options = {});

// Give `add` and take away `remove` (admin roles) for the active users `names` name.
// Invalid when a role is unknown, privileged without `allow_privileged`, or both to add
// and to remove.
struct RoleRequest {
  std::vector<std::string> add;
  std::vector<std::string> remove;
  bool allow_privileged = false;
};
Result<UserTask> roles_task(const TenantSnapshot& snapshot, const std::vector<std::string>& names,
                            const RoleRequest& request);

// The active users a selection names (its `users`, kept even when their sign-in is
// blocked, with a note saying so) or its filter parts match, as targets: each user once, by
// UPN, then the names that name nobody. A user a filter matches whose sign-in is blocked
// (accountEnabled false) is not selected, unless `selection.include_disabled` or the
// filter itself says `disabled`: its target is `skipped_sign_in_blocked`, with "not
// selected: sign-in blocked: skipped; --include-disabled to include" in `unchanged`, so a
// filter such as `unlicensed` never hands seats to blocked accounts without a word.
// Invalid when a SKU the filter names is unknown.
Result<std::vector<UserTaskTarget>> select_users(const TenantSnapshot& snapshot,
                                                 const UserFilter& selection);

// The object ids of the soft-deleted users the filter parts of `selection` match, judged by
// the UPN each had before its deletion (the service prefixes it with the id), in that
// UPN's order; `upn:` is the useful part. For `users restore --filter`. Invalid when a SKU
// the filter names is unknown.
Result<std::vector<std::string>> deleted_users_matching(const TenantSnapshot& snapshot,
                                                        const UserFilter& selection);

// The display names of the roles `user_id` holds tenant-wide, sorted.
std::vector<std::string> roles_of(const TenantSnapshot& snapshot, const std::string& user_id);

// The active users `names` name, as targets; a name that names nobody carries a problem
// (saying so when it names a soft-deleted user), one whose sign-in is blocked a note. Each
// user once, by UPN, then the names that name nobody.
std::vector<UserTaskTarget> active_targets(const TenantSnapshot& snapshot,
                                           const std::vector<std::string>& names);

}  // namespace tenantsync
