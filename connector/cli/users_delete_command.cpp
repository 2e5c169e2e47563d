// `tenantsync users delete`: soft-delete users (restorable for 30 days), named or selected
// by --users-file or --filter (a filter skips blocked accounts unless --include-disabled
// or the filter says `disabled`), through the
// planner (a stale mirror deletes nothing) and the executor (safety.maxDeletions applies:
// over it nothing is sent, exit 4).
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"

namespace tenantsync {

int run_users_delete(const GlobalFlags& g, const UsersTargetFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("users delete", config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_selection_failure("users delete", selection.error());
  UserTaskCommand command;
  command.name = "users delete";
  command.tenant = o.tenant;
  command.wait = o.wait;
  command.ask = true;
  command.yes = o.yes;
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) -> Result<UserTask> {
    auto selected = selected_names(now, *selection);
    if (!selected.ok()) return selected.error();
    UserTask task = delete_task(now, selected->names);
    for (auto& t : selected->skipped) task.targets.push_back(std::move(t));
    return task;
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
