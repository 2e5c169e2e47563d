// Turns --users / --user / --users-file / --filter (and --include-disabled) into one
// UserFilter (sync/store/user_filter.h), so every command that takes a selection reads it the
// same way; and resolves a selection to the names that the tasks taking names (users
// delete, restore, reset-password, roles) are given.
#pragma once

#include <string>
#include <vector>

#include "connector/cli/options.h"
#include "model/result.h"
#include "sync/store/tenant_snapshot.h"
#include "sync/store/user_filter.h"
#include "sync/tasks/user_task.h"

namespace tenantsync {

// The selection as a filter: its --filter parts, `users` from --users/--user or the
// --users-file (read by parse_users_file, sync/plan/users_file.h), and `include_disabled` from
// --include-disabled.
Result<UserFilter> selection_filter(const UserSelection& selection);

// Ends a command whose selection_filter() failed: a --filter that does not parse is a usage
// error (exit 64, with the --help hint), a --users-file that cannot be read fails (exit 1).
int report_selection_failure(const std::string& command, const Error& error);

// What a selection comes to for a task that takes names.
struct SelectedNames {
  std::vector<std::string> names;  // as named (explicit users), or the UPNs a filter selects
  // Users a filter matched but left out (sign-in blocked; see select_users), for the
  // report: append them to the task's targets.
  std::vector<UserTaskTarget> skipped;
};

// Explicit users (`selection.users`) are passed on as named, so the task reports each as
// it always has (already deleted, no such user ...); a filter is matched against the
// active users of `snapshot`.
Result<SelectedNames> selected_names(const TenantSnapshot& snapshot, const UserFilter& selection);

}  // namespace tenantsync
