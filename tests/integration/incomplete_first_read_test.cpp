// A tenant whose first full read failed part way (issue #15, item 3): a fraction of its
// users is cached, written directly because there was no earlier state to protect. Until a
// read finishes whole, nothing at all is planned for it (one note) and apply sends
// nothing; the first complete read makes it plannable again.
#include <gtest/gtest.h>

#include "sync/plan/service_rules.h"
#include "tests/integration/engine_harness.h"
#include "tests/integration/page_hook_directory.h"
#include "tests/integration/planner_promise.h"

namespace tenantsync::test {
namespace incomplete_first_read_test {

using nlohmann::json;

const std::string kTenant = "tenant0001.onmicrosoft.com";

// Everyone should hold EMS: many users of a generated tenant lack it, so a plan from any
// part of the tenant has assignments to send.
DesiredState everyone_gets_ems() {
  return parse_desired(R"({"version": 1, "tenants": [{"tenant": ")" + kTenant +
                       R"(", "managedSkus": ["EMS"], "rules": [
      { "where": { "upnSuffix": ")" +
                       kTenant + R"(" }, "licenses": ["EMS"] } ] }]})");
}

TEST(IncompleteFirstReadTest, PlansNothingAndSendsNothingUntilAReadCompletes) {
  // 2,500 users: three pages of 999; the service throttles everything after the first,
  // and a throttled read gives up after remote.throttleDeadline (1 s here).
  HarnessOptions options;
  options.throttle_deadline = std::chrono::seconds(1);
  EngineHarness h(generated_estate(1, 2500, 4, 5), options);
  PageHookDirectory failing(h.directory(), [&](int page) {
    if (page == 1) h.fake().set_faults({{"throttleRate", 1.0}, {"retryAfterSeconds", 0.001}});
  });
  MirrorResult first = mirror_tenants(failing, h.cache(), MirrorOptions{});
  h.fake().set_faults(json::object());
  ASSERT_EQ(first.tenants.size(), 1u);
  ASSERT_FALSE(first.tenants[0].ok());
  TenantSnapshot partial = h.snapshot(kTenant);
  ASSERT_EQ(partial.mirror, MirrorState::Stale);
  ASSERT_GT(partial.users.size(), 0u) << "the first page is cached";
  ASSERT_LT(partial.users.size(), 2500u);
  EXPECT_FALSE(partial.ever_complete);

  auto built = h.plan(everyone_gets_ems());
  ASSERT_TRUE(built.ok()) << built.error().describe();
  const TenantPlan& plan = built->plan.tenants.at(0);
  EXPECT_TRUE(plan.operations.empty()) << plan.operations.size() << " operations";
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("never mirrored completely"), std::string::npos) << plan.notes[0];
  EXPECT_EQ(plan.not_planned, plan.notes[0]);

  h.fake().reset_stats();
  auto report = h.apply(built->plan);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_TRUE(report->nothing_sent());
  json stats = h.fake().stats();
  EXPECT_EQ(stats["writes"], 0);
  EXPECT_EQ(write_requests(stats), 0) << stats.dump();

  // The first read that finishes whole makes the tenant plannable.
  ASSERT_TRUE(h.mirror().ok());
  EXPECT_TRUE(h.snapshot(kTenant).ever_complete);
  auto again = h.plan(everyone_gets_ems());
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_TRUE(again->plan.tenants.at(0).not_planned.empty());
  EXPECT_GT(ready_operations(again->plan.tenants.at(0)), 0);
}

}  // namespace incomplete_first_read_test
}  // namespace tenantsync::test
