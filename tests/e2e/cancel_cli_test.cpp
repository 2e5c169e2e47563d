// Ctrl-C and SIGTERM during `tenantsync apply`: a cancel that cancels. The requests in
// flight finish and are journalled, nothing more is sent, the rest is journalled as not
// sent, the per-user result is printed, the exit code is 128 + the signal; and the next
// apply acts only on the desired state as it is then (here: the tenant switched to report
// mode, so nothing more is sent at all).
#include <signal.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace cancel_cli_test {

// Engineering keeps (or gets) SPE_E3; everyone else loses it: many revocations.
std::string desired_in_mode(const std::string& mode) {
  return R"({ "version": 1, "tenants": [
  { "tenant": "tenant0001.onmicrosoft.com", "mode": ")" +
         mode + R"(", "managedSkus": ["SPE_E3"], "unlisted": "revoke",
    "rules": [ { "where": { "department": "Engineering" }, "licenses": ["SPE_E3"] } ] } ] })";
}

struct Stopped {
  int exit_code = 0;
  int writes_at_exit = 0;
  std::string out;
  std::string err;
};

// Starts a slow apply (`latency_ms` per request), waits for its first writes, sends
// `signals` (one after the other) and waits for it to exit.
Stopped stop_apply_after_first_writes(CliFixture& f, const std::string& desired,
                                      std::vector<int> signals, int latency_ms = 200) {
  f.fake().reset_stats();
  f.fake().set_faults({{"latencyMs", latency_ms}});
  BackgroundProgram apply(TENANTSYNC_BIN,
                          {"--config", f.config_path(), "apply", "--desired", desired, "--yes"},
                          f.environment(), f.dir().file("apply.out"), f.dir().file("apply.err"));
  while (apply.running() && f.writes() < 1) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(apply.running()) << "apply ended before it could be stopped";
  // The fake counts a batch's writes as it answers: the next batch leaves just after.
  std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms / 5));
  Stopped s;
  for (size_t i = 0; i + 1 < signals.size(); ++i) {
    // Two signals sent before the first is delivered are one: wait until it is taken.
    apply.signal(signals[i]);
    for (int wait = 0; wait < 500 && apply.running(); ++wait) {
      if (read_file(f.dir().file("apply.err")).find("stopping:") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  s.exit_code = apply.kill_and_wait(signals.back());
  s.writes_at_exit = f.writes();
  f.fake().set_faults(nlohmann::json::object());
  s.out = read_file(f.dir().file("apply.out"));
  s.err = read_file(f.dir().file("apply.err"));
  return s;
}

class CancelCliTest : public ::testing::Test {
 protected:
  CancelCliTest() : f({"--generate", "tenants=1,users=300,skus=3,seed=1"}, "generated-secret") {
    f.write_config({{"remote", {{"concurrency", 1}, {"timeoutSeconds", 2}}},
                    {"safety", {{"maxRevocations", 1000}}}});
    enforce = f.write("desired.json", desired_in_mode("enforce"));
  }

  // The journal has nothing unfinished, and counts entries by state.
  std::map<std::string, int> journal_states() {
    auto journal = f.run({"journal", "--format", "json"});
    EXPECT_EQ(journal.exit_code, 0) << journal.err;
    std::map<std::string, int> states;
    for (const auto& e : nlohmann::json::parse(journal.out)) {
      ++states[e["state"].get<std::string>()];
      if (e["state"] == "skipped") {
        EXPECT_EQ(e["error"]["message"], "not sent: interrupted") << e;
      }
    }
    return states;
  }

  CliFixture f;
  std::string enforce;
};

TEST_F(CancelCliTest, CtrlCStopsSendingAndTheNextApplyFollowsTheCurrentDesiredState) {
  Stopped s = stop_apply_after_first_writes(f, enforce, {SIGINT});

  EXPECT_EQ(s.exit_code, 130) << s.out << s.err;
  EXPECT_NE(s.err.find("stopping: finishing the requests in flight"), std::string::npos) << s.err;
  EXPECT_NE(s.err.find("tenantsync apply: interrupted: "), std::string::npos) << s.err;
  EXPECT_NE(s.out.find("not sent: interrupted"), std::string::npos) << s.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(f.writes(), s.writes_at_exit) << "a write landed after apply exited";
  auto states = journal_states();
  EXPECT_EQ(states.count("pending"), 0u);
  EXPECT_EQ(states.count("sending"), 0u);
  EXPECT_GT(states["skipped"], 0);
  EXPECT_EQ(states["applied"], s.writes_at_exit);

  // The admin switches the tenant to report mode: the next apply sends nothing.
  auto report = f.write("report.json", desired_in_mode("report"));
  auto next = f.run({"apply", "--desired", report, "--yes"});
  EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
  EXPECT_EQ(f.writes(), s.writes_at_exit) << next.out;
  EXPECT_EQ(next.out.find("Settled"), std::string::npos) << "nothing was left to settle";
}

TEST_F(CancelCliTest, SigtermStopsTheSameWayWithExit143) {
  Stopped s = stop_apply_after_first_writes(f, enforce, {SIGTERM});

  EXPECT_EQ(s.exit_code, 143) << s.out << s.err;
  EXPECT_NE(s.out.find("not sent: interrupted"), std::string::npos) << s.out;
  auto states = journal_states();
  EXPECT_EQ(states.count("pending"), 0u);
  EXPECT_EQ(states.count("sending"), 0u);
}

TEST_F(CancelCliTest, ASecondCtrlCQuitsAtOnceAndTheNextApplySettlesWithoutResending) {
  // A slow batch, so the second Ctrl-C surely comes while one is in flight.
  Stopped s = stop_apply_after_first_writes(f, enforce, {SIGINT, SIGINT}, 1500);
  EXPECT_EQ(s.exit_code, 130) << s.out << s.err;
  EXPECT_NE(s.err.find("stopped at once"), std::string::npos) << s.err;

  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // a batch in flight lands
  const int landed = f.writes();

  auto report = f.write("report.json", desired_in_mode("report"));
  auto next = f.run({"apply", "--desired", report, "--yes"});
  EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
  EXPECT_EQ(f.writes(), landed) << "settling or the report-mode apply sent a write";
  EXPECT_NE(next.out.find("none is sent again"), std::string::npos) << next.out;
  auto journal = f.run({"journal", "--format", "json"});
  for (const auto& e : nlohmann::json::parse(journal.out)) {
    EXPECT_NE(e["state"], "pending") << e;
    EXPECT_NE(e["state"], "sending") << e;
  }
}

TEST_F(CancelCliTest, CtrlCBeforeAnythingIsSentEndsAtOnceWithNothingSent) {
  f.fake().reset_stats();
  f.fake().set_faults({{"latencyMs", 300}});  // the mirror is slow: stop it there
  BackgroundProgram apply(TENANTSYNC_BIN,
                          {"--config", f.config_path(), "apply", "--desired", enforce, "--yes"},
                          f.environment(), f.dir().file("apply.out"), f.dir().file("apply.err"));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_TRUE(apply.running());
  EXPECT_EQ(apply.kill_and_wait(SIGINT), 130);
  f.fake().set_faults(nlohmann::json::object());
  EXPECT_EQ(f.writes(), 0);
  EXPECT_NE(read_file(f.dir().file("apply.err")).find("interrupted; nothing was sent"),
            std::string::npos);
}

}  // namespace cancel_cli_test
}  // namespace tenantsync::test
