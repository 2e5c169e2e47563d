// Safety limits: every loss of access counts (revocations and updates that disable a plan
// the user has enabled against maxRevocations, deletions against maxDeletions), and the
// reason names the counts, the limit and how to raise it (flag or config key).
#include "sync/plan/safety_limits.h"

#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tenantsync {
namespace safety_limits_test {

Operation op(OpKind kind, OpStatus status = OpStatus::Ready,
             std::vector<std::string> newly_disabled = {}) {
  Operation o;
  o.op = kind;
  o.status = status;
  o.newly_disabled_plans = std::move(newly_disabled);
  return o;
}

TenantPlan tenant_with(std::vector<Operation> ops, TenantMode mode = TenantMode::Enforce) {
  TenantPlan t;
  t.tenant = "contoso.onmicrosoft.com";
  t.mode = mode;
  t.operations = std::move(ops);
  return t;
}

TEST(SafetyLimitsTest, CountsReadyLossesOfAccessAndDeletionsOnly) {
  TenantPlan t = tenant_with({op(OpKind::Revoke), op(OpKind::Revoke, OpStatus::Blocked),
                              op(OpKind::Update),  // enables plans: takes nothing away
                              op(OpKind::Update, OpStatus::Ready, {"plan-teams"}),
                              op(OpKind::Update, OpStatus::Blocked, {"plan-teams"}),
                              op(OpKind::Delete), op(OpKind::Assign)});
  SafetyCheck check = check_safety_limits(t, {2, 1});
  EXPECT_EQ(check.revocations, 1);
  EXPECT_EQ(check.updates_disabling_plans, 1);
  EXPECT_EQ(check.losses_of_access(), 2);
  EXPECT_EQ(check.deletions, 1);
  EXPECT_FALSE(check.refused());
  EXPECT_EQ(check.reason, "");
}

Operation set(nlohmann::json body, OpStatus status = OpStatus::Ready) {
  Operation o = op(OpKind::SetProperties, status);
  o.details = std::move(body);
  return o;
}

TEST(SafetyLimitsTest, SignInBlocksCountWithDeletionsAgainstMaxDeletions) {
  TenantPlan t = tenant_with({op(OpKind::Delete), set({{"accountEnabled", false}}),
                              set({{"accountEnabled", false}, {"department", "X"}}),
                              set({{"accountEnabled", false}}, OpStatus::Blocked),
                              set({{"accountEnabled", true}}), set({{"usageLocation", "US"}})});
  SafetyCheck check = check_safety_limits(t, {std::nullopt, 2});
  EXPECT_EQ(check.deletions, 1);
  EXPECT_EQ(check.sign_in_blocks, 2);
  EXPECT_TRUE(check.deletions_exceeded);
  EXPECT_EQ(check.reason,
            "3 deletions and sign-in blocks (1 deletion, 2 sign-in blocks) > "
            "safety.maxDeletions 2; raise with --max-deletions 3");
  OverLimit o = check.over_limit(/*ahead=*/false);
  EXPECT_EQ(o.deletions, 1);
  EXPECT_EQ(o.sign_in_blocks, 2);
  EXPECT_EQ(o.limits, std::vector<std::string>{"maxDeletions"});
  EXPECT_FALSE(check_safety_limits(t, {std::nullopt, 3}).refused());
  EXPECT_EQ(check_safety_limits(tenant_with({set({{"accountEnabled", false}})}), {0, 0}).reason,
            "1 deletion or sign-in block (0 deletions, 1 sign-in block) > safety.maxDeletions 0; "
            "raise with --max-deletions 1");
}

TEST(SafetyLimitsTest, AnUpdateThatDisablesAPlanIsRefusedByMaxRevocationsZero) {
  TenantPlan t = tenant_with({op(OpKind::Update, OpStatus::Ready, {"plan-exchange"})});
  SafetyCheck check = check_safety_limits(t, {0, 0});
  EXPECT_TRUE(check.refused());
  EXPECT_EQ(check.reason,
            "1 loss of access (0 revocations, 1 update that disables plans) > "
            "safety.maxRevocations 0; raise with --max-revocations 1");
}

TEST(SafetyLimitsTest, NamesEachExceededLimitItsCountsAndTheFlags) {
  std::vector<Operation> ops;
  for (int i = 0; i < 52; ++i) ops.push_back(op(OpKind::Revoke));
  for (int i = 0; i < 8; ++i) ops.push_back(op(OpKind::Update, OpStatus::Ready, {"p"}));
  ops.push_back(op(OpKind::Delete));
  SafetyCheck check = check_safety_limits(tenant_with(ops), {50, 0});
  EXPECT_TRUE(check.revocations_exceeded);
  EXPECT_TRUE(check.deletions_exceeded);
  EXPECT_EQ(check.reason,
            "60 losses of access (52 revocations, 8 updates that disable plans) > "
            "safety.maxRevocations 50, 1 deletion > safety.maxDeletions 0; raise with "
            "--max-revocations 60 --max-deletions 1");
  EXPECT_EQ(check.skipped_reason(),
            "not sent: the tenant is over safety.maxRevocations and safety.maxDeletions");
}

TEST(SafetyLimitsTest, WithoutFlagsTheHintNamesTheConfigKey) {
  SafetyLimits limits{1, std::nullopt, /*flags=*/false};
  SafetyCheck check =
      check_safety_limits(tenant_with({op(OpKind::Revoke), op(OpKind::Revoke)}), limits);
  EXPECT_EQ(check.reason,
            "2 revocations > safety.maxRevocations 1; raise safety.maxRevocations to 2 in the "
            "config");
}

TEST(SafetyLimitsTest, NoLimitMeansNoRefusal) {
  EXPECT_FALSE(check_safety_limits(tenant_with({op(OpKind::Revoke)}), {}).refused());
}

TEST(SafetyLimitsTest, PlanMarksTheEnforcedTenantsApplyWillRefuse) {
  Plan plan;
  plan.tenants.push_back(tenant_with({op(OpKind::Revoke), op(OpKind::Revoke)}));
  plan.tenants.push_back(tenant_with({op(OpKind::Revoke)}));
  plan.tenants.back().tenant = "fabrikam.onmicrosoft.com";
  plan.tenants.push_back(tenant_with({op(OpKind::Revoke), op(OpKind::Revoke)}, TenantMode::Report));
  plan.tenants.back().over_limit = OverLimit{};  // a stale mark goes

  mark_over_limits(plan, {1, 10});

  ASSERT_TRUE(plan.tenants[0].over_limit.has_value());
  EXPECT_EQ(plan.tenants[0].over_limit->message,
            "2 revocations > safety.maxRevocations 1: apply will refuse; raise with "
            "--max-revocations 2");
  EXPECT_EQ(plan.tenants[0].over_limit->revocations, 2);
  EXPECT_FALSE(plan.tenants[1].over_limit.has_value()) << "within the limit";
  EXPECT_FALSE(plan.tenants[2].over_limit.has_value()) << "apply never changes report tenants";
}

}  // namespace safety_limits_test
}  // namespace tenantsync
