// Readable names next to ids: products by their Microsoft names ("Microsoft 365 E3
// (SPE_E3)") and the groups users inherit licenses from by their display names, in
// `licenses`, `users list`, the user tasks and drift, from the built-in table, the
// config's productNames file, and the mirror's reads of GET /groups/{id}.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace names_cli_test {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kContoso = "contoso.onmicrosoft.com";
const std::string kChristie = "christie.cline@contoso.onmicrosoft.com";  // EMS from a group
const std::string kAdele = "adele.vance@contoso.onmicrosoft.com";        // no EMS
const std::string kGroup = "a58b06e5-1a77-5374-9716-860191c1e2fa";
const std::string kGroupLabel = "Contoso Mobility Users (" + kGroup + ")";

class NamesCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = f.run({"mirror"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CliFixture f;
};

TEST_F(NamesCliTest, LicensesNamesProductsAndTheGroupsTheyComeFrom) {
  auto r = f.run({"licenses", "--tenant", kContoso, "--users", kChristie + "," + kAdele});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_with(r.out, {"Microsoft 365 E3 (SPE_E3)", "all (2 of 2)"}).size(), 1u) << r.out;
  EXPECT_EQ(lines_with(r.out, {"Enterprise Mobility + Security E3 (EMS)", "some (1 of 2)"}).size(),
            1u)
      << r.out;
  EXPECT_THAT(r.out, HasSubstr("holds it: " + kChristie + " (group " + kGroupLabel + ")"));

  auto json = f.run(
      {"licenses", "--tenant", kContoso, "--users", kChristie + "," + kAdele, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  bool saw_e3 = false, saw_ems = false;
  const auto products = nlohmann::json::parse(json.out);  // alive for the loop
  for (const auto& p : products["products"]) {
    if (p["sku"] == "SPE_E3") {
      saw_e3 = true;
      EXPECT_EQ(p["productName"], "Microsoft 365 E3");
    }
    if (p["sku"] == "EMS") {
      saw_ems = true;
      EXPECT_EQ(p["productName"], "Enterprise Mobility + Security E3");
      ASSERT_EQ(p["inherited"].size(), 1u) << p.dump();
      EXPECT_EQ(p["inherited"][0]["user"], kChristie);
      EXPECT_EQ(p["inherited"][0]["groupId"], kGroup);
      EXPECT_EQ(p["inherited"][0]["groupName"], "Contoso Mobility Users");
    }
  }
  EXPECT_TRUE(saw_e3 && saw_ems) << json.out;
}

TEST_F(NamesCliTest, UsersListJsonNamesEachLicenseAndItsGroup) {
  auto r = f.run({"users", "list", "--tenant", kContoso, "--filter", "upn:christie.cline@*",
                  "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto users = nlohmann::json::parse(r.out)["users"];
  ASSERT_EQ(users.size(), 1u) << r.out;
  bool saw_ems = false;
  for (const auto& l : users[0]["licenses"]) {
    if (l["skuPartNumber"] != "EMS") continue;
    saw_ems = true;
    EXPECT_EQ(l["productName"], "Enterprise Mobility + Security E3");
    EXPECT_EQ(l["direct"], false);
    EXPECT_EQ(l["groups"],
              nlohmann::json::array({{{"id", kGroup}, {"displayName", "Contoso Mobility Users"}}}));
  }
  EXPECT_TRUE(saw_ems) << r.out;
  EXPECT_TRUE(users[0].contains("assignedLicenses")) << "the Graph fields stay";
}

TEST_F(NamesCliTest, AUserTaskNamesTheGroupALicenseComesFrom) {
  auto r =
      f.run({"revoke", "--tenant", kContoso, "--users", kChristie, "--sku", "EMS", "--dry-run"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("EMS comes from group " + kGroupLabel + ": remove the user"));
}

TEST_F(NamesCliTest, DriftNamesProductsInEveryFormat) {
  std::string desired = f.write("desired.json", contoso_changes_desired());
  auto text = f.run({"drift", "--desired", desired, "--no-refresh"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("Microsoft 365 E3 (SPE_E3)"));
  auto json = f.run({"drift", "--desired", desired, "--no-refresh", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  bool named = false;
  const auto report = nlohmann::json::parse(json.out);  // alive for the loop
  for (const auto& t : report["tenants"]) {
    for (const auto& item : t["items"]) {
      if (item["sku"] == "SPE_E3") named = item["productName"] == "Microsoft 365 E3";
    }
  }
  EXPECT_TRUE(named) << json.out;
  auto csv = f.run({"drift", "--desired", desired, "--no-refresh", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(lines_of(csv.out)[0], "tenant,user,kind,sku,detail,status,reason,productName");
  EXPECT_THAT(csv.out, HasSubstr(",Microsoft 365 E3\r\n"));
}

// Microsoft's CSV as downloaded, named by the config: its names win over the built-in
// table, and a product the table lacks gets one.
TEST_F(NamesCliTest, TheConfigsProductNamesFileWinsOverTheBuiltInTable) {
  f.write("licensing.csv",
          "\xEF\xBB\xBFProduct_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,"
          "Service_Plans_Included_Friendly_Names\r\n"
          "Our E3,SPE_E3,05e9a617-0261-4cee-bb44-138d3ef5d965,EXCHANGE_S_ENTERPRISE,"
          "efb87545-963c-4e0d-99df-69c6916d9eb0,Exchange Online (Plan 2)\r\n"
          "Our E3,SPE_E3,05e9a617-0261-4cee-bb44-138d3ef5d965,YAMMER_ENTERPRISE,"
          "7547a3fe-08ee-4ccb-b430-5077c5041653,Yammer Enterprise\r\n");
  f.write_config({{"productNames", "licensing.csv"}});  // relative to the config
  auto r = f.run({"licenses", "--tenant", kContoso});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_with(r.out, {"Our E3 (SPE_E3)"}).size(), 1u) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("Microsoft 365 E3")));
  EXPECT_THAT(r.out, HasSubstr("Microsoft 365 E5 (SPE_E5)")) << "the table names the rest";

  f.write("bad.json", "{\n  \"SPE_E3\": \"Our E3\",\n  \"EMS\": null\n}\n");
  f.write_config({{"productNames", "bad.json"}});
  auto bad = f.run({"licenses", "--tenant", kContoso});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_THAT(bad.err, HasSubstr("bad.json:3:3: EMS: expected the product's name")) << bad.err;
}

}  // namespace names_cli_test
}  // namespace tenantsync::test
