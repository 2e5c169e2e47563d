// Who gets a SKU's free seats first (planner.h, "Seats"): the licenses a restore brings
// back (they consume a seat already), then assignments to users with an entry of their
// own, then assignments to users only a rule matches; within each class by UPN, ASCII
// case ignored (then as written), then SKU. The seat ledger (seat_ledger.h) grants seats
// in this order. Internal to sync/plan/.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tenantsync::planning {

enum class SeatClass { Restore = 0, Explicit = 1, Rule = 2 };

// One license that needs a seat.
struct SeatDemand {
  SeatClass seat_class;
  std::string_view key;  // the user's UPN in lower case
  std::string_view upn;
  int sku;
  std::size_t user;  // the caller's index of the user
  std::size_t op;    // the caller's index of the assignment, or its "none" for a restore
};

// Sorts `demands` into the order seats are handed out.
void order_by_seat_priority(std::vector<SeatDemand>& demands);

}  // namespace tenantsync::planning
