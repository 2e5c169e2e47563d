// CacheDatabase's read connections: readers on several threads each get a connection of
// their own, up to kMaxReaders; one more waits for the next given back.
#include "sync/store/cache_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "sync/clock.h"
#include "tests/support/run_program.h"

namespace tenantsync {
namespace cache_database_test {

using namespace std::chrono_literals;

class CacheDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = CacheDatabase::open(dir_.file("cache.db"), clock_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
  }

  test::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<CacheDatabase> db_;
};

TEST_F(CacheDatabaseTest, ReadersOnSeveralThreadsEachHoldTheirOwnConnectionAtOnce) {
  constexpr size_t kReaders = CacheDatabase::kMaxReaders;
  std::mutex mu;
  std::condition_variable all_in;
  size_t inside = 0;
  bool together = true;
  std::set<const Database*> connections;
  auto read = [&] {
    db_->with_reader([&](Database& db) {
      std::unique_lock<std::mutex> lock(mu);
      connections.insert(&db);
      ++inside;
      all_in.notify_all();
      // With one shared connection the others could never get in: this would time out.
      together = together && all_in.wait_for(lock, 10s, [&] { return inside == kReaders; });
      return db.query_int("SELECT count(*) FROM sqlite_master").ok();
    });
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < kReaders; ++i) threads.emplace_back(read);
  for (auto& t : threads) t.join();
  EXPECT_TRUE(together);
  EXPECT_EQ(connections.size(), kReaders);
}

TEST_F(CacheDatabaseTest, OneReaderMoreThanTheConnectionsWaitsForOneGivenBack) {
  constexpr size_t kReaders = CacheDatabase::kMaxReaders;
  std::mutex mu;
  std::condition_variable changed;
  size_t inside = 0;
  bool release = false;
  std::atomic<bool> extra_done{false};
  std::vector<std::thread> holders;
  for (size_t i = 0; i < kReaders; ++i) {
    holders.emplace_back([&] {
      db_->with_reader([&](Database&) {
        std::unique_lock<std::mutex> lock(mu);
        ++inside;
        changed.notify_all();
        changed.wait(lock, [&] { return release; });
      });
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return inside == kReaders; }));
  }
  std::thread extra([&] {
    db_->with_reader([&](Database& db) { return db.query_int("SELECT 1").ok(); });
    extra_done = true;
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(extra_done) << "a fifth reader got a connection while four were in use";
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  changed.notify_all();
  for (auto& t : holders) t.join();
  extra.join();
  EXPECT_TRUE(extra_done);
}

}  // namespace cache_database_test
}  // namespace tenantsync
