// Crash resume: finishes what an interrupted apply left in the journal, before anything
// new is planned (DESIGN.md: "a rerun after a crash resumes from the journal and
// converges").
//
// An apply killed at any point (kill -9, power loss) leaves `pending` entries (journalled,
// not sent) and `sending` ones (their request may or may not have reached the service).
// resume_unfinished() settles each of them so that no operation takes effect twice and
// none is lost:
// - It re-reads every affected user (get_user by id, or by UPN for a create) and decides
//   whether the entry's effect already took place: assign/update: the SKU is assigned
//   directly with those disabled plans; revoke: the SKU is not assigned directly; restore:
//   the user is active; delete: it is not; create: a user with that UPN exists.
// - Done: the entry becomes `applied` ("confirmed after interruption").
// - Not done: it is sent again from the journalled request (`applied` "resent after
//   interruption", or `failed` with the service's code and message), in the executor's
//   order: restores, then calls that only free seats, swaps, additions, then deletions; one
//   assignLicense call per user combining its entries. A create cannot be sent again (its
//   temporary password was never stored): it becomes `skipped` with "not created before
//   the interruption; re-run apply to plan it again", and so do the user's license entries.
//   A password reset (`users reset-password`) is never sent again either, for the same
//   reason: it becomes `skipped`, telling the admin to reset that password again.
// - Every user it read or changed is folded into the cache, and the seats of each tenant
//   it touched are read again, so the caller can plan again from the refreshed cache.
// - A user that cannot be read (a transient error, say) leaves its entries unfinished and
//   the tenant listed in `unresolved_tenants`: the caller should not plan that tenant
//   before a later resume settles them.
// Entries are handled plan by plan (oldest first), tenant by tenant, on the calling thread.
// Resuming is itself crash-safe: an interrupted resume leaves entries a later one settles
// the same way.
#pragma once

#include <string>
#include <vector>

#include "model/result.h"
#include "sync/cache.h"
#include "sync/directory.h"
#include "sync/journal.h"

namespace tenantsync {

inline constexpr const char* kConfirmedAfterInterruption = "confirmed after interruption";
inline constexpr const char* kResentAfterInterruption = "resent after interruption";
inline constexpr const char* kNotCreatedBeforeInterruption =
    "not created before the interruption; re-run apply to plan it again";

inline constexpr const char* kResetNotKnownAfterInterruption =
    "interrupted before its outcome was known; the password was never stored: run users "
    "reset-password again";

struct ResumeOptions {
  std::string tenant;    // tenant id or default domain; "" = every tenant
  int chunk_size = 200;  // requests per Directory::write call (at least 1)
};

struct ResumedEntry {
  JournalEntry entry;  // as found: pending or sending
  // applied, failed or skipped; pending/sending when it could not be settled.
  JournalState outcome = JournalState::Pending;
  bool resent = false;
  // kConfirmedAfterInterruption, kResentAfterInterruption, a skip reason, or for a failed
  // one "code: message" as the service gave them.
  std::string note;
};

struct ResumeReport {
  std::vector<ResumedEntry> entries;  // in journal order
  int confirmed = 0;
  int resent = 0;  // applied by sending again
  int failed = 0;
  int skipped = 0;
  int unresolved = 0;
  std::vector<std::string> unresolved_tenants;  // default domains
  std::vector<Error> local_errors;              // cache or journal writes that failed

  bool nothing_to_do() const { return entries.empty(); }
};

// Settles the unfinished entries as above. An error only when the journal cannot be read.
Result<ResumeReport> resume_unfinished(Directory& directory, Cache& cache,
                                       const ResumeOptions& options = {});

}  // namespace tenantsync
