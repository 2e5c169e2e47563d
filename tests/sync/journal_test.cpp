// Journal: append, the pending -> sending -> outcome life, resume, listing, no secrets.
#include "sync/store/journal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/log.h"
#include "sync/store/cache.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace journal_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

JournalEntry entry(const std::string& plan, const std::string& tenant_id, const std::string& tenant,
                   const std::string& upn, OpKind op) {
  JournalEntry e;
  e.plan_id = plan;
  e.tenant_id = tenant_id;
  e.tenant = tenant;
  e.user = upn;
  e.user_id = "id-" + upn;
  e.op = op;
  e.sku = "SPE_E3";
  e.request = {
      {"addLicenses",
       nlohmann::json::array({{{"skuId", "sku-1"}, {"disabledPlans", nlohmann::json::array()}}})},
      {"removeLicenses", nlohmann::json::array()}};
  return e;
}

std::vector<std::int64_t> seqs(const std::vector<JournalEntry>& entries) {
  std::vector<std::int64_t> out;
  for (const auto& e : entries) out.push_back(e.seq);
  return out;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    configure_logging(LogLevel::Error, false);
    auto c = Cache::open(dir_.file("tenantsync.db"), clock_);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    cache_ = std::move(c).value();
  }
  Journal& journal() { return cache_->journal(); }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Cache> cache_;
};

TEST_F(JournalTest, AppendWritesPendingEntriesNumberedPerPlan) {
  std::vector<JournalEntry> batch = {
      entry("plan-a", "t1", "contoso.com", "a@contoso.com", OpKind::Assign),
      entry("plan-a", "t1", "contoso.com", "b@contoso.com", OpKind::Revoke)};
  ASSERT_TRUE(journal().append(batch).ok());
  EXPECT_THAT(seqs(batch), ElementsAre(1, 2));
  EXPECT_EQ(batch[0].state, JournalState::Pending);
  EXPECT_EQ(batch[0].created_at, "2026-11-20T00:00:00Z");

  std::vector<JournalEntry> more = {
      entry("plan-a", "t1", "contoso.com", "c@contoso.com", OpKind::Delete)};
  ASSERT_TRUE(journal().append(more).ok());
  EXPECT_EQ(more[0].seq, 3);

  auto all = journal().list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0], batch[0]);  // every field round-trips
  EXPECT_EQ((*all)[1], batch[1]);
  EXPECT_EQ((*all)[2].op, OpKind::Delete);
}

TEST_F(JournalTest, RequestBodiesNeverHoldSecrets) {
  JournalEntry e = entry("plan-s", "t1", "contoso.com", "new@contoso.com", OpKind::Create);
  e.request = {
      {"userPrincipalName", "new@contoso.com"},
      {"passwordProfile", {{"password", "Sup3r-Secret!"}, {"forceChangePasswordNextSignIn", true}}},
      {"nested", nlohmann::json::array({{{"client_secret", "abc123"}}})}};
  std::vector<JournalEntry> batch = {e};
  ASSERT_TRUE(journal().append(batch).ok());
  auto all = journal().list();
  ASSERT_TRUE(all.ok());
  std::string stored = (*all)[0].request.dump();
  EXPECT_THAT(stored, Not(HasSubstr("Sup3r-Secret!")));
  EXPECT_THAT(stored, Not(HasSubstr("abc123")));
  EXPECT_EQ((*all)[0].request["passwordProfile"], "[redacted]");
  EXPECT_EQ((*all)[0].request["userPrincipalName"], "new@contoso.com");
}

TEST_F(JournalTest, LifeOfAnEntryAndResume) {
  std::vector<JournalEntry> batch = {
      entry("p", "t1", "contoso.com", "a@contoso.com", OpKind::Assign),
      entry("p", "t1", "contoso.com", "b@contoso.com", OpKind::Assign),
      entry("p", "t1", "contoso.com", "c@contoso.com", OpKind::Assign)};
  ASSERT_TRUE(journal().append(batch).ok());
  clock_.advance(std::chrono::seconds(5));
  ASSERT_TRUE(journal().mark_sending("p", {1, 2}).ok());
  ASSERT_TRUE(journal()
                  .record_outcome({"p", 1, JournalState::Failed, "Request_BadRequest",
                                   "License assignment cannot be done for user with invalid usage "
                                   "location."})
                  .ok());

  // "Crash" here: reopen and resume from what is unfinished.
  cache_.reset();
  auto reopened = Cache::open(dir_.file("tenantsync.db"), clock_);
  ASSERT_TRUE(reopened.ok());
  cache_ = std::move(reopened).value();
  auto open = journal().unfinished();
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].seq, 2);
  EXPECT_EQ((*open)[0].state, JournalState::Sending);
  EXPECT_EQ((*open)[0].updated_at, "2026-11-20T00:00:05Z");
  EXPECT_EQ((*open)[1].seq, 3);
  EXPECT_EQ((*open)[1].state, JournalState::Pending);

  ASSERT_TRUE(journal().mark_sending("p", {2, 3}).ok());  // resending after a crash is fine
  ASSERT_TRUE(journal()
                  .record_outcomes({{"p", 2, JournalState::Applied, "", ""},
                                    {"p", 3, JournalState::Skipped, "", ""}})
                  .ok());
  EXPECT_TRUE(journal().unfinished()->empty());

  auto all = journal().list();
  EXPECT_EQ((*all)[0].state, JournalState::Failed);
  EXPECT_EQ((*all)[0].error_code, "Request_BadRequest");
  EXPECT_THAT((*all)[0].error_message, HasSubstr("invalid usage location"));
}

TEST_F(JournalTest, OutcomesAreFinal) {
  std::vector<JournalEntry> batch = {
      entry("p", "t1", "contoso.com", "a@contoso.com", OpKind::Assign)};
  ASSERT_TRUE(journal().append(batch).ok());
  ASSERT_TRUE(journal().record_outcome({"p", 1, JournalState::Applied, "", ""}).ok());
  Status again = journal().record_outcome({"p", 1, JournalState::Failed, "x", "y"});
  EXPECT_EQ(again.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(journal().mark_sending("p", {1}).error().kind, ErrorKind::Invalid);
  EXPECT_EQ(journal().mark_sending("p", {9}).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(journal().record_outcome({"p", 1, JournalState::Sending, "", ""}).error().kind,
            ErrorKind::Invalid);
  EXPECT_EQ(journal().list()->at(0).state, JournalState::Applied);

  // A failed batch changes nothing: outcomes go in one transaction.
  std::vector<JournalEntry> two = {
      entry("q", "t1", "contoso.com", "a@contoso.com", OpKind::Assign)};
  ASSERT_TRUE(journal().append(two).ok());
  EXPECT_FALSE(journal()
                   .record_outcomes({{"q", 1, JournalState::Applied, "", ""},
                                     {"q", 2, JournalState::Applied, "", ""}})
                   .ok());
  EXPECT_EQ(journal().unfinished()->size(), 1u);
}

TEST_F(JournalTest, ListsByTenantAndSince) {
  std::vector<JournalEntry> day1 = {
      entry("p1", "t1", "contoso.com", "a@contoso.com", OpKind::Assign),
      entry("p1", "t2", "fabrikam.com", "f@fabrikam.com", OpKind::Revoke)};
  ASSERT_TRUE(journal().append(day1).ok());
  clock_.advance(std::chrono::hours(36));
  std::vector<JournalEntry> day2 = {
      entry("p2", "t1", "contoso.com", "b@contoso.com", OpKind::Restore)};
  ASSERT_TRUE(journal().append(day2).ok());

  auto users = [](const Result<std::vector<JournalEntry>>& r) {
    std::vector<std::string> out;
    for (const auto& e : *r) out.push_back(e.user);
    return out;
  };
  auto at = [](const std::string& text) {
    Clock::time_point t;
    EXPECT_TRUE(parse_date_or_time(text, t)) << text;
    return std::optional<Clock::time_point>(t);
  };
  EXPECT_THAT(users(journal().list({"t1", {}})), ElementsAre("a@contoso.com", "b@contoso.com"));
  EXPECT_THAT(users(journal().list({"CONTOSO.com", {}})),
              ElementsAre("a@contoso.com", "b@contoso.com"));
  EXPECT_THAT(users(journal().list({"", at("2026-11-21")})), ElementsAre("b@contoso.com"));
  EXPECT_THAT(users(journal().list({"", at("2026-11-21T12:00:00Z")})),
              ElementsAre("b@contoso.com"));
  EXPECT_THAT(users(journal().list({"", at("2026-11-21T12:00:01Z")})), ElementsAre());
  // The same instants with an offset: 13:00+01:00 is 12:00Z.
  EXPECT_THAT(users(journal().list({"", at("2026-11-21T13:00:00+01:00")})),
              ElementsAre("b@contoso.com"));
  EXPECT_THAT(users(journal().list({"", at("2026-11-21T13:00:01+01:00")})), ElementsAre());
  EXPECT_THAT(users(journal().list({"fabrikam.com", at("2026-11-20")})),
              ElementsAre("f@fabrikam.com"));
  EXPECT_THAT(users(journal().unfinished("t2")), ElementsAre("f@fabrikam.com"));
}

TEST_F(JournalTest, BlockedOperationsAreJournalledWithoutBeingSent) {
  JournalEntry e = entry("p", "t1", "contoso.com", "a@contoso.com", OpKind::Assign);
  e.state = JournalState::Blocked;
  e.error_message = "no free seat of SPE_E3";
  std::vector<JournalEntry> batch = {e};
  ASSERT_TRUE(journal().append(batch).ok());
  EXPECT_TRUE(journal().unfinished()->empty());
  std::vector<JournalEntry> bad = {
      entry("p", "t1", "contoso.com", "a@contoso.com", OpKind::Assign)};
  bad[0].state = JournalState::Applied;
  EXPECT_EQ(journal().append(bad).error().kind, ErrorKind::Invalid);
}

}  // namespace journal_test
}  // namespace tenantsync
