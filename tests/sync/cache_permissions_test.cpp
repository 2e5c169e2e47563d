// The cache holds every tenant's users and the journal: it and the files SQLite keeps
// beside it (-wal, -shm) and the lock file are readable by their owner only, whatever
// the umask, because the modes come from tenantsync, not from the environment.
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "sync/log.h"
#include "sync/store/cache.h"
#include "sync/store/cache_lock.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace cache_permissions_test {

int file_mode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

// Sets the umask for the scope, so files created meanwhile get exactly the mode asked for.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(umask(mask)) {}
  ~ScopedUmask() { umask(previous_); }

 private:
  mode_t previous_;
};

TEST(CachePermissionsTest, CacheWalShmAndLockAreOwnerOnlyEvenWithAnOpenUmask) {
  configure_logging(LogLevel::Off, false);
  ScopedUmask open_umask(0);
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.file("tenantsync.db");
  auto lock = CacheLock::acquire(path, "test");
  ASSERT_TRUE(lock.ok());
  auto cache = Cache::open(path, clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  ASSERT_TRUE((*cache)->upsert_tenants({make_tenant("id-contoso", "contoso.com")}).ok());

  // While it is open, SQLite keeps the write-ahead log and the shared-memory index.
  ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
  ASSERT_TRUE(std::filesystem::exists(path + "-shm"));
  EXPECT_EQ(file_mode(path), 0600);
  EXPECT_EQ(file_mode(path + "-wal"), 0600);
  EXPECT_EQ(file_mode(path + "-shm"), 0600);
  EXPECT_EQ(file_mode(path + ".lock"), 0600);
}

}  // namespace cache_permissions_test
}  // namespace tenantsync
