// `tenantsync assign`: give one or more SKUs to a selection of users at once. The planner
// checks seats (the free seats go to the selected users by UPN; the rest are blocked
// with the shortfall), usage location, exclusive and dependent plans and prohibited
// locations first; the executor sends what passed and a result per user is printed.
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"

namespace tenantsync {

int run_assign(const GlobalFlags& g, const BulkLicenseFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("assign", config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_failure("assign", selection.error());
  UserTaskCommand command;
  command.name = "assign";
  command.tenant = o.tenant;
  command.dry_run = o.dry_run;
  command.format = o.format;
  command.ask = true;
  command.yes = o.yes;
  LicenseRequest request{o.skus, o.disabled_plans};
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) {
    return assign_task(now, *selection, request);
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
