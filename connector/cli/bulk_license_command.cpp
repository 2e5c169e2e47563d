// `tenantsync assign` and `tenantsync revoke`: give or take one or more SKUs for a
// selection of users at once, through the planner and the executor like apply.
// assign --remove-sku swaps: one assignLicense per user adds and removes together.
// assign: the planner checks seats (the free seats go to the selected users by UPN; the
// rest are blocked with the shortfall), usage location, exclusive and dependent plans and
// prohibited locations first. revoke: a stale mirror revokes nothing, a license from a
// group is reported, not revoked, and safety.maxRevocations applies (over it nothing is
// sent). Either way a result per user is printed.
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"

namespace tenantsync {

namespace {

using LicenseTask = Result<UserTask> (*)(const TenantSnapshot&, const UserFilter&,
                                         const LicenseRequest&);

int run_bulk_license(const char* name, LicenseTask task, const GlobalFlags& g,
                     const BulkLicenseFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(name, config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_selection_failure(name, selection.error());
  UserTaskCommand command = asking_command(name, o.tenant, o.wait, o.dry_run, o.format, o.yes);
  LicenseRequest request;  // revoke has only --sku
  request.skus = o.skus;
  request.disabled_plans = o.disabled_plans;
  request.enabled_only = o.enabled_only;
  request.remove_skus = o.remove_skus;
  request.holder_plans = o.reset_plans ? HolderPlans::Reset : HolderPlans::Keep;
  request.keep_plans_asked = o.keep_plans;
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) {
    return task(now, *selection, request);
  };
  return run_user_task(g, *config, command);
}

}  // namespace

int run_assign(const GlobalFlags& g, const BulkLicenseFlags& o) {
  return run_bulk_license("assign", assign_task, g, o);
}

int run_revoke(const GlobalFlags& g, const BulkLicenseFlags& o) {
  return run_bulk_license("revoke", revoke_task, g, o);
}

}  // namespace tenantsync
