// A stop request (SIGTERM in `tenantsync run`) during apply: the chunk in flight is
// finished and journalled, nothing more is sent, and every operation not sent is
// journalled as skipped, so the journal is complete when the executor returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/apply/executor.h"
#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace executor_interrupt_test {

using ::testing::Each;
using ::testing::Field;
using ::testing::Ne;

const std::string kContoso = "contoso.onmicrosoft.com";
const std::string kFabrikam = "fabrikam.onmicrosoft.com";

TEST(ExecutorInterruptTest, FinishesTheChunkInFlightAndJournalsTheRestAsNotSent) {
  ApplyHarness h;
  std::vector<User> users;
  std::string entries;
  for (int i = 0; i < 5; ++i) {
    std::string upn = "u" + std::to_string(i) + "@" + kContoso;
    users.push_back(make_user("id-u" + std::to_string(i), upn, {}));
    entries += std::string(i ? "," : "") + R"({"upn": ")" + upn + R"(", "licenses": ["SPE_E3"]})";
  }
  h.add_tenant(kContoso, users);
  h.add_tenant(kFabrikam, {});
  h.mirror();
  Plan plan = h.plan(R"({"version": 1, "tenants": [{"tenant": ")" + kContoso +
                     R"(", "managedSkus": ["SPE_E3"], "users": [)" + entries + "]}]}");
  std::atomic<bool> stop{false};
  ExecuteOptions options;
  options.chunk_size = 1;
  options.interrupt = &stop;
  options.hooks.after_write = [&](const std::string&, ApplyPhase) { stop = true; };

  ApplyReport report = h.apply(plan, options);

  auto s = report.summary();
  EXPECT_EQ(s.applied, 1);
  EXPECT_EQ(s.skipped, 4);
  EXPECT_EQ(h.faulty.recorded().size(), 1u);
  for (const auto& o : report.plan.tenants.at(0).operations) {
    if (o.status == OpStatus::Skipped) {
      EXPECT_EQ(o.reason, "not sent: interrupted");
    }
  }
  auto journal = h.cache->journal().list();
  ASSERT_TRUE(journal.ok());
  ASSERT_EQ(journal->size(), 5u);
  EXPECT_THAT(*journal, Each(Field(&JournalEntry::state, Ne(JournalState::Pending))));
  EXPECT_THAT(*journal, Each(Field(&JournalEntry::state, Ne(JournalState::Sending))));
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_TRUE(unfinished->empty());
}

TEST(ExecutorInterruptTest, TenantsNotStartedAreJournalledAsNotSent) {
  ApplyHarness h;
  h.add_tenant(kContoso, {make_user("id-a", "a@" + kContoso, {})});
  h.add_tenant(kFabrikam, {make_user("id-b", "b@" + kFabrikam, {})});
  h.mirror();
  std::string both = R"({"version": 1, "tenants": [
    {"tenant": ")" + kContoso +
                     R"(", "managedSkus": ["SPE_E3"],
     "users": [{"upn": "a@)" +
                     kContoso + R"(", "licenses": ["SPE_E3"]}]},
    {"tenant": ")" + kFabrikam +
                     R"(", "managedSkus": ["SPE_E3"],
     "users": [{"upn": "b@)" +
                     kFabrikam + R"(", "licenses": ["SPE_E3"]}]}]})";
  std::atomic<bool> stop{true};
  ExecuteOptions options;
  options.interrupt = &stop;

  ApplyReport report = h.apply(h.plan(both), options);

  EXPECT_TRUE(report.nothing_sent());
  EXPECT_EQ(report.summary().skipped, 2);
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_TRUE(unfinished->empty());
}

}  // namespace executor_interrupt_test
}  // namespace tenantsync
