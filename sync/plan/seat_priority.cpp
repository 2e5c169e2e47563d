#include "sync/plan/seat_priority.h"

#include <algorithm>

namespace tenantsync::planning {

void order_by_seat_priority(std::vector<SeatDemand>& demands) {
  std::sort(demands.begin(), demands.end(), [](const SeatDemand& a, const SeatDemand& b) {
    if (a.seat_class != b.seat_class) return a.seat_class < b.seat_class;
    if (a.key != b.key) return a.key < b.key;
    if (a.upn != b.upn) return a.upn < b.upn;
    return a.sku < b.sku;
  });
}

}  // namespace tenantsync::planning
