// Result: a value or an error, and moving the value out.
#include "model/result.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tenantsync {
namespace result_test {

TEST(ResultTest, MoveToMovesTheValueOut) {
  std::vector<std::string> out = {"old"};
  Status st = Result<std::vector<std::string>>(std::vector<std::string>{"a", "b"}).move_to(out);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(out, std::vector<std::string>({"a", "b"}));
}

TEST(ResultTest, MoveToOfAnErrorReturnsItAndLeavesTheTargetAlone) {
  std::vector<std::string> out = {"old"};
  Status st =
      Result<std::vector<std::string>>(make_error(ErrorKind::Io, "disk", "io-code")).move_to(out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "disk");
  EXPECT_EQ(st.error().code, "io-code");
  EXPECT_EQ(out, std::vector<std::string>({"old"}));
}

}  // namespace result_test
}  // namespace tenantsync
