// Who gets a SKU's free seats first (sync/plan/seat_priority.h), on the order alone.
#include "sync/plan/seat_priority.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tenantsync {
namespace seat_priority_test {

using planning::order_by_seat_priority;
using planning::SeatClass;
using planning::SeatDemand;

// The demands' user indices, in the order given.
std::vector<std::size_t> users_in_order(std::vector<SeatDemand> demands) {
  order_by_seat_priority(demands);
  std::vector<std::size_t> out;
  for (const auto& d : demands) out.push_back(d.user);
  return out;
}

TEST(SeatPriorityTest, RestoresComeFirstThenEntriesThenRules) {
  std::vector<SeatDemand> demands = {
      {SeatClass::Rule, "amy@x.com", "amy@x.com", 0, 1, 10},
      {SeatClass::Explicit, "zoe@x.com", "zoe@x.com", 0, 2, 11},
      {SeatClass::Restore, "zed@x.com", "zed@x.com", 0, 3, 99},
      {SeatClass::Explicit, "bob@x.com", "bob@x.com", 0, 4, 12},
  };
  EXPECT_EQ(users_in_order(demands), (std::vector<std::size_t>{3, 4, 2, 1}));
}

TEST(SeatPriorityTest, WithinAClassByUpnIgnoringCaseThenAsWritten) {
  // Keys are the lower-case UPNs: "Bob" sorts with "bob", before "carl"; the two spellings
  // of bob are told apart as written ("B" before "b").
  std::vector<SeatDemand> demands = {
      {SeatClass::Rule, "carl@x.com", "carl@x.com", 0, 1, 10},
      {SeatClass::Rule, "bob@x.com", "bob@x.com", 0, 2, 11},
      {SeatClass::Rule, "bob@x.com", "Bob@x.com", 0, 3, 12},
      {SeatClass::Rule, "adam@x.com", "Adam@x.com", 0, 4, 13},
  };
  EXPECT_EQ(users_in_order(demands), (std::vector<std::size_t>{4, 3, 2, 1}));
}

TEST(SeatPriorityTest, OneUsersLicensesBySku) {
  std::vector<SeatDemand> demands = {
      {SeatClass::Explicit, "amy@x.com", "amy@x.com", 5, 1, 10},
      {SeatClass::Explicit, "amy@x.com", "amy@x.com", 2, 2, 11},
      {SeatClass::Explicit, "amy@x.com", "amy@x.com", 3, 3, 12},
  };
  EXPECT_EQ(users_in_order(demands), (std::vector<std::size_t>{2, 3, 1}));
}

}  // namespace seat_priority_test
}  // namespace tenantsync
