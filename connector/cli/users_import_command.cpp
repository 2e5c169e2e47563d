// `tenantsync users import`: bulk-create users from an Excel-compatible CSV. Every row is
// checked (sync/user_import.h) before anything is sent, errors naming row and column;
// users that exist already are not created again (they get what their row names and they
// lack), so a re-run creates nothing twice and finishes what an earlier run could not.
// The whole set is created, then the passwords file is written once. --dry-run checks
// the file and plans against the tenant, sending nothing.
#include <cstdio>

#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/user_task_session.h"
#include "sync/apply/password_file.h"
#include "sync/csv_reader.h"
#include "sync/user_import.h"

namespace tenantsync {

int run_users_import(const GlobalFlags& g, const UsersImportFlags& o) {
  const char* name = "users import";
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure(name, config.error());
  if (o.passwords_out.empty() && !o.dry_run) return refuse_without_passwords_out(name);
  if (!o.passwords_out.empty()) {
    if (Status st = check_passwords_path(o.passwords_out); !st.ok()) {
      return report_failure(name, st.error());
    }
  }
  CsvOptions csv;
  csv.source_name = o.csv;
  auto table = read_csv_file(o.csv, csv);
  if (!table.ok()) {
    return report_failure(
        name, make_error(table.error().kind, table.error().message + "\nnothing was created"));
  }
  UserImportOptions options;
  options.source_name = o.csv;
  auto users = import_users(*table, options);
  if (!users.ok()) {
    return report_failure(
        name, make_error(users.error().kind,
                         users.error().message +
                             "\nnothing was created (the rows' licenses, roles and domains are "
                             "checked against the tenant once the file has no problems)"));
  }
  for (const auto& w : users->warnings)
    std::fprintf(stderr, "tenantsync %s: %s\n", name, w.c_str());

  UserTaskCommand command;
  command.name = name;
  command.tenant = o.tenant;
  command.wait = o.wait;
  command.dry_run = o.dry_run;
  command.passwords_out = o.passwords_out;
  command.allow_privileged_roles = o.allow_privileged;
  command.build = [&](const TenantSnapshot& now, const TenantSnapshot*) {
    return create_task(now, users->users, o.csv, /*skip_existing=*/true,
                       {o.reuse_deleted_upn, o.allow_privileged});
  };
  return run_user_task(g, *config, command);
}

}  // namespace tenantsync
