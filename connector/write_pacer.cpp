#include "connector/write_pacer.h"

#include <algorithm>

#include "sync/log.h"

namespace tenantsync {

using std::chrono::milliseconds;

WritePacer::WritePacer(Clock& clock, int budget, milliseconds window)
    : clock_(clock),
      budget_(std::max(1, budget)),
      min_budget_(std::max(1, budget_ / kMinBudgetShare)),
      window_(std::max(milliseconds(1), window)) {}

WritePacer::Ledger& WritePacer::ledger(const std::string& tenant) {
  auto [it, inserted] = ledgers_.try_emplace(tenant);
  if (inserted) it->second.budget = budget_;
  return it->second;
}

void WritePacer::prune(Ledger& ledger, Clock::time_point now) {
  // A booking made at t counts for the window [t, t + window).
  while (!ledger.bookings.empty() && ledger.bookings.front().at + window_ <= now) {
    ledger.total -= ledger.bookings.front().cost;
    ledger.bookings.pop_front();
  }
}

// Each whole window since the budget last changed without a 429 doubles it back.
void WritePacer::recover(Ledger& ledger, Clock::time_point now) {
  while (ledger.budget < budget_ && now - ledger.last_change >= window_) {
    ledger.budget = std::min(budget_, ledger.budget * 2);
    ledger.last_change += window_;
  }
  if (ledger.budget == budget_) ledger.slowed_logged = false;
}

bool WritePacer::acquire(const std::string& tenant, int cost, const std::atomic<bool>* stop) {
  if (cost <= 0) return true;
  bool logged = false;
  for (;;) {
    milliseconds wait{0};
    {
      std::lock_guard<std::mutex> lock(mu_);
      Ledger& l = ledger(tenant);
      auto now = clock_.now();
      recover(l, now);
      prune(l, now);
      if (now < l.paused_until) {
        wait = std::chrono::ceil<milliseconds>(l.paused_until - now);
      } else if (l.total + cost <= l.budget || l.bookings.empty()) {
        l.bookings.push_back({now, cost});
        l.total += cost;
        return true;
      } else {
        // The earliest moment enough bookings have aged out for `cost` to fit.
        int freed = 0;
        Clock::time_point until = now;
        for (const auto& b : l.bookings) {
          freed += b.cost;
          until = b.at + window_;
          if (l.total - freed + cost <= l.budget) break;
        }
        wait = std::max(milliseconds(1), std::chrono::ceil<milliseconds>(until - now));
      }
    }
    if (!logged) {
      log_debug("pacing writes under the service budget",
                {{"tenant", tenant}, {"waitMs", std::to_string(wait.count())}});
      logged = true;
    }
    if (!sleep_unless_stopped(clock_, wait, stop)) return false;
  }
}

void WritePacer::throttled(const std::string& tenant, milliseconds retry_after,
                           Clock::time_point sent_at) {
  std::lock_guard<std::mutex> lock(mu_);
  Ledger& l = ledger(tenant);
  auto now = clock_.now();
  recover(l, now);
  l.paused_until = std::max(l.paused_until, now + retry_after);
  // The same burst: this write went out before the last slow-down took effect.
  if (sent_at < l.last_change && l.budget < budget_) return;
  l.budget = std::max(min_budget_, l.budget / 2);
  l.last_change = now;
  if (l.slowed_logged) return;
  l.slowed_logged = true;
  log_info(
      "the service is throttling this tenant's writes: waiting its Retry-After, then "
      "sending fewer writes per window",
      {{"tenant", tenant},
       {"waitMs", std::to_string(retry_after.count())},
       {"writesPerWindow", std::to_string(l.budget)},
       {"windowSeconds", std::to_string(window_.count() / 1000)}});
}

int WritePacer::booked(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ledgers_.find(tenant);
  if (it == ledgers_.end()) return 0;
  prune(it->second, clock_.now());
  return it->second.total;
}

int WritePacer::current_budget(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ledgers_.find(tenant);
  if (it == ledgers_.end()) return budget_;
  recover(it->second, clock_.now());
  return it->second.budget;
}

int WritePacer::slowed_tenants() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = clock_.now();
  int n = 0;
  for (auto& [tenant, l] : ledgers_) {
    recover(l, now);
    if (l.budget < budget_) ++n;
  }
  return n;
}

}  // namespace tenantsync
