// What the service would refuse in the licenses a user ends up with
// (sync/plan/license_set_checks.h), on service plans alone, without a planner.
#include "sync/plan/license_set_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tenantsync {
namespace license_set_checks_test {

using namespace planning;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Sku sku(const std::string& part, const std::vector<std::string>& plans) {
  Sku s;
  s.sku_id = "sku-" + part;
  s.sku_part_number = part;
  for (const auto& name : plans) {
    ServicePlan p;
    p.service_plan_name = name;
    p.service_plan_id = "id-" + name;
    s.service_plans.push_back(p);
  }
  return s;
}

// Exchange plans 1 and 2 exclude each other; Teams Phone needs Skype for Business.
// SKUs: 0 EXCHANGESTANDARD, 1 SPE_E3, 2 MCOEV, 3 EXCHANGEENTERPRISE (plan 2 alone).
class LicenseSetChecksTest : public ::testing::Test {
 protected:
  LicenseSetChecksTest() : tenant_(rules().for_tenant(skus())), before_(count()), after_(count()) {}

  static ServiceRules rules() {
    ServiceRules r;
    r.add_exclusive("EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE");
    r.add_dependency("MCOEV", {"MCOSTANDARD"});
    return r;
  }
  static std::vector<Sku> skus() {
    return {sku("EXCHANGESTANDARD", {"EXCHANGE_S_STANDARD"}),
            sku("SPE_E3", {"EXCHANGE_S_ENTERPRISE", "MCOSTANDARD"}), sku("MCOEV", {"MCOEV"}),
            sku("EXCHANGEENTERPRISE", {"EXCHANGE_S_ENTERPRISE"})};
  }
  int count() const { return tenant_.plan_count(); }
  int plan(const std::string& name) const { return tenant_.plan_index("id-" + name); }

  // The user held these SKUs before the call.
  void held(std::vector<int> skus) {
    for (int s : skus) before_.add(tenant_.sku_plans(s), none_);
  }
  // After the call the user holds this SKU; `op` sends it (kNone: kept as is).
  void holds(int s, std::size_t op, const std::vector<int>* disabled = nullptr) {
    const std::vector<int>& off = disabled ? *disabled : none_;
    after_.add(tenant_.sku_plans(s), off);
    licenses_.push_back({s, &off, op});
  }

  TenantServiceRules tenant_;
  PlanCounts before_, after_;
  std::vector<LicenseAfter> licenses_;
  const std::vector<int> none_;
};

TEST_F(LicenseSetChecksTest, APlanTheCallBringsExclusiveWithOneKeptIsAConflict) {
  held({0});
  holds(0, kNone);  // EXCHANGESTANDARD kept
  holds(1, 7);      // SPE_E3 assigned by operation 7
  auto found = exclusive_conflicts(tenant_, before_, after_, licenses_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].license, 1u);
  EXPECT_EQ(found[0].plan, plan("EXCHANGE_S_ENTERPRISE"));
  EXPECT_EQ(found[0].other_plan, plan("EXCHANGE_S_STANDARD"));
  EXPECT_EQ(found[0].other_sku, 0);
}

TEST_F(LicenseSetChecksTest, ASwapInOneCallIsNoConflict) {
  held({0});
  holds(1, 7);  // EXCHANGESTANDARD revoked in the same call: not held after
  EXPECT_THAT(exclusive_conflicts(tenant_, before_, after_, licenses_), IsEmpty());
}

TEST_F(LicenseSetChecksTest, AnExclusivePlanDisabledInTheNewLicenseIsNoConflict) {
  held({0});
  holds(0, kNone);
  const std::vector<int> off = {plan("EXCHANGE_S_ENTERPRISE")};
  holds(1, 7, &off);
  EXPECT_THAT(exclusive_conflicts(tenant_, before_, after_, licenses_), IsEmpty());
}

TEST_F(LicenseSetChecksTest, OnlyWhatTheCallBringsAboutCounts) {
  // Both Exchange plans were there before (say one inherited): a call that keeps them and
  // sends another license brings no conflict about.
  held({0, 3});
  holds(0, kNone);
  holds(3, 5);
  EXPECT_THAT(exclusive_conflicts(tenant_, before_, after_, licenses_), IsEmpty());
}

TEST_F(LicenseSetChecksTest, BothNewSidesOfAnExclusionAreConflicts) {
  holds(0, 4);
  holds(3, 5);
  auto found = exclusive_conflicts(tenant_, before_, after_, licenses_);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].license, 0u);
  EXPECT_EQ(found[0].other_sku, 3);
  EXPECT_EQ(found[1].license, 1u);
  EXPECT_EQ(found[1].other_sku, 0);
}

TEST_F(LicenseSetChecksTest, ANewPlanWithoutWhatItNeedsIsUnmet) {
  holds(2, 3);  // MCOEV alone
  auto unmet = unmet_requirements(tenant_, before_, after_, licenses_);
  ASSERT_EQ(unmet.size(), 1u);
  EXPECT_EQ(unmet[0].license, 0u);
  EXPECT_EQ(unmet[0].plan, plan("MCOEV"));
  EXPECT_THAT(unmet[0].needed, ElementsAre(plan("MCOSTANDARD")));
  EXPECT_THAT(unmet[0].lost, IsEmpty());
  EXPECT_TRUE(unmet[0].newly_enabled);
  EXPECT_EQ(unmet[0].requirement->ids, "id-MCOSTANDARD");
}

TEST_F(LicenseSetChecksTest, AKeptPlanWhoseRequirementTheCallTakesAwayIsUnmet) {
  held({1, 2});
  holds(2, kNone);  // MCOEV kept, SPE_E3 (with MCOSTANDARD) revoked
  auto unmet = unmet_requirements(tenant_, before_, after_, licenses_);
  ASSERT_EQ(unmet.size(), 1u);
  EXPECT_FALSE(unmet[0].newly_enabled);
  EXPECT_THAT(unmet[0].lost, ElementsAre(plan("MCOSTANDARD")));
}

TEST_F(LicenseSetChecksTest, AMetRequirementIsNothingAndAPlanIsCheckedOnce) {
  holds(1, 1);
  holds(2, 2);
  EXPECT_THAT(unmet_requirements(tenant_, before_, after_, licenses_), IsEmpty());

  const std::vector<int> off = {plan("MCOSTANDARD")};
  licenses_.clear();
  after_.clear();
  holds(2, 2);
  holds(2, kNone);  // the same plan twice: reported once
  holds(1, 1, &off);
  EXPECT_EQ(unmet_requirements(tenant_, before_, after_, licenses_).size(), 1u);
}

}  // namespace license_set_checks_test
}  // namespace tenantsync
