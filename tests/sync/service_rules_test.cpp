// ServiceRules: the built-in catalogue, rules learned from refusals, and the per-tenant
// compiled form the planner uses.
#include "sync/plan/service_rules.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace service_rules_test {

ServicePlan plan(const std::string& name, const std::string& id = "") {
  ServicePlan p;
  p.service_plan_name = name;
  p.service_plan_id = id.empty() ? "id-" + name : id;
  return p;
}

Sku sku(const std::string& part, std::vector<ServicePlan> plans) {
  Sku s;
  s.sku_id = "sku-" + part;
  s.sku_part_number = part;
  s.service_plans = std::move(plans);
  return s;
}

TEST(ServiceRulesTest, BuiltinExchangePlansAreMutuallyExclusive) {
  ServiceRules rules = ServiceRules::builtin();
  struct Case {
    const char* a;
    const char* b;
    bool exclusive;
  };
  for (const Case& c : std::vector<Case>{
           {"EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE", true},
           {"EXCHANGE_S_ENTERPRISE", "EXCHANGE_S_STANDARD", true},
           {"EXCHANGE_S_DESKLESS", "EXCHANGE_S_STANDARD", true},
           {"EXCHANGE_S_DESKLESS", "EXCHANGE_S_ENTERPRISE", true},
           {"exchange_s_standard", "Exchange_S_Enterprise", true},
           {"EXCHANGE_S_STANDARD", "EXCHANGE_S_STANDARD", false},
           {"EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", false},
           {"MCOSTANDARD", "MCOEV", false},
       }) {
    EXPECT_EQ(rules.mutually_exclusive(plan(c.a), plan(c.b)), c.exclusive) << c.a << " " << c.b;
  }
}

TEST(ServiceRulesTest, BuiltinCallingPlansAreProhibitedInChina) {
  ServiceRules rules = ServiceRules::builtin();
  EXPECT_TRUE(rules.prohibited(sku("MCOPSTN1", {}), "CN"));
  EXPECT_TRUE(rules.prohibited(sku("mcopstn1", {}), "cn"));
  EXPECT_FALSE(rules.prohibited(sku("MCOPSTN1", {}), "US"));
  EXPECT_FALSE(rules.prohibited(sku("SPE_E3", {}), "CN"));
}

TEST(ServiceRulesTest, KeysMatchPlanIdsAndSkuIds) {
  ServiceRules rules;
  rules.add_exclusive("AAAA-1", "bbbb-2");
  rules.add_prohibited_location("sku-guid", "RU");
  EXPECT_TRUE(rules.mutually_exclusive(plan("X", "aaaa-1"), plan("Y", "BBBB-2")));
  Sku s = sku("WHATEVER", {});
  s.sku_id = "SKU-GUID";
  EXPECT_TRUE(rules.prohibited(s, "ru"));
}

TEST(ServiceRulesTest, AddingAKnownRuleIsANoOp) {
  ServiceRules rules;
  rules.add_exclusive("A", "B");
  rules.add_exclusive("b", "a");
  rules.add_dependency("C", {"D"});
  rules.add_dependency("c", {"d", "D"});
  rules.add_prohibited_location("E", "cn");
  rules.add_prohibited_location("e", "CN");
  EXPECT_EQ(rules.size(), 3u);
}

TEST(ServiceRulesTest, LearnsFromTheServicesRefusalMessages) {
  struct Case {
    const char* message;
    bool learned;
  };
  ServiceRules rules;
  for (const Case& c : std::vector<Case>{
           {"License assignment failed because service plans 11111111-aaaa,22222222-bbbb are "
            "mutually exclusive.",
            true},
           {"License assignment failed because service plans 22222222-bbbb,11111111-aaaa are "
            "mutually exclusive.",
            false},  // already known
           {"License assignment failed because service plan 33333333-cccc depends on the "
            "service plan(s) 44444444-dddd,55555555-eeee.",
            true},
           {"Subscription with SKU 6666 does not have any available licenses.", false},
           {"License assignment cannot be done for user with invalid usage location.", false},
           {"", false},
       }) {
    EXPECT_EQ(rules.add_learned(c.message), c.learned) << c.message;
  }
  EXPECT_TRUE(rules.mutually_exclusive(plan("X", "11111111-AAAA"), plan("Y", "22222222-bbbb")));

  TenantServiceRules t = rules.for_tenant({sku(
      "S", {plan("P", "33333333-cccc"), plan("Q", "44444444-dddd"), plan("R", "55555555-eeee")})});
  int p = t.plan_index("33333333-CCCC");
  ASSERT_GE(p, 0);
  ASSERT_EQ(t.requirements(p).size(), 1u);
  EXPECT_EQ(t.requirements(p)[0].all_of.size(), 2u);
  EXPECT_EQ(t.requirements(p)[0].ids, "44444444-dddd,55555555-eeee");
}

TEST(ServiceRulesTest, CompilesAgainstOneTenantsSkus) {
  ServiceRules rules = ServiceRules::builtin();
  std::vector<Sku> skus = {
      sku("SPE_E3", {plan("EXCHANGE_S_ENTERPRISE"), plan("MCOSTANDARD"), plan("TEAMS1")}),
      sku("EXCHANGESTANDARD", {plan("EXCHANGE_S_STANDARD")}),
      sku("ENTERPRISEPACK", {plan("EXCHANGE_S_ENTERPRISE"), plan("MCOSTANDARD")}),
      sku("MCOEV", {plan("MCOEV")}),
      sku("MCOPSTN1", {plan("MCOPSTN1")}),
  };
  TenantServiceRules t = rules.for_tenant(skus);
  // One index per distinct plan id, shared by the SKUs that carry it.
  EXPECT_EQ(t.plan_count(), 6);
  EXPECT_EQ(t.sku_plans(0),
            (std::vector<int>{t.plan_index("id-EXCHANGE_S_ENTERPRISE"),
                              t.plan_index("id-MCOSTANDARD"), t.plan_index("id-TEAMS1")}));
  EXPECT_EQ(t.sku_plans(2).size(), 2u);
  EXPECT_EQ(t.plan_index("nope"), -1);

  int enterprise = t.plan_index("ID-EXCHANGE_S_ENTERPRISE");
  int standard = t.plan_index("id-EXCHANGE_S_STANDARD");
  EXPECT_EQ(t.exclusive_with(enterprise), std::vector<int>{standard});
  EXPECT_EQ(t.exclusive_with(standard), std::vector<int>{enterprise});
  EXPECT_TRUE(t.exclusive_with(t.plan_index("id-TEAMS1")).empty());

  int mcoev = t.plan_index("id-MCOEV");
  ASSERT_EQ(t.requirements(mcoev).size(), 1u);
  EXPECT_EQ(t.requirements(mcoev)[0].all_of,
            (std::vector<std::vector<int>>{{t.plan_index("id-MCOSTANDARD")}}));
  EXPECT_EQ(t.requirements(mcoev)[0].ids, "id-MCOSTANDARD");
  ASSERT_EQ(t.requirements(t.plan_index("id-MCOPSTN1")).size(), 1u);

  EXPECT_TRUE(t.prohibited(4, "cn"));
  EXPECT_FALSE(t.prohibited(4, "US"));
  EXPECT_FALSE(t.prohibited(0, "CN"));
}

TEST(ServiceRulesTest, DependencyOnAPlanTheTenantLacksIsNotApplied) {
  ServiceRules rules = ServiceRules::builtin();
  TenantServiceRules t = rules.for_tenant({sku("MCOEV", {plan("MCOEV")})});
  EXPECT_TRUE(t.requirements(t.plan_index("id-MCOEV")).empty());
}

}  // namespace service_rules_test
}  // namespace tenantsync
