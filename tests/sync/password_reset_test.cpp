// Password resets through the Directory port: one UpdateUser per user with the body the
// Graph contract gives (passwordProfile, change forced at next sign-in), each result with
// the service's error verbatim.
#include "sync/password_reset.h"

#include <gtest/gtest.h>

#include "sync/temporary_password.h"

namespace tenantsync {
namespace {

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

TEST(PasswordResetTest, SendsOneUpdatePerUserInChunksAndKeepsTheServiceError) {
  RecordingDirectory directory;
  std::vector<PasswordReset> resets;
  for (const char* id : {"id-a", "missing", "id-c"}) {
    auto password = generate_temporary_password();
    ASSERT_TRUE(password.ok());
    resets.push_back({std::string(id) + "@contoso.com", id, *password});
  }
  auto results = reset_passwords(directory, "tenant-id", resets, /*chunk=*/2);
  ASSERT_EQ(directory.calls.size(), 2u);
  EXPECT_EQ(directory.calls[0].size(), 2u);
  EXPECT_EQ(directory.calls[1].size(), 1u);
  const WriteRequest& first = directory.calls[0][0];
  EXPECT_EQ(first.kind, WriteRequest::Kind::UpdateUser);
  EXPECT_EQ(first.user, "id-a");
  EXPECT_EQ(first.body, password_reset_body(resets[0].password));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].status.ok());
  ASSERT_FALSE(results[1].status.ok());
  EXPECT_EQ(results[1].status.error().code, "Request_ResourceNotFound");
  EXPECT_EQ(results[1].upn, "missing@contoso.com");
  EXPECT_TRUE(results[2].status.ok());
}

}  // namespace
}  // namespace tenantsync
