// Commands whose engine is not built yet: they say so and exit 1 (never pretend to work).
#include <cstdio>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/exit_codes.h"

namespace tenantsync {

namespace {

// The config is still checked, so a broken config is reported the same way everywhere.
int not_built(const GlobalFlags& g, const char* command) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(command, config.error());
  std::fprintf(stderr, "tenantsync %s: not available yet in this build\n", command);
  return kExitFailed;
}

}  // namespace

int run_assign(const GlobalFlags& g, const BulkLicenseFlags&) { return not_built(g, "assign"); }
int run_revoke(const GlobalFlags& g, const BulkLicenseFlags&) { return not_built(g, "revoke"); }
int run_users_add(const GlobalFlags& g, const UsersAddFlags&) { return not_built(g, "users add"); }
int run_users_import(const GlobalFlags& g, const UsersImportFlags&) {
  return not_built(g, "users import");
}
int run_users_reset_password(const GlobalFlags& g, const UsersTargetFlags&) {
  return not_built(g, "users reset-password");
}
int run_users_delete(const GlobalFlags& g, const UsersTargetFlags&) {
  return not_built(g, "users delete");
}
int run_users_restore(const GlobalFlags& g, const UsersTargetFlags&) {
  return not_built(g, "users restore");
}
int run_scheduler(const GlobalFlags& g, const RunFlags&) { return not_built(g, "run"); }

}  // namespace tenantsync
