// Atomic license changes and plan choice from the command line (issue #18): `assign
// --remove-sku` swaps in one assignLicense the service accepts, a holder's disabled plans
// are kept unless --reset-plans, --enable-only, and `licenses --plans` shows what plans a
// SKU has and who has each off. The built tenantsync against fake-graph's demo estate.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace license_swap_cli_test {

using nlohmann::json;

const char* kContoso = "contoso.onmicrosoft.com";
const std::string kNestor = "nestor.wilke@contoso.onmicrosoft.com";   // EXCHANGESTANDARD
const std::string kMiriam = "miriam.graham@contoso.onmicrosoft.com";  // E3 w/o Exchange + EXCH.STD
const std::string kAdele = "adele.vance@contoso.onmicrosoft.com";     // E3 w/o Yammer
const std::string kEmily = "emily.braun@contoso.onmicrosoft.com";     // nothing

int assign_calls(CliFixture& f) {
  json requests = f.fake().stats()["requests"];
  int n = 0;
  for (const auto& [route, codes] : requests.items()) {
    if (route.find("assignLicense") == std::string::npos) continue;
    for (const auto& [code, count] : codes.items()) n += count.get<int>();
  }
  return n;
}

// The plan names a user has disabled on a SKU it holds directly, sorted.
std::set<std::string> disabled_plan_names(const json& state, const std::string& upn,
                                          const std::string& sku) {
  std::string sku_id = sku_id_of(state, sku);
  std::map<std::string, std::string> names;
  for (const auto& s : state["skus"]) {
    if (s["skuId"] != sku_id) continue;
    for (const auto& p : s["servicePlans"]) names[p["servicePlanId"]] = p["servicePlanName"];
  }
  for (const auto& l : find_user(state, upn)["assignedLicenses"]) {
    if (l["skuId"] != sku_id) continue;
    std::set<std::string> out;
    for (const auto& id : l["disabledPlans"]) out.insert(names[id.get<std::string>()]);
    return out;
  }
  throw std::runtime_error(upn + " does not hold " + sku);
}

bool holds(const json& state, const std::string& upn, const std::string& sku) {
  auto ids = direct_sku_ids(find_user(state, upn));
  return std::find(ids.begin(), ids.end(), sku_id_of(state, sku)) != ids.end();
}

TEST(LicenseSwapCliTest, ASwapOfExclusivePlansIsOneCallTheServiceAccepts) {
  CliFixture f;
  // Exchange Online Plan 1 and E3's Exchange exclude each other: assigning E3 alone is
  // blocked before anything is sent.
  auto alone =
      f.run({"assign", "--tenant", kContoso, "--users", kNestor, "--sku", "SPE_E3", "--yes"});
  EXPECT_EQ(alone.exit_code, 3) << alone.out << alone.err;
  EXPECT_EQ(assign_calls(f), 0) << alone.out;

  f.fake().reset_stats();
  auto swap =
      f.run({"assign", "--tenant", kContoso, "--users", kNestor, "--sku", "SPE_E3", "--remove-sku",
             "EXCHANGESTANDARD", "--disable-plan", "YAMMER_ENTERPRISE", "--yes"});
  ASSERT_EQ(swap.exit_code, 0) << swap.out << swap.err;
  EXPECT_EQ(assign_calls(f), 1) << "adds and removes in one assignLicense\n" << swap.out;
  json state = f.fake().state(kContoso);
  EXPECT_TRUE(holds(state, kNestor, "SPE_E3"));
  EXPECT_FALSE(holds(state, kNestor, "EXCHANGESTANDARD"));
  EXPECT_EQ(disabled_plan_names(state, kNestor, "SPE_E3"),
            std::set<std::string>{"YAMMER_ENTERPRISE"});

  // A SKU both to give and to take is refused before anything is read or sent.
  auto both = f.run({"assign", "--tenant", kContoso, "--users", kNestor, "--sku", "SPE_E3",
                     "--remove-sku", "spe_e3", "--yes"});
  EXPECT_EQ(both.exit_code, 1) << both.out;
  EXPECT_NE(both.err.find("SPE_E3 is both in --sku and in --remove-sku"), std::string::npos)
      << both.err;
}

TEST(LicenseSwapCliTest, AHolderKeepsItsDisabledPlansUnlessAskedToResetThem) {
  CliFixture f;
  // Miriam has E3 with its Exchange off (she has Exchange Online Plan 1): disabling Yammer
  // must not turn E3's Exchange back on, which the service would refuse as a conflict.
  auto keep = f.run({"assign", "--tenant", kContoso, "--users", kMiriam, "--sku", "SPE_E3",
                     "--disable-plan", "YAMMER_ENTERPRISE", "--yes"});
  ASSERT_EQ(keep.exit_code, 0) << keep.out << keep.err;
  EXPECT_NE(keep.out.find("keeps EXCHANGE_S_ENTERPRISE of SPE_E3 disabled as before"),
            std::string::npos)
      << keep.out;
  json state = f.fake().state(kContoso);
  EXPECT_EQ(disabled_plan_names(state, kMiriam, "SPE_E3"),
            (std::set<std::string>{"EXCHANGE_S_ENTERPRISE", "YAMMER_ENTERPRISE"}));
  EXPECT_TRUE(holds(state, kMiriam, "EXCHANGESTANDARD"));

  // Adele has Yammer off; --reset-plans gives her exactly what is asked: Teams off only.
  auto reset = f.run({"assign", "--tenant", kContoso, "--users", kAdele, "--sku", "SPE_E3",
                      "--disable-plan", "TEAMS1", "--reset-plans", "--yes"});
  ASSERT_EQ(reset.exit_code, 0) << reset.out << reset.err;
  state = f.fake().state(kContoso);
  EXPECT_EQ(disabled_plan_names(state, kAdele, "SPE_E3"), std::set<std::string>{"TEAMS1"});

  // Assigning what a holder has, with no plan flag, sends nothing.
  f.fake().reset_stats();
  auto again =
      f.run({"assign", "--tenant", kContoso, "--users", kAdele, "--sku", "SPE_E3", "--yes"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(assign_calls(f), 0) << again.out;
}

TEST(LicenseSwapCliTest, EnableOnlyLeavesOnlyTheNamedPlansOn) {
  CliFixture f;
  auto r = f.run({"assign", "--tenant", kContoso, "--users", kEmily, "--sku", "EMS",
                  "--enable-only", "INTUNE_A", "--enable-only", "AAD_PREMIUM", "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json state = f.fake().state(kContoso);
  EXPECT_EQ(disabled_plan_names(state, kEmily, "EMS"),
            (std::set<std::string>{"MFA_PREMIUM", "RMS_S_ENTERPRISE", "RMS_S_PREMIUM"}));

  auto both = f.run({"assign", "--tenant", kContoso, "--users", kEmily, "--sku", "EMS",
                     "--enable-only", "INTUNE_A", "--disable-plan", "RMS_S_PREMIUM", "--yes"});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("excludes"), std::string::npos) << both.err;
}

TEST(LicenseSwapCliTest, PlansListsEachServicePlanAndWhoHasItOff) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  json state = f.fake().state(kContoso);
  int e3_holders = 0;
  for (const auto& u : state["users"]) {
    for (const auto& l : u["assignedLicenses"]) {
      e3_holders += l["skuId"] == sku_id_of(state, "SPE_E3") ? 1 : 0;
    }
  }
  auto text = f.run({"licenses", "--tenant", kContoso, "--plans", "SPE_E3"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(lines_with(text.out, {"(SPE_E3): 13 service plans", std::to_string(e3_holders)}).size(),
            1u)
      << text.out;
  auto yammer = lines_with(text.out, {"YAMMER_ENTERPRISE"});
  ASSERT_EQ(yammer.size(), 1u) << text.out;
  EXPECT_NE(yammer[0].find(std::to_string(e3_holders - 1) + " of " + std::to_string(e3_holders)),
            std::string::npos)
      << yammer[0];
  EXPECT_NE(yammer[0].find(kAdele), std::string::npos) << yammer[0];

  auto json_out = f.run({"licenses", "--tenant", kContoso, "--plans", "SPE_E3", "--users",
                         kAdele + "," + kMiriam, "--format", "json"});
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  json j = json::parse(json_out.out);
  ASSERT_EQ(j["products"].size(), 1u);
  EXPECT_EQ(j["products"][0]["holders"], 2);
  for (const auto& p : j["products"][0]["servicePlans"]) {
    if (p["servicePlanName"] == "EXCHANGE_S_ENTERPRISE") {
      EXPECT_EQ(p["enabledFor"], 1);
      EXPECT_EQ(p["disabledFor"], json::array({kMiriam}));
    }
  }

  // Every SKU without a name; an unknown one lists the tenant's.
  auto every = f.run({"licenses", "--tenant", kContoso, "--plans"});
  ASSERT_EQ(every.exit_code, 0) << every.err;
  EXPECT_EQ(lines_with(every.out, {"(EMS): 5 service plans"}).size(), 1u) << every.out;
  auto unknown = f.run({"licenses", "--tenant", kContoso, "--plans", "E9"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no SKU E9 in contoso.onmicrosoft.com; its SKUs are EMS"),
            std::string::npos)
      << unknown.err;
}

}  // namespace license_swap_cli_test
}  // namespace tenantsync::test
