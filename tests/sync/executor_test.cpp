// The executor (sync/apply/executor.h) against the in-memory remote behind the
// fault-injecting wrapper: convergence, report mode, safety limits, tenants in parallel,
// stale plans, journalled blocked operations, hooks that throw, plan ids, exit codes.
#include "tests/sync/executor_fixture.h"

namespace tenantsync {
namespace executor_test {

using namespace executor_fixture;

using ExecutorTest = ExecutorFixture;

TEST_F(ExecutorTest, ApplyConvergesAndTheNextPlanIsEmpty) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  Plan plan = h.plan(scenario_desired(kContoso));
  PlanSummary planned = plan.summary();
  EXPECT_EQ(planned.blocked, 0);
  EXPECT_EQ(planned.restore, 2);
  EXPECT_EQ(planned.create, 1);
  EXPECT_EQ(planned.del, 1);

  ApplyReport report = h.apply(plan);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_THAT(report.local_errors, IsEmpty());
  EXPECT_EQ(report.write_requests, kScenarioRequests);
  EXPECT_EQ(h.remote_state(kContoso), scenario_end_state(kContoso));
  EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
  for (const auto& [effect, count] : h.faulty.effects()) EXPECT_EQ(count, 1) << effect;

  Plan again = h.plan(scenario_desired(kContoso));
  EXPECT_FALSE(again.has_ready_operations());
  EXPECT_EQ(again.summary().blocked, 0);
}

TEST_F(ExecutorTest, AReportModeTenantIsNeverChanged) {
  h.add_tenant(kContoso, {user("alice", kContoso, {})});
  h.add_tenant(kFabrikam, {user("alice", kFabrikam, {})});
  h.mirror();
  std::string both =
      R"({"version": 1, "tenants": [
        {"tenant": ")" +
      kContoso + R"(", "mode": "report", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "alice@)" +
      kContoso + R"(", "licenses": ["SPE_E3"]}]},
        {"tenant": ")" +
      kFabrikam + R"(", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "alice@)" +
      kFabrikam + R"(", "licenses": ["SPE_E3"]}]}]})";

  ApplyReport report = h.apply(h.plan(both));

  const Operation& untouched = report.plan.tenants[0].operations.at(0);
  EXPECT_EQ(untouched.status, OpStatus::Skipped);
  EXPECT_EQ(untouched.reason, "tenant is in report mode");
  EXPECT_EQ(report.plan.tenants[1].operations.at(0).status, OpStatus::Applied);
  for (const auto& r : h.faulty.recorded()) EXPECT_EQ(r.tenant, h.tenant_id(kFabrikam));
  EXPECT_THAT(h.remote_state(kContoso).at("alice@" + kContoso), IsEmpty());
  EXPECT_EQ(report.exit_code(), 0);
}

TEST_F(ExecutorTest, ASafetyLimitRefusesTheTenantWithNothingSentAndJournalsIt) {
  h.add_tenant(kContoso, {user("a", kContoso, {kE3}), user("b", kContoso, {kE3}),
                          user("c", kContoso, {kE3}), user("d", kContoso, {})});
  h.mirror();
  Plan plan =
      h.plan(desired(kContoso, entry("d", kContoso, R"("SPE_E3")"), R"(, "unlisted": "revoke")"));
  ASSERT_EQ(plan.summary().revoke, 3);
  ExecuteOptions options;
  options.limits.max_revocations = 2;

  ApplyReport report = h.apply(plan, options);

  EXPECT_EQ(h.faulty.write_calls(), 0);
  EXPECT_TRUE(report.nothing_sent());
  EXPECT_EQ(report.exit_code(), 4);
  const std::string reason =
      "3 revocations > safety.maxRevocations 2; raise with --max-revocations 3";
  const std::string not_sent = "not sent: the tenant is over safety.maxRevocations";
  ASSERT_THAT(report.refusals, SizeIs(1));
  EXPECT_EQ(report.refusals[0].reason, reason);
  EXPECT_EQ(report.refusals[0].revocations, 3);
  // The reason once for the tenant; each operation only points at it.
  ASSERT_TRUE(report.plan.tenants[0].over_limit.has_value());
  EXPECT_EQ(report.plan.tenants[0].over_limit->message, reason);
  EXPECT_EQ(report.plan.tenants[0].over_limit->losses_of_access, 3);
  for (const auto& o : report.plan.tenants[0].operations) {
    EXPECT_EQ(o.status, OpStatus::Skipped);
    EXPECT_EQ(o.reason, not_sent);
  }
  auto journal = h.cache->journal().list();
  ASSERT_TRUE(journal.ok());
  ASSERT_THAT(*journal, SizeIs(4));
  for (const auto& e : *journal) {
    EXPECT_EQ(e.state, JournalState::Skipped);
    EXPECT_EQ(e.error_message, not_sent);
  }
}

TEST_F(ExecutorTest, ARefusedTenantBesideAChangedOneExitsPartlyDone) {
  h.add_tenant(kContoso, {user("a", kContoso, {}), user("b", kContoso, {})});
  h.add_tenant(kFabrikam, {user("a", kFabrikam, {})});
  h.mirror();
  std::string both = R"({"version": 1, "tenants": [
        {"tenant": ")" +
                     kContoso + R"(", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "a@)" +
                     kContoso + R"(", "state": "deleted"},
                   {"upn": "b@)" +
                     kContoso + R"(", "state": "deleted"}]},
        {"tenant": ")" +
                     kFabrikam + R"(", "managedSkus": ["SPE_E3"],
         "users": [{"upn": "a@)" +
                     kFabrikam + R"(", "licenses": ["SPE_E3"]}]}]})";
  ExecuteOptions options;
  options.limits.max_deletions = 1;

  ApplyReport report = h.apply(h.plan(both), options);

  ASSERT_THAT(report.refusals, SizeIs(1));
  EXPECT_EQ(report.refusals[0].tenant, kContoso);
  EXPECT_EQ(report.refusals[0].reason,
            "2 deletions > safety.maxDeletions 1; raise with --max-deletions 2");
  EXPECT_EQ(report.plan.tenants[1].operations[0].status, OpStatus::Applied);
  EXPECT_EQ(report.exit_code(), 3);
  EXPECT_EQ(h.remote.deleted_users(h.tenant_id(kContoso)).size(), 0u);
}

TEST_F(ExecutorTest, TenantsRunInParallelWithinTheConcurrencyBound) {
  std::string tenants;
  for (int i = 0; i < 8; ++i) {
    std::string domain = "t" + std::to_string(i) + ".onmicrosoft.com";
    h.add_tenant(domain, {user("a", domain, {}), user("b", domain, {kExs})});
    tenants += std::string(i ? "," : "") + R"({"tenant": ")" + domain +
               R"(", "managedSkus": ["SPE_E3", "EXCHANGESTANDARD"], "users": [)" +
               entry("a", domain, R"("SPE_E3")") + "," + entry("b", domain, R"("SPE_E3")") + "]}";
  }
  h.mirror();
  Plan plan = h.plan(R"({"version": 1, "tenants": [)" + tenants + "]}");
  h.faulty.on_write([](const std::string&, const std::vector<WriteRequest>&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  ExecuteOptions options;
  options.concurrency = 3;
  std::mutex mu;
  int progress_calls = 0;
  options.progress = [&](const ApplyProgress&) {
    std::lock_guard<std::mutex> lock(mu);
    ++progress_calls;
  };

  ApplyReport report = h.apply(plan, options);

  EXPECT_THAT(statuses(report), Each(OpStatus::Applied));
  EXPECT_EQ(report.summary().applied, 8 * 3);
  EXPECT_LE(h.faulty.max_concurrent_calls(), 3);
  EXPECT_GE(h.faulty.max_concurrent_calls(), 2);
  EXPECT_GT(progress_calls, 0);
}

TEST_F(ExecutorTest, AStalePlanIsRefusedWithNothingSent) {
  h.add_tenant(kContoso, {user("a", kContoso, {})});
  h.mirror();
  Plan plan = h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")")));
  h.remote.put_user(h.tenant_id(kContoso), user("z", kContoso, {}));
  h.mirror();
  ExecuteOptions options;
  options.refuse_stale_plan = true;

  ApplyReport report = h.apply(plan, options);

  EXPECT_THAT(report.stale, HasSubstr("the cache changed since the plan was computed"));
  EXPECT_EQ(h.faulty.write_calls(), 0);
  EXPECT_EQ(report.exit_code(), 4);
  EXPECT_EQ(report.plan.tenants[0].operations[0].status, OpStatus::Skipped);
}

TEST_F(ExecutorTest, AnUnchangedPlanIsNotStale) {
  h.add_tenant(kContoso, {user("a", kContoso, {})});
  h.mirror();
  ExecuteOptions options;
  options.refuse_stale_plan = true;

  ApplyReport report =
      h.apply(h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")"))), options);

  EXPECT_TRUE(report.stale.empty());
  EXPECT_EQ(report.exit_code(), 0);
}

TEST_F(ExecutorTest, BlockedOperationsAreJournalledAndNotSent) {
  h.add_tenant(kContoso, {user("a", kContoso, {}), user("b", kContoso, {})}, {}, test_skus(1));
  h.mirror();
  Plan plan = h.plan(desired(
      kContoso, entry("a", kContoso, R"("SPE_E3")") + "," + entry("b", kContoso, R"("SPE_E3")")));
  ASSERT_EQ(plan.summary().blocked, 1);

  ApplyReport report = h.apply(plan);

  EXPECT_EQ(h.faulty.requests(), 1);
  EXPECT_EQ(report.exit_code(), 3);
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  ASSERT_THAT(*entries, SizeIs(2));
  EXPECT_EQ(entries->at(1).state, JournalState::Blocked);
  EXPECT_THAT(entries->at(1).error_message, HasSubstr("seat"));
}

TEST_F(ExecutorTest, NothingToDoExitsZeroAndSendsNothing) {
  h.add_tenant(kContoso, {user("a", kContoso, {kE3})});
  h.mirror();
  ApplyReport report = h.apply(h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")"))));
  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_TRUE(report.nothing_sent());
  EXPECT_EQ(h.faulty.write_calls(), 0);
}

TEST_F(ExecutorTest, AnExceptionInAHookStopsTheRunAndReachesTheCaller) {
  h.add_scenario_tenant(kContoso);
  h.mirror();
  ExecuteOptions options;
  options.plan_id = "crashing";
  options.passwords.generate = [](const Operation&) { return std::string("Tmp!Passw0rd"); };
  options.hooks.after_write = [](const std::string&, ApplyPhase phase) {
    if (phase == ApplyPhase::FreeSeats) throw SimulatedCrash();
  };
  Plan plan = h.plan(scenario_desired(kContoso));

  EXPECT_THROW(execute_plan(plan, h.faulty, *h.cache, h.clock, options), SimulatedCrash);
  EXPECT_EQ(h.faulty.write_calls(), 2);  // nothing after the crash
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_FALSE(unfinished->empty());
}

TEST_F(ExecutorTest, AGeneratedPlanIdNamesTheJournalEntries) {
  h.add_tenant(kContoso, {user("a", kContoso, {})});
  h.mirror();
  Plan plan = h.plan(desired(kContoso, entry("a", kContoso, R"("SPE_E3")")));
  auto report = execute_plan(plan, h.faulty, *h.cache, h.clock, {});
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->plan_id, HasSubstr("apply-2026-11-20T00:00:00Z-"));
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->at(0).plan_id, report->plan_id);
}

// ---- exit codes ----

ApplyReport report_with(std::vector<OpStatus> statuses, TenantMode mode = TenantMode::Enforce) {
  ApplyReport r;
  TenantPlan t;
  t.mode = mode;
  for (auto s : statuses) {
    Operation o;
    o.status = s;
    t.operations.push_back(o);
  }
  r.plan.tenants.push_back(t);
  return r;
}

TEST(ApplyExitCodeTest, FollowsTheCliContract) {
  EXPECT_EQ(report_with({}).exit_code(), 0);
  EXPECT_EQ(report_with({OpStatus::Applied, OpStatus::Applied}).exit_code(), 0);
  EXPECT_EQ(report_with({OpStatus::Applied, OpStatus::Failed}).exit_code(), 3);
  EXPECT_EQ(report_with({OpStatus::Applied, OpStatus::Blocked}).exit_code(), 3);
  EXPECT_EQ(report_with({OpStatus::Skipped}).exit_code(), 3);
  EXPECT_EQ(report_with({OpStatus::Skipped, OpStatus::Blocked}, TenantMode::Report).exit_code(), 0);

  ApplyReport refused = report_with({OpStatus::Skipped});
  refused.refusals.push_back({"contoso", "id", 3, 0, "3 revocations > ..."});
  EXPECT_EQ(refused.exit_code(), 4);
  refused.write_requests = 1;
  EXPECT_EQ(refused.exit_code(), 3);

  ApplyReport stale = report_with({OpStatus::Skipped});
  stale.stale = "the cache changed";
  EXPECT_EQ(stale.exit_code(), 4);

  ApplyReport local = report_with({OpStatus::Applied});
  local.local_errors.push_back(make_error(ErrorKind::Io, "disk full"));
  EXPECT_EQ(local.exit_code(), 1);
}

// An enforce tenant apply could not plan, or planned only from a stale mirror, is not
// done, whatever the other tenants did: partly done, as `run` calls the same cycle.
TEST(ApplyExitCodeTest, ATenantNotPlannedOrPlannedFromAStaleMirrorIsPartlyDone) {
  for (TenantMode mode : {TenantMode::Enforce, TenantMode::Report}) {
    ApplyReport not_planned = report_with({}, mode);
    not_planned.plan.tenants[0].not_planned = "tenant was never mirrored; run mirror";
    ApplyReport stale = report_with({OpStatus::Applied}, mode);
    stale.plan.tenants[0].stale = "tenant mirror is stale: 503; re-run mirror";
    int expected = mode == TenantMode::Enforce ? 3 : 0;  // apply never changes report tenants
    EXPECT_EQ(not_planned.exit_code(), expected);
    EXPECT_EQ(stale.exit_code(), expected);
  }
}

}  // namespace executor_test
}  // namespace tenantsync
