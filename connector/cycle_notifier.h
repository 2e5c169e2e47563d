// The webhook side of `tenantsync run`: after each cycle, asks the policy
// (sync/run/notification_policy.h) whether admins need to hear of it, records the decision
// with the post in the cache's outbox (sync/store/notification_store.h), then delivers the
// outbox oldest first, stopping at the first failure. So a post the webhook missed is
// sent again by the next cycle, or by the next `run` after `run --once`, and a crash
// between deciding and sending loses nothing.
#pragma once

#include <chrono>
#include <memory>

#include "connector/webhook_notifier.h"
#include "model/config.h"
#include "sync/run/cycle_notification.h"
#include "sync/run/cycle_outcome.h"
#include "sync/store/cache.h"

namespace tenantsync {

class CycleNotifier {
 public:
  // `shard`: "k/N" of a sharded run (every post names it), "" otherwise.
  CycleNotifier(std::unique_ptr<WebhookNotifier> webhook, WebhookFormat format,
                std::chrono::seconds remind_every, std::string shard = "");

  // Decides on, records and delivers the cycle's post. Returns the decision (None when
  // the cycle told nothing new).
  NoticeKind after_cycle(Cache& cache, int cycle_number, const CycleResult& cycle,
                         const CycleOutcome& outcome, const CycleReportFiles& reports,
                         Clock::time_point now);
  // Delivers what is queued; returns how many posts the webhook took.
  int deliver_outbox(Cache& cache);

 private:
  std::unique_ptr<WebhookNotifier> webhook_;
  WebhookFormat format_;
  std::chrono::seconds remind_every_;
  std::string shard_;
};

}  // namespace tenantsync
