// When `tenantsync run` posts to the webhook: only when the cycle's outcome differs from
// the one last told, plus a reminder of what is still open every `webhook.remindEvery`.
// At 15-minute cycles the same "partial" every cycle is 96 posts a day nobody reads.
//
// A cycle's open matters are what an admin would act on, one each, with a stable key
// (no error text or time in it, so the same problem keeps the same key):
//   the cycle failed; a tenant failed, is stale, gone or refused by a safety limit;
//   every drift item still open (after apply); every SKU with seats to buy.
// Compared with the matters last told: new ones or resolved ones -> post ("changed",
// or "resolved" when nothing is open any more); else a cycle that applied operations ->
// post ("applied": tenantsync changed a tenant, e.g. put an out-of-band change back);
// else the same matters -> a "reminder" once `remind_every` has passed since the last
// post; nothing open and nothing told -> quiet.
// Pure functions; safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sync/clock.h"
#include "sync/run/cycle_outcome.h"
#include "sync/run/reconcile_cycle.h"
#include "sync/store/notification_store.h"

namespace tenantsync {

struct OpenMatter {
  std::string key;   // stable identity, e.g. "contoso.onmicrosoft.com|refused"
  std::string text;  // for people: "contoso.onmicrosoft.com refused: 60 losses of access ..."

  bool operator==(const OpenMatter&) const = default;
};

// In a stable order (tenant, then kind).
std::vector<OpenMatter> open_matters(const CycleResult& cycle, const CycleOutcome& outcome);

enum class NoticeKind { None, Changed, Resolved, Applied, Reminder };
// "changed" | "resolved" | "applied" | "reminder" ("" for None)
const char* to_string(NoticeKind kind);

struct NoticeDecision {
  NoticeKind kind = NoticeKind::None;
  std::vector<OpenMatter> added;      // open now, not last time
  std::vector<std::string> resolved;  // keys open last time, not now
  bool post() const { return kind != NoticeKind::None; }
};

// `applied`: operations the cycle applied.
NoticeDecision decide_notice(const std::optional<NotifiedState>& last,
                             const std::vector<OpenMatter>& now, int applied, Clock::time_point at,
                             std::chrono::seconds remind_every);

}  // namespace tenantsync
