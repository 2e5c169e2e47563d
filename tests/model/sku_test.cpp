#include "model/sku.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tenantsync {
namespace sku_test {

Sku make_sku(int enabled, int warning, int consumed) {
  Sku s;
  s.id = "t_sku";
  s.sku_id = "05e9a617-0261-4cee-bb44-138d3ef5d965";
  s.sku_part_number = "SPE_E3";
  s.consumed_units = consumed;
  s.prepaid_units.enabled = enabled;
  s.prepaid_units.warning = warning;
  s.service_plans = {
      {"7547a3fe-08ee-4ccb-b430-5077c5041653", "YAMMER_ENTERPRISE", "Success", "User"},
      {"efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE", "Success", "User"}};
  return s;
}

TEST(SkuTest, RoundTripsThroughGraphShape) {
  Sku s = make_sku(25, 2, 24);
  s.prepaid_units.suspended = 3;
  s.prepaid_units.locked_out = 1;
  nlohmann::json j = s;
  EXPECT_EQ(j["prepaidUnits"]["lockedOut"], 1);
  EXPECT_EQ(j["servicePlans"][0]["servicePlanName"], "YAMMER_ENTERPRISE");
  EXPECT_EQ(j.get<Sku>(), s);
}

TEST(SkuTest, AbsentOptionalFieldsTakeDefaults) {
  auto j = nlohmann::json::parse(R"({"skuId":"x","skuPartNumber":"EMS"})");
  auto s = j.get<Sku>();
  EXPECT_EQ(s.sku_part_number, "EMS");
  EXPECT_EQ(s.applies_to, "User");
  EXPECT_EQ(s.capability_status, "Enabled");
  EXPECT_EQ(s.consumed_units, 0);
  EXPECT_EQ(s.prepaid_units, PrepaidUnits{});
  EXPECT_TRUE(s.service_plans.empty());
}

struct SeatCase {
  int enabled, warning, consumed, free, usable;
};

class SkuSeatsTest : public ::testing::TestWithParam<SeatCase> {};

TEST_P(SkuSeatsTest, FreeSeatsAreUsableMinusConsumedNeverBelowZero) {
  const auto& c = GetParam();
  Sku s = make_sku(c.enabled, c.warning, c.consumed);
  EXPECT_EQ(s.free_seats(), c.free);
  EXPECT_EQ(s.usable_seats(), c.usable);
}

INSTANTIATE_TEST_SUITE_P(Seats, SkuSeatsTest,
                         ::testing::Values(SeatCase{25, 0, 24, 1, 25}, SeatCase{25, 0, 25, 0, 25},
                                           SeatCase{25, 5, 25, 5, 30},
                                           SeatCase{10, 0, 12, 0, 10},  // restore overshoot
                                           SeatCase{0, 0, 0, 0, 0}));

TEST(SkuTest, FindsPlanByIdOrName) {
  Sku s = make_sku(1, 0, 0);
  ASSERT_NE(s.find_plan("YAMMER_ENTERPRISE"), nullptr);
  EXPECT_EQ(s.find_plan("YAMMER_ENTERPRISE")->service_plan_id,
            "7547a3fe-08ee-4ccb-b430-5077c5041653");
  EXPECT_EQ(s.find_plan("efb87545-963c-4e0d-99df-69c6916d9eb0")->service_plan_name,
            "EXCHANGE_S_ENTERPRISE");
  EXPECT_EQ(s.find_plan("NOPE"), nullptr);
}

}  // namespace sku_test
}  // namespace tenantsync
