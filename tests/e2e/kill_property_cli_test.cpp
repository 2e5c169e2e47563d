// The property behind "the journal settles, it never replays": 30 applies of 2,000+
// operations are killed (kill -9) at moments spread over their run (in three slices of
// 10, early, middle and late, that ctest runs side by side), each followed by an
// apply of a *changed* desired state (the admin changed their mind, switched the tenant to
// report mode, or lowered a safety limit). Whatever the moment of the kill:
// - every write that reaches the service after the kill's requests landed is one the
//   new apply's plan contains, one per operation it reports sent, and none to anyone else;
// - a report-mode follow-up sends nothing at all;
// - the follow-up converges: a fresh plan of its desired state has nothing ready;
// - the journal is left with nothing pending or sending.
#include <signal.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"
#include "tests/support/test_http.h"

namespace tenantsync::test {
namespace kill_property_cli_test {

constexpr int kTrials = 30;
constexpr int kSlices = 3;

// Two desired states that move SPE_E3 between two halves of the departments: switching
// from one to the other changes nearly every licensed user.
std::string desired(const char* mode, const std::vector<std::string>& departments) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& d : departments) {
    rules.push_back({{"where", {{"department", d}}}, {"licenses", {"SPE_E3"}}});
  }
  nlohmann::json doc = {{"version", 1},
                        {"tenants",
                         {{{"tenant", "tenant0001.onmicrosoft.com"},
                           {"mode", mode},
                           {"managedSkus", {"SPE_E3"}},
                           {"unlisted", "revoke"},
                           {"rules", rules}}}}};
  return doc.dump(2);
}

const std::vector<std::string> kHalfA = {"Sales", "Engineering", "Finance", "IT", "Legal"};
const std::vector<std::string> kHalfB = {"Marketing", "Human Resources", "Operations",
                                         "Customer Support", "Executive"};

// user id -> number of writes that took effect, over every route.
std::map<std::string, long> writes_by_user(FakeGraphProcess& fake) {
  HttpReply r = http_request("GET", fake.url() + "/_fake/stats/writes");
  EXPECT_EQ(r.status, 200);
  std::map<std::string, long> out;
  const nlohmann::json stats = nlohmann::json::parse(r.body);
  for (const auto& [tenant, users] : stats.items()) {
    for (const auto& [user, routes] : users.items()) {
      for (const auto& [route, n] : routes.items()) out[user] += n.get<long>();
    }
  }
  return out;
}

int ready_operations(const nlohmann::json& plan) {
  int n = 0;
  for (const auto& t : plan["tenants"]) {
    for (const auto& op : t["operations"]) n += op["status"] == "ready" ? 1 : 0;
  }
  return n;
}

// Which slice of the trials to run: 0 the earliest kills, kSlices - 1 the latest.
class KillPropertyCliTest : public ::testing::TestWithParam<int> {};

TEST_P(KillPropertyCliTest, AfterAnyKillOnlyTheNewDesiredStateIsSent) {
  CliFixture f({"--generate", "tenants=1,users=2600,skus=3,seed=3"}, "generated-secret");
  f.write_config({{"remote", {{"concurrency", 1}, {"timeoutSeconds", 1}}},
                  {"safety", {{"maxRevocations", 100000}}}});
  const std::string a = f.write("a.json", desired("enforce", kHalfA));
  const std::string b = f.write("b.json", desired("enforce", kHalfB));
  const std::string b_report = f.write("b-report.json", desired("report", kHalfB));
  auto first = f.run({"apply", "--desired", a, "--yes"});
  ASSERT_NE(first.exit_code, 1) << first.err;

  // Each trial starts converged to `current` and kills an apply towards `target`.
  const std::string current = a;
  const std::string& target = b;
  auto planned = f.run({"plan", "--desired", target, "--format", "json"});
  ASSERT_NE(planned.exit_code, 1) << planned.err;
  const int ready = ready_operations(nlohmann::json::parse(planned.out));
  ASSERT_GT(ready, 2000) << "a large apply to kill";

  int kills = 0;
  const int first_trial = GetParam() * kTrials / kSlices;
  const int end_trial = (GetParam() + 1) * kTrials / kSlices;
  for (int trial = first_trial; trial < end_trial; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));

    f.fake().set_faults({{"latencyMs", 25}});
    const int kill_at = std::max(1, ready * (2 * trial + 1) / (2 * kTrials));
    const int before = f.writes();
    BackgroundProgram apply(TENANTSYNC_BIN,
                            {"--config", f.config_path(), "apply", "--desired", target, "--yes"},
                            f.environment(), f.dir().file("apply.out"), f.dir().file("apply.err"));
    while (apply.running() && f.writes() - before < kill_at) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (apply.running()) {
      apply.kill_and_wait(SIGKILL);
      ++kills;
    }
    f.fake().set_faults(nlohmann::json::object());
    // Let a request the killed apply had on the wire land, as it would at the service.
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    const auto landed = writes_by_user(f.fake());

    // The changed desired state: back to where it was, report mode, or a limit of 0.
    std::string next_desired;
    std::vector<std::string> extra;
    switch (trial % 3) {
      case 0:
        next_desired = current;
        break;
      case 1:
        next_desired = b_report;
        break;
      default:
        next_desired = target;
        extra = {"--max-revocations", "0"};
        break;
    }
    std::vector<std::string> args = {"apply", "--desired", next_desired,
                                     "--yes", "--format",  "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto next = f.run(args);
    ASSERT_NE(next.exit_code, 1) << next.out << next.err;
    const auto json_start = next.out.find('{');
    ASSERT_NE(json_start, std::string::npos) << next.out;
    auto applied = nlohmann::json::parse(next.out.substr(json_start));

    // Every write since the kill's requests landed is an operation the new apply sent.
    std::set<std::string> sent_to;
    int sent = 0;
    for (const auto& t : applied["tenants"]) {
      for (const auto& op : t["operations"]) {
        if (op["status"] == "applied" || op["status"] == "failed") {
          ++sent;
          sent_to.insert(op["userId"].get<std::string>());
        }
      }
    }
    long new_writes = 0;
    for (const auto& [user, n] : writes_by_user(f.fake())) {
      long added = n - (landed.count(user) ? landed.at(user) : 0);
      if (added == 0) continue;
      new_writes += added;
      EXPECT_TRUE(sent_to.count(user)) << "a write the new plan does not contain: " << user;
    }
    EXPECT_EQ(new_writes, sent);
    if (trial % 3 == 1) {
      EXPECT_EQ(new_writes, 0) << "report mode sends nothing";
    }

    if (trial % 3 == 0) {
      auto again = f.run({"plan", "--desired", next_desired, "--format", "json"});
      EXPECT_EQ(ready_operations(nlohmann::json::parse(again.out)), 0) << again.out;
    }
    auto journal = f.run({"journal", "--format", "json"});
    for (const auto& e : nlohmann::json::parse(journal.out)) {
      ASSERT_NE(e["state"], "pending") << e;
      ASSERT_NE(e["state"], "sending") << e;
    }

    // Back to `current` for the next trial, so each kill interrupts an apply as large.
    if (trial % 3 != 0) {
      auto converge = f.run({"apply", "--desired", current, "--yes"});
      ASSERT_NE(converge.exit_code, 1) << converge.err;
    }
  }
  EXPECT_GE(kills, end_trial - first_trial - 2) << "most applies were killed part way";
}

std::string slice_name(const ::testing::TestParamInfo<int>& info) {
  static const char* const kNames[kSlices] = {"Early", "Middle", "Late"};
  return kNames[info.param];
}

INSTANTIATE_TEST_SUITE_P(Kills, KillPropertyCliTest, ::testing::Range(0, kSlices), slice_name);

}  // namespace kill_property_cli_test
}  // namespace tenantsync::test
