// build_plan over many tenants, planned side by side: the same plan as planning them one
// at a time, tenants in the desired state's order, every problem reported in that order.
#include "sync/plan/plan_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model/desired_state.h"
#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace plan_builder_test {

using ::testing::HasSubstr;

// The scenario's desired state for each domain, as one file.
std::string desired_for(const std::vector<std::string>& domains) {
  nlohmann::json all = {{"version", 1}, {"tenants", nlohmann::json::array()}};
  for (const auto& d : domains) {
    all["tenants"].push_back(nlohmann::json::parse(scenario_desired(d))["tenants"][0]);
  }
  return all.dump();
}

std::vector<std::string> domains(int n) {
  std::vector<std::string> out;
  // Listed from z down, so the desired order is not the cache's order.
  for (int i = n; i > 0; --i) out.push_back("t" + std::to_string(100 + i) + ".example.com");
  return out;
}

class PlanBuilderTest : public ::testing::Test {
 protected:
  void fill(const std::vector<std::string>& names) {
    for (const auto& d : names) h_.add_scenario_tenant(d);
    h_.mirror();
  }

  Result<BuiltPlan> build(const std::string& desired_json) {
    auto desired = parse_desired_state(desired_json, "desired.json");
    if (!desired.ok()) return desired.error();
    return build_plan(*h_.cache, *desired, {}, ServiceRules::builtin(), h_.clock.now());
  }

  ApplyHarness h_;
};

TEST_F(PlanBuilderTest, ManyTenantsPlanAsTheyDoOneAtATimeInTheDesiredOrder) {
  auto names = domains(12);
  fill(names);
  std::string desired = desired_for(names);
  auto built = build(desired);
  ASSERT_TRUE(built.ok()) << built.error().message;
  Plan one_at_a_time = h_.plan(desired);  // plan_tenant per tenant, in order
  ASSERT_EQ(built->plan.tenants.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(built->plan.tenants[i].tenant, names[i]);
    EXPECT_EQ(nlohmann::json(built->plan.tenants[i]), nlohmann::json(one_at_a_time.tenants[i]))
        << names[i];
  }
  EXPECT_EQ(built->plan.fingerprint, one_at_a_time.fingerprint);
  EXPECT_FALSE(built->plan.tenants.front().operations.empty());
  // Every tenant's SKUs name their plans in the reports.
  EXPECT_EQ(built->plan_names.name_or_id(plan_id_of("YAMMER_ENTERPRISE")), "YAMMER_ENTERPRISE");
}

TEST_F(PlanBuilderTest, EveryTenantThatDoesNotResolveIsReportedInTheDesiredOrder) {
  auto names = domains(8);
  fill(names);
  nlohmann::json desired = nlohmann::json::parse(desired_for(names));
  // Valid files, but these tenants have no such SKU: found when planning against the cache.
  for (auto [tenant, sku] : {std::pair{2, "NO_SUCH_SKU_A"}, std::pair{6, "NO_SUCH_SKU_B"}}) {
    desired["tenants"][tenant]["managedSkus"].push_back(sku);
    desired["tenants"][tenant]["users"][0]["licenses"] = {sku};
  }
  auto built = build(desired.dump());
  ASSERT_FALSE(built.ok());
  const std::string& message = built.error().message;
  size_t a = message.find("NO_SUCH_SKU_A");
  size_t b = message.find("NO_SUCH_SKU_B");
  ASSERT_NE(a, std::string::npos) << message;
  ASSERT_NE(b, std::string::npos) << message;
  EXPECT_LT(a, b) << message;
  EXPECT_THAT(message, HasSubstr(names[2]));
}

}  // namespace plan_builder_test
}  // namespace tenantsync
