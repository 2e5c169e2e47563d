// Client-side pacing of writes, per tenant, under the service's write budget.
//
// The service allows 3,000 writes per 150 s per app and tenant (docs/graph.md
// "Throttling"); running into that limit costs 429s and long Retry-After waits. The pacer
// books every write before it is sent (a $batch of n writes costs n, a resend costs
// again) in a sliding window, and when the window is full it waits on the Clock until
// enough old bookings have aged out. Budget and window are constructor parameters. The
// default window is the service's plus 2 s: a write is booked here before it is sent
// and counted there on arrival, and a window cut exactly to the service's would let
// that delay push a full budget's worth into one of the service's windows.
//
// When the service throttles a tenant's writes anyway (its budget is shared with other
// apps, or smaller than we assume), throttled() slows that tenant down instead of
// resending at the old rate: none of its writes goes out before the Retry-After has
// passed, and its budget per window is halved, down to kMinBudgetShare of the budget.
// A burst counts once: a 429 to a write sent before the last slow-down does not slow the
// tenant again. Each whole window without a 429 doubles the budget back, up to the full
// budget. The first slow-down of an episode is logged at info with the wait.
//
// Thread-safe: many threads may acquire for the same or different tenants; waiting
// happens outside the lock.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "sync/clock.h"

namespace tenantsync {

class WritePacer {
 public:
  static constexpr int kDefaultBudget = 3000;
  static constexpr std::chrono::milliseconds kDefaultWindow{152000};  // 150 s + margin
  static constexpr int kMinBudgetShare = 16;  // a throttled tenant keeps budget / 16

  explicit WritePacer(Clock& clock, int budget = kDefaultBudget,
                      std::chrono::milliseconds window = kDefaultWindow);

  // Waits until `cost` writes fit in `tenant`'s window (and its Retry-After pause is
  // over), then books them. A cost above the whole budget is booked alone once the
  // window is empty (it cannot be split here). Returns false without booking when
  // `*stop` became true while waiting (null: never).
  bool acquire(const std::string& tenant, int cost, const std::atomic<bool>* stop = nullptr);

  // The service answered 429 (with `retry_after`) to writes of `tenant` booked no later
  // than `sent_at`: pause and slow the tenant down (see above).
  void throttled(const std::string& tenant, std::chrono::milliseconds retry_after,
                 Clock::time_point sent_at);

  // Writes booked for `tenant` within the window ending now.
  int booked(const std::string& tenant);
  // `tenant`'s budget per window now: budget() unless it was throttled recently.
  int current_budget(const std::string& tenant);
  // Tenants whose budget is below budget() now (throttled recently).
  int slowed_tenants();

  int budget() const { return budget_; }
  std::chrono::milliseconds window() const { return window_; }

 private:
  struct Booking {
    Clock::time_point at;
    int cost;
  };
  struct Ledger {
    std::deque<Booking> bookings;
    int total = 0;
    int budget = 0;                    // this tenant's budget now
    Clock::time_point paused_until{};  // no booking before this (Retry-After)
    Clock::time_point last_change{};   // of `budget`: a slow-down or a step back up
    bool slowed_logged = false;        // the info line of this episode is out
  };
  Ledger& ledger(const std::string& tenant);  // mu_ held
  void prune(Ledger& ledger, Clock::time_point now);
  void recover(Ledger& ledger, Clock::time_point now);

  Clock& clock_;
  const int budget_;
  const int min_budget_;
  const std::chrono::milliseconds window_;
  std::mutex mu_;
  std::map<std::string, Ledger> ledgers_;  // guarded by mu_
};

}  // namespace tenantsync
