// Client-side pacing of writes, per tenant, under the service's write budget.
//
// The service allows 3,000 writes per 150 s per app and tenant (graph-contract.md
// "Throttling"); running into that limit costs 429s and long Retry-After waits. The pacer
// books every write before it is sent (a $batch of n writes costs n, a resend costs
// again) in a sliding window, and when the window is full it waits on the Clock until
// enough old bookings have aged out. Budget and window are constructor parameters. The
// default window is the service's plus 2 s: a write is booked here before it is sent
// and counted there on arrival, and a window cut exactly to the service's would let
// that delay push a full budget's worth into one of the service's windows.
//
// Thread-safe: many threads may acquire for the same or different tenants; waiting
// happens outside the lock.
#pragma once

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

  explicit WritePacer(Clock& clock, int budget = kDefaultBudget,
                      std::chrono::milliseconds window = kDefaultWindow);

  // Waits until `cost` writes fit in `tenant`'s window, then books them. A cost above the
  // whole budget is booked alone once the window is empty (it cannot be split here).
  void acquire(const std::string& tenant, int cost);

  // Writes booked for `tenant` within the window ending now.
  int booked(const std::string& tenant);

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
  };
  void prune(Ledger& ledger, Clock::time_point now);

  Clock& clock_;
  const int budget_;
  const std::chrono::milliseconds window_;
  std::mutex mu_;
  std::map<std::string, Ledger> ledgers_;  // guarded by mu_
};

}  // namespace tenantsync
