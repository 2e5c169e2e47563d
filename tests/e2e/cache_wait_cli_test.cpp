// Short locks: `tenantsync run` holds the cache's writer lock only while a cycle runs.
// Between cycles a hand task gets in at once; during a cycle it waits for it, saying so
// once, and then does its work; `--wait 0` refuses at once naming the cycle's process; a
// cycle that finds a hand task holding the lock waits for it and then runs; Ctrl-C while
// waiting ends a hand task with nothing sent.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/store/cache_lock.h"
#include "sync/store/lock_holder.h"
#include "tests/e2e/background_program.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace cache_wait_cli_test {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kContoso = "contoso.onmicrosoft.com";
// Diego (Human Resources) is left alone by the example desired state, and MCOEV is a SKU
// it does not manage: a cycle of `run` and this hand task never meet on the same user.
const std::string kDiego = "diego.siciliani@contoso.onmicrosoft.com";
const std::vector<std::string> kAssignToDiego = {"assign", "--tenant", kContoso, "--users",
                                                 kDiego,   "--sku",    "MCOEV"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

class CacheWaitCliTest : public ::testing::Test {
 protected:
  CacheWaitCliTest() { f.write_config({{"desired", examples_desired_path()}}); }

  // `tenantsync run --every E` in the background, its output in run.out and run.err.
  std::unique_ptr<BackgroundProgram> start_run(const std::string& every) {
    return std::make_unique<BackgroundProgram>(
        TENANTSYNC_BIN,
        std::vector<std::string>{"--config", f.config_path(), "run", "--every", every},
        f.environment(), f.dir().file("run.out"), f.dir().file("run.err"));
  }
  bool cycles_printed(int n) {
    return read_file(f.dir().file("run.out")).find("cycle " + std::to_string(n) + ": ") !=
           std::string::npos;
  }
  std::string cache() const { return f.dir().file("tenantsync.db"); }
  // Who the lock file names now (nobody while the lock is free).
  LockHolder holder() {
    std::error_code ec;
    auto real = std::filesystem::canonical(cache(), ec);
    if (ec) return {};
    auto read = read_lock_holder(real.string() + ".lock");
    return read.ok() ? *read : LockHolder{};
  }
  bool diego_has_mcoev() {
    auto state = f.fake().state(kContoso);
    auto skus = direct_sku_ids(find_user(state, kDiego));
    return std::find(skus.begin(), skus.end(), sku_id_of(state, "MCOEV")) != skus.end();
  }

  CliFixture f;
};

TEST_F(CacheWaitCliTest, BetweenCyclesHandTasksGetTheCacheAtOnce) {
  auto run = start_run("1h");
  ASSERT_TRUE(eventually([&] { return cycles_printed(1); }))
      << read_file(f.dir().file("run.out")) << read_file(f.dir().file("run.err"));

  // --wait 0: they would fail if the idle scheduler still held the lock.
  ProgramResult dry = f.run(with(kAssignToDiego, {"--dry-run", "--wait", "0"}));
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_THAT(dry.err, Not(HasSubstr("in use")));
  EXPECT_FALSE(diego_has_mcoev());

  ProgramResult assign = f.run(with(kAssignToDiego, {"--yes", "--wait", "0"}));
  EXPECT_EQ(assign.exit_code, 0) << assign.out << assign.err;
  EXPECT_THAT(assign.err, Not(HasSubstr("waiting for")));
  EXPECT_TRUE(diego_has_mcoev());
  EXPECT_TRUE(run->running()) << read_file(f.dir().file("run.err"));
}

TEST_F(CacheWaitCliTest, DuringACycleHandTasksWaitForItOrRefuseWithWaitZero) {
  f.fake().set_faults({{"latencyMs", 400}});  // a slow cycle: every request takes 0.4 s
  auto run = start_run("1h");
  ASSERT_TRUE(eventually([&] { return holder().command == "run"; }))
      << read_file(f.dir().file("run.err"));
  long run_pid = holder().pid;
  std::this_thread::sleep_for(200ms);  // well into the cycle, which takes seconds
  ASSERT_FALSE(cycles_printed(1)) << "the cycle was not slow enough for this test";

  ProgramResult refused = f.run(with(kAssignToDiego, {"--yes", "--wait", "0"}));
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err,
              HasSubstr("is in use by pid " + std::to_string(run_pid) + " (tenantsync run)"));

  BackgroundProgram assign(TENANTSYNC_BIN,
                           with({"--config", f.config_path()}, with(kAssignToDiego, {"--yes"})),
                           f.environment(), f.dir().file("assign.out"), f.dir().file("assign.err"));
  std::string waiting = "tenantsync assign: waiting for the running cycle of pid " +
                        std::to_string(run_pid) + " to finish (started ";
  ASSERT_TRUE(eventually([&] {
    return read_file(f.dir().file("assign.err")).find(waiting) != std::string::npos;
  })) << read_file(f.dir().file("assign.err"));
  EXPECT_FALSE(diego_has_mcoev()) << "sent while the cycle held the cache";
  f.fake().set_faults(nlohmann::json::object());  // the rest at full speed

  EXPECT_EQ(assign.wait(), 0) << read_file(f.dir().file("assign.out"))
                              << read_file(f.dir().file("assign.err"));
  EXPECT_TRUE(diego_has_mcoev());
  EXPECT_TRUE(eventually([&] { return cycles_printed(1); })) << read_file(f.dir().file("run.err"));
  std::string err = read_file(f.dir().file("assign.err"));
  EXPECT_EQ(lines_with(err, {"waiting for"}).size(), 1u) << err;
}

TEST_F(CacheWaitCliTest, ACycleWaitsForAHandTaskAndThenRuns) {
  auto run = start_run("2s");
  ASSERT_TRUE(eventually([&] { return cycles_printed(1); }))
      << read_file(f.dir().file("run.out")) << read_file(f.dir().file("run.err"));

  {
    // This test process is the hand task: it takes the cache between cycles. The cycle's
    // line is printed a moment before its lock is released (the webhook goes out in
    // between), so it waits for that, as a hand task does by default.
    LockWait until_the_cycle_ends;
    until_the_cycle_ends.limit = std::chrono::seconds(10);
    auto hand_task = CacheLock::acquire(cache(), "assign", until_the_cycle_ends);
    ASSERT_TRUE(hand_task.ok()) << hand_task.error().describe();
    std::string waiting =
        "waiting for pid " + std::to_string(getpid()) + " (tenantsync assign) to finish (started ";
    ASSERT_TRUE(eventually([&] {
      return read_file(f.dir().file("run.err")).find(waiting) != std::string::npos;
    })) << read_file(f.dir().file("run.err"));
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(cycles_printed(2)) << "a cycle ran while the hand task held the cache";
  }

  ASSERT_TRUE(eventually([&] { return cycles_printed(2); }))
      << read_file(f.dir().file("run.out")) << read_file(f.dir().file("run.err"));
  std::string err = read_file(f.dir().file("run.err"));
  EXPECT_EQ(lines_with(err, {"waiting for"}).size(), 1u) << err;
  EXPECT_EQ(run->kill_and_wait(SIGTERM), 0);
}

TEST_F(CacheWaitCliTest, CtrlCWhileWaitingEndsAtOnceWithNothingSent) {
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  auto cycle = CacheLock::acquire(cache(), "run");  // this test process runs a long cycle
  ASSERT_TRUE(cycle.ok()) << cycle.error().describe();
  f.fake().reset_stats();

  BackgroundProgram assign(TENANTSYNC_BIN,
                           with({"--config", f.config_path()}, with(kAssignToDiego, {"--yes"})),
                           f.environment(), f.dir().file("assign.out"), f.dir().file("assign.err"));
  ASSERT_TRUE(eventually([&] {
    return read_file(f.dir().file("assign.err")).find("waiting for the running cycle") !=
           std::string::npos;
  })) << read_file(f.dir().file("assign.err"));

  EXPECT_EQ(assign.kill_and_wait(SIGINT), 130);
  EXPECT_THAT(read_file(f.dir().file("assign.err")), HasSubstr("nothing was sent"));
  EXPECT_TRUE(f.fake().stats()["requests"].empty()) << "the waiting task sent requests";
}

}  // namespace cache_wait_cli_test
}  // namespace tenantsync::test
