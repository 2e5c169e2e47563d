// Resolution of one tenant's desired state against what the cache holds for that tenant.
//
// The desired-state file names SKUs and service plans as admins write them; the planner
// needs the tenant's own ids. Resolution maps every SKU (part number, case-insensitive,
// or skuId) and every disabled plan (servicePlanName or servicePlanId, case-insensitive,
// within that SKU) to the tenant's spelling, and reports every name it cannot map with
// the file, line and column it came from: an unknown SKU lists the tenant's SKU part
// numbers, an unknown plan lists the SKU's plans. Admin role names (create.roles) map to
// the tenant's role definitions the same way. All problems are reported at once, one
// per line (ErrorKind::Invalid, code "InvalidDesiredState"), like the parser's.
//
// What resolution does not judge: a desired user that does not exist in the tenant is
// not an error (the planner notes it: it may be created, or be a typo the drift report
// shows). Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/desired_state.h"
#include "model/result.h"
#include "model/tenant.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

struct ResolvedLicense {
  std::string sku_id;                       // as the tenant spells it
  std::string sku_part_number;              // as the tenant spells it
  std::vector<std::string> disabled_plans;  // service plan ids as the tenant spells them, sorted
  SourceLocation where;

  bool operator==(const ResolvedLicense& o) const {
    return sku_id == o.sku_id && sku_part_number == o.sku_part_number &&
           disabled_plans == o.disabled_plans;
  }
};

struct ResolvedRule {
  RuleMatch where;  // as written; the planner compares case-insensitively
  std::vector<ResolvedLicense> licenses;
  SourceLocation location;
};

struct ResolvedUser {
  std::string upn;                                       // as written
  std::optional<std::vector<ResolvedLicense>> licenses;  // set = overrides rules
  DesiredUserState state = DesiredUserState::Unspecified;
  bool ignore = false;
  std::optional<CreateSpec> create;
  // Admin roles to give the user once created (create.roles), to give an existing user and
  // to take away (`users roles`). While the tenant's roles were never read, each carries
  // only the name as written (id "").
  std::vector<RoleDefinition> create_roles;
  std::vector<RoleDefinition> add_roles;
  std::vector<RoleDefinition> remove_roles;
  std::optional<std::string> restore_as;  // `users restore --new-upn`
  bool create_over_deleted = false;       // `--reuse-deleted-upn`
  UserProperties properties;
  SourceLocation location;  // of the entry
};

struct ResolvedTenant {
  std::string tenant;     // the tenant's default domain
  std::string tenant_id;  // the tenant's id
  TenantMode mode = TenantMode::Enforce;
  std::vector<std::string> managed_sku_ids;  // as the tenant spells them, in file order
  UnlistedPolicy unlisted = UnlistedPolicy::Keep;
  std::optional<std::string> default_usage_location;
  std::vector<ResolvedRule> rules;
  std::vector<ResolvedUser> users;
};

// True when `desired.tenant` names `tenant`: its default domain (case-insensitive) or its
// id (case-insensitive).
bool names_tenant(const DesiredTenant& desired, const Tenant& tenant);

// Checks that every tenant of `state` is one the cache knows, and that no tenant is
// declared twice under different names (its domain in one place, its id in another). The
// error lists each problem on its own line, e.g. "file:line:col: tenants[i].tenant:
// unknown tenant \"x\"; ...".
Status check_tenants_known(const DesiredState& state, const std::vector<Tenant>& known);

// Resolves `desired` against `snapshot` (whose tenant it must name). Errors as above.
Result<ResolvedTenant> resolve_desired_tenant(const DesiredTenant& desired,
                                              const TenantSnapshot& snapshot);

}  // namespace tenantsync
