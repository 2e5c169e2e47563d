// Password resets through the Directory port: one UpdateUser per user with the body the
// Graph contract gives (passwordProfile, change forced at next sign-in), each result with
// the service's error verbatim, each reset in the journal without its password, and a
// reset cut short settled without being sent again.
#include "sync/tasks/password_reset.h"

#include <gtest/gtest.h>

#include "sync/apply/journal_settle.h"
#include "sync/apply/temporary_password.h"
#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace password_reset_test {

// Records the writes; refuses users named "missing" as the service does.
class RecordingDirectory : public Directory {
 public:
  std::vector<std::vector<WriteRequest>> calls;

  Result<std::vector<Tenant>> customer_tenants() override { return std::vector<Tenant>{}; }
  Result<std::vector<Sku>> subscribed_skus(const std::string&) override {
    return std::vector<Sku>{};
  }
  Result<std::string> read_users(const std::string&, const std::string&,
                                 const UserPageSink&) override {
    return std::string();
  }
  Status read_deleted_users(const std::string&, const DeletedUserSink&) override {
    return Status();
  }
  Result<User> get_user(const std::string&, const std::string&) override {
    return make_error(ErrorKind::NotFound, "no");
  }
  std::vector<WriteResult> write(const std::string&,
                                 const std::vector<WriteRequest>& requests) override {
    calls.push_back(requests);
    std::vector<WriteResult> out;
    for (const auto& r : requests) {
      WriteResult w;
      if (r.user == "missing") {
        w.status = make_error(ErrorKind::NotFound,
                              "Resource 'missing' does not exist or one of its queried reference-"
                              "property objects are not present.",
                              "Request_ResourceNotFound");
      }
      out.push_back(w);
    }
    return out;
  }
};

TEST(PasswordResetTest, TheBodyForcesAChangeAtNextSignIn) {
  EXPECT_EQ(password_reset_body("Abc-12345xyz"),
            nlohmann::json::parse(R"({"passwordProfile": {"forceChangePasswordNextSignIn": true,
                                                          "password": "Abc-12345xyz"}})"));
}

TEST(PasswordResetTest, SendsOneUpdatePerUserInChunksJournalsEachAndKeepsTheServiceError) {
  TempDir dir;
  FakeClock clock;
  auto cache = Cache::open(dir.file("tenantsync.db"), clock);
  ASSERT_TRUE(cache.ok()) << cache.error().describe();
  RecordingDirectory directory;
  std::vector<PasswordReset> resets;
  for (const char* id : {"id-a", "missing", "id-c"}) {
    auto password = generate_temporary_password();
    ASSERT_TRUE(password.ok());
    resets.push_back({std::string(id) + "@contoso.com", id, *password});
  }
  PasswordResetJournal journal{(*cache)->journal(), "users-reset-password-run",
                               Tenant{"tenant-id", "contoso.onmicrosoft.com", "Contoso"}};
  auto results = reset_passwords(directory, journal, resets, /*chunk=*/2);
  ASSERT_TRUE(results.ok()) << results.error().describe();
  ASSERT_EQ(directory.calls.size(), 2u);
  EXPECT_EQ(directory.calls[0].size(), 2u);
  EXPECT_EQ(directory.calls[1].size(), 1u);
  const WriteRequest& first = directory.calls[0][0];
  EXPECT_EQ(first.kind, WriteRequest::Kind::UpdateUser);
  EXPECT_EQ(first.user, "id-a");
  EXPECT_EQ(first.body, password_reset_body(resets[0].password));
  ASSERT_EQ(results->size(), 3u);
  EXPECT_TRUE((*results)[0].status.ok());
  ASSERT_FALSE((*results)[1].status.ok());
  EXPECT_EQ((*results)[1].status.error().code, "Request_ResourceNotFound");
  EXPECT_EQ((*results)[1].upn, "missing@contoso.com");
  EXPECT_TRUE((*results)[2].status.ok());

  // The audit trail: one entry per reset with its outcome, and no password anywhere.
  auto entries = (*cache)->journal().list();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const JournalEntry& e = (*entries)[i];
    EXPECT_EQ(e.plan_id, "users-reset-password-run");
    EXPECT_EQ(e.op, OpKind::ResetPassword);
    EXPECT_EQ(e.tenant, "contoso.onmicrosoft.com");
    EXPECT_EQ(e.user, resets[i].upn);
    EXPECT_EQ(e.user_id, resets[i].user_id);
    EXPECT_EQ(e.state, i == 1 ? JournalState::Failed : JournalState::Applied);
    EXPECT_EQ(e.request, nlohmann::json({{"passwordProfile", "[redacted]"}}));
    for (const auto& r : resets) EXPECT_EQ(e.request.dump().find(r.password), std::string::npos);
  }
  EXPECT_EQ((*entries)[1].error_code, "Request_ResourceNotFound");
}

TEST(PasswordResetTest, AResetCutShortIsSkippedWhenSettledAndNeverSentAgain) {
  ApplyHarness h;
  h.add_tenant("contoso.onmicrosoft.com",
               {make_user("id-adele", "adele@contoso.onmicrosoft.com", {})});
  h.mirror();
  PasswordResetJournal journal{
      h.cache->journal(), "users-reset-password-run",
      Tenant{h.tenant_id("contoso.onmicrosoft.com"), "contoso.onmicrosoft.com", "Contoso"}};
  h.faulty.crash_after_requests(0);
  EXPECT_THROW(reset_passwords(h.faulty, journal,
                               {{"adele@contoso.onmicrosoft.com", "id-adele", "Secret-12345abc"}}),
               SimulatedCrash);

  SettleReport settled = h.settle();
  ASSERT_EQ(settled.entries.size(), 1u);
  EXPECT_EQ(settled.entries[0].entry.op, OpKind::ResetPassword);
  EXPECT_EQ(settled.entries[0].outcome, JournalState::Skipped);
  EXPECT_EQ(settled.entries[0].note, kResetNotKnownAfterInterruption);
  EXPECT_TRUE(settled.unsettled_tenants.empty());
  EXPECT_EQ(h.faulty.get_user_calls(), 0);
  EXPECT_EQ(h.faulty.applied_requests(), 0);
  auto unfinished = h.cache->journal().unfinished();
  ASSERT_TRUE(unfinished.ok());
  EXPECT_TRUE(unfinished->empty());
}

}  // namespace password_reset_test
}  // namespace tenantsync
