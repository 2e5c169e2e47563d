// A restore that cannot bring everything back, as a user meets it: Cameron was deleted
// holding SPE_E3, EMS and MCOEV (Teams Phone, which needs MCOSTANDARD of SPE_E3), and
// SPE_E3 has no free seat now. apply restores Cameron and, in one assignLicense call,
// takes away SPE_E3 and MCOEV with it; fake-graph (which enforces plan dependencies with
// its own code) accepts every call, the tenant ends within its seats, and the output
// names what cannot come back and why.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace restore_rules_cli_test {

using ::testing::HasSubstr;

const char* kContoso = "contoso.onmicrosoft.com";
const char* kCameron = "cameron.white@contoso.onmicrosoft.com";

// The demo estate with Cameron's MCOEV and SPE_E3's last free seat gone.
std::string fixture_with_a_phone_user_to_restore(const TempDir& dir) {
  return edited_demo_fixture(dir, "fixture.json", [](nlohmann::json& fixture) {
    for (auto& t : fixture["tenants"]) {
      if (t["defaultDomainName"] != kContoso) continue;
      std::string mcoev;
      for (auto& sku : t["skus"]) {
        if (sku["skuPartNumber"] == "SPE_E3") sku["enabled"] = sku["enabled"].get<int>() - 1;
        if (sku["skuPartNumber"] == "MCOEV") mcoev = sku["skuId"].get<std::string>();
      }
      for (auto& u : t["deletedUsers"]) {
        if (u["userPrincipalName"] != kCameron) continue;
        u["assignedLicenses"].push_back(
            nlohmann::json{{"skuId", mcoev}, {"disabledPlans", nlohmann::json::array()}});
      }
    }
  });
}

TEST(RestoreRulesCliTest, WhatCannotComeBackLeavesWithWhatDependsOnItInOneAcceptedCall) {
  TempDir fixture_dir;
  CliFixture f({"--fixture", fixture_with_a_phone_user_to_restore(fixture_dir)}, "demo-secret");
  auto before = f.fake().state(kContoso);
  ASSERT_EQ(free_seats(before, "SPE_E3"), 0);
  const int free_phone_seats = free_seats(before, "MCOEV");
  auto desired = f.write("desired.json", R"({
  "version": 1,
  "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "mode": "enforce",
      "managedSkus": ["SPE_E3", "EMS", "MCOEV"],
      "users": [ { "upn": "cameron.white@contoso.onmicrosoft.com", "state": "active",
                   "licenses": ["SPE_E3", "EMS", "MCOEV"] } ] }
  ]
}
)");
  f.fake().reset_stats();

  auto r = f.run({"apply", "--desired", desired, "--yes"});

  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\u2713 restored"));
  EXPECT_THAT(r.out, HasSubstr("\u2713 revoked MCOEV (cannot come back: needs MCOSTANDARD of "
                               "SPE_E3, which has no free seat)"));
  EXPECT_THAT(r.out, HasSubstr("\u2713 revoked SPE_E3 (cannot come back: no free seat of "
                               "SPE_E3)"));

  // The service accepted every call: the restore and one assignLicense.
  auto stats = f.fake().stats();
  for (const auto& [route, by_status] : stats["requests"].items()) {
    for (const auto& [status, count] : by_status.items()) {
      EXPECT_LT(std::stoi(status), 400) << route << " answered " << status << " " << count;
    }
  }
  EXPECT_EQ(f.writes(), 2) << "the restore, then one assignLicense removing both";

  auto after = f.fake().state(kContoso);
  bool active = false;
  for (const auto& u : after["users"]) active = active || u["userPrincipalName"] == kCameron;
  EXPECT_TRUE(active) << "restored";
  const auto& cameron = find_user(after, kCameron);
  EXPECT_EQ(direct_sku_ids(cameron), std::vector<std::string>{sku_id_of(after, "EMS")});
  EXPECT_EQ(free_seats(after, "SPE_E3"), 0) << "within its seats";
  EXPECT_EQ(free_seats(after, "MCOEV"), free_phone_seats);
}

}  // namespace restore_rules_cli_test
}  // namespace tenantsync::test
