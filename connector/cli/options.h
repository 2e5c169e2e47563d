// What the command line said, one struct per command (CLI.md). Filled by cli_app.cpp;
// read by the command implementations. No behaviour here.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tenantsync {

struct GlobalFlags {
  std::string config;      // --config, else $TENANTSYNC_CONFIG, else ./tenantsync.json
  std::string log_level;   // empty = the config's
  std::string log_format;  // empty = the config's
  bool no_progress = false;
};

// --users U,U / --users-file F / --filter EXPR: exactly one.
struct UserSelection {
  std::vector<std::string> users;
  std::string users_file;
  std::string filter;
};

struct MirrorFlags {
  std::vector<std::string> tenants;
  bool full = false;
};

struct PlanFlags {
  std::string desired;
  std::vector<std::string> tenants;
  bool no_refresh = false;
  std::string out;
  std::string format = "text";
  bool detailed_exitcode = false;
};

struct ApplyFlags {
  std::string desired;
  std::string plan_file;
  std::vector<std::string> tenants;
  bool yes = false;
  std::string format = "text";
  std::optional<int> max_revocations;
  std::optional<int> max_deletions;
  std::string passwords_out;  // temporary passwords of the users the plan creates
};

struct DriftFlags {
  std::string desired;
  std::vector<std::string> tenants;
  bool no_refresh = false;
  std::string format = "text";
  std::string out;
  bool detailed_exitcode = false;
};

struct ExportFlags {
  std::vector<std::string> tenants;
  std::string out;
};

struct LicensesFlags {
  std::string tenant;
  UserSelection selection;
  std::string format = "text";
};

struct BulkLicenseFlags {  // assign and revoke
  std::string tenant;
  UserSelection selection;
  std::vector<std::string> skus;
  std::vector<std::string> disabled_plans;  // assign only
  bool dry_run = false;
  bool yes = false;
  std::string format = "text";
};

struct UsersListFlags {
  std::string tenant;
  std::string filter;
  bool deleted = false;
  int page = 1;
  int page_size = 50;
  std::string format = "text";
};

struct UsersAddFlags {
  std::string tenant;
  std::string upn;
  std::string display_name;
  std::string usage_location;
  std::vector<std::string> licenses;
  std::string passwords_out;
};

struct UsersImportFlags {
  std::string tenant;
  std::string csv;
  std::string passwords_out;
  bool dry_run = false;
};

struct UsersTargetFlags {  // reset-password, delete, restore
  std::string tenant;
  std::vector<std::string> users;
  std::string passwords_out;  // reset-password only
  bool yes = false;
};

struct JournalFlags {
  std::string tenant;
  std::string since;
  std::string format = "text";
};

struct RunFlags {
  std::optional<std::chrono::seconds> every;
  bool once = false;
  std::string listen;
};

}  // namespace tenantsync
