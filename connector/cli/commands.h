// One function per command; each returns an exit code (exit_codes.h) and prints its own
// output. cli_app.cpp parses the command line and calls them.
#pragma once

#include "connector/cli/options.h"

namespace tenantsync {

int run_mirror(const GlobalFlags& g, const MirrorFlags& o);
int run_plan(const GlobalFlags& g, const PlanFlags& o);
int run_apply(const GlobalFlags& g, const ApplyFlags& o);
int run_drift(const GlobalFlags& g, const DriftFlags& o);
int run_export(const GlobalFlags& g, const ExportFlags& o);
int run_licenses(const GlobalFlags& g, const LicensesFlags& o);
int run_tenants(const GlobalFlags& g, const TenantsFlags& o);
int run_assign(const GlobalFlags& g, const BulkLicenseFlags& o);
int run_revoke(const GlobalFlags& g, const BulkLicenseFlags& o);
int run_users_list(const GlobalFlags& g, const UsersListFlags& o);
int run_users_add(const GlobalFlags& g, const UsersAddFlags& o);
int run_users_set(const GlobalFlags& g, const UsersSetFlags& o);
int run_users_import(const GlobalFlags& g, const UsersImportFlags& o);
int run_users_reset_password(const GlobalFlags& g, const UsersTargetFlags& o);
int run_users_delete(const GlobalFlags& g, const UsersTargetFlags& o);
int run_users_restore(const GlobalFlags& g, const UsersTargetFlags& o);
int run_users_roles(const GlobalFlags& g, const UsersRolesFlags& o);
int run_journal(const GlobalFlags& g, const JournalFlags& o);
int run_report_merge(const GlobalFlags& g, const ReportMergeFlags& o);
int run_scheduler(const GlobalFlags& g, const RunFlags& o);

// The whole program: parse argv, run the command, return its exit code.
int run_cli(int argc, char** argv);

}  // namespace tenantsync
