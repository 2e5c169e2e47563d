// One writer per cache: a second holder is refused with the first one's pid and command,
// the lock is free again once released, and a lock left by a dead process is taken over.
// The lock keys on the cache file, not its path string: a symlinked path, a deleted lock
// file and a rebuilt cache file admit no second writer. `run` releases it between cycles
// and takes it again; a writer that finds it held waits, as long as it was told to.
#include "sync/store/cache_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/store/lock_holder.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace cache_lock_test {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Waits up to `limit`, saying what it was told while waiting into `lines`.
LockWait waiting_up_to(std::chrono::milliseconds limit, std::vector<std::string>& lines) {
  LockWait wait;
  wait.limit = limit;
  wait.on_wait = [&lines](const std::string& line) { lines.push_back(line); };
  return wait;
}

TEST(CacheLockTest, ASecondHolderIsRefusedNamingTheFirst) {
  TempDir dir;
  auto first = CacheLock::acquire(dir.file("t.db"), "run");
  ASSERT_TRUE(first.ok()) << first.error().message;

  auto second = CacheLock::acquire(dir.file("t.db"), "apply");

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
  EXPECT_THAT(second.error().message, HasSubstr("pid " + std::to_string(getpid())));
  EXPECT_THAT(second.error().message, HasSubstr("(tenantsync run)"));
  EXPECT_THAT(second.error().message, HasSubstr(dir.file("t.db")));
}

TEST(CacheLockTest, ReleasingTheLockLetsTheNextOneIn) {
  TempDir dir;
  { auto first = CacheLock::acquire(dir.file("t.db"), "run"); }
  auto next = CacheLock::acquire(dir.file("t.db"), "apply");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ((*next)->taken_over_from(), 0);
}

TEST(CacheLockTest, ALockHeldByAnotherProcessNamesThatProcess) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    auto lock = CacheLock::acquire(dir.file("t.db"), "run");
    char c = lock.ok() ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(2);
    pause();  // hold it until killed
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');

  auto mine = CacheLock::acquire(dir.file("t.db"), "apply");
  ASSERT_FALSE(mine.ok());
  EXPECT_THAT(mine.error().message,
              HasSubstr("pid " + std::to_string(child) + " (tenantsync run)"));

  // kill -9: the kernel drops the lock with the process; the next one takes it over.
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  auto after = CacheLock::acquire(dir.file("t.db"), "apply");
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ((*after)->taken_over_from(), child);
  close(ready[0]);
  close(ready[1]);
}

// A cache file that exists, as a mirror leaves it (its content does not matter here).
std::string existing_cache(const TempDir& dir) {
  std::string path = dir.file("t.db");
  std::ofstream(path) << "cache";
  return path;
}

TEST(CacheLockTest, ASymlinkedCachePathIsTheSameCache) {
  TempDir dir;
  std::string real = existing_cache(dir);
  std::filesystem::create_symlink(real, dir.file("link.db"));
  auto first = CacheLock::acquire(real, "run");
  ASSERT_TRUE(first.ok()) << first.error().message;

  auto second = CacheLock::acquire(dir.file("link.db"), "apply");

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
  EXPECT_THAT(second.error().message, HasSubstr("(tenantsync run)"));
}

TEST(CacheLockTest, ASymlinkedFolderIsTheSameCache) {
  TempDir dir;
  std::string real = existing_cache(dir);
  TempDir other;
  std::filesystem::create_symlink(dir.path(), other.file("cache-folder"));
  auto first = CacheLock::acquire(real, "run");
  ASSERT_TRUE(first.ok()) << first.error().message;

  auto second = CacheLock::acquire(other.file("cache-folder/t.db"), "apply");

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
}

TEST(CacheLockTest, ALockFileDeletedWhileHeldAdmitsNoSecondWriter) {
  TempDir dir;
  std::string cache = existing_cache(dir);
  auto first = CacheLock::acquire(cache, "run");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(std::remove((*first)->path().c_str()), 0);

  auto second = CacheLock::acquire(cache, "apply");

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
  EXPECT_THAT(second.error().message, HasSubstr("holds the cache file itself"));
}

TEST(CacheLockTest, ANewCacheIsHeldOnceCreated) {
  TempDir dir;
  std::string cache = dir.file("t.db");
  auto first = CacheLock::acquire(cache, "mirror");  // no cache file yet
  ASSERT_TRUE(first.ok()) << first.error().message;
  std::ofstream(cache) << "cache";  // what opening the cache does
  ASSERT_TRUE((*first)->hold_cache_file().ok());
  ASSERT_EQ(std::remove((*first)->path().c_str()), 0);

  auto second = CacheLock::acquire(cache, "apply");

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
}

TEST(CacheLockTest, ACacheRebuiltUnderTheLockIsHeldToo) {
  TempDir dir;
  std::string cache = existing_cache(dir);
  auto first = CacheLock::acquire(cache, "mirror");
  ASSERT_TRUE(first.ok()) << first.error().message;
  // A damaged cache moved aside and a new file made in its place.
  ASSERT_EQ(std::rename(cache.c_str(), (cache + ".corrupt-1").c_str()), 0);
  std::ofstream(cache) << "rebuilt";
  ASSERT_TRUE((*first)->hold_cache_file().ok());
  ASSERT_EQ(std::remove((*first)->path().c_str()), 0);

  auto second = CacheLock::acquire(cache, "apply");

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
}

TEST(CacheLockTest, ReleasedLetsAnotherWriterInAndIsTakenAgainAfterIt) {
  TempDir dir;
  std::string cache = existing_cache(dir);
  auto run = CacheLock::acquire(cache, "run");
  ASSERT_TRUE(run.ok()) << run.error().message;

  (*run)->release();
  EXPECT_FALSE((*run)->held());
  {
    auto hand = CacheLock::acquire(cache, "assign");
    ASSERT_TRUE(hand.ok()) << hand.error().message;
    EXPECT_FALSE((*run)->retake({}).ok()) << "taken again while the hand task holds it";
  }
  ASSERT_TRUE((*run)->retake({}).ok());

  EXPECT_TRUE((*run)->held());
  auto next = CacheLock::acquire(cache, "assign");
  ASSERT_FALSE(next.ok());
  EXPECT_THAT(next.error().message, HasSubstr("(tenantsync run)"));
}

TEST(CacheLockTest, AWaitingWriterGetsTheLockOnceTheHolderReleasesIt) {
  TempDir dir;
  auto run = CacheLock::acquire(existing_cache(dir), "run");
  ASSERT_TRUE(run.ok()) << run.error().message;
  std::thread cycle_ends([&] {
    std::this_thread::sleep_for(400ms);
    (*run)->release();
  });

  std::vector<std::string> said;
  auto hand = CacheLock::acquire(dir.file("t.db"), "assign", waiting_up_to(30s, said));
  cycle_ends.join();

  ASSERT_TRUE(hand.ok()) << hand.error().message;
  ASSERT_EQ(said.size(), 1u) << "the waiting line is said once";
  EXPECT_THAT(said[0], HasSubstr("waiting for the running cycle of pid " +
                                 std::to_string(getpid()) + " to finish (started "));
}

TEST(CacheLockTest, WaitingGivesUpAtItsLimitNamingTheHolder) {
  TempDir dir;
  auto held = CacheLock::acquire(dir.file("t.db"), "users delete");
  ASSERT_TRUE(held.ok()) << held.error().message;
  std::vector<std::string> said;
  auto started = std::chrono::steady_clock::now();

  auto second = CacheLock::acquire(dir.file("t.db"), "run", waiting_up_to(500ms, said));

  EXPECT_GE(std::chrono::steady_clock::now() - started, 450ms);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
  EXPECT_THAT(second.error().message, HasSubstr("is in use by pid " + std::to_string(getpid()) +
                                                " (tenantsync users delete)"));
  EXPECT_THAT(second.error().message, HasSubstr("waited 0.5 s"));
  ASSERT_EQ(said.size(), 1u);
  EXPECT_THAT(said[0], HasSubstr("waiting for pid " + std::to_string(getpid()) +
                                 " (tenantsync users delete) to finish"));
}

TEST(CacheLockTest, AStopEndsTheWaitWithoutTheLock) {
  TempDir dir;
  auto held = CacheLock::acquire(dir.file("t.db"), "assign");
  ASSERT_TRUE(held.ok()) << held.error().message;
  std::atomic<bool> stopping{false};
  std::thread signal([&] {
    std::this_thread::sleep_for(200ms);
    stopping = true;
  });
  LockWait forever;
  forever.limit = std::nullopt;
  forever.interrupt = &stopping;

  auto cycle = CacheLock::acquire(dir.file("t.db"), "run", forever);
  signal.join();

  ASSERT_FALSE(cycle.ok());
  EXPECT_THAT(cycle.error().message, HasSubstr("stopped while waiting"));
}

TEST(CacheLockTest, TheLockFileRecordsTheHoldersStartTime) {
  TempDir dir;
  std::time_t before = std::time(nullptr);
  auto lock = CacheLock::acquire(dir.file("t.db"), "assign");
  ASSERT_TRUE(lock.ok()) << lock.error().message;

  auto holder = read_lock_holder((*lock)->path());

  ASSERT_TRUE(holder.ok()) << holder.error().message;
  EXPECT_EQ(holder->pid, getpid());
  EXPECT_EQ(holder->command, "assign");
  ASSERT_TRUE(holder->started.has_value());
  EXPECT_GE(*holder->started, before);
  EXPECT_LE(*holder->started, std::time(nullptr));
}

TEST(CacheLockTest, ALockFileOfAnOlderVersionStillNamesItsHolder) {
  TempDir dir;
  auto lock = CacheLock::acquire(dir.file("t.db"), "run");
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  std::ofstream((*lock)->path(), std::ios::trunc) << "4242 run\n";  // no start time

  auto second = CacheLock::acquire(dir.file("t.db"), "apply");

  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.error().message, HasSubstr("is in use by pid 4242 (tenantsync run): one "
                                                "writer at a time"));
}

TEST(CacheLockTest, ACacheReplacedWhileReleasedIsNoticed) {
  TempDir dir;
  std::string cache = existing_cache(dir);
  auto run = CacheLock::acquire(cache, "run");
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_FALSE((*run)->cache_file_replaced());
  (*run)->release();

  // A hand task moves the damaged cache aside and rebuilds it.
  ASSERT_EQ(std::rename(cache.c_str(), (cache + ".corrupt-1").c_str()), 0);
  std::ofstream(cache) << "rebuilt";
  ASSERT_TRUE((*run)->retake({}).ok());

  EXPECT_TRUE((*run)->cache_file_replaced());
  ASSERT_TRUE((*run)->hold_cache_file().ok());
  EXPECT_FALSE((*run)->cache_file_replaced());
  ASSERT_EQ(std::remove((*run)->path().c_str()), 0);
  auto second = CacheLock::acquire(cache, "apply");
  EXPECT_FALSE(second.ok()) << "the rebuilt file is held";
}

}  // namespace cache_lock_test
}  // namespace tenantsync
