// `tenantsync users add`: create one user with a generated temporary password (written
// only to --passwords-out), optionally with a usage location, names, department, job title,
// sign-in blocked (accountEnabled false in the create body: it takes no access away, so no
// safety limit counts it), and licenses and admin roles given right after the creation,
// all through the planner and the executor.
#include <cstdio>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/user_task_session.h"
#include "sync/apply/password_file.h"
#include "sync/user_import.h"

namespace tenantsync {

int run_users_add(const GlobalFlags& g, const UsersAddFlags& o) {
  const char* name = "users add";
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(name, config.error());
  if (o.passwords_out.empty()) return refuse_without_passwords_out(name);
  if (Status st = check_passwords_path(o.passwords_out); !st.ok()) {
    return report_failure(name, st.error());
  }
  ImportUser user;
  user.upn = o.upn;
  user.display_name = o.display_name;
  user.usage_location = o.usage_location;
  user.given_name = o.properties.given_name.value_or("");
  user.surname = o.properties.surname.value_or("");
  user.department = o.properties.department.value_or("");
  user.job_title = o.properties.job_title.value_or("");
  user.block_sign_in = o.properties.account_enabled == false;
  user.licenses = o.licenses;
  user.roles = o.roles;
  if (Status st = check_new_user(user, {}); !st.ok()) return usage_error(name, st.error().message);
  UserTaskCommand command;
  command.name = name;
  command.tenant = o.tenant;
  command.wait = o.wait;
  command.passwords_out = o.passwords_out;
  command.allow_privileged_roles = o.allow_privileged;
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) {
    return create_task(now, {user}, "", /*skip_existing=*/false,
                       {o.reuse_deleted_upn, o.allow_privileged});
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
