#include "connector/write_pacer.h"

#include <algorithm>

#include "sync/log.h"

namespace tenantsync {

using std::chrono::milliseconds;

WritePacer::WritePacer(Clock& clock, int budget, milliseconds window)
    : clock_(clock), budget_(std::max(1, budget)), window_(std::max(milliseconds(1), window)) {}

void WritePacer::prune(Ledger& ledger, Clock::time_point now) {
  // A booking made at t counts for the window [t, t + window).
  while (!ledger.bookings.empty() && ledger.bookings.front().at + window_ <= now) {
    ledger.total -= ledger.bookings.front().cost;
    ledger.bookings.pop_front();
  }
}

void WritePacer::acquire(const std::string& tenant, int cost) {
  if (cost <= 0) return;
  bool logged = false;
  for (;;) {
    milliseconds wait{0};
    {
      std::lock_guard<std::mutex> lock(mu_);
      Ledger& ledger = ledgers_[tenant];
      auto now = clock_.now();
      prune(ledger, now);
      if (ledger.total + cost <= budget_ || ledger.bookings.empty()) {
        ledger.bookings.push_back({now, cost});
        ledger.total += cost;
        return;
      }
      // The earliest moment enough bookings have aged out for `cost` to fit.
      int freed = 0;
      Clock::time_point until = now;
      for (const auto& b : ledger.bookings) {
        freed += b.cost;
        until = b.at + window_;
        if (ledger.total - freed + cost <= budget_) break;
      }
      wait = std::max(milliseconds(1), std::chrono::ceil<milliseconds>(until - now));
    }
    if (!logged) {
      log_debug("pacing writes under the service budget",
                {{"tenant", tenant}, {"waitMs", std::to_string(wait.count())}});
      logged = true;
    }
    clock_.sleep_for(wait);
  }
}

int WritePacer::booked(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ledgers_.find(tenant);
  if (it == ledgers_.end()) return 0;
  prune(it->second, clock_.now());
  return it->second.total;
}

}  // namespace tenantsync
