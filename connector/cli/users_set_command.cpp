// `tenantsync users set`: change properties of the selected users (usage location, names,
// department, job title, sign-in) with PATCH /users/{id}, through the planner and the
// executor like every user task: journalled, in $batch, a user that has the values already
// is unchanged, and blocking sign-in counts against safety.maxDeletions. The values are
// checked as users add checks a new user's (check_property_changes()): a bad one is a
// usage error and nothing is sent. A --filter skips users whose sign-in is blocked unless
// --include-disabled, the filter says `disabled`, or the change is --allow-sign-in.
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"
#include "sync/user_import.h"

namespace tenantsync {

int run_users_set(const GlobalFlags& g, const UsersSetFlags& o) {
  const char* name = "users set";
  const UserPropertyFlags& f = o.properties;
  UserProperties properties{f.usage_location, f.display_name, f.given_name,     f.surname,
                            f.department,     f.job_title,    f.account_enabled};
  if (properties.empty()) {
    return usage_error(
        name,
        "say what to set: --usage-location, --display-name, --given-name, --surname, "
        "--department, --job-title, --block-sign-in or --allow-sign-in");
  }
  // What users add checks of a new user, before the mirror: the service would refuse it.
  if (Status st = check_property_changes(properties); !st.ok()) {
    return usage_error(name, st.error().message);
  }
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(name, config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_selection_failure(name, selection.error());
  // Allowing sign-in is meant for the blocked accounts: a filter must not skip them.
  if (properties.account_enabled == true) selection->include_disabled = true;
  UserTaskCommand command = asking_command(name, o.tenant, o.wait, o.dry_run, o.format, o.yes);
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) {
    return set_properties_task(now, *selection, properties);
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
