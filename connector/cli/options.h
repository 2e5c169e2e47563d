// What the command line said, one struct per command (docs/cli.md). Filled by cli_app.cpp;
// read by the command implementations. No behaviour here.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tenantsync {

// --wait DURATION of the commands that write (they hold the cache's lock): how long to
// wait for another writer, e.g. a cycle of `run`, to finish. 0 refuses at once.
inline constexpr std::chrono::seconds kDefaultCacheWait = std::chrono::minutes(10);

struct GlobalFlags {
  std::string config;      // --config, else $TENANTSYNC_CONFIG, else ./tenantsync.json
  std::string log_level;   // empty = the config's
  std::string log_format;  // empty = the config's
  bool no_progress = false;
  std::string shard;  // --shard k/N of mirror, plan, apply, drift, export, run; "" = config's
};

// --users U,U (or --user U, repeatable) / --users-file F / --filter EXPR: exactly one.
struct UserSelection {
  std::vector<std::string> users;
  std::string users_file;
  std::string filter;
  bool include_disabled = false;  // --include-disabled (commands that write)
};

struct MirrorFlags {
  std::vector<std::string> tenants;
  bool full = false;
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct PlanFlags {
  std::string desired;
  std::vector<std::string> tenants;
  bool no_refresh = false;
  std::string out;
  std::string format = "text";
  bool detailed_exitcode = false;
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct ApplyFlags {
  std::string desired;
  std::string plan_file;
  std::vector<std::string> tenants;
  bool yes = false;
  std::string format = "text";
  std::optional<int> max_revocations;
  std::optional<int> max_deletions;
  std::string passwords_out;      // temporary passwords of the users the plan creates
  bool allow_privileged = false;  // create.roles may give privileged admin roles
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct DriftFlags {
  std::string desired;
  std::vector<std::string> tenants;
  bool no_refresh = false;
  std::string format = "text";
  std::string out;
  bool detailed_exitcode = false;
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct ExportFlags {
  std::vector<std::string> tenants;
  std::string out;
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct LicensesFlags {
  std::string tenant;
  bool all_tenants = false;  // --all-tenants: one row per tenant and product
  std::string desired;       // --all-tenants: shortfall against it ("" = config's)
  bool plans = false;        // --plans [SKU]
  std::string plans_sku;     // "" = every SKU
  UserSelection selection;
  std::string format = "text";
};

struct TenantsFlags {
  std::string desired;  // "" = the config's `desired`, if any
  std::string format = "text";
};

struct BulkLicenseFlags {  // assign and revoke
  std::string tenant;
  UserSelection selection;
  std::vector<std::string> skus;
  std::vector<std::string> disabled_plans;  // assign only, as the rest
  std::vector<std::string> enabled_only;    // --enable-only
  std::vector<std::string> remove_skus;     // --remove-sku: swapped out in the same call
  bool keep_plans = false;                  // --keep-plans: the default, said explicitly
  bool reset_plans = false;                 // --reset-plans
  bool dry_run = false;
  bool yes = false;
  std::string format = "text";
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct UsersListFlags {
  std::string tenant;
  std::string filter;
  bool deleted = false;
  std::string page = "1";  // first | last | N (N >= 1), checked by the command
  int page_size = 50;
  std::string format = "text";
};

// The property flags of `users set` and `users add` (--usage-location, --department, ...);
// nullopt = not given. `account_enabled` false: --block-sign-in, true: --allow-sign-in.
struct UserPropertyFlags {
  std::optional<std::string> usage_location;
  std::optional<std::string> display_name;  // users set only: users add has its own
  std::optional<std::string> given_name;
  std::optional<std::string> surname;
  std::optional<std::string> department;
  std::optional<std::string> job_title;
  std::optional<bool> account_enabled;
};

struct UsersSetFlags {
  std::string tenant;
  UserSelection selection;  // --user U (repeatable) / --users-file / --filter
  UserPropertyFlags properties;
  bool dry_run = false;
  bool yes = false;
  std::string format = "text";
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct UsersAddFlags {
  std::string tenant;
  std::string upn;
  std::string display_name;
  std::string usage_location;
  UserPropertyFlags properties;  // given name, surname, department, job title, sign-in
  std::vector<std::string> licenses;
  std::vector<std::string> roles;  // admin roles: display names or template ids
  bool allow_privileged = false;
  bool reuse_deleted_upn = false;
  std::string passwords_out;
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct UsersImportFlags {
  std::string tenant;
  std::string csv;
  std::string passwords_out;
  bool allow_privileged = false;
  bool reuse_deleted_upn = false;
  bool dry_run = false;
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct UsersTargetFlags {  // reset-password, delete, restore
  std::string tenant;
  UserSelection selection;    // --user U (repeatable) / --users-file / --filter
  std::string passwords_out;  // reset-password only
  std::string new_upn;        // restore only: restore the (one) user under this name
  bool yes = false;
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct UsersRolesFlags {
  std::string tenant;
  UserSelection selection;          // --user U (repeatable) / --users-file / --filter
  std::vector<std::string> add;     // roles to give: display names or template ids
  std::vector<std::string> remove;  // roles to take away
  bool allow_privileged = false;
  bool dry_run = false;
  bool yes = false;
  std::string format = "text";
  std::chrono::seconds wait = kDefaultCacheWait;
};

struct JournalFlags {
  std::string tenant;
  std::string since;
  std::string format = "text";
};

struct ReportMergeFlags {
  std::vector<std::string> files;  // drift reports in JSON, one per shard
  std::string format = "text";
  std::string out;
  bool detailed_exitcode = false;
};

struct RunFlags {
  std::optional<std::chrono::seconds> every;
  bool once = false;
  std::string listen;
};

}  // namespace tenantsync
