// `users reset-password`: a new temporary password per user, which the user must change
// at the next sign-in. Sent through the Directory port as WriteRequest::Kind::UpdateUser,
// i.e. PATCH /users/{id} {"passwordProfile": {"forceChangePasswordNextSignIn": true,
// "password": "..."}} (docs/graph.md), the adapter batching them by 20.
//
// Not a planner operation: it touches no license, seat or user lifecycle, so there is
// nothing to check against the mirror beyond the user existing (user_task.h,
// active_targets()). Journalled like apply's operations, for the audit trail: each reset
// is an entry of op `reset-password`, `pending` before anything is sent, `sending` with
// its chunk, then `applied` or `failed` with the service's words. The entry's request is
// the body with the password "[redacted]": a reset cut short is never sent again (nobody
// knows that password); settling marks it skipped (journal_settle.h).
//
// The passwords go nowhere but the caller's PasswordFile: not a log, an error or a result.
// Blocks its caller; the Directory may be called from other threads meanwhile.
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/result.h"
#include "model/tenant.h"
#include "sync/directory.h"
#include "sync/store/journal.h"

namespace tenantsync {

struct PasswordReset {
  std::string upn;
  std::string user_id;   // what the request addresses
  std::string password;  // a secret: see above
};

struct PasswordResetResult {
  std::string upn;
  std::string user_id;
  Status status;  // failed: the service's code and message, verbatim
};

// The PATCH body. It holds the password: never log it.
nlohmann::json password_reset_body(std::string_view password);

// Where the resets are journalled: under `run_id`, in `tenant`.
struct PasswordResetJournal {
  Journal& journal;
  std::string run_id;
  Tenant tenant;
};

// Journals every reset, then sends them, `chunk` per Directory::write; one result per
// reset, in order. Once `interrupt` is set, no further chunk is sent: the rest are
// journalled `skipped` and their results say "not sent: interrupted". An error, with nothing sent,
// when the journal cannot be written first; a reset whose chunk cannot be marked `sending` is not
// sent and fails with that error.
Result<std::vector<PasswordResetResult>> reset_passwords(
    Directory& directory, PasswordResetJournal& journal, const std::vector<PasswordReset>& resets,
    size_t chunk = 200, const std::atomic<bool>* interrupt = nullptr);

}  // namespace tenantsync
