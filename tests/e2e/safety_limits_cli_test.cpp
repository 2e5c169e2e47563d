// Safety limits as a user meets them: every loss of access counts against
// safety.maxRevocations, an update that disables service plans included, so with
// `maxRevocations: 0` such an update is refused (exit 4) and nothing reaches the service;
// `plan` says so ahead, per tenant, in text and JSON; the drift report and `run` say it
// once per tenant, `run` naming the config key (it has no --max-revocations flag).
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace safety_limits_cli_test {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kContoso = "contoso.onmicrosoft.com";
const char* kIsaiah = "isaiah.langer@contoso.onmicrosoft.com";

// Isaiah keeps SPE_E3 but loses Exchange, Teams and SharePoint: one update, no revocation.
std::string disable_plans_desired() {
  return R"({
  "version": 1,
  "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "mode": "enforce",
      "managedSkus": ["SPE_E3"], "unlisted": "keep",
      "users": [
        { "upn": "isaiah.langer@contoso.onmicrosoft.com",
          "licenses": [ { "sku": "SPE_E3",
                          "disabledPlans": ["EXCHANGE_S_ENTERPRISE", "TEAMS1",
                                            "SHAREPOINTENTERPRISE"] } ] }
      ] }
  ]
}
)";
}

const std::string kOver =
    "1 loss of access (0 revocations, 1 update that disables plans) > safety.maxRevocations 0";

std::vector<std::string> isaiah_disabled_plans(FakeGraphProcess& fake) {
  auto state = fake.state(kContoso);
  for (const auto& l : find_user(state, kIsaiah)["assignedLicenses"]) {
    if (l["skuId"] == sku_id_of(state, "SPE_E3")) return l["disabledPlans"];
  }
  return {"(not held)"};
}

int assign_license_requests(FakeGraphProcess& fake) {
  int n = 0;
  auto stats = fake.stats();
  for (const auto& [route, by_status] : stats["requests"].items()) {
    if (route.find("assignLicense") == std::string::npos) continue;
    for (const auto& [status, count] : by_status.items()) n += count.get<int>();
  }
  return n;
}

TEST(SafetyLimitsCliTest, AnUpdateThatDisablesPlansIsRefusedByMaxRevocationsZero) {
  CliFixture f;
  f.write_config({{"safety", {{"maxRevocations", 0}}}});
  auto desired = f.write("desired.json", disable_plans_desired());
  f.fake().reset_stats();

  auto r = f.run({"apply", "--desired", desired, "--yes"});

  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Refused: " + kOver +
                               "; raise with --max-revocations 1; "
                               "nothing was sent."));
  EXPECT_THAT(r.out, HasSubstr("skipped: not sent: the tenant is over safety.maxRevocations"));
  EXPECT_EQ(f.writes(), 0);
  EXPECT_EQ(assign_license_requests(f.fake()), 0);
  EXPECT_EQ(isaiah_disabled_plans(f.fake()), std::vector<std::string>{});

  // The flag raises the limit for one run; then the update goes through.
  auto raised = f.run({"apply", "--desired", desired, "--yes", "--max-revocations", "1"});
  EXPECT_EQ(raised.exit_code, 0) << raised.out << raised.err;
  EXPECT_EQ(isaiah_disabled_plans(f.fake()).size(), 3u);
}

TEST(SafetyLimitsCliTest, PlanWarnsPerTenantThatApplyWillRefuse) {
  CliFixture f;
  f.write_config({{"safety", {{"maxRevocations", 0}}}});
  auto desired = f.write("desired.json", disable_plans_desired());
  const std::string warning =
      std::string(kContoso) + ": " + kOver + ": apply will refuse; raise with --max-revocations 1";

  auto text = f.run({"plan", "--desired", desired});
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_EQ(lines_with(text.out, {"apply will refuse"}), std::vector<std::string>{warning})
      << text.out;

  auto json = f.run({"plan", "--desired", desired, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto over = nlohmann::json::parse(json.out)["tenants"][0]["overLimit"];
  EXPECT_EQ(over["lossesOfAccess"], 1);
  EXPECT_EQ(over["revocations"], 0);
  EXPECT_EQ(over["updatesDisablingPlans"], 1);
  EXPECT_EQ(over["message"], kOver + ": apply will refuse; raise with --max-revocations 1");

  // Within the limit: no warning.
  f.write_config({{"safety", {{"maxRevocations", 1}}}});
  auto within = f.run({"plan", "--desired", desired});
  EXPECT_THAT(within.out, Not(HasSubstr("apply will refuse"))) << within.out;
  EXPECT_EQ(f.writes(), 0);
}

TEST(SafetyLimitsCliTest, RunSaysItOncePerTenantAndNamesTheConfigKey) {
  CliFixture f;
  // Three users lose SPE_E3: three revocations over a limit of 1.
  auto desired = f.write("desired.json", R"({
  "version": 1,
  "tenants": [
    { "tenant": "contoso.onmicrosoft.com", "mode": "enforce", "managedSkus": ["SPE_E3"],
      "users": [ { "upn": "megan.bowen@contoso.onmicrosoft.com", "licenses": [] },
                 { "upn": "lidia.holloway@contoso.onmicrosoft.com", "licenses": [] },
                 { "upn": "grady.archie@contoso.onmicrosoft.com", "licenses": [] } ] }
  ]
}
)");
  std::string reports = f.dir().file("reports");
  f.write_config(
      {{"desired", desired}, {"safety", {{"maxRevocations", 1}}}, {"reports", {{"dir", reports}}}});

  auto r = f.run({"run", "--once"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(f.writes(), 0);

  std::string json_report;
  for (const auto& e : std::filesystem::directory_iterator(reports)) {
    if (e.path().extension() == ".json") json_report = e.path().string();
  }
  ASSERT_FALSE(json_report.empty());
  auto report = nlohmann::json::parse(read_file(json_report));
  const std::string refused =
      "3 revocations > safety.maxRevocations 1; raise safety.maxRevocations to 3 in the config";
  const auto& tenant = report["tenants"][0];
  EXPECT_EQ(tenant["notes"], nlohmann::json::array({refused}));
  ASSERT_EQ(tenant["items"].size(), 3u);
  for (const auto& item : tenant["items"]) {
    EXPECT_EQ(item["reason"], "not sent: the tenant is over safety.maxRevocations") << item;
  }
  EXPECT_THAT(read_file(json_report), Not(HasSubstr("--max-revocations")));

  // `drift` says it once too, ahead of apply, naming apply's flag.
  auto drift = f.run({"drift", "--desired", desired, "--no-refresh"});
  EXPECT_EQ(lines_with(drift.out, {"apply will refuse"}).size(), 1u) << drift.out;
  EXPECT_THAT(drift.out, HasSubstr("raise with --max-revocations 3"));
}

}  // namespace safety_limits_cli_test
}  // namespace tenantsync::test
