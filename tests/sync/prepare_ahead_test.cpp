// PrepareAhead: items prepared in order, never more than `lead` past the workers, items
// the workers took first skipped, and a prompt stop.
#include "sync/mirror/prepare_ahead.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace tenantsync {
namespace {

using namespace std::chrono_literals;

// What the helpers prepared, and how far the workers had come when they did.
struct Record {
  std::mutex mu;
  std::condition_variable changed;
  std::size_t taken = 0;  // items the test's "workers" took so far
  std::vector<std::size_t> prepared;
  std::vector<std::size_t> taken_when_prepared;

  void prepare(std::size_t i) {
    std::lock_guard lock(mu);
    prepared.push_back(i);
    taken_when_prepared.push_back(taken);
    changed.notify_all();
  }
  // Waits (10 s at most, so a broken helper fails rather than hangs) for `n` items.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu);
    return changed.wait_for(lock, 10s, [&] { return prepared.size() >= n; });
  }
};

TEST(PrepareAheadTest, PreparesInOrderNeverMoreThanTheLeadAhead) {
  constexpr std::size_t kCount = 30, kLead = 3;
  Record rec;
  {
    PrepareAhead ahead(kCount, kLead, 2, [&](std::size_t i) { rec.prepare(i); });
    ASSERT_TRUE(rec.wait_for(kLead)) << "the first items are prepared before any is taken";
    for (std::size_t w = 0; w < kCount; ++w) {
      // The worker takes item w only once the helpers prepared it (they always can: it is
      // within the lead), so none is skipped here.
      ASSERT_TRUE(rec.wait_for(w + 1)) << "item " << w;
      {
        std::lock_guard lock(rec.mu);
        rec.taken = w + 1;
      }
      ahead.taken(w);
    }
  }
  std::lock_guard lock(rec.mu);
  std::set<std::size_t> seen(rec.prepared.begin(), rec.prepared.end());
  EXPECT_EQ(seen.size(), kCount) << "each item once";
  EXPECT_EQ(rec.prepared.size(), kCount);
  for (std::size_t k = 0; k < rec.prepared.size(); ++k) {
    EXPECT_LT(rec.prepared[k], rec.taken_when_prepared[k] + kLead)
        << "item " << rec.prepared[k] << " was prepared with " << rec.taken_when_prepared[k]
        << " taken";
  }
}

TEST(PrepareAheadTest, KeepsUpWhenItemsAreTakenTwoAtATimeOutOfOrder) {
  // Each taken() wakes one helper; a jump of two (item w + 1 reported before w) must still
  // get both newly allowed items prepared, by the woken helper or one that finishes.
  constexpr std::size_t kCount = 40, kLead = 4;
  Record rec;
  {
    PrepareAhead ahead(kCount, kLead, 4, [&](std::size_t i) { rec.prepare(i); });
    for (std::size_t w = 0; w < kCount; w += 2) {
      ASSERT_TRUE(rec.wait_for(std::min(w + kLead, kCount))) << "items up to " << w + kLead;
      {
        std::lock_guard lock(rec.mu);
        rec.taken = w + 2;
      }
      ahead.taken(w + 1);
      ahead.taken(w);
    }
  }
  std::lock_guard lock(rec.mu);
  EXPECT_EQ(std::set<std::size_t>(rec.prepared.begin(), rec.prepared.end()).size(), kCount);
  EXPECT_EQ(rec.prepared.size(), kCount) << "each item once, none skipped";
}

TEST(PrepareAheadTest, SkipsItemsTheWorkersTookFirst) {
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool entered = false, open = false;
  Record rec;
  {
    PrepareAhead ahead(20, 2, 1, [&](std::size_t i) {
      if (i == 0) {  // the one helper is held on item 0 while the workers move on
        std::unique_lock lock(gate_mu);
        entered = true;
        gate_cv.notify_all();
        gate_cv.wait_for(lock, 10s, [&] { return open; });
      }
      rec.prepare(i);
    });
    {
      std::unique_lock lock(gate_mu);
      ASSERT_TRUE(gate_cv.wait_for(lock, 10s, [&] { return entered; }));
    }
    for (std::size_t w = 0; w < 6; ++w) ahead.taken(w);
    {
      std::lock_guard lock(gate_mu);
      open = true;
    }
    gate_cv.notify_all();
    ASSERT_TRUE(rec.wait_for(3)) << "item 0, then 6 and 7";
  }
  std::lock_guard lock(rec.mu);
  EXPECT_EQ(rec.prepared, (std::vector<std::size_t>{0, 6, 7}))
      << "1 to 5 were taken before the helper reached them; 8 is beyond the lead";
}

TEST(PrepareAheadTest, StopsWhileWaitingAndDoesNothingWithoutALead) {
  Record rec;
  {
    PrepareAhead ahead(1000, 2, 4, [&](std::size_t i) { rec.prepare(i); });
    ASSERT_TRUE(rec.wait_for(2));
  }  // nothing taken: the helpers wait for the workers, and the destructor ends them
  EXPECT_EQ(rec.prepared.size(), 2u);
  {
    PrepareAhead none(10, 0, 2, [&](std::size_t i) { rec.prepare(i); });
    PrepareAhead empty(0, 2, 2, [&](std::size_t i) { rec.prepare(i); });
    none.taken(9);
    empty.taken(0);
  }
  EXPECT_EQ(rec.prepared.size(), 2u);
}

}  // namespace
}  // namespace tenantsync
