// The planner's promise against fake-graph (issue #6), faults off: on the demo fixture and
// on generated tenants, with desired states that run into seat shortfalls, usage
// locations, exclusive and dependent plans, every `ready` operation of the plan is
// applied, and every `blocked` one, sent on its own afterwards, is refused by the service
// for the reason the plan gives. And an untouched export plans no operation.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "sync/report/exporter.h"
#include "tests/integration/challenging_desired.h"
#include "tests/integration/engine_harness.h"
#include "tests/integration/mirror_comparison.h"
#include "tests/integration/planner_promise.h"

namespace tenantsync::test {
namespace planner_promise_test {

using nlohmann::json;

// The demo fixture's pressure points (docs/fake-graph.md), each asked for on purpose.
const char kDemoDesired[] = R"({
  "version": 1,
  "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "mode": "enforce",
      "managedSkus": ["SPE_E3", "SPE_E5", "EMS", "EXCHANGESTANDARD", "MCOEV", "MCOPSTN1"],
      "unlisted": "keep",
      "rules": [ { "where": { "department": "Customer Support" }, "licenses": ["SPE_E3"] } ],
      "users": [
        { "upn": "cameron.white@contoso.onmicrosoft.com", "state": "active",
          "licenses": ["SPE_E3", "EMS"] },
        { "upn": "ben.walters@contoso.onmicrosoft.com", "licenses": ["SPE_E5"] },
        { "upn": "lee.gu@contoso.onmicrosoft.com", "licenses": ["SPE_E3", "MCOEV", "MCOPSTN1"] },
        { "upn": "nestor.wilke@contoso.onmicrosoft.com",
          "licenses": ["EXCHANGESTANDARD", "SPE_E3"] },
        { "upn": "diego.siciliani@contoso.onmicrosoft.com", "licenses": ["SPE_E3", "MCOPSTN1"] },
        { "upn": "adele.vance@contoso.onmicrosoft.com",
          "licenses": [ { "sku": "SPE_E3", "disabledPlans": ["YAMMER_ENTERPRISE"] }, "MCOPSTN1" ] },
        { "upn": "miriam.graham@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] },
        { "upn": "henrietta.mueller@contoso.onmicrosoft.com",
          "licenses": ["SPE_E3", "MCOEV", "MCOPSTN1"] },
        { "upn": "megan.bowen@contoso.onmicrosoft.com", "licenses": ["SPE_E3", "EMS"] },
        { "upn": "joni.sherman@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] },
        { "upn": "christie.cline@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] },
        { "upn": "pradeep.gupta@contoso.onmicrosoft.com", "state": "deleted" },
        { "upn": "new.hire@contoso.onmicrosoft.com", "licenses": ["EMS"],
          "create": { "displayName": "New Hire", "usageLocation": "US" } }
      ] },
    { "tenant": "fabrikam.onmicrosoft.com", "mode": "enforce",
      "managedSkus": ["SPE_E3", "EMS", "POWER_BI_PRO", "MCOEV"],
      "unlisted": "keep",
      "rules": [ { "where": { "department": "Engineering" }, "licenses": ["SPE_E3", "EMS"] } ],
      "users": [
        { "upn": "quentin.dubois@fabrikam.onmicrosoft.com", "state": "active", "licenses": [] },
        { "upn": "lara.novak@fabrikam.onmicrosoft.com", "licenses": ["SPE_E3"] },
        { "upn": "carmen.ortiz@fabrikam.onmicrosoft.com", "licenses": ["SPE_E3"] }
      ] },
    { "tenant": "northwind.onmicrosoft.com", "mode": "enforce",
      "managedSkus": ["SPE_E3", "EXCHANGESTANDARD", "VISIOCLIENT"],
      "unlisted": "keep",
      "rules": [ { "where": { "department": "Sales" }, "licenses": ["SPE_E3"] },
                 { "where": { "department": "Marketing" }, "licenses": ["SPE_E3"] } ],
      "users": [
        { "upn": "mario.pontes@northwind.onmicrosoft.com",
          "licenses": ["EXCHANGESTANDARD", "VISIOCLIENT"] },
        { "upn": "michael.suyama@northwind.onmicrosoft.com",
          "licenses": ["EXCHANGESTANDARD", "SPE_E3"] },
        { "upn": "laura.callahan@northwind.onmicrosoft.com", "state": "deleted" }
      ] }
  ]
})";

std::map<OpStatus, int> count_by_status(const Plan& plan) {
  std::map<OpStatus, int> out;
  for (const auto& t : plan.tenants) {
    for (const auto& op : t.operations) ++out[op.status];
  }
  return out;
}

std::map<OpKind, int> ready_by_kind(const Plan& plan) {
  std::map<OpKind, int> out;
  for (const auto& t : plan.tenants) {
    for (const auto& op : t.operations) {
      if (op.status == OpStatus::Ready) ++out[op.op];
    }
  }
  return out;
}

int consumed_units(const json& state, const std::string& sku_id) {
  for (const auto& s : state["skus"]) {
    if (s["skuId"] == sku_id) return s["consumedUnits"].get<int>();
  }
  return -1;
}

// After the apply, each SKU the plan accounted for holds what the plan said it would,
// less the seats deletions freed (the plan does not count those), and never more than the
// tenant's seats.
void expect_seats_as_planned(EngineHarness& h, const Plan& plan,
                             const std::map<std::string, TenantSnapshot>& before) {
  for (const auto& t : plan.tenants) {
    json state = h.fake().state(t.tenant_id);
    const TenantSnapshot& snapshot = before.at(t.tenant_id);
    for (const auto& seat : t.seats) {
      int freed_by_deletions = 0;
      for (const auto& op : t.operations) {
        if (op.op != OpKind::Delete || op.status != OpStatus::Ready) continue;
        for (const auto& u : snapshot.users) {
          if (u.id == op.user_id && u.find_license(seat.sku_id)) ++freed_by_deletions;
        }
      }
      int consumed = consumed_units(state, seat.sku_id);
      EXPECT_EQ(consumed, seat.after_plan - freed_by_deletions) << t.tenant << " " << seat.sku;
      EXPECT_LE(consumed, seat.enabled) << t.tenant << " " << seat.sku;
    }
  }
}

// Plans `desired`, applies it, and holds the plan to its promise. Each tenant's blocked
// operations are sent when apply would have sent them: before its deletions (which free
// seats the plan does not count on), else once apply is done. Returns the service's
// refusals of them by rule, for the caller to check what was covered.
std::map<std::string, int> expect_planner_promise(EngineHarness& h, const DesiredState& desired) {
  // The service hands out grace units; the planner only when told to (safety.useGraceSeats).
  // The promise is about the service's rules, so the planner counts them here.
  PlanOptions grace;
  grace.use_grace_seats = true;
  auto built = h.plan(desired, grace);
  if (!built.ok()) {
    ADD_FAILURE() << built.error().describe();
    return {};
  }
  const Plan& plan = built->plan;
  auto statuses = count_by_status(plan);
  EXPECT_GT(statuses[OpStatus::Ready], 0);
  EXPECT_GT(statuses[OpStatus::Blocked], 0);
  std::map<std::string, TenantSnapshot> before;
  for (const auto& t : plan.tenants) before.emplace(t.tenant_id, h.snapshot(t.tenant_id));

  const std::vector<BlockedProbe> probes = blocked_probes(plan);
  std::mutex mu;
  std::set<std::string> probed;  // tenant ids, guarded by mu
  ProbeOutcome outcome;          // guarded by mu
  auto probe_tenant = [&](const std::string& tenant_id) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!probed.insert(tenant_id).second) return;
    }
    std::vector<BlockedProbe> mine;
    for (const auto& p : probes) {
      if (p.tenant_id == tenant_id) mine.push_back(p);
    }
    ProbeOutcome o = send_blocked_probes(h.directory(), mine);
    std::lock_guard<std::mutex> lock(mu);
    outcome.problems.insert(outcome.problems.end(), o.problems.begin(), o.problems.end());
    for (const auto& [rule, n] : o.refusals) outcome.refusals[rule] += n;
  };
  ExecuteOptions options;
  options.hooks.before_chunk = [&](const std::string& tenant_id, ApplyPhase phase) {
    if (phase == ApplyPhase::Delete) probe_tenant(tenant_id);
  };
  auto report = h.apply(plan, options);
  if (!report.ok()) {
    ADD_FAILURE() << report.error().describe();
    return {};
  }
  for (const auto& t : plan.tenants) probe_tenant(t.tenant_id);

  auto not_applied = ready_operations_not_applied(*report);
  EXPECT_TRUE(not_applied.empty()) << "ready operations the service did not accept:\n"
                                   << join_lines(not_applied);
  EXPECT_EQ(report->summary().applied, statuses[OpStatus::Ready]);
  EXPECT_TRUE(report->local_errors.empty());
  expect_seats_as_planned(h, plan, before);

  EXPECT_TRUE(outcome.problems.empty()) << "blocked operations the service would accept:\n"
                                        << join_lines(outcome.problems);
  int refused = 0;
  for (const auto& [rule, n] : outcome.refusals) refused += n;
  EXPECT_EQ(refused, static_cast<int>(probes.size()));
  return outcome.refusals;
}

TEST(PlannerPromiseTest, DemoReadyOperationsAreAcceptedAndBlockedOnesRefused) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  DesiredState desired = parse_desired(kDemoDesired);

  auto preview = h.plan(desired);
  ASSERT_TRUE(preview.ok()) << preview.error().describe();
  auto kinds = ready_by_kind(preview->plan);
  for (OpKind k : {OpKind::Assign, OpKind::Revoke, OpKind::Update, OpKind::Restore, OpKind::Delete,
                   OpKind::Create}) {
    EXPECT_GT(kinds[k], 0) << "no ready " << to_string(k);
  }

  auto refusals = expect_planner_promise(h, desired);
  for (const char* rule : {"seats", "usage-location", "exclusive-plans", "dependency"}) {
    EXPECT_GT(refusals[rule], 0) << "no blocked operation refused for " << rule;
  }
}

class GeneratedPlannerPromiseTest : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(GeneratedPlannerPromiseTest, ReadyOperationsAreAcceptedAndBlockedOnesRefused) {
  auto [seed, skus] = GetParam();
  EngineHarness h(generated_estate(3, 200, skus, seed));
  MirrorResult mirrored = h.mirror();
  ASSERT_TRUE(mirrored.ok());
  DesiredState desired;
  for (const auto& t : mirrored.tenants) {
    desired.tenants.push_back(challenging_desired(h.snapshot(t.tenant.id)));
  }
  auto refusals = expect_planner_promise(h, desired);
  for (const char* rule : {"seats", "usage-location", "exclusive-plans"}) {
    EXPECT_GT(refusals[rule], 0) << "no blocked operation refused for " << rule;
  }
  if (skus >= 6) {
    EXPECT_GT(refusals["dependency"], 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, GeneratedPlannerPromiseTest,
                         ::testing::Values(std::pair{1, 6}, std::pair{2, 6}, std::pair{3, 6},
                                           std::pair{4, 4}),
                         [](const auto& info) {
                           return "seed" + std::to_string(info.param.first) + "_skus" +
                                  std::to_string(info.param.second);
                         });

// Export -> desired state -> plan: no operation at all.
void expect_export_round_trip(EngineHarness& h) {
  MirrorResult mirrored = h.mirror();
  ASSERT_TRUE(mirrored.ok());
  std::vector<TenantSnapshot> snapshots;
  for (const auto& t : mirrored.tenants) snapshots.push_back(h.snapshot(t.tenant.id));
  std::string text = desired_state_to_text(export_state(snapshots));
  DesiredState exported = parse_desired(text);
  ASSERT_EQ(exported.tenants.size(), snapshots.size());
  size_t users = 0;
  for (const auto& t : exported.tenants) users += t.users.size();
  EXPECT_GT(users, 0u);

  auto built = h.plan(exported);
  ASSERT_TRUE(built.ok()) << built.error().describe();
  ASSERT_EQ(built->plan.tenants.size(), snapshots.size());
  for (const auto& t : built->plan.tenants) {
    std::string ops;
    for (const auto& op : t.operations) {
      ops += std::string(to_string(op.op)) + " " + op.user + " " + op.sku + " " +
             to_string(op.status) + " " + op.reason + "\n";
    }
    EXPECT_TRUE(t.operations.empty()) << t.tenant << ":\n" << ops;
  }
}

TEST(ExportRoundTripTest, DemoExportPlansNothing) {
  EngineHarness h(demo_estate());
  expect_export_round_trip(h);
}

TEST(ExportRoundTripTest, GeneratedTenantExportPlansNothing) {
  EngineHarness h(generated_estate(1, 300, 6, 9));
  expect_export_round_trip(h);
}

}  // namespace planner_promise_test
}  // namespace tenantsync::test
