// One reconcile cycle of `tenantsync run` against the in-memory remote: enforce tenants
// are put right, report tenants only reported, a quiet second cycle sends nothing, a
// stop request before apply sends nothing, a failing tenant does not stop the others.
#include "sync/run/reconcile_cycle.h"

#include "sync/run/cycle_outcome.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/desired_state.h"
#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace reconcile_cycle_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";

User user(const std::string& name, const std::string& domain, std::vector<std::string> skus) {
  return make_user("id-" + name + "-" + domain, name + "@" + domain, skus);
}

// Contoso (enforce) and Fabrikam (report) both want alice to hold SPE_E3.
DesiredState both_want_alice_licensed() {
  std::string text = R"({"version": 1, "tenants": [
    {"tenant": ")" + kContoso +
                     R"(", "managedSkus": ["SPE_E3"],
     "users": [{"upn": "alice@)" +
                     kContoso + R"(", "licenses": ["SPE_E3"]}]},
    {"tenant": ")" + kFabrikam +
                     R"(", "mode": "report", "managedSkus": ["SPE_E3"],
     "users": [{"upn": "alice@)" +
                     kFabrikam + R"(", "licenses": ["SPE_E3"]}]}]})";
  auto desired = parse_desired_state(text, "desired.json");
  EXPECT_TRUE(desired.ok());
  return *desired;
}

int items_of(const DriftReport& report, const std::string& tenant) {
  for (const auto& t : report.tenants) {
    if (t.tenant == tenant) return t.totals.items;
  }
  return -1;
}

class ReconcileCycleTest : public ::testing::Test {
 protected:
  ReconcileCycleTest() {
    h.add_tenant(kContoso, {user("alice", kContoso, {})});
    h.add_tenant(kFabrikam, {user("alice", kFabrikam, {})});
  }
  CycleResult cycle(const std::atomic<bool>* interrupt = nullptr) {
    CycleOptions options;
    options.interrupt = interrupt;
    return run_reconcile_cycle(h.faulty, *h.cache, h.clock, desired, options);
  }

  ApplyHarness h;
  DesiredState desired = both_want_alice_licensed();
};

TEST_F(ReconcileCycleTest, PutsEnforceTenantsRightAndOnlyReportsReportTenants) {
  CycleResult c = cycle();

  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_TRUE(c.mirror.ok());
  EXPECT_EQ(items_of(c.found, kContoso), 1);
  EXPECT_EQ(items_of(c.found, kFabrikam), 1);
  EXPECT_EQ(items_of(c.left, kContoso), 0);
  EXPECT_EQ(items_of(c.left, kFabrikam), 1);
  ASSERT_TRUE(c.apply);
  EXPECT_EQ(c.apply->summary().applied, 1);
  EXPECT_THAT(h.remote_state(kContoso).at("alice@" + kContoso), ElementsAre("SPE_E3"));
  EXPECT_THAT(h.remote_state(kFabrikam).at("alice@" + kFabrikam), IsEmpty());
  for (const auto& r : h.faulty.recorded()) EXPECT_EQ(r.tenant, h.tenant_id(kContoso));
  // Report tenants leave no trace in the journal: nothing was meant to be sent.
  auto journal = h.cache->journal().list();
  ASSERT_TRUE(journal.ok());
  ASSERT_EQ(journal->size(), 1u);
  EXPECT_EQ(journal->at(0).tenant, kContoso);
  EXPECT_EQ(c.exit_code(), 0);
  EXPECT_EQ(cycle_outcome(c).status, CycleStatus::Drift);  // Fabrikam's drift stays
}

TEST_F(ReconcileCycleTest, ASecondCycleWithoutRemoteChangesSendsNothing) {
  cycle();
  size_t sent = h.faulty.recorded().size();

  CycleResult again = cycle();

  EXPECT_FALSE(again.apply);
  EXPECT_EQ(h.faulty.recorded().size(), sent);
  EXPECT_EQ(items_of(again.found, kContoso), 0);
  EXPECT_EQ(items_of(again.left, kFabrikam), 1);  // still reported, never changed
  EXPECT_EQ(again.exit_code(), 0);
}

TEST_F(ReconcileCycleTest, AnOutOfBandChangeIsPutBackInTheNextCycle) {
  cycle();
  h.remote.put_user(h.tenant_id(kContoso), user("alice", kContoso, {}));

  CycleResult next = cycle();

  EXPECT_EQ(items_of(next.found, kContoso), 1);
  EXPECT_EQ(items_of(next.left, kContoso), 0);
  EXPECT_THAT(h.remote_state(kContoso).at("alice@" + kContoso), ElementsAre("SPE_E3"));
}

TEST_F(ReconcileCycleTest, AStopRequestedBeforeApplySendsNothing) {
  std::atomic<bool> stop{true};

  CycleResult c = cycle(&stop);

  EXPECT_TRUE(c.interrupted);
  EXPECT_FALSE(c.apply);
  EXPECT_THAT(h.faulty.recorded(), IsEmpty());
  EXPECT_EQ(items_of(c.left, kContoso), 1);
}

// SIGTERM during apply: the $batch in flight finishes, nothing after it is sent.
TEST_F(ReconcileCycleTest, AStopRequestedDuringApplySendsNoMoreThanTheBatchInFlight) {
  std::vector<User> users;
  std::string entries;
  for (int i = 0; i < 45; ++i) {
    std::string name = "u" + std::to_string(i);
    users.push_back(user(name, kContoso, {}));
    entries += std::string(i ? "," : "") + R"({"upn": ")" + name + "@" + kContoso +
               R"(", "licenses": ["SPE_E3"]})";
  }
  h.add_tenant(kContoso, users);
  auto many =
      parse_desired_state(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                              R"(", "managedSkus": ["SPE_E3"], "users": [)" + entries + "]}]}",
                          "desired.json");
  ASSERT_TRUE(many.ok()) << many.error().message;
  desired = *many;
  std::atomic<bool> stop{false};
  h.faulty.on_write([&](const std::string&, const std::vector<WriteRequest>&) { stop = true; });

  CycleResult c = cycle(&stop);

  EXPECT_TRUE(c.interrupted);
  ASSERT_TRUE(c.apply);
  EXPECT_LE(h.faulty.recorded().size(), 20u);  // one $batch
  EXPECT_GE(c.apply->summary().skipped, 25);
}

TEST_F(ReconcileCycleTest, ATenantWhoseMirrorFailsDoesNotStopTheOthers) {
  h.remote.fail_skus(h.tenant_id(kFabrikam),
                     make_error(ErrorKind::Transient, "connection dropped"));

  CycleResult c = cycle();

  EXPECT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.mirror.failed(), 1);
  EXPECT_EQ(cycle_outcome(c).status, CycleStatus::Partial);
  EXPECT_EQ(c.exit_code(), 3);
  EXPECT_THAT(h.remote_state(kContoso).at("alice@" + kContoso), ElementsAre("SPE_E3"));
  // Fabrikam was not read: its drift is unknown, never "no drift".
  for (const auto* report : {&c.found, &c.left}) {
    ASSERT_EQ(report->tenants.size(), 2u);
    const TenantDrift& fabrikam = report->tenants[1];
    EXPECT_EQ(fabrikam.tenant, kFabrikam);
    EXPECT_THAT(fabrikam.not_planned, ::testing::HasSubstr("connection dropped"));
    EXPECT_THAT(fabrikam.items, IsEmpty());
    EXPECT_EQ(report->tenants_not_planned, 1);
    EXPECT_TRUE(has_drift(*report));
  }
}

// What an interrupted apply left in Contoso cannot be settled (its users cannot be read):
// Contoso gets nothing new and is reported not planned, Fabrikam is applied as usual.
TEST_F(ReconcileCycleTest, ATenantWhoseInterruptedOperationsCannotBeSettledHoldsUpOnlyItself) {
  h.remote.put_user(h.tenant_id(kContoso), user("bob", kContoso, {}));
  h.mirror();
  h.faulty.crash_after_requests(1);
  EXPECT_THROW(h.apply(h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                              R"(", "managedSkus": ["SPE_E3"], "users": [{"upn": "alice@)" +
                              kContoso + R"(", "licenses": ["SPE_E3"]}]}]})")),
               SimulatedCrash);
  h.faulty.fail_get_user(make_error(ErrorKind::Transient, "connection reset"), 100);
  auto both = parse_desired_state(
      R"({"version": 1, "tenants": [
        {"tenant": ")" +
          kContoso + R"(", "managedSkus": ["SPE_E3"], "users": [
          {"upn": "alice@)" +
          kContoso + R"(", "licenses": ["SPE_E3"]},
          {"upn": "bob@)" +
          kContoso + R"(", "licenses": ["SPE_E3"]}]},
        {"tenant": ")" +
          kFabrikam + R"(", "managedSkus": ["SPE_E3"], "users": [
          {"upn": "alice@)" +
          kFabrikam + R"(", "licenses": ["SPE_E3"]}]}]})",
      "desired.json");
  ASSERT_TRUE(both.ok()) << both.error().message;
  const size_t sent_before = h.faulty.recorded().size();

  CycleResult c = run_reconcile_cycle(h.faulty, *h.cache, h.clock, *both, CycleOptions{});

  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_THAT(c.unsettled, ElementsAre(kContoso));
  auto sent = h.faulty.recorded();
  ASSERT_GT(sent.size(), sent_before);
  for (size_t i = sent_before; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].tenant, h.tenant_id(kFabrikam)) << "nothing new to Contoso";
  }
  EXPECT_THAT(h.remote_state(kFabrikam).at("alice@" + kFabrikam), ElementsAre("SPE_E3"));
  EXPECT_THAT(h.remote_state(kContoso).at("bob@" + kContoso), IsEmpty());
  EXPECT_EQ(cycle_outcome(c).status, CycleStatus::Partial);
  EXPECT_EQ(c.exit_code(), 3);
  ASSERT_EQ(c.left.tenants.size(), 2u);
  EXPECT_EQ(c.left.tenants[0].tenant, kContoso);
  EXPECT_THAT(c.left.tenants[0].not_planned, ::testing::HasSubstr("could not be settled"));
  EXPECT_TRUE(c.left.tenants[1].not_planned.empty());
}

TEST_F(ReconcileCycleTest, ACycleThatCannotReadAnyTenantFails) {
  for (const auto& t : {kContoso, kFabrikam}) {
    h.remote.fail_skus(h.tenant_id(t), make_error(ErrorKind::Auth, "AADSTS7000215: bad secret"));
  }
  CycleResult c = cycle();
  CycleOutcome o = cycle_outcome(c);
  EXPECT_EQ(o.status, CycleStatus::Failed);
  EXPECT_THAT(o.error, ::testing::HasSubstr("AADSTS7000215"));
  EXPECT_EQ(c.exit_code(), 1);
  EXPECT_THAT(h.faulty.recorded(), IsEmpty());
}

}  // namespace reconcile_cycle_test
}  // namespace tenantsync
