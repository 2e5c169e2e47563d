// Storage faults as a user meets them: a cache file or folder tenantsync may not write,
// and a cache another tenantsync holds. Every command says what is wrong with which file
// and exits 1; nothing is sent to the remote; the cache and its journal are left exactly
// as they were, and work again once the cause is gone. Commands that only read the cache
// still work while another process holds the lock.
//
// File modes do not stop root, so when the tests run as root tenantsync is run as the
// unprivileged user "nobody" (setpriv), with the test's folder handed to it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sync/store/cache_lock.h"
#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace storage_faults_cli_test {

using ::testing::AnyOf;
using ::testing::HasSubstr;

const std::string kContoso = "contoso.onmicrosoft.com";
constexpr uid_t kNobody = 65534;
const char* kSetpriv = "/usr/bin/setpriv";

// Runs tenantsync with the fixture's config as a user file modes apply to.
ProgramResult run_unprivileged(const CliFixture& f, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"--config", f.config_path(), "--no-progress"};
  all.insert(all.end(), args.begin(), args.end());
  if (geteuid() != 0) return run_tenantsync(all, f.environment());
  all.insert(all.begin(),
             {"--reuid=" + std::to_string(kNobody), "--regid=" + std::to_string(kNobody),
              "--clear-groups", "--", TENANTSYNC_BIN});
  return run_program(kSetpriv, all, f.environment());
}

// Root can switch to "nobody" here (setpriv exists, the container allows setuid).
bool can_run_unprivileged() {
  std::vector<std::string> args = {"--reuid=" + std::to_string(kNobody),
                                   "--regid=" + std::to_string(kNobody), "--clear-groups", "--",
                                   "/bin/true"};
  return run_program(kSetpriv, args).exit_code == 0;
}

// Hands the folder and everything in it to the user run_unprivileged() runs as.
void hand_over(const std::string& folder) {
  if (geteuid() != 0) return;
  ASSERT_EQ(chown(folder.c_str(), kNobody, kNobody), 0);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    ASSERT_EQ(lchown(entry.path().c_str(), kNobody, kNobody), 0) << entry.path();
  }
}

class StorageFaultsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() == 0 && !can_run_unprivileged()) {
      GTEST_SKIP() << "running as root and cannot switch to an unprivileged user with " << kSetpriv
                   << ": file modes cannot be tested";
    }
    desired_ = f_.write("desired.json", contoso_changes_desired());
    f_.write_config({{"desired", desired_}, {"reports", {{"dir", f_.dir().file("reports")}}}});
    ProgramResult apply = f_.run({"apply", "--desired", desired_, "--yes"});
    ASSERT_THAT(apply.exit_code, AnyOf(0, 3)) << apply.out << apply.err;
    journal_ = f_.run({"journal", "--format", "json"}).out;
    ASSERT_NE(journal_.find("applied"), std::string::npos) << journal_;
    cache_ = f_.dir().file("tenantsync.db");
    hand_over(f_.dir().path());
    hand_over(out_.path());
  }

  void TearDown() override { chmod(f_.dir().path().c_str(), 0700); }

  // Every command that writes the cache fails with `expected` in its message, exit 1,
  // and sends nothing; the cache file is unchanged.
  void expect_writers_refused(const std::string& expected, bool lock_held = false) {
    const std::string bytes = read_file(cache_);
    const std::vector<std::vector<std::string>> writers = {
        {"mirror"},
        {"plan", "--desired", desired_},
        {"apply", "--desired", desired_, "--yes"},
        {"drift", "--desired", desired_},
        {"export"},
        {"users", "add", "--tenant", kContoso, "--upn", "new.person@contoso.onmicrosoft.com",
         "--display-name", "New Person", "--passwords-out", out_.file("pw.csv")},
        {"run", "--once"}};
    for (auto args : writers) {
      // A writer would wait for a holder of the lock; `run` waits as long as it takes.
      if (args[0] == "run" && lock_held) continue;
      if (args[0] != "run") args.insert(args.end(), {"--wait", "0"});
      f_.fake().reset_stats();
      ProgramResult r = run_unprivileged(f_, args);
      EXPECT_EQ(r.exit_code, 1) << args[0] << "\n" << r.out << r.err;
      EXPECT_THAT(r.err, HasSubstr(expected)) << args[0];
      EXPECT_TRUE(f_.fake().stats()["requests"].empty()) << args[0] << " sent requests";
    }
    EXPECT_EQ(read_file(cache_), bytes) << "the cache file changed";
    EXPECT_FALSE(std::filesystem::exists(out_.file("pw.csv")));
  }

  // The journal reads back exactly as before the faults.
  void expect_journal_intact() {
    ProgramResult r = run_unprivileged(f_, {"journal", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, journal_);
  }

  CliFixture f_;
  TempDir out_;  // where a passwords file would go: writable, unlike the cache's folder
  std::string desired_;
  std::string journal_;
  std::string cache_;
};

TEST_F(StorageFaultsCliTest, ReadOnlyCacheFileIsNamedAndLeftAlone) {
  ASSERT_EQ(chmod(cache_.c_str(), 0400), 0);
  expect_writers_refused("cache " + cache_ + ": cannot open for writing (Permission denied)");
  // A read needs no write, but the cache is opened for writing all the same (schema
  // migration): it must say so, not fail obscurely.
  ProgramResult list = run_unprivileged(f_, {"users", "list", "--tenant", kContoso});
  EXPECT_EQ(list.exit_code, 1) << list.out << list.err;
  EXPECT_THAT(list.err, HasSubstr("cache " + cache_ + ": cannot open for writing"));

  ASSERT_EQ(chmod(cache_.c_str(), 0600), 0);
  expect_journal_intact();
  ProgramResult mirror = run_unprivileged(f_, {"mirror"});
  EXPECT_EQ(mirror.exit_code, 0) << mirror.err;
}

TEST_F(StorageFaultsCliTest, ReadOnlyFolderIsNamedAndLeftAlone) {
  // The cache file may be written but SQLite cannot create its -wal and -shm files.
  ASSERT_EQ(chmod(f_.dir().path().c_str(), 0500), 0);
  expect_writers_refused("cache " + cache_ + ": cannot write in its folder " + f_.dir().path() +
                         " (Permission denied)");
  ASSERT_EQ(chmod(f_.dir().path().c_str(), 0700), 0);
  expect_journal_intact();
  ProgramResult mirror = run_unprivileged(f_, {"mirror"});
  EXPECT_EQ(mirror.exit_code, 0) << mirror.err;
}

TEST_F(StorageFaultsCliTest, ACacheHeldByAnotherProcessRefusesWritersAndServesReaders) {
  // This test process is the other tenantsync: it holds the cache's lock.
  auto lock = CacheLock::acquire(cache_, "run");
  ASSERT_TRUE(lock.ok()) << lock.error().describe();
  expect_writers_refused("is in use by pid " + std::to_string(getpid()) + " (tenantsync run)",
                         /*lock_held=*/true);

  for (const auto& args :
       std::vector<std::vector<std::string>>{{"users", "list", "--tenant", kContoso},
                                             {"licenses", "--tenant", kContoso},
                                             {"plan", "--desired", desired_, "--no-refresh"},
                                             {"drift", "--desired", desired_, "--no-refresh"}}) {
    ProgramResult r = run_unprivileged(f_, args);
    EXPECT_THAT(r.exit_code, AnyOf(0, 2)) << args[0] << "\n" << r.err;
  }
  expect_journal_intact();
  lock->reset();
  ProgramResult mirror = run_unprivileged(f_, {"mirror"});
  EXPECT_EQ(mirror.exit_code, 0) << mirror.err;
}

}  // namespace storage_faults_cli_test
}  // namespace tenantsync::test
