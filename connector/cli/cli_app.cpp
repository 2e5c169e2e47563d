// Command-line parsing with CLI11: every command and flag of docs/cli.md, a --help with an
// example for each, and exit code 64 with a one-line hint on any usage error. Over 500 lines
// on purpose: one table of every command, so the CLI reads as a whole.
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "connector/cli/commands.h"
#include "connector/cli/exit_codes.h"
#include "model/duration.h"
#include "model/shard.h"

#ifndef TENANTSYNC_VERSION
#define TENANTSYNC_VERSION "0.0.0"
#endif

namespace tenantsync {

namespace {

const CLI::IsMember kTextJson({"text", "json"});

std::string example(const std::string& lines) { return "\nExample:\n" + lines + "\n"; }

void add_tenants(CLI::App* cmd, std::vector<std::string>& out) {
  cmd->add_option("--tenant", out, "Tenant domain or id (repeatable; default: config 'tenants')")
      ->type_name("T");
}

void add_required_tenant(CLI::App* cmd, std::string& out) {
  cmd->add_option("--tenant", out, "Tenant domain (contoso.onmicrosoft.com) or id")
      ->required()
      ->type_name("T");
}

constexpr const char* kFilterHelp =
    "unlicensed, enabled, disabled, sku:S, no-sku:S, department:D, usage-location:none, "
    "upn:GLOB (joined with ',': all must match)";

// How a command names users: `--users U,U` (assign, revoke, licenses) or `--user U`,
// repeatable (the users commands), both beside --users-file and --filter.
enum class UsersFlag { CommaList, Repeated };

// The selection: exactly one of the flags (`required`) or at most one. `writes`: the
// command changes users, so it takes --include-disabled too (a filter skips the users
// whose sign-in is blocked without it).
void add_selection(CLI::App* cmd, UserSelection& s, bool required, UsersFlag users_flag,
                   bool writes) {
  auto* group = cmd->add_option_group("selection", "Which users (one of)");
  if (users_flag == UsersFlag::CommaList) {
    group->add_option("--users", s.users, "User principal names or ids, comma-separated")
        ->delimiter(',')
        ->type_name("U,U,...");
  } else {
    group->add_option("--user", s.users, "User principal name or id (repeatable)")->type_name("U");
  }
  group
      ->add_option("--users-file", s.users_file,
                   "One UPN or id per line ('#' comments), or a CSV with a userPrincipalName, "
                   "UPN or User Name column (',' or ';', as the admin center exports)")
      ->type_name("F");
  group->add_option("--filter", s.filter, kFilterHelp)->type_name("EXPR");
  if (required) {
    group->require_option(1);
  } else {
    group->require_option(0, 1);
  }
  if (writes) {
    cmd->add_flag("--include-disabled", s.include_disabled,
                  "With --filter: include users whose sign-in is blocked (skipped otherwise, "
                  "unless the filter says 'disabled')");
  }
}

enum class PropertyWrite { Create, Change };

// The property flags shared by users add (Create) and users set (Change: --allow-sign-in
// too). Blocking an existing user's sign-in takes access away and counts against
// safety.maxDeletions; creating a user with sign-in blocked takes nothing from anyone.
void add_property_flags(CLI::App* cmd, UserPropertyFlags& p, PropertyWrite write) {
  bool change = write == PropertyWrite::Change;
  cmd->add_option("--given-name", p.given_name, "First name")->type_name("G");
  cmd->add_option("--surname", p.surname, "Last name")->type_name("S");
  cmd->add_option("--department", p.department, "Department")->type_name("D");
  cmd->add_option("--job-title", p.job_title, "Job title")->type_name("J");
  auto* block = cmd->add_flag_callback(
      "--block-sign-in", [&p] { p.account_enabled = false; },
      change ? "Block sign-in (accountEnabled false); counts against safety.maxDeletions"
             : "Create the user with sign-in blocked (accountEnabled false)");
  if (change) {
    auto* allow = cmd->add_flag_callback(
        "--allow-sign-in", [&p] { p.account_enabled = true; }, "Allow sign-in again");
    block->excludes(allow);
  }
}

// --wait DURATION on the commands that write: "0" refuses at once, else a duration as
// --every takes it.
std::optional<std::chrono::seconds> parse_wait(const std::string& text) {
  if (text == "0") return std::chrono::seconds(0);
  return parse_duration(text);
}

void add_wait(CLI::App* cmd, std::chrono::seconds& out) {
  cmd->add_option_function<std::string>(
         "--wait", [&out](const std::string& v) { out = *parse_wait(v); },
         "How long to wait for another writer (e.g. a cycle of run) to finish: 90s, 15m; "
         "0 = fail at once (default: 10m)")
      ->type_name("DURATION")
      ->check([](const std::string& v) {
        return parse_wait(v) ? std::string()
                             : std::string("expected 0 or a duration like 90s, 15m or 6h");
      });
}

// --shard k/N (docs/cli.md "Shards"): the process's share of the tenants.
void add_shard(CLI::App* cmd, std::string& out) {
  cmd->add_option("--shard", out,
                  "Work on shard k of N (0-based): only the tenants it owns (default: config "
                  "'shard', else every tenant)")
      ->type_name("k/N")
      ->check([](const std::string& v) {
        std::string why;
        return parse_shard(v, &why) ? std::string() : why;
      });
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "tenantsync: keep the licenses of many customer tenants where their admins declared them.",
      "tenantsync"};
  app.set_version_flag("--version", std::string("tenantsync ") + TENANTSYNC_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may also come after the command
  app.footer(
      "\nExit codes: 0 ok, 1 failed, 2 changes (--detailed-exitcode), 3 partly done, "
      "4 refused by a safety limit or stale plan, 64 usage error.\n"
      "Run 'tenantsync COMMAND --help' for a command's options and an example.");

  GlobalFlags g;
  app.add_option("--config", g.config,
                 "Config file (default: $TENANTSYNC_CONFIG, else ./tenantsync.json)")
      ->type_name("PATH");
  app.add_option("--log-level", g.log_level, "trace|debug|info|warn|error (default: config, info)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--log-format", g.log_format, "text|json (json: one object per line)")
      ->check(kTextJson);
  app.add_flag("--no-progress", g.no_progress, "No progress bars");

  std::function<int()> action;

  MirrorFlags mirror;
  auto* c =
      app.add_subcommand("mirror", "Refresh the cache from the remote (delta where possible)");
  add_tenants(c, mirror.tenants);
  c->add_flag("--full", mirror.full, "Force a full read instead of a delta");
  add_wait(c, mirror.wait);
  add_shard(c, g.shard);
  c->footer(example("  tenantsync mirror --tenant contoso.onmicrosoft.com --full"));
  c->callback([&] { action = [&] { return run_mirror(g, mirror); }; });

  PlanFlags plan;
  c = app.add_subcommand("plan", "Show what apply would do");
  c->add_option("--desired", plan.desired,
                "Desired-state file or folder of *.json (default: config 'desired')")
      ->type_name("PATH");
  add_tenants(c, plan.tenants);
  c->add_flag("--no-refresh", plan.no_refresh, "Plan from the cache without mirroring first");
  c->add_option("--out", plan.out,
                "Save the plan (JSON, with the mirror's fingerprint) for apply --plan")
      ->type_name("FILE");
  c->add_option("--format", plan.format, "text|json")->check(kTextJson);
  c->add_flag("--detailed-exitcode", plan.detailed_exitcode,
              "Exit 2 when apply would send something (report-mode tenants do not count)");
  add_wait(c, plan.wait);
  add_shard(c, g.shard);
  c->footer(
      example("  tenantsync plan --desired examples/desired --out plan.json\n"
              "  tenantsync apply --plan plan.json --yes"));
  c->callback([&] { action = [&] { return run_plan(g, plan); }; });

  ApplyFlags apply;
  c = app.add_subcommand("apply", "Plan (or load a saved plan) and carry it out");
  c->add_option("--desired", apply.desired,
                "Desired-state file or folder (with --plan: the one the plan must still match)")
      ->type_name("PATH");
  c->add_option("--plan", apply.plan_file,
                "A plan saved by plan --out, refused when the mirror or the desired state moved "
                "past it")
      ->type_name("FILE");
  add_tenants(c, apply.tenants);
  c->add_flag("--yes,--auto-approve", apply.yes,
              "Do not ask for confirmation (--auto-approve: Terraform's name for it)");
  c->add_option("--format", apply.format, "text|json")->check(kTextJson);
  c->add_option("--max-revocations", apply.max_revocations,
                "Per-tenant revocation limit (default: config safety.maxRevocations)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--max-deletions", apply.max_deletions,
                "Per-tenant deletion limit (default: config safety.maxDeletions)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--passwords-out", apply.passwords_out,
                "CSV file for the temporary passwords of the users created (created 0600; "
                "default: a new file in the config's passwords.dir)")
      ->type_name("F");
  c->add_flag("--allow-privileged", apply.allow_privileged,
              "Let create.roles give privileged admin roles (Global Administrator, ...)");
  add_wait(c, apply.wait);
  add_shard(c, g.shard);
  c->footer(example("  tenantsync apply --desired examples/desired --yes"));
  c->callback([&] { action = [&] { return run_apply(g, apply); }; });

  DriftFlags drift;
  c = app.add_subcommand("drift", "Report where the tenants differ from the desired state");
  c->add_option("--desired", drift.desired, "Desired-state file or folder")->type_name("PATH");
  add_tenants(c, drift.tenants);
  c->add_flag("--no-refresh", drift.no_refresh, "Report from the cache without mirroring first");
  c->add_option("--format", drift.format, "text|json|csv|md|html")
      ->check(CLI::IsMember({"text", "json", "csv", "md", "html"}));
  c->add_option("--out", drift.out, "Write the report to FILE instead of stdout")
      ->type_name("FILE");
  c->add_flag("--detailed-exitcode", drift.detailed_exitcode, "Exit 2 when any drift is found");
  add_wait(c, drift.wait);
  add_shard(c, g.shard);
  c->footer(example("  tenantsync drift --format html --out drift.html"));
  c->callback([&] { action = [&] { return run_drift(g, drift); }; });

  ExportFlags exp;
  c = app.add_subcommand("export", "Write the current state as a desired-state file");
  add_tenants(c, exp.tenants);
  c->add_option("--out", exp.out, "Output file (default: stdout)")->type_name("FILE");
  add_wait(c, exp.wait);
  add_shard(c, g.shard);
  c->footer(
      example("  tenantsync export --tenant contoso.onmicrosoft.com --out desired/contoso.json"));
  c->callback([&] { action = [&] { return run_export(g, exp); }; });

  LicensesFlags lic;
  c = app.add_subcommand("licenses", "Seats per product, and which selected users hold it");
  auto* one_tenant = c->add_option("--tenant", lic.tenant, "Tenant domain or id")->type_name("T");
  c->add_flag("--all-tenants", lic.all_tenants,
              "Every cached tenant: one row per tenant and product, worst first")
      ->excludes(one_tenant);
  c->add_option("--desired", lic.desired,
                "--all-tenants: shortfall against this desired state (default: config 'desired')")
      ->type_name("PATH");
  auto* plans = c->add_option("--plans", lic.plans_sku,
                              "List the service plans of SKU (every SKU without one), with who "
                              "has each on")
                    ->expected(0, 1)
                    ->type_name("[SKU]");
  add_selection(c, lic.selection, false, UsersFlag::CommaList, /*writes=*/false);
  c->add_option("--format", lic.format, "text|json|csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  c->footer(
      example("  tenantsync licenses --tenant contoso.onmicrosoft.com --filter department:Sales\n"
              "  tenantsync licenses --tenant contoso.onmicrosoft.com --plans SPE_E3 \\\n"
              "      --filter department:Sales\n"
              "  tenantsync licenses --all-tenants --desired examples/desired"));
  c->callback([&, plans] {
    lic.plans = plans->count() > 0;
    action = [&] { return run_licenses(g, lic); };
  });

  TenantsFlags ten;
  c = app.add_subcommand("tenants",
                         "Every cached tenant: counts, last mirror, status, drift (cache only)");
  c->add_option("--desired", ten.desired,
                "Desired state to count drift against (default: config 'desired', if set)")
      ->type_name("PATH");
  c->add_option("--format", ten.format, "text|json|csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  c->footer(example("  tenantsync tenants --desired examples/desired"));
  c->callback([&] { action = [&] { return run_tenants(g, ten); }; });

  BulkLicenseFlags assign;
  c = app.add_subcommand("assign", "Assign licenses to many users at once, seats checked first");
  add_required_tenant(c, assign.tenant);
  add_selection(c, assign.selection, true, UsersFlag::CommaList, /*writes=*/true);
  c->add_option("--sku", assign.skus, "SKU part number or id (repeatable)")
      ->required()
      ->type_name("S");
  c->add_option("--remove-sku", assign.remove_skus,
                "SKU to take away in the same call: a swap (repeatable)")
      ->type_name("R");
  auto* disable =
      c->add_option("--disable-plan", assign.disabled_plans, "Service plan to disable (repeatable)")
          ->type_name("P");
  c->add_option("--enable-only", assign.enabled_only,
                "Service plan to leave on, every other plan of its SKU off (repeatable)")
      ->type_name("P")
      ->excludes(disable);
  auto* keep = c->add_flag("--keep-plans", assign.keep_plans,
                           "Users who hold the SKU keep the plans they have "
                           "disabled; the request disables more (default)");
  c->add_flag("--reset-plans", assign.reset_plans,
              "Users who hold the SKU get exactly the plans asked, re-enabling others")
      ->excludes(keep);
  c->add_flag("--dry-run", assign.dry_run, "Show the plan; send nothing");
  c->add_flag("--yes", assign.yes, "Do not ask for confirmation");
  c->add_option("--format", assign.format, "text|json")->check(kTextJson);
  add_wait(c, assign.wait);
  c->footer(example(
      "  tenantsync assign --tenant contoso.onmicrosoft.com --filter department:Sales \\\n"
      "      --sku SPE_E3 --disable-plan YAMMER_ENTERPRISE --dry-run\n"
      "  tenantsync assign --tenant contoso.onmicrosoft.com --users-file movers.csv \\\n"
      "      --sku SPE_E3 --remove-sku EXCHANGESTANDARD --disable-plan YAMMER_ENTERPRISE\n"
      "  tenantsync assign --tenant contoso.onmicrosoft.com --filter unlicensed --sku SPE_E3 "
      "\\\n      --include-disabled   # blocked accounts too (skipped without it)"));
  c->callback([&] { action = [&] { return run_assign(g, assign); }; });

  BulkLicenseFlags revoke;
  c = app.add_subcommand("revoke", "Revoke licenses from many users at once");
  add_required_tenant(c, revoke.tenant);
  add_selection(c, revoke.selection, true, UsersFlag::CommaList, /*writes=*/true);
  c->add_option("--sku", revoke.skus, "SKU part number or id (repeatable)")
      ->required()
      ->type_name("S");
  c->add_flag("--dry-run", revoke.dry_run, "Show the plan; send nothing");
  c->add_flag("--yes", revoke.yes, "Do not ask for confirmation");
  c->add_option("--format", revoke.format, "text|json")->check(kTextJson);
  add_wait(c, revoke.wait);
  c->footer(example(
      "  tenantsync revoke --tenant contoso.onmicrosoft.com --users bob@contoso.com --sku EMS\n"
      "  tenantsync revoke --tenant contoso.onmicrosoft.com --filter disabled,sku:SPE_E3 "
      "--sku SPE_E3"));
  c->callback([&] { action = [&] { return run_revoke(g, revoke); }; });

  auto* users = app.add_subcommand("users", "Partner-portal user tasks");
  users->require_subcommand(1);

  UsersListFlags ulist;
  c = users->add_subcommand("list", "List users from the cache, paged");
  add_required_tenant(c, ulist.tenant);
  c->add_option("--filter", ulist.filter, kFilterHelp)->type_name("EXPR");
  c->add_flag("--deleted", ulist.deleted, "Soft-deleted users, with days left to restore");
  c->add_option("--page", ulist.page, "first, last, or a page number from 1 (default: 1)")
      ->type_name("first|last|N");
  c->add_option("--page-size", ulist.page_size, "Users per page")->check(CLI::Range(1, 10000));
  c->add_option("--format", ulist.format, "text|json|csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  c->footer(example(
      "  tenantsync users list --tenant contoso.onmicrosoft.com --filter unlicensed --page 2\n"
      "  tenantsync users list --tenant contoso.onmicrosoft.com --filter disabled --page-size 20 "
      "--page last"));
  c->callback([&] { action = [&] { return run_users_list(g, ulist); }; });

  UsersAddFlags uadd;
  c = users->add_subcommand("add", "Create one user with a generated temporary password");
  add_required_tenant(c, uadd.tenant);
  c->add_option("--upn", uadd.upn, "User principal name")->required()->type_name("U");
  c->add_option("--display-name", uadd.display_name, "Display name")->required()->type_name("D");
  c->add_option("--usage-location", uadd.usage_location,
                "ISO 3166 country code (needed for licenses)")
      ->type_name("CC");
  add_property_flags(c, uadd.properties, PropertyWrite::Create);
  c->add_option("--license", uadd.licenses, "SKU to assign after creation (repeatable)")
      ->type_name("S");
  c->add_option("--role", uadd.roles,
                "Admin role to give after creation, by name or template id (repeatable)")
      ->type_name("R");
  c->add_flag("--allow-privileged", uadd.allow_privileged,
              "Allow privileged roles (Global Administrator, User Administrator, ...)");
  c->add_flag("--reuse-deleted-upn", uadd.reuse_deleted_upn,
              "Create the user even though a soft-deleted user holds the name");
  c->add_option("--passwords-out", uadd.passwords_out,
                "CSV file for the temporary password (created 0600)")
      ->type_name("F");
  c->footer(example(
      "  tenantsync users add --tenant contoso.onmicrosoft.com --upn new@contoso.com \\\n"
      "      --display-name 'New Person' --usage-location US --license SPE_E3 "
      "--passwords-out pw.csv\n"
      "  tenantsync users add --tenant contoso.onmicrosoft.com --upn admin2@contoso.com \\\n"
      "      --display-name 'Helpdesk' --role 'Helpdesk Administrator' --allow-privileged "
      "--passwords-out pw.csv\n"
      "  tenantsync users add --tenant contoso.onmicrosoft.com --upn temp@contoso.com \\\n"
      "      --display-name 'Temp Hire' --given-name Temp --surname Hire --department Sales \\\n"
      "      --job-title Intern --block-sign-in --passwords-out pw.csv"));
  add_wait(c, uadd.wait);
  c->callback([&] { action = [&] { return run_users_add(g, uadd); }; });

  UsersImportFlags uimp;
  c = users->add_subcommand("import", "Bulk-create users from an Excel-compatible CSV");
  add_required_tenant(c, uimp.tenant);
  c->add_option("--csv", uimp.csv, "CSV file (UTF-8 with or without BOM, ',' or ';')")
      ->required()
      ->type_name("F");
  c->add_option("--passwords-out", uimp.passwords_out,
                "CSV file for temporary passwords (created 0600)")
      ->type_name("F");
  c->add_flag("--dry-run", uimp.dry_run, "Validate every row; create nothing");
  c->add_flag("--allow-privileged", uimp.allow_privileged,
              "Allow privileged roles in the Roles column");
  c->add_flag("--reuse-deleted-upn", uimp.reuse_deleted_upn,
              "Create users even where a soft-deleted user holds the name");
  add_wait(c, uimp.wait);
  c->footer(
      example("  tenantsync users import --tenant contoso.onmicrosoft.com --csv new-hires.csv "
              "--passwords-out pw.csv"));
  c->callback([&] { action = [&] { return run_users_import(g, uimp); }; });

  UsersSetFlags uset;
  c = users->add_subcommand("set",
                            "Change user properties (PATCH): usage location, names, department, "
                            "job title, sign-in");
  add_required_tenant(c, uset.tenant);
  add_selection(c, uset.selection, true, UsersFlag::Repeated, /*writes=*/true);
  c->add_option("--usage-location", uset.properties.usage_location,
                "ISO 3166 country code (needed for licenses)")
      ->type_name("CC");
  c->add_option("--display-name", uset.properties.display_name, "Display name")->type_name("D");
  add_property_flags(c, uset.properties, PropertyWrite::Change);
  c->add_flag("--dry-run", uset.dry_run, "Show what would change; send nothing");
  c->add_flag("--yes", uset.yes, "Do not ask for confirmation");
  c->add_option("--format", uset.format, "text|json")->check(kTextJson);
  add_wait(c, uset.wait);
  c->footer(example(
      "  tenantsync users set --tenant contoso.onmicrosoft.com --filter usage-location:none "
      "\\\n      --usage-location US --dry-run\n"
      "  tenantsync users set --tenant contoso.onmicrosoft.com --user leaver@contoso.com "
      "--block-sign-in --yes\n"
      "  tenantsync users set --tenant contoso.onmicrosoft.com --filter department:Sales "
      "\\\n      --job-title Seller --include-disabled"));
  c->callback([&] { action = [&] { return run_users_set(g, uset); }; });

  UsersTargetFlags ureset;
  c = users->add_subcommand("reset-password",
                            "Set new temporary passwords (change required at next sign-in)");
  add_required_tenant(c, ureset.tenant);
  add_selection(c, ureset.selection, true, UsersFlag::Repeated, /*writes=*/true);
  c->add_option("--passwords-out", ureset.passwords_out,
                "CSV file for the temporary passwords (created 0600)")
      ->type_name("F");
  c->footer(
      example("  tenantsync users reset-password --tenant contoso.onmicrosoft.com --user "
              "bob@contoso.com --passwords-out pw.csv\n"
              "  tenantsync users reset-password --tenant contoso.onmicrosoft.com "
              "--users-file exported.csv \\\n      --passwords-out pw.csv"));
  add_wait(c, ureset.wait);
  c->callback([&] { action = [&] { return run_users_reset_password(g, ureset); }; });

  UsersTargetFlags udel;
  c = users->add_subcommand("delete", "Soft-delete users (restorable for 30 days)");
  add_required_tenant(c, udel.tenant);
  add_selection(c, udel.selection, true, UsersFlag::Repeated, /*writes=*/true);
  c->add_flag("--yes", udel.yes, "Do not ask for confirmation");
  add_wait(c, udel.wait);
  c->footer(
      example("  tenantsync users delete --tenant contoso.onmicrosoft.com --user "
              "leaver@contoso.com --yes\n"
              "  tenantsync users delete --tenant contoso.onmicrosoft.com --users-file "
              "leavers.csv --yes\n"
              "  tenantsync users delete --tenant contoso.onmicrosoft.com --filter "
              "disabled,upn:*@old.contoso.com"));
  c->callback([&] { action = [&] { return run_users_delete(g, udel); }; });

  UsersTargetFlags urest;
  c = users->add_subcommand(
      "restore", "Restore soft-deleted users with their earlier licenses where seats allow");
  add_required_tenant(c, urest.tenant);
  add_selection(c, urest.selection, true, UsersFlag::Repeated, /*writes=*/false);
  c->add_option("--new-upn", urest.new_upn,
                "Restore the one --user under this name (when an active user took its old one)")
      ->type_name("U");
  c->footer(
      "\nA --filter here matches the soft-deleted users, by the UPN each had before its "
      "deletion\n(upn:GLOB is the useful part); they are restored whatever their sign-in.\n" +
      example(
          "  tenantsync users restore --tenant contoso.onmicrosoft.com --user leaver@contoso.com\n"
          "  tenantsync users restore --tenant contoso.onmicrosoft.com --filter "
          "'upn:*@sales.contoso.com'\n"
          "  tenantsync users restore --tenant contoso.onmicrosoft.com --user leaver@contoso.com "
          "\\\n"
          "      --new-upn leaver2@contoso.com"));
  add_wait(c, urest.wait);
  c->callback([&] { action = [&] { return run_users_restore(g, urest); }; });

  UsersRolesFlags uroles;
  c = users->add_subcommand("roles", "Show, give or take away admin roles (\"permissions\")");
  add_required_tenant(c, uroles.tenant);
  add_selection(c, uroles.selection, true, UsersFlag::Repeated, /*writes=*/true);
  c->add_option("--add", uroles.add, "Role to give, by name or template id (repeatable)")
      ->type_name("R");
  c->add_option("--remove", uroles.remove, "Role to take away (repeatable)")->type_name("R");
  c->add_flag("--allow-privileged", uroles.allow_privileged,
              "Allow giving privileged roles (Global Administrator, User Administrator, ...)");
  c->add_flag("--dry-run", uroles.dry_run, "Show the changes; send nothing");
  c->add_flag("--yes", uroles.yes, "Do not ask for confirmation");
  c->add_option("--format", uroles.format, "text|json")->check(kTextJson);
  add_wait(c, uroles.wait);
  c->footer(example(
      "  tenantsync users roles --tenant contoso.onmicrosoft.com --user bob@contoso.com\n"
      "  tenantsync users roles --tenant contoso.onmicrosoft.com --user bob@contoso.com \\\n"
      "      --add 'License Administrator' --remove 'Helpdesk Administrator'\n"
      "  tenantsync users roles --tenant contoso.onmicrosoft.com --user it@contoso.com \\\n"
      "      --add 'Global Administrator' --allow-privileged\n"
      "  tenantsync users roles --tenant contoso.onmicrosoft.com --filter department:IT \\\n"
      "      --add 'Helpdesk Administrator'"));
  c->callback([&] { action = [&] { return run_users_roles(g, uroles); }; });

  JournalFlags jour;
  c = app.add_subcommand("journal", "The audit trail of every operation sent, with outcome");
  c->add_option("--tenant", jour.tenant, "Only this tenant")->type_name("T");
  c->add_option("--since", jour.since,
                "Only entries at or after this date (2026-11-01 or full ISO time)")
      ->type_name("ISO-DATE");
  c->add_option("--format", jour.format, "text|json")->check(kTextJson);
  c->footer(example("  tenantsync journal --tenant contoso.onmicrosoft.com --since 2026-11-01"));
  c->callback([&] { action = [&] { return run_journal(g, jour); }; });

  auto* report = app.add_subcommand("report", "Work with saved drift reports");
  report->require_subcommand(1);
  ReportMergeFlags merge;
  c = report->add_subcommand(
      "merge", "One drift report of the estate from the JSON drift reports of its shards");
  c->add_option("FILE", merge.files, "drift --format json reports (one per shard)")
      ->required()
      ->type_name("FILE...");
  c->add_option("--format", merge.format, "text|json|csv|md|html")
      ->check(CLI::IsMember({"text", "json", "csv", "md", "html"}));
  c->add_option("--out", merge.out, "Write the report to FILE instead of stdout")
      ->type_name("FILE");
  c->add_flag("--detailed-exitcode", merge.detailed_exitcode, "Exit 2 when any drift is found");
  c->footer(
      example("  tenantsync report merge shard-0/drift.json shard-1/drift.json --format html --out "
              "estate.html"));
  c->callback([&] { action = [&] { return run_report_merge(g, merge); }; });

  RunFlags run;
  std::string every;
  c = app.add_subcommand("run",
                         "The scheduler: mirror, plan, apply (enforce tenants), report, notify");
  c->add_option("--every", every, "Cycle interval: 90s, 15m, 6h (default: config schedule.every)")
      ->type_name("DURATION")
      ->check([](const std::string& v) {
        return parse_duration(v) ? std::string()
                                 : std::string("expected a duration like 90s, 15m or 6h");
      });
  c->add_flag("--once", run.once, "Run one cycle and exit with apply's exit code");
  c->add_option("--listen", run.listen, "Serve /healthz and /metrics on HOST:PORT")
      ->type_name("HOST:PORT");
  add_shard(c, g.shard);
  c->footer(example("  tenantsync run --every 15m --listen 127.0.0.1:9464"));
  c->callback([&] {
    if (!every.empty()) run.every = parse_duration(every);
    action = [&] { return run_scheduler(g, run); };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = "tenantsync";
    for (CLI::App* sub = &app; sub != nullptr;) {
      auto chosen = sub->get_subcommands();
      if (chosen.empty()) break;
      sub = chosen.front();
      where += " " + sub->get_name();
    }
    std::cerr << "tenantsync: " << e.what() << "\nRun '" << where << " --help' for usage.\n";
    return kExitUsage;
  }
  return action ? action() : kExitUsage;
}

}  // namespace tenantsync
