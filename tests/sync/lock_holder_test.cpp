// The note in the cache's lock file and the lines shown about its holder: a refused or
// waiting writer names the holder, says whether it is a cycle of `run`, and how long ago
// it started; a note from an older version (no start time) still names its holder.
#include "sync/store/lock_holder.h"

#include <gtest/gtest.h>

namespace tenantsync {
namespace lock_holder_test {

TEST(LockHolderTest, TheNoteReadsBackAsWritten) {
  LockHolder holder = parse_lock_note(lock_note(4242, "users reset-password", 1700000000));
  EXPECT_EQ(holder.pid, 4242);
  EXPECT_EQ(holder.command, "users reset-password");
  ASSERT_TRUE(holder.started.has_value());
  EXPECT_EQ(*holder.started, 1700000000);
}

TEST(LockHolderTest, AnOlderNoteHasNoStartTime) {
  LockHolder holder = parse_lock_note("4242 run\n");
  EXPECT_EQ(holder.pid, 4242);
  EXPECT_EQ(holder.command, "run");
  EXPECT_FALSE(holder.started.has_value());
  EXPECT_EQ(waiting_line(holder, 1700000000),
            "waiting for the running cycle of pid 4242 to finish");
}

TEST(LockHolderTest, AnEmptyNoteNamesNobody) {
  LockHolder holder = parse_lock_note("");
  EXPECT_EQ(holder.pid, 0);
  EXPECT_EQ(describe_holder(holder), "another process");
  EXPECT_EQ(waiting_line(holder, 0), "waiting for another process to finish");
}

TEST(LockHolderTest, TheWaitingLineSaysWhoAndSinceWhen) {
  LockHolder run{4242, "run", 1700000000};
  LockHolder assign{4243, "assign", 1700000000};
  EXPECT_EQ(waiting_line(run, 1700000012),
            "waiting for the running cycle of pid 4242 to finish (started 12 s ago)");
  EXPECT_EQ(waiting_line(assign, 1700000012),
            "waiting for pid 4243 (tenantsync assign) to finish (started 12 s ago)");
}

}  // namespace lock_holder_test
}  // namespace tenantsync
