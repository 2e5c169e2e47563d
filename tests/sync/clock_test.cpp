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

// timegm rolls an impossible field over (2026-02-30 is March 2nd, 25:00 the next day's
// 01:00): each field is checked before, so such a time is refused, not moved.
TEST(Iso8601Test, RefusesDatesAndTimesThatDoNotExist) {
  Clock::time_point t;
  for (const char* text : {"2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-02-29T00:00:00Z",
                           "2026-04-31T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-20T24:00:00Z",
                           "2026-11-20T25:00:00Z", "2026-11-20T10:60:00Z", "2026-11-20T10:00:60Z",
                           "2026-1-20T10:00:00Z", "2026-11-20T 8:00:00Z", "2026-11-20T+8:00:00Z",
                           "2026-11-20T08:00:00.Z", "2026-11-20T08:00:00Zjunk"}) {
    EXPECT_FALSE(parse_iso8601(text, t)) << text;
  }
  ASSERT_TRUE(parse_iso8601("2028-02-29T23:59:59Z", t));  // a leap year
  EXPECT_EQ(format_iso8601(t), "2028-02-29T23:59:59Z");
  EXPECT_TRUE(parse_iso8601("2000-02-29T00:00:00Z", t));
  EXPECT_FALSE(parse_iso8601("2100-02-29T00:00:00Z", t));
}

TEST(DateOrTimeTest, TakesADateOrAFullTimeWithItsZone) {
  struct Case {
    const char* text;
    const char* utc;
  };
  const Case cases[] = {
      {"2026-11-20", "2026-11-20T00:00:00Z"},
      {"2026-11-20T08:00:00Z", "2026-11-20T08:00:00Z"},
      {"2026-11-20T08:00:00.250Z", "2026-11-20T08:00:00Z"},
      {"2026-11-20T08:00:00+01:00", "2026-11-20T07:00:00Z"},
      {"2026-11-20T08:00:00-05:30", "2026-11-20T13:30:00Z"},
      {"2026-11-20T00:30:00+01:00", "2026-11-19T23:30:00Z"},
      {"2026-11-20T08:00:00+00:00", "2026-11-20T08:00:00Z"},
  };
  for (const auto& c : cases) {
    Clock::time_point t;
    ASSERT_TRUE(parse_date_or_time(c.text, t)) << c.text;
    EXPECT_EQ(format_iso8601(t), c.utc) << c.text;
  }
}

TEST(DateOrTimeTest, RefusesAnythingElse) {
  Clock::time_point t;
  for (const char* text :
       {"", "last tuesday", "2026-13-45", "2026-02-30", "2026-11-20T25:00:00Z",
        "2026-11-20T08:00:00",  // no zone: whose 08:00?
        "2026-11-20T08:00Z", "2026-11-20T08:00:00+01", "2026-11-20T08:00:00+0100",
        "2026-11-20T08:00:00+24:00", "2026-11-20T08:00:00+01:60", "2026-11-20 08:00:00Z",
        "20261120", "2026-11-20Z", "2026-11-20T08:00:00Z ", " 2026-11-20"}) {
    EXPECT_FALSE(parse_date_or_time(text, t)) << text;
  }
}

}  // namespace clock_test
}  // namespace tenantsync
