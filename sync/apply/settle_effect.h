// Whether an operation an interrupted run sent took effect, judged from what the service
// says afterwards (journal_settle.cpp reads the service; this decides). Pure functions.
#pragma once

#include <optional>
#include <vector>

#include "model/role.h"
#include "model/user.h"
#include "sync/store/journal.h"

namespace tenantsync {

// Role changes are judged from the tenant's role assignments, everything else from the user.
bool needs_role_assignments(const JournalEntry& entry);

// True when `entry`'s effect is there:
// - create, restore: the user is active;
// - delete: it is not;
// - set: the user has every property of the PATCH body;
// - assign, revoke, update: the user shows the whole assignLicense body;
// - add role: the user (by the entry's id, else the active user's) holds the role;
//   remove role: the assignment is gone.
// `active` is the user as the service has it now (nullopt: not found). `roles` must be
// given for role changes (needs_role_assignments); elsewhere it is not read.
bool took_effect(const JournalEntry& entry, const std::optional<User>& active,
                 const std::vector<RoleAssignment>* roles);

}  // namespace tenantsync
