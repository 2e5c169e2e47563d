// Settling what an interrupted run left in the journal (docs/architecture.md: "The journal settles,
// it never replays").
//
// An apply or user task stopped without finishing (kill -9, a power cut, a crash) leaves
// `pending` entries (journalled, never sent) and `sending` ones (their request may or may
// not have reached the service). settle_unfinished() closes every one of them and sends
// nothing at all:
// - pending: `skipped`, "not sent: interrupted before it was sent".
// - sending: once `request_timeout` has passed since the entry was sent (so no request of
//   the dead process can still land after the read), the users concerned are read again
//   (Directory::get_users: over Graph, `in` filters of 15 users, 20 to a $batch) and each
//   entry becomes `applied` when its effect is there (assign/update: the SKU is assigned
//   directly with those disabled plans; revoke: not assigned directly; restore: the user
//   is active; delete: it is not; create: a user with that UPN exists; set: the user has
//   every property of the PATCH body), else `skipped`: it did not take effect and is not
//   sent again. A password reset is `skipped` either way: nobody knows that password.
// - Every user read is folded into the cache (a tenant's in one transaction), and the
//   seats of a tenant where something took effect are read again, so the caller plans
//   afresh from the truth: intent is always the current desired state, mode and limits,
//   never the old plan.
// - A user that cannot be read (a transient error, a tenant gone from the partner's
//   contracts) leaves its entries `sending` and its tenant in `unsettled_tenants`, with
//   why: the caller sends nothing new there until a later settle reads it, and goes on
//   with the other tenants (hold_back_unsettled()). Entries whose outcome could not be
//   recorded (the journal write failed) stay open the same way.
// Settling is itself crash-safe: an interrupted settle leaves entries the next one
// settles the same way. Blocks its caller; tenants are settled `concurrency` at once on
// worker threads (Directory and Cache are thread-safe).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "model/plan.h"
#include "model/result.h"
#include "sync/clock.h"
#include "sync/directory.h"
#include "sync/store/cache.h"
#include "sync/store/journal.h"

namespace tenantsync {

inline constexpr const char* kNotSentInterrupted = "not sent: interrupted before it was sent";
inline constexpr const char* kTookEffectBeforeInterruption =
    "took effect before the interruption (confirmed by reading the user)";
inline constexpr const char* kNoEffectNotResent =
    "sent before the interruption but not in effect; not sent again (the next plan decides)";
inline constexpr const char* kResetNotKnownAfterInterruption =
    "interrupted before its outcome was known; the password was never stored: run users "
    "reset-password again";

struct SettleOptions {
  // Only these tenants' entries (ids or default domains, any case); empty = every tenant.
  std::vector<std::string> tenants;
  // How long one request may take (remote.timeoutSeconds): `sending` entries are judged
  // only once this long has passed since they were sent.
  std::chrono::seconds request_timeout{30};
  // Told how long settling waits for that, before it waits.
  std::function<void(std::chrono::seconds)> on_wait;
  int concurrency = 4;  // tenants settled at once (at least 1)
};

struct SettledEntry {
  JournalEntry entry;  // as found: pending or sending
  // applied or skipped; still sending when it could not be settled.
  JournalState outcome = JournalState::Pending;
  std::string note;
};

// A tenant some of whose entries could not be settled: they stay open, and nothing new
// may be sent to it until a later settle closes them.
struct UnsettledTenant {
  std::string tenant;  // default domain, as journalled
  std::string tenant_id;
  int entries = 0;  // entries left open
  // What kept them open: "20 users could not be read (Authorization_RequestDenied: ...)".
  std::string why;

  // "20 operations an interrupted run left unfinished here could not be settled (20 users
  // could not be read (...)): they stay open, and nothing new is sent to this tenant
  // until a later run settles them"
  std::string reason() const;
};

struct SettleReport {
  std::vector<SettledEntry> entries;  // in journal order
  int took_effect = 0;                // sent, and in effect: applied
  int no_effect = 0;                  // sent, not in effect: skipped, not sent again
  int never_sent = 0;                 // pending: skipped
  int unresolved = 0;                 // still open: the user could not be read, ...
  int users_read = 0;                 // users the service answered for (found or not)
  std::chrono::seconds waited{0};
  std::vector<UnsettledTenant> unsettled_tenants;  // by default domain
  std::vector<Error> local_errors;                 // cache or journal writes that failed

  bool nothing_to_do() const { return entries.empty(); }
  // "Settled 12 operations an interrupted run left unfinished (read 5 users): 3 had
  // taken effect, 2 had not, 7 were never sent; none is sent again." When some could
  // not be checked, it says how many of them were settled, and which stay open and why:
  // "Settled 2 of 22 operations ... (read 2 users): 2 had taken effect, 0 had not, 0
  // were never sent; 20 could not be checked and stay open (tenant0001.onmicrosoft.com:
  // 20 users could not be read (...)); none is sent again." ("Settled none of the 20
  // ..." when not one was).
  std::string summary() const;
};

// Settles the unfinished entries as above. An error only when the journal cannot be read.
Result<SettleReport> settle_unfinished(Directory& directory, Cache& cache, Clock& clock,
                                       const SettleOptions& options = {});

// What every writer (apply, run) does with the tenants `settled` could not settle: each
// one in `plan` is not planned (TenantPlan::not_planned, and the plan's one note, say
// UnsettledTenant::reason(), after the planner's own reason when it had one), with no
// operation, so nothing new is sent to it; the other tenants are left as planned.
void hold_back_unsettled(Plan& plan, const SettleReport& settled);

}  // namespace tenantsync
