// SeatLedger: who gets the free seats of a SKU, and taking seats back when capacity shrinks.
#include "sync/plan/seat_ledger.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace seat_ledger_test {

Sku seats(int enabled, int consumed, int warning = 0, const char* status = "Enabled") {
  Sku s;
  s.sku_id = "sku";
  s.sku_part_number = "SKU";
  s.prepaid_units.enabled = enabled;
  s.prepaid_units.warning = warning;
  s.consumed_units = consumed;
  s.capability_status = status;
  return s;
}

TEST(PlanSeatLedgerTest, CapacityCountsPaidSeatsMinusConsumedAndGraceUnitsOnlyWhenAsked) {
  struct Case {
    Sku sku;
    int capacity;
    int with_grace;
  };
  for (const Case& c : std::vector<Case>{
           {seats(25, 24), 1, 1},
           {seats(25, 25), 0, 0},
           {seats(25, 27), 0, 0},  // over (a restore): never below 0
           {seats(20, 20, 5), 0, 5},
           {seats(10, 11, 2), 0, 1},  // already running on a grace unit
           {seats(0, 0, 0, "Suspended"), 0, 0},
           {seats(10, 0, 0, "LockedOut"), 0, 0},
           {seats(10, 0, 0, "Warning"), 10, 10},
       }) {
    EXPECT_EQ(SeatLedger({c.sku}, false).capacity(0), c.capacity);
    EXPECT_EQ(SeatLedger({c.sku}, true).capacity(0), c.with_grace);
  }
}

TEST(PlanSeatLedgerTest, ReleasesAddSeatsAndForcedLicensesTakeThem) {
  SeatLedger ledger({seats(25, 27)}, false);
  ledger.release(0);
  ledger.release(0);
  EXPECT_EQ(ledger.capacity(0), 0);  // 27 -> 25: still none free
  ledger.release(0);
  EXPECT_EQ(ledger.capacity(0), 1);
  ledger.force(0);
  EXPECT_EQ(ledger.capacity(0), 0);
}

TEST(PlanSeatLedgerTest, GrantsInOrderUntilFull) {
  SeatLedger ledger({seats(3, 1)}, false);
  EXPECT_TRUE(ledger.take(0, 10));
  EXPECT_TRUE(ledger.take(0, 11));
  EXPECT_FALSE(ledger.take(0, 12));
  EXPECT_EQ(ledger.granted(0), 2);
}

TEST(PlanSeatLedgerTest, OverflowTakesBackTheLastGrantedSeats) {
  SeatLedger ledger({seats(2, 2)}, false);
  ledger.release(0);
  ledger.release(0);
  ledger.release(0);
  for (size_t d : {1u, 2u, 3u}) EXPECT_TRUE(ledger.take(0, d));
  EXPECT_TRUE(ledger.overflow(0).empty());
  ledger.unrelease(0);
  ledger.unrelease(0);
  EXPECT_EQ(ledger.overflow(0), (std::vector<size_t>{3, 2}));
  EXPECT_EQ(ledger.granted(0), 1);
}

}  // namespace seat_ledger_test
}  // namespace tenantsync
