// The planner's seat allocation (sync/plan/planner_seats.cpp): who gets the seats there
// are, restores that cannot bring everything back, seat lines and shortfalls, a blocked
// swap that frees no seat.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/planner_fixture.h"

namespace tenantsync {
namespace planner_seats_test {

using namespace planner_fixture;

TEST(PlannerSeatsTest, SeatChecks) {
  run_cases({
      {"revocations in the plan free seats first",
       TenantBuilder().seats("SPE_E3", 1).add(U("bob").lic("SPE_E3")).add(U("alice")),
       DesiredBuilder().user("alice", {{L("SPE_E3")}}).user("bob", {{}}),
       {"alice assign SPE_E3", "bob revoke SPE_E3"}},
      {"entries before rule-matched users, then by UPN",
       TenantBuilder()
           .seats("SPE_E3", 2)
           .add(U("amy").department("Sales"))
           .add(U("zed"))
           .add(U("Bea"))
           .add(U("cal")),
       DesiredBuilder()
           .rule(dept("Sales"), {L("SPE_E3")})
           .user("zed", {{L("SPE_E3")}})
           .user("cal", {{L("SPE_E3")}})
           .user("Bea", {{L("SPE_E3")}}),
       {"!amy assign SPE_E3 (no free seat of SPE_E3 (Subscription with SKU sku-SPE_E3 does not "
        "have any available licenses.)",
        "Bea assign SPE_E3", "cal assign SPE_E3", "!zed assign SPE_E3 (no free seat of SPE_E3"}},
      {"a SKU without seats",
       TenantBuilder().seats("EMS", 0).add(U("alice")),
       DesiredBuilder().user("alice", {{L("EMS")}}),
       {"!alice assign EMS (no free seat of EMS"}},
      {"deletions free no seats in this plan",
       TenantBuilder().seats("EMS", 1).add(U("carol").lic("EMS")).add(U("alice")),
       DesiredBuilder()
           .user("alice", {{L("EMS")}})
           .user("carol", std::nullopt,
                 [](DesiredUser& u) { u.state = DesiredUserState::Deleted; }),
       {"!alice assign EMS (no free seat of EMS", "carol delete"}},
      {"restores come before new assignments",
       TenantBuilder().seats("EMS", 1).add(U("alice")).add_deleted(U("zoe").lic("EMS")),
       DesiredBuilder().user("alice", {{L("EMS")}}).user("zoe", {{L("EMS")}}),
       {"!alice assign EMS (no free seat of EMS", "zoe restore"}},
      {"a restore brings back what fits and revokes the rest",
       TenantBuilder()
           .seats("SPE_E3", 1)
           .add(U("bob").lic("SPE_E3"))
           .add_deleted(U("dave").lic("SPE_E3").lic("EMS").lic("VISIOCLIENT"))
           .seats("VISIOCLIENT", 0),
       DesiredBuilder().user("dave", {{L("SPE_E3"), L("EMS")}}),
       {"dave restore", "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)",
        "dave revoke VISIOCLIENT (cannot come back: no free seat of VISIOCLIENT)"}},
      {"a license that cannot come back is not updated either",
       TenantBuilder().seats("SPE_E3", 0).add_deleted(U("dave").lic("SPE_E3")),
       DesiredBuilder().user("dave", {{L("SPE_E3", {"TEAMS1"})}}),
       {"dave restore", "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)",
        "!dave update SPE_E3 -TEAMS1 (cannot come back: no free seat of SPE_E3)"}},
  });
}

TEST(PlannerSeatsTest, SeatLinesAndShortfall) {
  TenantPlan p = plan(TenantBuilder()
                          .seats("SPE_E3", 3)
                          .seats("EMS", 10, 2)
                          .add(U("old").lic("SPE_E3"))
                          .add(U("a"))
                          .add(U("b"))
                          .add(U("c"))
                          .add(U("d")),
                      DesiredBuilder()
                          .managed({"SPE_E3", "EMS"})
                          .user("old", {{}})
                          .user("a", {{L("SPE_E3")}})
                          .user("b", {{L("SPE_E3")}})
                          .user("c", {{L("SPE_E3")}})
                          .user("d", {{L("SPE_E3")}}));
  // 3 seats, 1 consumed, 1 freed by the revocation: 3 assignments fit, 1 does not.
  ASSERT_EQ(p.seats.size(), 2u);  // the managed SKUs, by part number
  EXPECT_EQ(p.seats[0], (SeatLine{"EMS", "sku-EMS", 10, 2, 2, 0}));
  EXPECT_EQ(p.seats[1], (SeatLine{"SPE_E3", "sku-SPE_E3", 3, 1, 3, 1}));
  expect_ops(p, {"a assign SPE_E3", "b assign SPE_E3", "c assign SPE_E3",
                 "!d assign SPE_E3 (no free seat", "old revoke SPE_E3"});
}

TEST(PlannerSeatsTest, RestoreThatCannotBringBackEverythingEndsWithinSeats) {
  TenantPlan p =
      plan(TenantBuilder()
               .seats("SPE_E3", 2)
               .add(U("bob").lic("SPE_E3"))
               .add_deleted(U("dave").lic("SPE_E3").lic("EMS"))
               .add_deleted(U("erin").lic("SPE_E3")),
           DesiredBuilder().user("dave", {{L("SPE_E3"), L("EMS")}}).user("erin", {{L("SPE_E3")}}));
  expect_ops(p, {"dave restore", "erin restore",
                 "erin revoke SPE_E3 (cannot come back: no free seat of SPE_E3)"});
  EXPECT_EQ(*seat(p, "SPE_E3"), (SeatLine{"SPE_E3", "sku-SPE_E3", 2, 1, 2, 1}));
  EXPECT_EQ(seat(p, "EMS")->after_plan, 1);
}

TEST(PlannerSeatsTest, WhatDependsOnARestoredLicenseThatCannotComeBackGoesWithIt) {
  // MCOEV needs MCOSTANDARD of SPE_E3, which has no free seat: both go again, in the same
  // call, and the tenant stays within its seats.
  TenantPlan p = plan(TenantBuilder()
                          .seats("SPE_E3", 1)
                          .add(U("bob").lic("SPE_E3"))
                          .add_deleted(U("dave").lic("SPE_E3").lic("MCOEV").lic("EMS")),
                      DesiredBuilder().user("dave", {{L("SPE_E3"), L("MCOEV"), L("EMS")}}));
  expect_ops(p, {"dave restore",
                 "dave revoke MCOEV (cannot come back: needs MCOSTANDARD of SPE_E3, which has "
                 "no free seat)",
                 "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)"});
  EXPECT_EQ(seat(p, "SPE_E3")->after_plan, 1);
  EXPECT_EQ(seat(p, "MCOEV")->after_plan, 0);
  EXPECT_EQ(seat(p, "EMS")->after_plan, 1);

  // A chain: the calling plan needs MCOEV, which goes with SPE_E3.
  p = plan(TenantBuilder()
               .seats("SPE_E3", 0)
               .add_deleted(U("dave").lic("SPE_E3").lic("MCOEV").lic("MCOPSTN1")),
           DesiredBuilder().user("dave", {{L("SPE_E3"), L("MCOEV"), L("MCOPSTN1")}}));
  expect_ops(p, {"dave restore",
                 "dave revoke MCOEV (cannot come back: needs MCOSTANDARD of SPE_E3, which has "
                 "no free seat)",
                 "dave revoke MCOPSTN1 (cannot come back: needs MCOEV of MCOEV, which cannot "
                 "come back either)",
                 "dave revoke SPE_E3 (cannot come back: no free seat of SPE_E3)"});
  EXPECT_EQ(seat(p, "MCOEV")->after_plan, 0);
  EXPECT_EQ(seat(p, "MCOPSTN1")->after_plan, 0);
}

TEST(PlannerSeatsTest, BlockedSwapCascadesToTheSeatItWouldHaveFreed) {
  // alice's swap to SPE_E3 finds no seat, so her EXCHANGESTANDARD stays; bob counted on
  // that seat and is blocked too.
  TenantPlan p =
      plan(TenantBuilder()
               .seats("SPE_E3", 0)
               .seats("EXCHANGESTANDARD", 1)
               .add(U("alice").lic("EXCHANGESTANDARD"))
               .add(U("bob")),
           DesiredBuilder().user("alice", {{L("SPE_E3")}}).user("bob", {{L("EXCHANGESTANDARD")}}));
  expect_ops(p,
             {"!alice revoke EXCHANGESTANDARD (kept until SPE_E3 can be assigned)",
              "!alice assign SPE_E3 (no free seat", "!bob assign EXCHANGESTANDARD (no free seat"});
  EXPECT_EQ(seat(p, "EXCHANGESTANDARD")->shortfall, 1);
  EXPECT_EQ(seat(p, "SPE_E3")->shortfall, 1);
}

}  // namespace planner_seats_test
}  // namespace tenantsync
