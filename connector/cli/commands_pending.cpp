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

int run_mirror(const GlobalFlags& g, const MirrorFlags&) { return not_built(g, "mirror"); }
int run_plan(const GlobalFlags& g, const PlanFlags&) { return not_built(g, "plan"); }
int run_drift(const GlobalFlags& g, const DriftFlags&) { return not_built(g, "drift"); }
int run_export(const GlobalFlags& g, const ExportFlags&) { return not_built(g, "export"); }
int run_licenses(const GlobalFlags& g, const LicensesFlags&) { return not_built(g, "licenses"); }
int run_users_list(const GlobalFlags& g, const UsersListFlags&) { return not_built(g, "users list"); }
int run_journal(const GlobalFlags& g, const JournalFlags&) { return not_built(g, "journal"); }
int run_apply(const GlobalFlags& g, const ApplyFlags&) { return not_built(g, "apply"); }
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
