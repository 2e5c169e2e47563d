// When `run` posts to the webhook: on a change of what is open (new or resolved matters),
// a reminder every remindEvery while the same matters stay open, nothing otherwise.
#include "sync/run/notification_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace notification_policy_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

const Clock::time_point t0 = Clock::time_point(std::chrono::hours(24 * 20000));

std::vector<OpenMatter> matters(std::vector<std::string> keys) {
  std::vector<OpenMatter> out;
  for (auto& k : keys) out.push_back({k, "text of " + k});
  return out;
}

NotifiedState told(std::vector<std::string> keys, Clock::time_point at) {
  return {std::move(keys), "drift", at};
}

TEST(NotificationPolicyTest, NothingOpenAndNothingToldIsQuiet) {
  EXPECT_FALSE(decide_notice(std::nullopt, {}, 0, t0, 24h).post());
}

TEST(NotificationPolicyTest, TheFirstOpenMattersArePosted) {
  auto d = decide_notice(std::nullopt, matters({"a", "b"}), 0, t0, 24h);
  EXPECT_EQ(d.kind, NoticeKind::Changed);
  EXPECT_EQ(d.added.size(), 2u);
}

TEST(NotificationPolicyTest, TheSameMattersAreNotPostedAgainUntilTheReminderIsDue) {
  auto last = told({"a", "b"}, t0);
  EXPECT_FALSE(decide_notice(last, matters({"a", "b"}), 0, t0 + 15min, 24h).post());
  EXPECT_FALSE(decide_notice(last, matters({"b", "a"}), 0, t0 + 23h, 24h).post());
  auto reminder = decide_notice(last, matters({"a", "b"}), 0, t0 + 24h, 24h);
  EXPECT_EQ(reminder.kind, NoticeKind::Reminder);
  EXPECT_THAT(reminder.added, IsEmpty());
}

TEST(NotificationPolicyTest, ANewMatterOrAResolvedOneIsAChange) {
  auto last = told({"a", "b"}, t0);
  auto more = decide_notice(last, matters({"a", "b", "c"}), 0, t0 + 15min, 24h);
  EXPECT_EQ(more.kind, NoticeKind::Changed);
  ASSERT_EQ(more.added.size(), 1u);
  EXPECT_EQ(more.added[0].key, "c");

  auto fewer = decide_notice(last, matters({"a"}), 0, t0 + 15min, 24h);
  EXPECT_EQ(fewer.kind, NoticeKind::Changed);
  EXPECT_THAT(fewer.resolved, ElementsAre("b"));
}

TEST(NotificationPolicyTest, ACycleThatAppliedOperationsIsNewsEvenWithNothingLeftOpen) {
  auto d = decide_notice(told({}, t0), {}, 3, t0 + 15min, 24h);
  EXPECT_EQ(d.kind, NoticeKind::Applied);
  EXPECT_STREQ(to_string(d.kind), "applied");
  EXPECT_FALSE(decide_notice(told({}, t0), {}, 0, t0 + 15min, 24h).post());
}

TEST(NotificationPolicyTest, EverythingResolvedIsSaidOnceAndThenQuiet) {
  auto d = decide_notice(told({"cycle|failed"}, t0), {}, 0, t0 + 15min, 24h);
  EXPECT_EQ(d.kind, NoticeKind::Resolved);
  EXPECT_THAT(d.resolved, ElementsAre("cycle|failed"));
  EXPECT_FALSE(decide_notice(told({}, t0 + 15min), {}, 0, t0 + 48h, 24h).post());
}

// The same problem keeps the same key when its error text changes (request ids, times).
TEST(NotificationPolicyTest, KeysDoNotCarryErrorTextOrCounts) {
  CycleResult c;
  TenantDrift t;
  t.tenant = "contoso.onmicrosoft.com";
  DriftItem item;
  item.kind = DriftKind::MissingLicense;
  item.user = "alice@contoso.onmicrosoft.com";
  item.sku = "SPE_E3";
  item.status = DriftStatus::Blocked;
  item.reason = "no free seat (request-id 1)";
  t.items = {item};
  c.left.tenants = {t};
  CycleOutcome o;
  TenantOutcome failed;
  failed.tenant = "fabrikam.onmicrosoft.com";
  failed.status = TenantStatus::Failed;
  failed.detail = "timeout after 30 s (request-id 1)";
  o.tenants = {failed};
  auto first = open_matters(c, o);

  c.left.tenants[0].items[0].reason = "no free seat (request-id 2)";
  o.tenants[0].detail = "timeout after 30 s (request-id 2)";
  auto second = open_matters(c, o);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].key, second[0].key);
  EXPECT_EQ(first[1].key, second[1].key);
  EXPECT_NE(first[1].text, second[1].text);
  EXPECT_EQ(first[0].key, "fabrikam.onmicrosoft.com|failed");
}

}  // namespace notification_policy_test
}  // namespace tenantsync
