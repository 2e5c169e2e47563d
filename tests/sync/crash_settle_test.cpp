// Crash safety of apply: the executor is stopped part way (after k requests took effect,
// with their results lost; after results were folded but not journalled; at a chunk
// boundary), then the next run settles the journal (sending nothing), plans afresh from
// the refreshed cache and applies. The remote must end exactly as a fault-free run
// leaves it, with every write having taken effect exactly once, and the cache must match
// the remote. And what counts after a crash is the desired state as it is now: nothing of
// the interrupted plan is ever sent again.
#include "sync/apply/journal_settle.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace crash_settle_test {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";

std::vector<std::string> keys(const std::map<std::string, int>& effects) {
  std::vector<std::string> out;
  for (const auto& [k, n] : effects) out.push_back(k);
  return out;
}

// The effects a fault-free run of the scenario has, in tenant `domain`.
std::vector<std::string> fault_free_effects(const std::vector<std::string>& domains) {
  ApplyHarness h;
  for (const auto& d : domains) h.add_scenario_tenant(d);
  h.mirror();
  for (const auto& d : domains) {
    ApplyReport r = h.apply(h.plan(scenario_desired(d)));
    EXPECT_EQ(r.exit_code(), 0);
  }
  return keys(h.faulty.effects());
}

std::string two_tenants_desired() {
  // Both scenario tenants in one document.
  auto inner = [](const std::string& d) {
    std::string s = scenario_desired(d);
    size_t open = s.find("[{");
    size_t close = s.rfind("}]");
    return s.substr(open + 1, close - open);
  };
  return R"({"version": 1, "tenants": [)" + inner(kContoso) + "," + inner(kFabrikam) + "]}";
}

enum class CrashPoint {
  AfterRequests,  // the wrapper dies after k requests took effect (results lost)
  AfterFold,      // the k-th chunk's results are in the cache, not in the journal
  BeforeChunk,    // before the k-th chunk is marked sending (k-1 chunks fully recorded)
};

struct CrashCase {
  const char* name;
  CrashPoint point;
  int k;
};

void PrintTo(const CrashCase& c, std::ostream* os) { *os << c.name; }

class CrashSettleTest : public ::testing::TestWithParam<CrashCase> {};

// Arms the crash; returns the options to apply with.
ExecuteOptions arm(ApplyHarness& h, const CrashCase& c, int* chunks) {
  ExecuteOptions options;
  switch (c.point) {
    case CrashPoint::AfterRequests:
      h.faulty.crash_after_requests(c.k);
      break;
    case CrashPoint::AfterFold:
      options.hooks.after_fold = [chunks, k = c.k](const std::string&, ApplyPhase) {
        if (++*chunks == k) throw SimulatedCrash();
      };
      break;
    case CrashPoint::BeforeChunk:
      options.hooks.before_chunk = [chunks, k = c.k](const std::string&, ApplyPhase) {
        if (++*chunks == k) throw SimulatedCrash();
      };
      break;
  }
  return options;
}

TEST_P(CrashSettleTest, SettleAndReplanEndLikeAFaultFreeRunWithEachWriteOnce) {
  const CrashCase& c = GetParam();
  ApplyHarness h;
  h.add_scenario_tenant(kContoso);
  h.mirror();
  Plan plan = h.plan(scenario_desired(kContoso));
  int chunks = 0;
  ExecuteOptions options = arm(h, c, &chunks);

  EXPECT_THROW(h.apply(plan, options), SimulatedCrash);

  // The next run: settle (sends nothing), plan again from the cache (no mirror), apply.
  int sent = h.faulty.requests();
  SettleReport settled = h.settle();
  EXPECT_EQ(h.faulty.requests(), sent);
  EXPECT_EQ(settled.unresolved, 0);
  EXPECT_THAT(settled.local_errors, IsEmpty());
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(*unfinished, IsEmpty());

  Plan again = h.plan(scenario_desired(kContoso));
  EXPECT_EQ(again.summary().blocked, 0);
  ApplyReport second = h.apply(again);
  EXPECT_EQ(second.exit_code(), 0);

  EXPECT_EQ(h.remote_state(kContoso), scenario_end_state(kContoso));
  EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
  auto effects = h.faulty.effects();
  for (const auto& [effect, count] : effects) EXPECT_EQ(count, 1) << effect;
  EXPECT_EQ(keys(effects), fault_free_effects({kContoso}));
  EXPECT_FALSE(h.plan(scenario_desired(kContoso)).has_ready_operations());
}

INSTANTIATE_TEST_SUITE_P(
    CrashAtEveryKindOfPoint, CrashSettleTest,
    ::testing::Values(CrashCase{"before_any_request", CrashPoint::AfterRequests, 0},
                      CrashCase{"after_1_request", CrashPoint::AfterRequests, 1},
                      CrashCase{"after_3_requests", CrashPoint::AfterRequests, 3},
                      CrashCase{"after_5_requests", CrashPoint::AfterRequests, 5},
                      CrashCase{"after_7_requests", CrashPoint::AfterRequests, 7},
                      CrashCase{"after_10_requests", CrashPoint::AfterRequests,
                                kScenarioRequests - 1},
                      CrashCase{"folded_not_journalled_chunk_1", CrashPoint::AfterFold, 1},
                      CrashCase{"folded_not_journalled_chunk_3", CrashPoint::AfterFold, 3},
                      CrashCase{"folded_not_journalled_chunk_5", CrashPoint::AfterFold, 5},
                      CrashCase{"before_chunk_1", CrashPoint::BeforeChunk, 1},
                      CrashCase{"before_chunk_2", CrashPoint::BeforeChunk, 2},
                      CrashCase{"before_chunk_4", CrashPoint::BeforeChunk, 4},
                      CrashCase{"before_chunk_5", CrashPoint::BeforeChunk, 5}),
    [](const ::testing::TestParamInfo<CrashCase>& info) { return std::string(info.param.name); });

TEST(CrashSettleTwoTenantsTest, AParallelApplyKilledMidwayConverges) {
  for (int k : {2, 9, 15}) {
    SCOPED_TRACE("crash after " + std::to_string(k) + " requests");
    ApplyHarness h;
    h.add_scenario_tenant(kContoso);
    h.add_scenario_tenant(kFabrikam);
    h.mirror();
    Plan plan = h.plan(two_tenants_desired());
    ExecuteOptions options;
    options.concurrency = 2;
    h.faulty.crash_after_requests(k);

    EXPECT_THROW(h.apply(plan, options), SimulatedCrash);
    SettleReport settled = h.settle();
    EXPECT_EQ(settled.unresolved, 0);
    ApplyReport second = h.apply(h.plan(two_tenants_desired()), options);

    EXPECT_EQ(second.exit_code(), 0);
    for (const auto& d : {kContoso, kFabrikam}) {
      EXPECT_EQ(h.remote_state(d), scenario_end_state(d));
      EXPECT_EQ(h.cache_state(d), h.remote_state(d));
    }
    auto effects = h.faulty.effects();
    for (const auto& [effect, count] : effects) EXPECT_EQ(count, 1) << effect;
    EXPECT_EQ(keys(effects), fault_free_effects({kContoso, kFabrikam}));
  }
}

std::string one_user_desired(const std::string& upn, const std::string& licenses,
                             const std::string& mode = "enforce") {
  return R"({"version": 1, "tenants": [{"tenant": ")" + kContoso + R"(", "mode": ")" + mode +
         R"(", "managedSkus": ["SPE_E3", "EXCHANGESTANDARD"], "users": [{"upn": ")" + upn +
         R"(", "licenses": )" + licenses + "}]}]}";
}

// Contoso with one user, a, and an apply of SPE_E3 to a killed after its one request took
// effect (the answer lost): one journal entry left `sending`.
void crash_after_assigning_e3(ApplyHarness& h) {
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {})});
  h.mirror();
  h.faulty.crash_after_requests(1);
  EXPECT_THROW(h.apply(h.plan(one_user_desired("a@" + kContoso, R"(["SPE_E3"])"))), SimulatedCrash);
}

TEST(CrashSettleSingleTest, AWriteThatTookEffectIsConfirmedByReadingNotResent) {
  ApplyHarness h;
  crash_after_assigning_e3(h);
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_THAT(*unfinished, SizeIs(1));
  EXPECT_EQ(unfinished->at(0).state, JournalState::Sending);
  int sent = h.faulty.requests();

  SettleReport settled = h.settle();

  EXPECT_EQ(settled.took_effect, 1);
  EXPECT_EQ(settled.users_read, 1);
  EXPECT_EQ(h.faulty.requests(), sent);
  ASSERT_THAT(settled.entries, SizeIs(1));
  EXPECT_EQ(settled.entries[0].outcome, JournalState::Applied);
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->at(0).state, JournalState::Applied);
  EXPECT_EQ(entries->at(0).error_message, kTookEffectBeforeInterruption);
  EXPECT_EQ(h.cache_state(kContoso).at("a@" + kContoso), LicenseView{"SPE_E3"});
}

TEST(CrashSettleSingleTest, ASetThatTookEffectIsConfirmedAndTheAssignmentPlannedAfresh) {
  ApplyHarness h;
  User a = make_user("id-a", "a@" + kContoso, {});
  a.usage_location.reset();
  h.add_tenant(kContoso, {a});
  h.mirror();
  h.faulty.crash_after_requests(1);  // the PATCH took effect, its answer was lost
  std::string desired = R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                        R"(", "managedSkus": ["SPE_E3"], "users": [{"upn": "a@)" + kContoso +
                        R"(", "usageLocation": "DE", "licenses": ["SPE_E3"]}]}]})";
  EXPECT_THROW(h.apply(h.plan(desired)), SimulatedCrash);
  int sent = h.faulty.requests();

  SettleReport settled = h.settle();

  EXPECT_EQ(h.faulty.requests(), sent);
  EXPECT_EQ(settled.took_effect, 1);
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  ASSERT_THAT(*entries, SizeIs(2));
  EXPECT_EQ(entries->at(0).op, OpKind::SetProperties);
  EXPECT_EQ(entries->at(0).state, JournalState::Applied);
  EXPECT_EQ(entries->at(1).state, JournalState::Skipped);  // the assignment never left
  Plan again = h.plan(desired);
  ASSERT_THAT(again.tenants[0].operations, SizeIs(1));
  EXPECT_EQ(again.tenants[0].operations[0].op, OpKind::Assign);
  EXPECT_EQ(again.tenants[0].operations[0].status, OpStatus::Ready);
}

// A role given right after a create, cut short by a crash; meanwhile the desired state
// drops the user. Settle confirms both from the service (the role by its assignments)
// and sends nothing; the new plan sends nothing either.
TEST(CrashSettleSingleTest, ARoleCutShortIsConfirmedAndNothingTheNewPlanLacksIsSent) {
  ApplyHarness h;
  h.add_tenant(kContoso, {});
  h.remote.set_roles(h.tenant_id(kContoso), {{"role-reports", "Reports Reader", true, false}});
  h.mirror();
  h.faulty.crash_after_requests(2);  // the create and the role took effect, answers lost
  std::string desired = R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                        R"(", "managedSkus": ["SPE_E3"], "users": [{"upn": "n@)" + kContoso +
                        R"(", "licenses": [], "create": {"displayName": "N",
                        "roles": ["Reports Reader"]}}]}]})";
  EXPECT_THROW(h.apply(h.plan(desired)), SimulatedCrash);
  int sent = h.faulty.requests();

  SettleReport settled = h.settle();
  EXPECT_EQ(h.faulty.requests(), sent);
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  ASSERT_THAT(*entries, SizeIs(2));
  for (const auto& e : *entries) EXPECT_EQ(e.state, JournalState::Applied) << to_string(e.op);
  EXPECT_EQ(entries->at(1).op, OpKind::AddRole);

  std::string without = R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                        R"(", "managedSkus": ["SPE_E3"], "users": []}]})";
  Plan now = h.plan(without);
  EXPECT_TRUE(now.tenants[0].operations.empty());
  h.apply(now);
  EXPECT_EQ(h.faulty.requests(), sent);
  EXPECT_THAT(h.remote.held_roles(h.tenant_id(kContoso)), SizeIs(1));
}

TEST(CrashSettleSingleTest, AWriteThatDidNotTakeEffectIsClosedAndNeverResent) {
  ApplyHarness h;
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {kExs})});
  h.mirror();
  h.faulty.crash_after_requests(0);  // the swap was sent, and lost on the way
  EXPECT_THROW(h.apply(h.plan(one_user_desired("a@" + kContoso, R"(["SPE_E3"])"))), SimulatedCrash);
  int sent = h.faulty.requests();

  SettleReport settled = h.settle();

  EXPECT_EQ(h.faulty.requests(), sent);
  EXPECT_EQ(settled.no_effect, 2);  // the revocation and the assignment of one call
  EXPECT_EQ(settled.took_effect, 0);
  for (const auto& e : settled.entries) EXPECT_EQ(e.note, kNoEffectNotResent);
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(*unfinished, IsEmpty());
  EXPECT_EQ(h.remote_state(kContoso).at("a@" + kContoso), LicenseView{"EXCHANGESTANDARD"});
}

// The reported failure: an apply interrupted part way, the tenant then switched to report
// mode. Nothing of the old plan may be sent, by settling or by the next apply.
TEST(CrashSettleSingleTest, AfterACrashOnlyTheCurrentDesiredStateCounts) {
  for (int k : {0, 1, 4, 8}) {
    SCOPED_TRACE("crash after " + std::to_string(k) + " requests");
    ApplyHarness h;
    h.add_scenario_tenant(kContoso);
    h.mirror();
    h.faulty.crash_after_requests(k);
    EXPECT_THROW(h.apply(h.plan(scenario_desired(kContoso))), SimulatedCrash);
    StateView after_crash = h.remote_state(kContoso);
    int sent = h.faulty.requests();

    SettleReport settled = h.settle();
    std::string report_mode = scenario_desired(kContoso);
    size_t at = report_mode.find(R"("tenant")");
    ASSERT_NE(at, std::string::npos);
    report_mode.insert(at, R"("mode": "report", )");
    ApplyReport next = h.apply(h.plan(report_mode));

    EXPECT_EQ(settled.unresolved, 0);
    EXPECT_EQ(h.faulty.requests(), sent);
    EXPECT_TRUE(next.nothing_sent());
    EXPECT_EQ(h.remote_state(kContoso), after_crash);
    EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
  }
}

TEST(CrashSettleSingleTest, EntriesThatNeverLeftAreClosedAsNotSent) {
  ApplyHarness h;
  h.add_scenario_tenant(kContoso);
  h.mirror();
  ExecuteOptions options;
  options.chunk_size = 1;
  int chunks = 0;
  options.hooks.before_chunk = [&chunks](const std::string&, ApplyPhase) {
    if (++chunks == 3) throw SimulatedCrash();
  };
  EXPECT_THROW(h.apply(h.plan(scenario_desired(kContoso)), options), SimulatedCrash);

  SettleReport settled = h.settle();

  EXPECT_GT(settled.never_sent, 0);
  EXPECT_EQ(settled.no_effect, 0);
  EXPECT_EQ(h.faulty.get_user_calls(), 0);  // nothing was in flight: nothing to read
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  int closed = 0;
  for (const auto& e : *entries) {
    if (e.error_message == kNotSentInterrupted) {
      EXPECT_EQ(e.state, JournalState::Skipped);
      ++closed;
    }
  }
  EXPECT_EQ(closed, settled.never_sent);
  EXPECT_THAT(settled.summary(), HasSubstr("were never sent; none is sent again."));
}

TEST(CrashSettleSingleTest, ACreateThatNeverHappenedIsLeftToTheNextPlan) {
  ApplyHarness h;
  h.add_tenant(kContoso, {});
  h.mirror();
  const std::string desired = R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                              R"(", "managedSkus": ["SPE_E3"], "users": [{"upn": "new@)" +
                              kContoso + R"(", "licenses": ["SPE_E3"],
                          "create": {"displayName": "New", "usageLocation": "US"}}]}]})";
  h.faulty.crash_after_requests(0);
  EXPECT_THROW(h.apply(h.plan(desired)), SimulatedCrash);

  SettleReport settled = h.settle();

  for (const auto& e : settled.entries) EXPECT_EQ(e.outcome, JournalState::Skipped);
  EXPECT_EQ(h.faulty.applied_requests(), 0);
  EXPECT_EQ(h.plan(desired).summary().create, 1);  // the next plan creates it
}

TEST(CrashSettleSingleTest, AnUnreadableUserLeavesItsEntriesForALaterSettle) {
  ApplyHarness h;
  crash_after_assigning_e3(h);
  h.faulty.fail_get_user(make_error(ErrorKind::Transient, "connection reset"));

  SettleReport first = h.settle();

  EXPECT_EQ(first.unresolved, 1);
  ASSERT_THAT(first.unsettled_tenants, SizeIs(1));
  EXPECT_EQ(first.unsettled_tenants[0].tenant, kContoso);
  EXPECT_EQ(first.unsettled_tenants[0].tenant_id, h.tenant_id(kContoso));
  EXPECT_EQ(first.unsettled_tenants[0].entries, 1);
  EXPECT_EQ(first.unsettled_tenants[0].why, "1 user could not be read (connection reset)");
  EXPECT_EQ(first.users_read, 0) << "a read that failed is not a user read";
  // Never "Settled 1 operation" when it was not: what stays open, and why.
  EXPECT_EQ(first.summary(),
            "Could not settle the 1 operation an interrupted run left unfinished: they stay "
            "open (contoso.onmicrosoft.com: 1 user could not be read (connection reset)); none "
            "is sent again.");
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(*unfinished, SizeIs(1));

  SettleReport second = h.settle();
  EXPECT_EQ(second.took_effect, 1);
  EXPECT_EQ(h.faulty.effects().begin()->second, 1);
}

// Two users' assignments were on their way; one user can be read back, the other not.
TEST(CrashSettleSingleTest, TheSummaryCountsTheUsersReadAndSaysWhatStaysOpen) {
  ApplyHarness h;
  h.add_tenant(kContoso,
               {make_user("id-a", "a@" + kContoso, {}), make_user("id-b", "b@" + kContoso, {})});
  h.mirror();
  const std::string desired = R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                              R"(", "managedSkus": ["SPE_E3"], "users": [{"upn": "a@)" + kContoso +
                              R"(", "licenses": ["SPE_E3"]}, {"upn": "b@)" + kContoso +
                              R"(", "licenses": ["SPE_E3"]}]}]})";
  h.faulty.crash_after_requests(2);
  EXPECT_THROW(h.apply(h.plan(desired)), SimulatedCrash);
  h.faulty.fail_get_user(make_error(ErrorKind::Transient, "connection reset"), 1);

  SettleReport settled = h.settle();

  EXPECT_EQ(settled.took_effect, 1);
  EXPECT_EQ(settled.unresolved, 1);
  EXPECT_EQ(settled.users_read, 1);
  EXPECT_EQ(settled.summary(),
            "Settled 1 of 2 operations an interrupted run left unfinished (read 1 user): 1 had "
            "taken effect, 0 had not, 0 were never sent; 1 could not be checked and stay open "
            "(contoso.onmicrosoft.com: 1 user could not be read (connection reset)); none is "
            "sent again.");
}

// Contoso and Fabrikam with one user each, both to get SPE_E3.
std::string one_user_each_desired() {
  auto tenant = [](const std::string& d) {
    return R"({"tenant": ")" + d + R"(", "managedSkus": ["SPE_E3"], "users": [{"upn": "a@)" + d +
           R"(", "licenses": ["SPE_E3"]}]})";
  };
  return R"({"version": 1, "tenants": [)" + tenant(kContoso) + "," + tenant(kFabrikam) + "]}";
}

// An apply of both, one tenant at a time, killed once Contoso's assignment took effect:
// Contoso's entry is left `sending`, Fabrikam's `pending`. Contoso's user cannot be read.
void crash_in_contoso_with_fabrikam_pending(ApplyHarness& h) {
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {})});
  h.add_tenant(kFabrikam, {make_user("id-fa", "a@" + kFabrikam, {})});
  h.mirror();
  ExecuteOptions options;
  options.concurrency = 1;
  h.faulty.crash_after_requests(1);
  EXPECT_THROW(h.apply(h.plan(one_user_each_desired()), options), SimulatedCrash);
  h.faulty.fail_get_user(make_error(ErrorKind::Transient, "connection reset"), 100);
}

// A writer that works on some tenants settles only theirs: another tenant's entries, even
// ones that cannot be settled, neither hold it up nor make it wait.
TEST(CrashSettleScopeTest, OnlyTheTenantsAskedForAreSettled) {
  ApplyHarness h;
  crash_in_contoso_with_fabrikam_pending(h);
  auto before = h.cache->journal().unfinished();
  ASSERT_TRUE(before.ok());
  ASSERT_THAT(*before, SizeIs(2));

  SettleOptions fabrikam_only;
  fabrikam_only.tenants = {"FABRIKAM.onmicrosoft.com"};  // any case, as --tenant takes it
  SettleReport settled = h.settle(fabrikam_only);

  ASSERT_THAT(settled.entries, SizeIs(1));
  EXPECT_EQ(settled.entries[0].entry.tenant, kFabrikam);
  EXPECT_EQ(settled.never_sent, 1);
  EXPECT_THAT(settled.unsettled_tenants, IsEmpty());
  EXPECT_EQ(settled.waited, std::chrono::seconds(0)) << "Contoso's request is not its concern";
  EXPECT_EQ(h.faulty.get_user_calls(), 0);
  auto after = h.cache->journal().unfinished();
  ASSERT_TRUE(after.ok());
  ASSERT_THAT(*after, SizeIs(1));
  EXPECT_EQ(after->at(0).tenant, kContoso);

  SettleOptions by_id;
  by_id.tenants = {h.tenant_id(kContoso)};
  SettleReport contoso = h.settle(by_id);
  EXPECT_THAT(contoso.entries, SizeIs(1));
  EXPECT_THAT(contoso.unsettled_tenants, SizeIs(1));
}

// What apply and run do with a tenant whose entries could not be settled: it is not
// planned, saying why, and nothing is sent to it; every other tenant keeps its plan.
TEST(CrashSettleScopeTest, AnUnsettledTenantIsHeldBackAndTheOthersArePlanned) {
  ApplyHarness h;
  crash_in_contoso_with_fabrikam_pending(h);
  SettleReport settled = h.settle();
  ASSERT_THAT(settled.unsettled_tenants, SizeIs(1));
  const std::string reason =
      "1 operation an interrupted run left unfinished here could not be settled (1 user could "
      "not be read (connection reset)): they stay open, and nothing new is sent to this tenant "
      "until a later run settles them";
  EXPECT_EQ(settled.unsettled_tenants[0].reason(), reason);

  Plan plan = h.plan(one_user_each_desired());
  Plan fabrikam_as_planned = plan;
  hold_back_unsettled(plan, settled);

  ASSERT_THAT(plan.tenants, SizeIs(2));
  const TenantPlan& contoso = plan.tenants[0];
  EXPECT_EQ(contoso.tenant, kContoso);
  EXPECT_EQ(contoso.not_planned, reason);
  EXPECT_THAT(contoso.notes, ElementsAre(reason));
  EXPECT_THAT(contoso.operations, IsEmpty());
  EXPECT_EQ(plan.tenants[1], fabrikam_as_planned.tenants[1]);
  EXPECT_THAT(plan.tenants[1].operations, SizeIs(1));

  const size_t sent_before = h.faulty.recorded().size();
  ApplyReport applied = h.apply(plan);
  EXPECT_EQ(applied.exit_code(), 3) << "Contoso is not done";
  auto sent = h.faulty.recorded();
  ASSERT_GT(sent.size(), sent_before);
  for (size_t i = sent_before; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].tenant, h.tenant_id(kFabrikam)) << "nothing new to Contoso";
  }
  EXPECT_THAT(h.remote_state(kFabrikam).at("a@" + kFabrikam), ElementsAre("SPE_E3"));
}

// A tenant the planner could not plan anyway (gone, say) keeps its own reason first.
TEST(CrashSettleScopeTest, HoldingBackATenantNotPlannedKeepsBothReasons) {
  UnsettledTenant unsettled{kContoso, "id-" + kContoso, 2, "2 users could not be read (x)"};
  SettleReport settled;
  settled.unsettled_tenants = {unsettled};
  Plan plan;
  plan.tenants.resize(1);
  plan.tenants[0].tenant = kContoso;
  plan.tenants[0].tenant_id = "id-" + kContoso;
  plan.tenants[0].not_planned =
      "tenant is gone from the partner's contracts since X: nothing is planned";
  plan.tenants[0].notes = {plan.tenants[0].not_planned};

  hold_back_unsettled(plan, settled);

  EXPECT_EQ(plan.tenants[0].not_planned,
            "tenant is gone from the partner's contracts since X: nothing is planned; " +
                unsettled.reason());
  EXPECT_THAT(plan.tenants[0].notes, ElementsAre(plan.tenants[0].not_planned));
}

// A request of the dead process may still be on the wire: read only once it timed out.
TEST(CrashSettleSingleTest, WaitsUntilTheInterruptedRequestsTimedOutBeforeReading) {
  ApplyHarness h;
  crash_after_assigning_e3(h);
  h.clock.advance(std::chrono::seconds(5));
  auto slept = h.clock.total_slept();
  std::chrono::seconds told{0};
  SettleOptions options;
  options.request_timeout = std::chrono::seconds(30);
  options.on_wait = [&told](std::chrono::seconds s) { told = s; };

  SettleReport settled = h.settle(options);

  EXPECT_EQ(told, std::chrono::seconds(25));
  EXPECT_EQ(settled.waited, std::chrono::seconds(25));
  EXPECT_EQ(h.clock.total_slept() - slept, std::chrono::milliseconds(25000));
  EXPECT_EQ(settled.took_effect, 1);

  // Long after: no wait at all.
  h.faulty.crash_after_requests(1);
  EXPECT_THROW(h.apply(h.plan(one_user_desired("a@" + kContoso, "[]"))), SimulatedCrash);
  h.clock.advance(std::chrono::seconds(31));
  EXPECT_EQ(h.settle(options).waited, std::chrono::seconds(0));
}

TEST(CrashSettleSingleTest, NothingUnfinishedIsNothingToDo) {
  ApplyHarness h;
  h.add_tenant(kContoso, {});
  h.mirror();
  SettleReport settled = h.settle();
  EXPECT_TRUE(settled.nothing_to_do());
  EXPECT_EQ(h.faulty.get_user_calls(), 0);
}

}  // namespace crash_settle_test
}  // namespace tenantsync
