// Turns --users / --users-file / --filter into one UserFilter (sync/user_filter.h), so
// every command that takes a selection reads it the same way.
#pragma once

#include "connector/cli/options.h"
#include "model/result.h"
#include "sync/user_filter.h"

namespace tenantsync {

// A users file holds one UPN or id per line; blank lines and lines starting with '#' are
// skipped, a header line "userPrincipalName" is allowed, and only the first CSV column is
// read (so an export from `users list --format csv` works as is).
Result<UserFilter> selection_filter(const UserSelection& selection);

}  // namespace tenantsync
