// BodyPool: which strings it keeps for later responses, how many, and that a string taken
// from it is empty with the capacity it was given back with.
#include "connector/body_pool.h"

#include <gtest/gtest.h>

#include <string>

namespace tenantsync {
namespace {

std::string with_capacity(std::size_t capacity) {
  std::string s;
  s.reserve(capacity);
  s.assign(capacity / 2, 'x');
  return s;
}

TEST(BodyPoolTest, AnEmptyPoolGivesANewString) {
  BodyPool pool(2);
  EXPECT_TRUE(pool.take().empty());
  EXPECT_EQ(pool.kept(), 0u);
}

TEST(BodyPoolTest, AStringHandedBackComesBackEmptyWithItsMemory) {
  BodyPool pool(2);
  std::string body = with_capacity(600 << 10);
  const char* memory = body.data();
  const std::size_t capacity = body.capacity();
  pool.give_back(std::move(body));
  EXPECT_EQ(pool.kept(), 1u);
  std::string again = pool.take();
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(again.data(), memory);
  EXPECT_EQ(again.capacity(), capacity);
  EXPECT_EQ(pool.kept(), 0u);
}

TEST(BodyPoolTest, OnlyLargeButNotHugeStringsAreKept) {
  BodyPool pool(4);
  pool.give_back(with_capacity(BodyPool::kMinKeptCapacity - 1));
  pool.give_back(with_capacity(BodyPool::kMaxKeptCapacity + 1));
  EXPECT_EQ(pool.kept(), 0u);
  pool.give_back(with_capacity(BodyPool::kMinKeptCapacity));
  pool.give_back(with_capacity(BodyPool::kMaxKeptCapacity));
  EXPECT_EQ(pool.kept(), 2u);
}

TEST(BodyPoolTest, NoMoreThanMaxKeptAreHeld) {
  BodyPool pool(2);
  for (int i = 0; i < 5; ++i) pool.give_back(with_capacity(512 << 10));
  EXPECT_EQ(pool.kept(), 2u);
}

TEST(BodyPoolTest, NoMoreThanMaxKeptBytesAreHeldWhateverTheCount) {
  BodyPool pool(64);
  const std::size_t each = BodyPool::kMaxKeptCapacity;
  for (int i = 0; i < 10; ++i) pool.give_back(with_capacity(each));
  EXPECT_EQ(pool.kept(), BodyPool::kMaxKeptBytes / each);
  // What is taken makes room again.
  (void)pool.take();
  pool.give_back(with_capacity(each));
  EXPECT_EQ(pool.kept(), BodyPool::kMaxKeptBytes / each);
}

}  // namespace
}  // namespace tenantsync
