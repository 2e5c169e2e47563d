#include "model/user.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tenantsync {
namespace user_test {

constexpr const char* kE3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
constexpr const char* kEms = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";

TEST(UserTest, RoundTripsEveryField) {
  User u;
  u.id = "u1";
  u.user_principal_name = "alice@contoso.onmicrosoft.com";
  u.display_name = "Alice";
  u.mail = "alice@contoso.com";
  u.given_name = "Alice";
  u.surname = "Smith";
  u.job_title = "Engineer";
  u.department = "Sales";
  u.account_enabled = false;
  u.usage_location = "US";
  u.assigned_licenses = {{kE3, {"plan-a"}}, {kEms, {}}};
  u.license_states = {{kE3, std::nullopt, {"plan-a"}, "Active", "None"},
                      {kEms, "group-1", {}, "Active", "None"}};
  u.deleted_date_time = "2024-05-01T10:00:00Z";
  nlohmann::json j = u;
  EXPECT_EQ(j["licenseAssignmentStates"][1]["assignedByGroup"], "group-1");
  EXPECT_TRUE(j["licenseAssignmentStates"][0]["assignedByGroup"].is_null());
  EXPECT_EQ(j.get<User>(), u);
}

TEST(UserTest, NullFieldsFromGraphDecodeToDefaults) {
  auto j = nlohmann::json::parse(R"({
    "id": "u2", "userPrincipalName": "bob@contoso.onmicrosoft.com", "displayName": null,
    "mail": null, "givenName": null, "surname": null, "jobTitle": null, "department": null,
    "accountEnabled": null, "usageLocation": null, "deletedDateTime": null,
    "assignedLicenses": [], "licenseAssignmentStates": [
      {"skuId": "s", "assignedByGroup": null, "disabledPlans": [], "state": null, "error": null}]
  })");
  auto u = j.get<User>();
  EXPECT_EQ(u.display_name, "");
  EXPECT_EQ(u.mail, "");
  EXPECT_EQ(u.department, "");
  EXPECT_TRUE(u.account_enabled);
  EXPECT_EQ(u.usage_location, std::nullopt);
  EXPECT_EQ(u.deleted_date_time, std::nullopt);
  ASSERT_EQ(u.license_states.size(), 1u);
  EXPECT_EQ(u.license_states[0].assigned_by_group, std::nullopt);
  EXPECT_EQ(u.license_states[0].state, "Active");
  EXPECT_EQ(u.license_states[0].error, "None");
}

TEST(UserTest, AbsentOptionalFieldsDecodeToDefaults) {
  auto u = nlohmann::json::parse(R"({"id": "u3"})").get<User>();
  EXPECT_EQ(u.id, "u3");
  EXPECT_EQ(u.user_principal_name, "");
  EXPECT_TRUE(u.account_enabled);
  EXPECT_TRUE(u.assigned_licenses.empty());
  EXPECT_TRUE(u.license_states.empty());
}

TEST(UserTest, LicenseWithoutAssignmentStatesCountsAsDirect) {
  User u;
  u.assigned_licenses = {{kE3, {}}};
  EXPECT_TRUE(u.has_direct_license(kE3));
  EXPECT_EQ(u.inheriting_group(kE3), std::nullopt);
  EXPECT_FALSE(u.has_direct_license(kEms));
}

TEST(UserTest, GroupOnlyLicenseIsNotDirectAndNamesItsGroup) {
  User u;
  u.assigned_licenses = {{kEms, {}}};
  u.license_states = {{kEms, "group-1", {}, "Active", "None"}};
  EXPECT_FALSE(u.has_direct_license(kEms));
  EXPECT_EQ(u.inheriting_group(kEms), "group-1");
  ASSERT_NE(u.find_license(kEms), nullptr);
}

TEST(UserTest, LicenseBothDirectAndFromGroupIsDirect) {
  User u;
  u.assigned_licenses = {{kE3, {}}};
  u.license_states = {{kE3, "group-1", {}, "Active", "None"},
                      {kE3, std::nullopt, {}, "Active", "None"}};
  EXPECT_TRUE(u.has_direct_license(kE3));
  EXPECT_EQ(u.inheriting_group(kE3), "group-1");
}

TEST(UserTest, StateWithoutAssignedLicenseIsNotHeld) {
  User u;
  u.license_states = {{kE3, std::nullopt, {}, "Active", "None"}};
  EXPECT_FALSE(u.has_direct_license(kE3));
  EXPECT_EQ(u.find_license(kE3), nullptr);
}

}  // namespace user_test
}  // namespace tenantsync
