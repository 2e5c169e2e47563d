// What `run` told the webhook, and what it has not delivered yet, survive a restart in
// the cache; the outbox keeps its order and is bounded.
#include "sync/store/notification_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/store/cache.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace notification_store_test {

using ::testing::ElementsAre;

class NotificationStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Cache> open() {
    auto cache = Cache::open(dir.path() + "/cache.db", clock);
    EXPECT_TRUE(cache.ok()) << cache.error().message;
    return std::move(*cache);
  }
  TempDir dir;
  FakeClock clock;
};

TEST_F(NotificationStoreTest, NothingToldYet) {
  auto cache = open();
  auto last = cache->notifications().last();
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->has_value());
  EXPECT_TRUE(cache->notifications().outbox()->empty());
}

TEST_F(NotificationStoreTest, TheLastPostAndTheOutboxSurviveAReopen) {
  {
    auto cache = open();
    ASSERT_TRUE(
        cache->notifications().record({{"a", "b"}, "drift", clock.now()}, "{\"n\":1}").ok());
    ASSERT_TRUE(cache->notifications().record({{"a"}, "partial", clock.now()}, "{\"n\":2}").ok());
  }
  auto cache = open();
  auto last = cache->notifications().last();
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_THAT((*last)->matters, ElementsAre("a"));
  EXPECT_EQ((*last)->status, "partial");
  EXPECT_EQ((*last)->sent_at, clock.now());
  auto outbox = cache->notifications().outbox();
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].body, "{\"n\":1}");
  ASSERT_TRUE(cache->notifications().delivered((*outbox)[0].id).ok());
  EXPECT_EQ(cache->notifications().outbox()->size(), 1u);
  EXPECT_EQ(cache->notifications().outbox()->front().body, "{\"n\":2}");
}

TEST_F(NotificationStoreTest, TheOutboxKeepsTheNewestPosts) {
  auto cache = open();
  for (int i = 0; i < NotificationStore::kMaxOutbox + 5; ++i) {
    ASSERT_TRUE(cache->notifications().record({{}, "ok", clock.now()}, std::to_string(i)).ok());
  }
  auto outbox = cache->notifications().outbox();
  ASSERT_EQ(outbox->size(), static_cast<size_t>(NotificationStore::kMaxOutbox));
  EXPECT_EQ(outbox->front().body, "5");
  EXPECT_EQ(outbox->back().body, std::to_string(NotificationStore::kMaxOutbox + 4));
}

}  // namespace notification_store_test
}  // namespace tenantsync
