// Commands whose engine is not built yet: they say so and exit 1 (never pretend to work).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/exit_codes.h"
#include "model/desired_state.h"

namespace tenantsync {

namespace {

// The config is still checked, so a broken config is reported the same way everywhere.
int not_built(const GlobalFlags& g, const char* command) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(command, config.error());
  std::fprintf(stderr, "tenantsync %s: not available yet in this build\n", command);
  return kExitFailed;
}

// Until the planner lands, plan/apply/drift still check the desired-state files, so a
// broken file is reported with file, line and column today.
int check_desired_then_not_built(const GlobalFlags& g, const std::string& flag,
                                 const char* command) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(command, config.error());
  std::string path = flag.empty() ? config->desired : flag;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& e : std::filesystem::directory_iterator(path)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
  } else {
    files.push_back(path);
  }
  std::string problems;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      problems += (problems.empty() ? "" : "\n") + ("cannot read " + f.string());
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parse_desired_state(text.str(), f.string());
    if (!parsed.ok()) problems += (problems.empty() ? "" : "\n") + parsed.error().message;
  }
  if (!problems.empty()) return report_failure(command, make_error(ErrorKind::Invalid, problems));
  std::fprintf(stderr, "tenantsync %s: not available yet in this build\n", command);
  return kExitFailed;
}

}  // namespace

int run_mirror(const GlobalFlags& g, const MirrorFlags&) { return not_built(g, "mirror"); }
int run_plan(const GlobalFlags& g, const PlanFlags& o) {
  return check_desired_then_not_built(g, o.desired, "plan");
}
int run_drift(const GlobalFlags& g, const DriftFlags& o) {
  return check_desired_then_not_built(g, o.desired, "drift");
}
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
