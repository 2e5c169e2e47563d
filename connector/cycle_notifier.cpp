#include "connector/cycle_notifier.h"

#include "model/json_text.h"
#include "sync/log.h"
#include "sync/run/notification_policy.h"

namespace tenantsync {

CycleNotifier::CycleNotifier(std::unique_ptr<WebhookNotifier> webhook, WebhookFormat format,
                             std::chrono::seconds remind_every, std::string shard)
    : webhook_(std::move(webhook)),
      format_(format),
      remind_every_(remind_every),
      shard_(std::move(shard)) {}

NoticeKind CycleNotifier::after_cycle(Cache& cache, int cycle_number, const CycleResult& cycle,
                                      const CycleOutcome& outcome, const CycleReportFiles& reports,
                                      Clock::time_point now) {
  auto last = cache.notifications().last();
  if (!last.ok()) {
    log_error("run: webhook state unreadable; nothing posted: " + last.error().message);
    return NoticeKind::None;
  }
  auto matters = open_matters(cycle, outcome);
  NoticeDecision decision = decide_notice(*last, matters, outcome.applied, now, remind_every_);
  if (decision.post()) {
    auto body =
        cycle_notification({cycle_number, cycle, outcome, decision, reports, shard_}, format_);
    NotifiedState state;
    for (const auto& m : matters) state.matters.push_back(m.key);
    state.status = to_string(outcome.status);
    state.sent_at = now;
    if (Status st = cache.notifications().record(state, dump_json(body)); !st.ok()) {
      log_error("run: the webhook post could not be kept in the cache; not sent: " +
                st.error().message);
      return NoticeKind::None;
    }
  }
  deliver_outbox(cache);
  return decision.kind;
}

int CycleNotifier::deliver_outbox(Cache& cache) {
  auto posts = cache.notifications().outbox();
  if (!posts.ok()) {
    log_error("run: webhook outbox unreadable: " + posts.error().message);
    return 0;
  }
  int delivered = 0;
  for (const auto& post : *posts) {
    if (!webhook_->deliver(post.body)) break;
    if (Status st = cache.notifications().delivered(post.id); !st.ok()) {
      log_error(
          "run: a delivered webhook post could not be taken out of the outbox (it may be "
          "sent twice): " +
          st.error().message);
      break;
    }
    ++delivered;
  }
  return delivered;
}

}  // namespace tenantsync
