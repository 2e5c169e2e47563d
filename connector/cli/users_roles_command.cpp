// `tenantsync users roles`: show each named user's admin roles (after a fresh mirror), or
// give (--add) and take away (--remove) roles through the planner and the executor, so
// every change is journalled and a stale mirror changes nothing. Giving a privileged role
// needs --allow-privileged; without it nothing is sent.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/user_selection.h"
#include "connector/cli/user_task_session.h"
#include "sync/tasks/user_task.h"

namespace tenantsync {

namespace {

int show_roles(const GlobalFlags& g, const Config& config, const UsersRolesFlags& o,
               UserFilter selection) {
  const char* name = "users roles";
  selection.include_disabled = true;  // showing changes nothing: every match is shown
  auto mirrored = open_and_mirror(config, name, o.tenant, !g.no_progress, o.wait);
  if (!mirrored.ok()) return report_failure(name, mirrored.error());
  const TenantSnapshot& now = mirrored->now;
  if (now.roles.empty()) {
    return report_failure(
        name,
        make_error(ErrorKind::Stale, "the admin roles of " + now.tenant.default_domain_name +
                                         " are not known yet: the mirror could not read "
                                         "them (the app needs RoleManagement.Read.Directory)"));
  }
  int exit_code = kExitOk;
  nlohmann::json users = nlohmann::json::array();
  auto selected = selected_names(now, selection);
  if (!selected.ok()) return report_failure(name, selected.error());
  for (const UserTaskTarget& t : active_targets(now, selected->names)) {
    if (t.user_id.empty()) {
      for (const auto& p : t.problems) std::fprintf(stderr, "tenantsync %s: %s\n", name, p.c_str());
      exit_code = kExitFailed;
      continue;
    }
    std::vector<std::string> roles = roles_of(now, t.user_id);
    if (o.format == "json") {
      users.push_back({{"user", t.upn}, {"userId", t.user_id}, {"roles", roles}});
      continue;
    }
    std::string line;
    for (const auto& r : roles) line += (line.empty() ? "" : ", ") + r;
    std::printf("%s: %s\n", t.upn.c_str(), line.empty() ? "no admin roles" : line.c_str());
  }
  if (o.format == "json") std::printf("%s\n", nlohmann::json{{"users", users}}.dump(2).c_str());
  return exit_code;
}

}  // namespace

int run_users_roles(const GlobalFlags& g, const UsersRolesFlags& o) {
  const char* name = "users roles";
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(name, config.error());
  auto selection = selection_filter(o.selection);
  if (!selection.ok()) return report_selection_failure(name, selection.error());
  if (o.add.empty() && o.remove.empty()) {
    if (o.dry_run) return usage_error(name, "--dry-run needs --add or --remove");
    return show_roles(g, *config, o, *selection);
  }
  UserTaskCommand command = asking_command(name, o.tenant, o.wait, o.dry_run, o.format, o.yes);
  command.allow_privileged_roles = o.allow_privileged;
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) {
    auto selected = selected_names(now, *selection);
    if (!selected.ok()) return Result<UserTask>(selected.error());
    auto task = roles_task(now, selected->names, {o.add, o.remove, o.allow_privileged});
    if (task.ok()) {
      for (auto& t : selected->skipped) task->targets.push_back(std::move(t));
    }
    return task;
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
