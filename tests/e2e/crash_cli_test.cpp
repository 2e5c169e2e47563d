// kill -9 in the middle of `tenantsync apply`: the next apply settles the journal (it
// sends nothing of the killed run again: it waits for the killed run's requests to time
// out, reads the users they concerned and records what took effect), plans afresh, and
// the tenant ends as the desired state says, the service having seen every operation
// exactly once: none applied twice, none lost.
//
// fake-graph delays each answer so the apply of ~150 operations (8 $batch requests of 20,
// one tenant at a time) takes seconds; the test watches the fake's write counter and kills
// the apply once it passes a kill point, while batches are still to come. Each kill point
// gets a fresh fake and cache.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {
namespace crash_cli_test {

const char* kTenant = "tenant0001.onmicrosoft.com";

// Engineering keeps (or gets) SPE_E3; everyone else loses it: a plan of many revocations
// and some assignments.
const char* kDesired = R"({ "version": 1, "tenants": [
  { "tenant": "tenant0001.onmicrosoft.com", "mode": "enforce",
    "managedSkus": ["SPE_E3"], "unlisted": "revoke",
    "rules": [ { "where": { "department": "Engineering" }, "licenses": ["SPE_E3"] } ] } ] })";

struct KillPoint {
  const char* name;
  double fraction;  // kill once writes >= max(1, fraction * ready operations)
};

void PrintTo(const KillPoint& k, std::ostream* os) { *os << k.name; }

class CrashCliTest : public ::testing::TestWithParam<KillPoint> {};

TEST_P(CrashCliTest, TheNextApplySettlesReplansAndEveryOperationIsAppliedExactlyOnce) {
  CliFixture f({"--generate", "tenants=1,users=300,skus=3,seed=1"}, "generated-secret");
  f.write_config({{"remote", {{"concurrency", 1}, {"timeoutSeconds", 3}}},
                  {"safety", {{"maxRevocations", 1000}}}});
  auto desired = f.write("desired.json", kDesired);

  auto planned = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  auto plan = nlohmann::json::parse(planned.out);
  std::map<std::string, std::string> ready;  // user -> assign | revoke
  int blocked = 0;
  for (const auto& op : plan["tenants"][0]["operations"]) {
    if (op["status"] == "ready") {
      ASSERT_TRUE(ready.emplace(op["user"], op["op"]).second) << "one operation per user";
    } else {
      ++blocked;
    }
  }
  const int total = static_cast<int>(ready.size());
  ASSERT_GT(total, 100) << "enough operations for several batches";

  f.fake().reset_stats();
  f.fake().set_faults({{"latencyMs", 300}});
  const int kill_at = std::max(1, static_cast<int>(GetParam().fraction * total));
  BackgroundProgram apply(TENANTSYNC_BIN,
                          {"--config", f.config_path(), "apply", "--desired", desired, "--yes"},
                          f.environment(), f.dir().file("apply.out"), f.dir().file("apply.err"));
  int writes = 0;
  while (apply.running() && (writes = f.writes()) < kill_at) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(apply.running()) << "apply ended (exit " << apply.exit_code()
                               << ") before the kill point:\n"
                               << read_file(f.dir().file("apply.out"))
                               << read_file(f.dir().file("apply.err"));
  EXPECT_EQ(apply.kill_and_wait(SIGKILL), 128 + SIGKILL);
  writes = f.writes();
  ASSERT_GT(writes, 0);
  ASSERT_LT(writes, total) << "killed after the last write: nothing left to resume";

  // A batch the killed apply had already sent may still be waiting out the latency; like a
  // request already on the wire to the real service, it lands anyway. The next apply waits
  // for remote.timeoutSeconds since it was sent before it reads the users.
  // The next apply, at full speed.
  f.fake().set_faults(nlohmann::json::object());
  auto resumed = f.run({"apply", "--desired", desired, "--yes"});
  EXPECT_EQ(resumed.exit_code, blocked > 0 ? 3 : 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("an interrupted run left unfinished"), std::string::npos)
      << resumed.out;
  EXPECT_NE(resumed.out.find("none is sent again"), std::string::npos) << resumed.out;
  EXPECT_NE(resumed.out.find(" 0 failed"), std::string::npos) << resumed.out;

  // Converged: a third plan has nothing to do.
  auto third = f.run({"plan", "--desired", desired, "--detailed-exitcode", "--format", "json"});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  auto summary = nlohmann::json::parse(third.out)["summary"];
  EXPECT_EQ(summary["assign"], 0);
  EXPECT_EQ(summary["revoke"], 0);

  // The tenant as desired: each user's operation took effect.
  auto state = f.fake().state(kTenant);
  const std::string e3 = sku_id_of(state, "SPE_E3");
  for (const auto& [user, op] : ready) {
    auto ids = direct_sku_ids(find_user(state, user));
    bool holds = std::find(ids.begin(), ids.end(), e3) != ids.end();
    EXPECT_EQ(holds, op == "assign") << user << " " << op;
  }

  // The service saw each operation once: as many assignLicense calls as operations, all
  // accepted (a repeated revoke would be refused, a repeated assign counted twice).
  auto stats = f.fake().stats();
  EXPECT_EQ(stats["writes"], total) << stats.dump();
  EXPECT_EQ(stats["requests"]["POST /v1.0/users/{id}/assignLicense"],
            nlohmann::json({{"200", total}}))
      << stats.dump();

  // The journal agrees: every operation applied once, nothing left pending or sending.
  auto journal = f.run({"journal", "--format", "json"});
  ASSERT_EQ(journal.exit_code, 0) << journal.err;
  std::map<std::string, int> applied;
  for (const auto& e : nlohmann::json::parse(journal.out)) {
    EXPECT_NE(e["state"], "pending") << e;
    EXPECT_NE(e["state"], "sending") << e;
    if (e["state"] == "applied") ++applied[e["user"]];
  }
  EXPECT_EQ(static_cast<int>(applied.size()), total);
  for (const auto& [user, count] : applied) EXPECT_EQ(count, 1) << user;
}

INSTANTIATE_TEST_SUITE_P(KillPoints, CrashCliTest,
                         ::testing::Values(KillPoint{"AfterTheFirstWrite", 0.0},
                                           KillPoint{"HalfWay", 0.5}),
                         [](const ::testing::TestParamInfo<KillPoint>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace crash_cli_test
}  // namespace tenantsync::test
