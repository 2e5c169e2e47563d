// body_room: a body that comes in whole read steps gets room for four of them at its first
// step, so a page of 999 users (three steps) is never copied as its string grows; other
// bodies get what they need and then double; the parser's padding is always there.
#include "connector/body_room.h"

#include <gtest/gtest.h>

#include <vector>

namespace tenantsync {
namespace body_room_test {

constexpr std::size_t kStep = 192 << 10;

// The capacities a string goes through as `writes` are appended, starting empty.
std::vector<std::size_t> capacities(const std::vector<std::size_t>& writes, std::size_t step) {
  std::vector<std::size_t> out;
  std::size_t size = 0, capacity = 0;
  for (std::size_t more : writes) {
    const std::size_t room = body_room(size, capacity, more, step);
    if (room != capacity) out.push_back(room);
    capacity = room;
    size += more;
    EXPECT_GE(capacity, size + kBodyReadPadding);
  }
  return out;
}

TEST(BodyRoomTest, APageOfThreeStepsGetsItsRoomOnce) {
  EXPECT_EQ(capacities({kStep, kStep, 520000 - 2 * kStep}, kStep),
            std::vector<std::size_t>{4 * kStep + kBodyReadPadding});
  // Past four steps it doubles from there.
  EXPECT_EQ(
      capacities({kStep, kStep, kStep, kStep, 100}, kStep),
      (std::vector<std::size_t>{4 * kStep + kBodyReadPadding, 2 * (4 * kStep + kBodyReadPadding)}));
}

TEST(BodyRoomTest, ASmallBodyOrAnUnknownStepGetsWhatItNeedsThenDoubles) {
  EXPECT_EQ(capacities({150000}, kStep), std::vector<std::size_t>{150000 + kBodyReadPadding});
  // Chunked bodies come in smaller writes: the string doubles as before.
  EXPECT_EQ(capacities({30000, 30000, 30000}, kStep),
            (std::vector<std::size_t>{30000 + kBodyReadPadding, 2 * (30000 + kBodyReadPadding),
                                      4 * (30000 + kBodyReadPadding)}));
  EXPECT_EQ(capacities({kStep, kStep}, 0),
            (std::vector<std::size_t>{kStep + kBodyReadPadding, 2 * (kStep + kBodyReadPadding)}));
}

}  // namespace body_room_test
}  // namespace tenantsync
