// ISO 8601 times as Graph and the reports write them.
#include "sync/clock.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace clock_test {

TEST(Iso8601Test, ParsesWhatItFormatsWithFractionsAndZ) {
  Clock::time_point t;
  ASSERT_TRUE(parse_iso8601("2026-12-03T10:15:30Z", t));
  EXPECT_EQ(format_iso8601(t), "2026-12-03T10:15:30Z");
  ASSERT_TRUE(parse_iso8601("2026-12-03T10:15:30.1234567Z", t));
  EXPECT_EQ(format_iso8601(t), "2026-12-03T10:15:30Z");
  EXPECT_FALSE(parse_iso8601("2026-12-03", t));
  EXPECT_FALSE(parse_iso8601("2026-12-03T10:15:30+01:00", t));
}

// Found by fuzz_drift_report: year 8115 overflowed the nanoseconds of a time_point
// (undefined behaviour) instead of being refused.
TEST(Iso8601Test, RefusesATimeATimePointCannotHold) {
  Clock::time_point t;
  EXPECT_FALSE(parse_iso8601("8115-12-03T00:00:00Z", t));
  EXPECT_FALSE(parse_iso8601("9999-12-31T23:59:59Z", t));
  EXPECT_FALSE(parse_iso8601("1601-01-01T00:00:00Z", t));
  EXPECT_TRUE(parse_iso8601("2261-12-31T00:00:00Z", t));
}

}  // namespace clock_test
}  // namespace tenantsync
