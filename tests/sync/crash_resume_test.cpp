// Crash safety of apply: the executor is stopped part way (after k requests took effect,
// with their results lost; after results were folded but not journalled; at a chunk
// boundary), then the next run resumes from the journal, plans again from the refreshed
// cache and applies. The remote must end exactly as a fault-free run leaves it, with
// every write having taken effect exactly once, and the cache must match the remote.
#include "sync/journal_resume.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace {

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

class CrashResumeTest : public ::testing::TestWithParam<CrashCase> {};

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

TEST_P(CrashResumeTest, ResumeAndReapplyEndLikeAFaultFreeRunWithEachWriteOnce) {
  const CrashCase& c = GetParam();
  ApplyHarness h;
  h.add_scenario_tenant(kContoso);
  h.mirror();
  Plan plan = h.plan(scenario_desired(kContoso));
  int chunks = 0;
  ExecuteOptions options = arm(h, c, &chunks);

  EXPECT_THROW(h.apply(plan, options), SimulatedCrash);

  // The next run: resume, plan again from the cache (no mirror), apply.
  ResumeReport resumed = h.resume();
  EXPECT_EQ(resumed.unresolved, 0);
  EXPECT_THAT(resumed.local_errors, IsEmpty());
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
    CrashAtEveryKindOfPoint, CrashResumeTest,
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

TEST(CrashResumeTwoTenantsTest, AParallelApplyKilledMidwayConverges) {
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
    ResumeReport resumed = h.resume();
    EXPECT_EQ(resumed.unresolved, 0);
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

TEST(CrashResumeSingleTest, AWriteThatTookEffectIsConfirmedNotResent) {
  ApplyHarness h;
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {})});
  h.mirror();
  Plan plan = h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                     R"(", "managedSkus": ["SPE_E3"],
                        "users": [{"upn": "a@)" +
                     kContoso + R"(", "licenses": ["SPE_E3"]}]}]})");
  h.faulty.crash_after_requests(1);
  EXPECT_THROW(h.apply(plan), SimulatedCrash);
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_THAT(*unfinished, SizeIs(1));
  EXPECT_EQ(unfinished->at(0).state, JournalState::Sending);
  int sent = h.faulty.requests();

  ResumeReport resumed = h.resume();

  EXPECT_EQ(resumed.confirmed, 1);
  EXPECT_EQ(resumed.resent, 0);
  EXPECT_EQ(h.faulty.requests(), sent);
  ASSERT_THAT(resumed.entries, SizeIs(1));
  EXPECT_EQ(resumed.entries[0].outcome, JournalState::Applied);
  EXPECT_EQ(resumed.entries[0].note, "confirmed after interruption");
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->at(0).state, JournalState::Applied);
  EXPECT_EQ(entries->at(0).error_message, "confirmed after interruption");
  EXPECT_EQ(h.cache_state(kContoso).at("a@" + kContoso), LicenseView{"SPE_E3"});
}

TEST(CrashResumeSingleTest, AWriteThatNeverLeftIsResentFromTheJournal) {
  ApplyHarness h;
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {kExs})});
  h.mirror();
  Plan plan =
      h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
             R"(", "managedSkus": ["SPE_E3", "EXCHANGESTANDARD"],
                        "users": [{"upn": "a@)" +
             kContoso + R"(", "licenses": [{"sku": "SPE_E3", "disabledPlans": ["TEAMS1"]}]}]}]})");
  h.faulty.crash_after_requests(0);
  EXPECT_THROW(h.apply(plan), SimulatedCrash);

  ResumeReport resumed = h.resume();

  EXPECT_EQ(resumed.resent, 2);
  EXPECT_EQ(resumed.entries[0].note, "resent after interruption");
  auto sent = h.faulty.recorded();
  ASSERT_THAT(sent, SizeIs(2));  // the lost call, and the one resume sent: one atomic call again
  EXPECT_EQ(sent[1].request.remove_licenses, std::vector<std::string>{kExs});
  ASSERT_THAT(sent[1].request.add_licenses, SizeIs(1));
  EXPECT_EQ(sent[1].request.add_licenses[0].disabled_plans,
            std::vector<std::string>{plan_id_of("TEAMS1")});
  EXPECT_EQ(h.remote_state(kContoso).at("a@" + kContoso), LicenseView{"SPE_E3 -TEAMS1"});
  EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
}

TEST(CrashResumeSingleTest, ACreateThatNeverHappenedIsSkippedForTheNextPlan) {
  ApplyHarness h;
  h.add_tenant(kContoso, {});
  h.mirror();
  Plan plan = h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                     R"(", "managedSkus": ["SPE_E3"],
                        "users": [{"upn": "new@)" +
                     kContoso + R"(", "licenses": ["SPE_E3"],
                          "create": {"displayName": "New", "usageLocation": "US"}}]}]})");
  h.faulty.crash_after_requests(0);
  EXPECT_THROW(h.apply(plan), SimulatedCrash);

  ResumeReport resumed = h.resume();

  ASSERT_THAT(resumed.entries, SizeIs(2));  // the assign, then the create (plan order)
  EXPECT_EQ(resumed.entries[1].entry.op, OpKind::Create);
  EXPECT_EQ(resumed.entries[1].outcome, JournalState::Skipped);
  EXPECT_EQ(resumed.entries[1].note,
            "not created before the interruption; re-run apply to plan it again");
  EXPECT_EQ(resumed.entries[0].outcome, JournalState::Skipped);
  EXPECT_EQ(resumed.entries[0].note,
            "not sent: the user was not created before the interruption; re-run apply to plan "
            "it again");
  EXPECT_EQ(resumed.skipped, 2);
  EXPECT_EQ(h.faulty.applied_requests(), 0);
  // The next plan creates it.
  Plan again = h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                      R"(", "managedSkus": ["SPE_E3"],
                        "users": [{"upn": "new@)" +
                      kContoso + R"(", "licenses": ["SPE_E3"],
                          "create": {"displayName": "New", "usageLocation": "US"}}]}]})");
  EXPECT_EQ(again.summary().create, 1);
}

TEST(CrashResumeSingleTest, AResentWriteTheServiceRefusesIsFailedVerbatim) {
  ApplyHarness h;
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {})});
  h.mirror();
  Plan plan = h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                     R"(", "managedSkus": ["SPE_E3"],
                        "users": [{"upn": "a@)" +
                     kContoso + R"(", "licenses": ["SPE_E3"]}]}]})");
  h.faulty.crash_after_requests(0);
  EXPECT_THROW(h.apply(plan), SimulatedCrash);
  Error refused = make_error(ErrorKind::Rejected,
                             "License assignment cannot be done for user with invalid usage "
                             "location.",
                             "Request_BadRequest");
  refused.http_status = 400;
  h.faulty.refuse([](const std::string&, const WriteRequest&) { return true; }, refused);

  ResumeReport resumed = h.resume();

  EXPECT_EQ(resumed.failed, 1);
  auto entries = h.cache->journal().list();
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->at(0).state, JournalState::Failed);
  EXPECT_EQ(entries->at(0).error_code, "Request_BadRequest");
  EXPECT_EQ(entries->at(0).error_message,
            "License assignment cannot be done for user with invalid usage location.");
}

TEST(CrashResumeSingleTest, AnUnreadableUserLeavesItsEntriesForALaterResume) {
  ApplyHarness h;
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {})});
  h.mirror();
  Plan plan = h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                     R"(", "managedSkus": ["SPE_E3"],
                        "users": [{"upn": "a@)" +
                     kContoso + R"(", "licenses": ["SPE_E3"]}]}]})");
  h.faulty.crash_after_requests(1);
  EXPECT_THROW(h.apply(plan), SimulatedCrash);
  h.faulty.fail_get_user(make_error(ErrorKind::Transient, "connection reset"));

  ResumeReport first = h.resume();

  EXPECT_EQ(first.unresolved, 1);
  EXPECT_THAT(first.unresolved_tenants, ElementsAre(kContoso));
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_THAT(*unfinished, SizeIs(1));

  ResumeReport second = h.resume();
  EXPECT_EQ(second.confirmed, 1);
  EXPECT_EQ(h.faulty.effects().begin()->second, 1);
}

TEST(CrashResumeSingleTest, AResumeKilledMidwayIsResumedAgain) {
  ApplyHarness h;
  h.add_scenario_tenant(kContoso);
  h.mirror();
  Plan plan = h.plan(scenario_desired(kContoso));
  h.faulty.crash_after_requests(0);
  EXPECT_THROW(h.apply(plan), SimulatedCrash);
  h.faulty.crash_after_requests(3);
  EXPECT_THROW(h.resume(), SimulatedCrash);

  ResumeReport resumed = h.resume();
  EXPECT_EQ(resumed.unresolved, 0);
  ApplyReport second = h.apply(h.plan(scenario_desired(kContoso)));

  EXPECT_EQ(second.exit_code(), 0);
  EXPECT_EQ(h.remote_state(kContoso), scenario_end_state(kContoso));
  EXPECT_EQ(h.cache_state(kContoso), h.remote_state(kContoso));
  auto effects = h.faulty.effects();
  for (const auto& [effect, count] : effects) EXPECT_EQ(count, 1) << effect;
  EXPECT_EQ(keys(effects), fault_free_effects({kContoso}));
}

TEST(CrashResumeSingleTest, NothingUnfinishedIsNothingToDo) {
  ApplyHarness h;
  h.add_tenant(kContoso, {});
  h.mirror();
  ResumeReport resumed = h.resume();
  EXPECT_TRUE(resumed.nothing_to_do());
  EXPECT_EQ(h.faulty.get_user_calls(), 0);
}

}  // namespace
}  // namespace tenantsync
