#include "sync/plan/seat_ledger.h"

#include <algorithm>

namespace tenantsync {

SeatLedger::SeatLedger(const std::vector<Sku>& skus, bool count_grace) : skus_(skus.size()) {
  for (size_t i = 0; i < skus.size(); ++i) {
    const Sku& sku = skus[i];
    skus_[i].assignable = sku.capability_status == "Enabled" || sku.capability_status == "Warning";
    skus_[i].start = sku.counted_seats(count_grace) - sku.consumed_units;
  }
}

void SeatLedger::release(int sku) { ++skus_[sku].released; }

void SeatLedger::unrelease(int sku) { --skus_[sku].released; }

void SeatLedger::force(int sku) { ++skus_[sku].forced; }

int SeatLedger::capacity(int sku) const {
  const Account& a = skus_[sku];
  if (!a.assignable) return 0;
  return std::max(0, a.start + a.released - a.forced);
}

bool SeatLedger::take(int sku, size_t demand) {
  Account& a = skus_[sku];
  if (static_cast<int>(a.winners.size()) >= capacity(sku)) return false;
  a.winners.push_back(demand);
  return true;
}

std::vector<size_t> SeatLedger::overflow(int sku) {
  Account& a = skus_[sku];
  std::vector<size_t> out;
  while (static_cast<int>(a.winners.size()) > capacity(sku)) {
    out.push_back(a.winners.back());
    a.winners.pop_back();
  }
  return out;
}

}  // namespace tenantsync
