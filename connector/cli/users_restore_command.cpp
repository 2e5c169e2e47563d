// `tenantsync users restore`: bring back soft-deleted users with the licenses they held,
// where seats allow. The planner decides: a license that no longer fits is revoked right
// after the restore (the service brings back every license, even past the seat count) and
// the output says which and why; a user deleted more than 30 days ago, or whose name an
// active user took meanwhile, is not restored, with the reason (naming that user);
// --new-upn restores one user under another name. Users are named (--user, --users-file)
// or chosen with --filter among the soft-deleted users by the UPN they had
// (deleted_users_matching); a blocked sign-in does not keep a user from being restored.
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"
#include "sync/user_import.h"

namespace tenantsync {

int run_users_restore(const GlobalFlags& g, const UsersTargetFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("users restore", config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_selection_failure("users restore", selection.error());
  std::optional<std::string> new_upn;
  if (!o.new_upn.empty()) {
    if (o.selection.users.size() != 1) {
      return usage_error("users restore", "--new-upn renames one user: give exactly one --user");
    }
    if (std::string why = user_principal_name_problem(o.new_upn); !why.empty()) {
      return usage_error("users restore", "--new-upn: " + why);
    }
    new_upn = o.new_upn;
  }
  UserTaskCommand command;
  command.name = "users restore";
  command.tenant = o.tenant;
  command.wait = o.wait;
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot* before) -> Result<UserTask> {
    if (!selection->users.empty()) return restore_task(now, selection->users, before, new_upn);
    // A filter picks among the soft-deleted users, by the UPN each had.
    auto ids = deleted_users_matching(now, *selection);
    if (!ids.ok()) return ids.error();
    return restore_task(now, *ids, before, new_upn);
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
