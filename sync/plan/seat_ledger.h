// Seat accounting for one tenant's plan: which seat demands of each SKU get a seat.
//
// Per SKU it starts from the paid seats (enabled; + warning, the grace units, only when the
// caller counts them: safety.useGraceSeats) - consumed (below zero
// when a restore has pushed consumption past the seats), and follows what the plan does:
// a revocation releases a seat, a license that comes back with a restore is forced in
// whatever the count, and a demand (an assignment, or a license a restore should keep)
// takes a seat only while one is free. A SKU whose capabilityStatus is neither Enabled nor
// Warning has no seat to give (the service refuses assignments to it).
//
// Demands are granted in the caller's priority order. Capacity can shrink after seats were
// given out (the planner later holds back a revocation it counted): overflow() then takes
// back the seats granted last, i.e. from the lowest-priority winners, so one pass in
// priority order plus overflow() handling ends consistent. Deletions never release seats
// here: the executor sends them last. Single-threaded; one ledger per tenant plan.
#pragma once

#include <cstddef>
#include <vector>

#include "model/sku.h"

namespace tenantsync {

class SeatLedger {
 public:
  // SKUs are indexed as in `skus`.
  SeatLedger(const std::vector<Sku>& skus, bool count_grace);

  void release(int sku);    // a ready revocation frees one seat
  void unrelease(int sku);  // ... that revocation was held back after all
  void force(int sku);      // a license comes back whatever the seats (restore)

  // Grants one seat to `demand` (an id of the caller's) if one is free.
  bool take(int sku, size_t demand);
  // The demands granted seats that no longer fit, most recently granted first; they no
  // longer hold a seat.
  std::vector<size_t> overflow(int sku);

  // Seats the plan may hand out: max(0, seats - consumed + released - forced),
  // or 0 for a SKU that cannot be assigned.
  int capacity(int sku) const;
  int granted(int sku) const { return static_cast<int>(skus_[sku].winners.size()); }

 private:
  struct Account {
    bool assignable = true;
    int start = 0;  // seats - consumed
    int released = 0;
    int forced = 0;
    std::vector<size_t> winners;  // in grant order
  };
  std::vector<Account> skus_;
};

}  // namespace tenantsync
