// `tenantsync revoke`: take one or more SKUs from a selection of users at once, through
// the planner (a stale mirror revokes nothing; a license from a group is reported, not
// revoked) and the executor (safety.maxRevocations applies: over it nothing is sent).
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"

namespace tenantsync {

int run_revoke(const GlobalFlags& g, const BulkLicenseFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("revoke", config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_failure("revoke", selection.error());
  UserTaskCommand command;
  command.name = "revoke";
  command.tenant = o.tenant;
  command.dry_run = o.dry_run;
  command.format = o.format;
  command.ask = true;
  command.yes = o.yes;
  LicenseRequest request{o.skus, {}};
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) {
    return revoke_task(now, *selection, request);
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
