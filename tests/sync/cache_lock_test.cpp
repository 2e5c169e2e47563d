// One writer per cache: a second holder is refused with the first one's pid and command,
// the lock is free again once released, and a lock left by a dead process is taken over.
// The lock keys on the cache file, not its path string: a symlinked path, a deleted lock
// file and a rebuilt cache file admit no second writer.
#include "sync/cache_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace {

using ::testing::HasSubstr;

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

}  // namespace
}  // namespace tenantsync
