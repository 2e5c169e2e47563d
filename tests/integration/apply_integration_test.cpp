// Apply against fake-graph (issue #7): the example desired state converges; under 429s,
// 503s and dropped connections the end state equals the fault-free run's and no write
// takes effect twice; a stale saved plan and an over-limit plan are refused with nothing
// sent; a partial failure exits 3 and lists each failure with the service's words.
#include <gtest/gtest.h>

#include <set>

#include "sync/plan/desired_loader.h"
#include "sync/report/apply_text.h"
#include "tests/integration/challenging_desired.h"
#include "tests/integration/engine_harness.h"
#include "tests/integration/mirror_comparison.h"
#include "tests/integration/other_client.h"
#include "tests/integration/planner_promise.h"

namespace tenantsync::test {
namespace apply_integration_test {

using nlohmann::json;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";
const std::string kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";

std::string contoso_upn(const std::string& name) { return name + "@" + kContoso; }

const User* find_user(const TenantSnapshot& s, const std::string& upn) {
  for (const auto& u : s.users) {
    if (u.user_principal_name == upn) return &u;
  }
  return nullptr;
}

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& l : v) out += l + "\n";
  return out;
}

TEST(ApplyIntegrationTest, ExampleDesiredStateConverges) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  auto desired = load_desired_state(std::string(TENANTSYNC_SOURCE_DIR) + "/examples/desired");
  ASSERT_TRUE(desired.ok()) << desired.error().describe();
  auto first = h.plan(*desired);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  json fabrikam_before = h.fake().state(kFabrikam);

  auto report = h.apply(first->plan);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_TRUE(ready_operations_not_applied(*report).empty())
      << lines(ready_operations_not_applied(*report));
  EXPECT_GT(report->summary().applied, 0);
  EXPECT_TRUE(report->local_errors.empty());

  // Every answer was folded into the cache: it equals the service before any new read.
  for (const auto& t : first->plan.tenants) {
    auto differences = mirror_differences(h.snapshot(t.tenant_id), h.fake().state(t.tenant_id));
    EXPECT_TRUE(differences.empty()) << t.tenant << ":\n" << join_lines(differences);
  }

  ASSERT_TRUE(h.mirror().ok());
  auto second = h.plan(*desired);
  ASSERT_TRUE(second.ok()) << second.error().describe();
  for (size_t i = 0; i < second->plan.tenants.size(); ++i) {
    const TenantPlan& t = second->plan.tenants[i];
    if (t.mode == TenantMode::Enforce) {
      EXPECT_EQ(ready_operations(t), 0) << t.tenant << " did not converge";
    } else {
      // Report mode: planned, never changed.
      EXPECT_EQ(t.operations, first->plan.tenants[i].operations) << t.tenant;
    }
  }
  EXPECT_EQ(h.fake().state(kFabrikam), fabrikam_before);
}

struct RunOutcome {
  Plan plan;
  PlanSummary summary;
  std::map<std::string, json> states;  // by tenant id
  json writes;                         // /_fake/stats/writes
  json stats;                          // /_fake/stats
};

// The fake's state with the times of deletions made during the run blanked: they are
// stamped with the fake's clock, which runs on real time.
json without_run_times(json state, const json& initial) {
  std::set<std::string> deleted_before;
  for (const auto& u : initial["deletedUsers"]) deleted_before.insert(u["id"].get<std::string>());
  for (auto& u : state["deletedUsers"]) {
    if (!deleted_before.count(u["id"].get<std::string>())) u["deletedDateTime"] = "(this run)";
  }
  return state;
}

// Mirror, plan the challenging desired state and apply it, with `faults` on the whole
// time (or none).
RunOutcome mirror_plan_apply(const json& faults) {
  EngineHarness h(generated_estate(2, 120, 6, 7), HarnessOptions{10, 8});
  std::map<std::string, json> initial;
  for (const char* t : {"tenant0001.onmicrosoft.com", "tenant0002.onmicrosoft.com"}) {
    json s = h.fake().state(t);
    initial[s["id"].get<std::string>()] = s;
  }
  h.fake().reset_stats();
  h.fake().set_faults(faults);
  RunOutcome out;
  MirrorResult mirrored = h.mirror();
  EXPECT_TRUE(mirrored.ok());
  DesiredState desired;
  for (const auto& t : mirrored.tenants) {
    desired.tenants.push_back(challenging_desired(h.snapshot(t.tenant.id)));
  }
  auto built = h.plan(desired);
  if (!built.ok()) throw std::runtime_error(built.error().describe());
  out.plan = built->plan;
  auto report = h.apply(built->plan);
  if (!report.ok()) throw std::runtime_error(report.error().describe());
  h.fake().set_faults(json::object());
  EXPECT_TRUE(ready_operations_not_applied(*report).empty())
      << lines(ready_operations_not_applied(*report));
  out.summary = report->summary();
  for (const auto& [id, state] : initial) {
    out.states[id] = without_run_times(h.fake().state(id), state);
  }
  out.writes = h.writes_by_user();
  out.stats = h.fake().stats();
  return out;
}

TEST(ApplyIntegrationTest, UnderThrottlingErrorsAndDropsTheEndStateEqualsTheFaultFreeRun) {
  RunOutcome clean = mirror_plan_apply(json::object());
  RunOutcome faulty = mirror_plan_apply({{"throttleRate", 0.3},
                                         {"errorRate", 0.1},
                                         {"dropRate", 0.05},
                                         {"retryAfterSeconds", 0.01},
                                         {"latencyMs", 1},
                                         {"seed", 17},
                                         {"maxFaultsInARow", 9}});  // maxAttempts 10
  // The faults happened.
  EXPECT_GT(faulty.stats["throttled"].get<long>(), 0);
  EXPECT_GT(faulty.stats["errors"].get<long>(), 0);
  EXPECT_GT(faulty.stats["dropped"].get<long>(), 0);

  // The same plan, the same outcome, the same tenants.
  Plan a = clean.plan, b = faulty.plan;
  a.fingerprint = b.fingerprint = "";
  EXPECT_EQ(json(a), json(b));
  EXPECT_GT(clean.summary.applied, 0);
  EXPECT_EQ(faulty.summary, clean.summary);
  for (const auto& [id, state] : clean.states) {
    EXPECT_EQ(faulty.states[id], state) << "tenant " << id;
  }

  // Creates, deletions and restores took effect exactly once, as without faults. An
  // assignLicense whose answer was dropped may reach the service twice (the client cannot
  // tell whether it arrived; sending the same adds and removes again changes nothing):
  // every extra one must be accounted for by a write that took effect behind a dropped
  // response (a dropped $batch may hold several).
  long resent = 0;
  for (const auto& [tenant, users] : faulty.writes.items()) {
    for (const auto& [user, routes] : users.items()) {
      for (const auto& [route, n] : routes.items()) {
        EXPECT_TRUE(clean.writes[tenant][user].contains(route))
            << "extra: " << user << " " << route;
        if (route.find("assignLicense") == std::string::npos) {
          EXPECT_EQ(n.get<long>(), 1) << tenant << " " << user << " " << route;
        } else {
          EXPECT_GE(n.get<long>(), 1) << tenant << " " << user << " " << route;
          resent += n.get<long>() - 1;
        }
      }
    }
  }
  EXPECT_LE(resent, faulty.stats["unansweredWrites"].get<long>());
  for (const auto& [tenant, users] : clean.writes.items()) {
    for (const auto& [user, routes] : users.items()) {
      for (const auto& [route, n] : routes.items()) {
        EXPECT_TRUE(faulty.writes[tenant][user].contains(route))
            << "lost: " << user << " " << route;
      }
    }
  }
}

// The example desired state planned and saved (`plan --out`), then read back.
Plan saved_plan(EngineHarness& h) {
  auto desired = load_desired_state(std::string(TENANTSYNC_SOURCE_DIR) + "/examples/desired");
  if (!desired.ok()) throw std::runtime_error(desired.error().describe());
  auto built = h.plan(*desired);
  if (!built.ok()) throw std::runtime_error(built.error().describe());
  auto read_back = plan_from_json(json::parse(json(built->plan).dump()));
  if (!read_back.ok()) throw std::runtime_error(read_back.error().describe());
  return std::move(read_back).value();
}

TEST(ApplyIntegrationTest, StaleSavedPlanIsRefusedWithNothingSent) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  Plan plan = saved_plan(h);
  ASSERT_TRUE(plan.has_ready_operations());

  // Someone else changes a user; the mirror before apply sees it.
  TenantSnapshot contoso = h.snapshot(kContoso);
  const User* megan = find_user(contoso, contoso_upn("megan.bowen"));
  ASSERT_NE(megan, nullptr);
  h.fake().set_licenses(kContoso, megan->id, json::array());
  ASSERT_TRUE(h.mirror().ok());
  h.fake().reset_stats();

  ExecuteOptions options;
  options.refuse_stale_plan = true;
  auto report = h.apply(plan, options);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_FALSE(report->stale.empty());
  EXPECT_EQ(report->exit_code(), 4);
  EXPECT_TRUE(report->nothing_sent());
  EXPECT_EQ(report->summary().applied, 0);
  json stats = h.fake().stats();
  EXPECT_EQ(stats["writes"], 0);
  EXPECT_EQ(write_requests(stats), 0) << stats.dump();

  // A plan saved after that mirror, with no change since, is applied.
  Plan fresh = saved_plan(h);
  ASSERT_TRUE(h.mirror().ok());
  auto applied = h.apply(fresh, options);
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_TRUE(applied->stale.empty()) << applied->stale;
  EXPECT_GT(applied->summary().applied, 0);
  EXPECT_GT(h.fake().stats()["writes"].get<long>(), 0);
}

TEST(ApplyIntegrationTest, OverLimitPlanIsRefusedWithNothingSent) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  DesiredState desired = parse_desired(R"({"version": 1, "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "managedSkus": ["SPE_E3"], "unlisted": "revoke" },
    { "tenant": "fabrikam.onmicrosoft.com", "managedSkus": ["SPE_E3"], "users": [
        { "upn": "kenji.sato@fabrikam.onmicrosoft.com", "state": "deleted" },
        { "upn": "nora.fischer@fabrikam.onmicrosoft.com", "state": "deleted" },
        { "upn": "omar.hassan@fabrikam.onmicrosoft.com", "state": "deleted" } ] } ]})");
  auto built = h.plan(desired);
  ASSERT_TRUE(built.ok()) << built.error().describe();
  h.fake().reset_stats();

  ExecuteOptions options;
  options.limits.max_revocations = 5;
  options.limits.max_deletions = 2;
  auto report = h.apply(built->plan, options);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  ASSERT_EQ(report->refusals.size(), 2u);
  EXPECT_GT(report->refusals[0].revocations, 5);
  EXPECT_NE(report->refusals[0].reason.find("--max-revocations"), std::string::npos)
      << report->refusals[0].reason;
  EXPECT_EQ(report->refusals[1].deletions, 3);
  EXPECT_NE(report->refusals[1].reason.find("--max-deletions"), std::string::npos)
      << report->refusals[1].reason;
  EXPECT_EQ(report->exit_code(), 4);
  EXPECT_TRUE(report->nothing_sent());
  json stats = h.fake().stats();
  EXPECT_EQ(stats["writes"], 0);
  EXPECT_EQ(write_requests(stats), 0) << stats.dump();

  // Within raised limits the same plan goes through.
  options.limits = {};
  auto applied = h.apply(built->plan, options);
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_TRUE(applied->refusals.empty());
  EXPECT_GT(applied->summary().applied, 5);
}

TEST(ApplyIntegrationTest, DefaultUsageLocationIsSetAndTheLicenseAssignedInOneApply) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  // Irvin has no usage location: without the default his assignment would be blocked.
  DesiredState desired = parse_desired(R"({"version": 1, "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "managedSkus": ["EMS"],
      "defaultUsageLocation": "DE", "users": [
        { "upn": "irvin.sayers@contoso.onmicrosoft.com", "licenses": ["EMS"] } ] } ]})");
  auto built = h.plan(desired);
  ASSERT_TRUE(built.ok()) << built.error().describe();
  const auto& ops = built->plan.tenants.at(0).operations;
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].op, OpKind::SetProperties);
  EXPECT_EQ(ops[1].op, OpKind::Assign);
  EXPECT_EQ(built->plan.summary().blocked, 0);

  auto report = h.apply(built->plan);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_TRUE(ready_operations_not_applied(*report).empty())
      << lines(ready_operations_not_applied(*report));
  EXPECT_EQ(report->exit_code(), 0);
  json state = h.fake().state(kContoso);
  for (const auto& u : state["users"]) {
    if (u["userPrincipalName"] != contoso_upn("irvin.sayers")) continue;
    EXPECT_EQ(u["usageLocation"], "DE");
    ASSERT_EQ(u["assignedLicenses"].size(), 1u);
    EXPECT_EQ(u["assignedLicenses"][0]["skuId"], kEms);
  }
  auto again = h.plan(desired);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->plan.has_ready_operations()) << "converged";
}

TEST(ApplyIntegrationTest, SwapThatTakesASeatWaitsForTheSwapThatFreesIt) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  // Contoso's SPE_E5 seats are all taken. Alex moves from SPE_E3 to SPE_E5 on the seat
  // Allan frees by moving from SPE_E5 to SPE_E3: two swaps, and Alex comes first by name.
  DesiredState desired = parse_desired(R"({"version": 1, "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "managedSkus": ["SPE_E3", "SPE_E5"], "users": [
        { "upn": "alex.wilber@contoso.onmicrosoft.com", "licenses": ["SPE_E5"] },
        { "upn": "allan.deyoung@contoso.onmicrosoft.com", "licenses": ["SPE_E3"] } ] } ]})");
  auto built = h.plan(desired);
  ASSERT_TRUE(built.ok()) << built.error().describe();
  ASSERT_EQ(ready_operations(built->plan.tenants.at(0)), 4);

  auto report = h.apply(built->plan);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_TRUE(ready_operations_not_applied(*report).empty())
      << lines(ready_operations_not_applied(*report));
  EXPECT_EQ(report->exit_code(), 0);
}

TEST(ApplyIntegrationTest, PartialFailureExitsThreeAndListsEachFailure) {
  EngineHarness h(demo_estate());
  ASSERT_TRUE(h.mirror().ok());
  DesiredState desired = parse_desired(R"({"version": 1, "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "managedSkus": ["EMS"], "users": [
        { "upn": "ben.walters@contoso.onmicrosoft.com", "licenses": ["EMS"] },
        { "upn": "emily.braun@contoso.onmicrosoft.com", "licenses": ["EMS"] },
        { "upn": "isaiah.langer@contoso.onmicrosoft.com", "licenses": ["EMS"] },
        { "upn": "megan.bowen@contoso.onmicrosoft.com", "licenses": ["EMS"] } ] } ]})");
  auto built = h.plan(desired);
  ASSERT_TRUE(built.ok()) << built.error().describe();
  ASSERT_EQ(ready_operations(built->plan.tenants.at(0)), 4);

  // Between plan and apply someone else deletes Emily and takes two EMS seats.
  TenantSnapshot contoso = h.snapshot(kContoso);
  OtherClient other(h, kContoso);
  other.delete_user(find_user(contoso, contoso_upn("emily.braun"))->id);
  json ems = json::array({{{"skuId", kEms}, {"disabledPlans", json::array()}}});
  other.assign_license(find_user(contoso, contoso_upn("lidia.holloway"))->id, ems);
  other.assign_license(find_user(contoso, contoso_upn("diego.siciliani"))->id, ems);

  auto report = h.apply(built->plan);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->exit_code(), 3);
  PlanSummary summary = report->summary();
  EXPECT_EQ(summary.applied, 2);
  EXPECT_EQ(summary.failed, 2);

  std::string text = render_apply_text(*report, ApplyTextOptions{true, false, nullptr});
  std::map<std::string, OperationError> failures;
  for (const auto& op : report->plan.tenants.at(0).operations) {
    if (op.status != OpStatus::Failed) continue;
    ASSERT_TRUE(op.error.has_value()) << op.user;
    failures[op.user] = *op.error;
    // Listed with the service's code and message, verbatim.
    EXPECT_NE(text.find(op.error->code + ": " + op.error->message), std::string::npos)
        << op.user << "\n"
        << text;
  }
  ASSERT_TRUE(failures.count(contoso_upn("emily.braun"))) << text;
  EXPECT_EQ(failures[contoso_upn("emily.braun")].code, "Request_ResourceNotFound");
  int seats = 0;
  for (const auto& [user, error] : failures) {
    if (error.message ==
        "Subscription with SKU " + kEms + " does not have any available licenses.") {
      EXPECT_EQ(error.code, "Request_BadRequest");
      ++seats;
    }
  }
  EXPECT_EQ(seats, 1) << text;

  // The journal keeps the same outcome, code and message for each.
  auto journal = h.cache().journal().list();
  ASSERT_TRUE(journal.ok()) << journal.error().describe();
  int journalled = 0;
  for (const auto& e : *journal) {
    if (e.plan_id != report->plan_id || e.state != JournalState::Failed) continue;
    ++journalled;
    ASSERT_TRUE(failures.count(e.user)) << e.user;
    EXPECT_EQ(e.error_code, failures[e.user].code);
    EXPECT_EQ(e.error_message, failures[e.user].message);
  }
  EXPECT_EQ(journalled, 2);
}

}  // namespace apply_integration_test
}  // namespace tenantsync::test
