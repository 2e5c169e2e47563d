// The licenses one assignLicense call changes (sync/apply/license_change.h): removals,
// additions, licenses a group keeps, the request body both ways.
#include "sync/apply/license_change.h"

#include <gtest/gtest.h>

#include "tests/sync/apply_test_support.h"

namespace tenantsync {
namespace license_change_test {

TEST(LicenseChangeTest, AppliesRemovalsThenAdditionsAndKeepsGroupLicenses) {
  User u = make_user("id-a", "a@x.com", {kE3, kEms});
  u.license_states.push_back({kEms, std::string("group-1"), {}, "Active", "None"});
  LicenseChange change{{{kExs, {}}, {kE3, {"plan-TEAMS1"}}}, {kEms}};

  User after = apply_license_change(u, change);

  ASSERT_NE(after.find_license(kEms), nullptr);  // still inherited from the group
  EXPECT_FALSE(after.has_direct_license(kEms));
  EXPECT_TRUE(after.has_direct_license(kExs));
  EXPECT_EQ(after.find_license(kE3)->disabled_plans, std::vector<std::string>{"plan-TEAMS1"});
  EXPECT_TRUE(license_change_in_effect(after, change));
  EXPECT_FALSE(license_change_in_effect(u, change));
}

TEST(LicenseChangeTest, RequestBodyRoundTrips) {
  LicenseChange change{{{kE3, {"plan-a"}}}, {kEms}};
  auto back = license_change_from_body(to_request_body(change));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, change);
  EXPECT_FALSE(license_change_from_body(nlohmann::json::object()));
  EXPECT_FALSE(license_change_from_body(nlohmann::json::parse(R"({"addLicenses": 3})")));
}

TEST(LicenseChangeTest, DisabledPlansCompareInAnyOrder) {
  User u = make_user("id-a", "a@x.com", {});
  u.assigned_licenses.push_back({kE3, {"p2", "p1"}});
  u.license_states.push_back({kE3, std::nullopt, {"p2", "p1"}, "Active", "None"});
  EXPECT_TRUE(license_change_in_effect(u, {{{kE3, {"p1", "p2"}}}, {}}));
  EXPECT_FALSE(license_change_in_effect(u, {{{kE3, {"p1"}}}, {}}));
}

}  // namespace license_change_test
}  // namespace tenantsync
