// Seats across customers and grace units said plainly (issue #18): `licenses --all-tenants`
// one row per tenant and product, worst first, with the desired state's shortfall; grace
// units (Fabrikam's expired E3 subscription: enabled 10, warning 2, consumed 11) shown
// apart, never counted as available, and handed out only with safety.useGraceSeats.
#include <gtest/gtest.h>

#include "tests/e2e/cli_fixture.h"

namespace tenantsync::test {
namespace grace_seats_cli_test {

using nlohmann::json;

const char* kFabrikam = "fabrikam.onmicrosoft.com";
const std::string kKenji = "kenji.sato@fabrikam.onmicrosoft.com";  // unlicensed, JP

const json& product(const json& out, const std::string& tenant, const std::string& sku) {
  for (const auto& p : out["products"]) {
    if (p["tenant"] == tenant && p["sku"] == sku) return p;
  }
  throw std::runtime_error("no row " + tenant + " " + sku + " in " + out.dump(2));
}

TEST(GraceSeatsCliTest, AllTenantsShowsEveryProductWorstFirstWithGraceApart) {
  CliFixture f;
  ASSERT_EQ(f.run({"mirror"}).exit_code, 0);
  auto out = f.run({"licenses", "--all-tenants", "--format", "json"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  json j = json::parse(out.out);
  size_t user_skus = 0;
  for (const char* t : {"contoso.onmicrosoft.com", kFabrikam, "northwind.onmicrosoft.com"}) {
    json state = f.fake().state(t);  // named: a range over a temporary's member dangles
    for (const auto& s : state["skus"]) user_skus += s.value("appliesTo", "User") == "User" ? 1 : 0;
  }
  EXPECT_EQ(j["products"].size(), user_skus) << j.dump(2);
  const json& e3 = product(j, kFabrikam, "SPE_E3");
  EXPECT_EQ(e3["paid"], 10);
  EXPECT_EQ(e3["grace"], 2);
  EXPECT_EQ(e3["consumed"], 11);
  EXPECT_EQ(e3["available"], 0) << "grace units are not available seats";
  EXPECT_EQ(e3["overPaidBy"], 1);
  EXPECT_TRUE(e3["shortfall"].is_null()) << "no desired state";
  EXPECT_EQ(e3["tenantStatus"], "complete");
  EXPECT_EQ(e3["tenantStatusText"], "complete");
  // Without a shortfall, the product furthest over its paid count comes first.
  EXPECT_EQ(j["products"][0]["tenant"], kFabrikam);
  EXPECT_EQ(j["products"][0]["sku"], "SPE_E3");

  auto text = f.run({"licenses", "--all-tenants"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(lines_with(text.out, {kFabrikam, "SPE_E3", "over its paid count by 1"}).size(), 1u)
      << text.out;
  EXPECT_NE(text.out.find("safety.useGraceSeats is off"), std::string::npos) << text.out;

  // With a desired state that wants E3 for Kenji: one seat short, and that row comes first.
  std::string desired =
      f.write("fabrikam.json", json{{"version", 1},
                                    {"tenants",
                                     {{{"tenant", kFabrikam},
                                       {"mode", "enforce"},
                                       {"managedSkus", {"SPE_E3"}},
                                       {"unlisted", "keep"},
                                       {"users", {{{"upn", kKenji}, {"licenses", {"SPE_E3"}}}}}}}}}
                                   .dump(2));
  auto planned = f.run({"licenses", "--all-tenants", "--desired", desired, "--format", "csv"});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  auto rows = lines_of(planned.out);
  ASSERT_GE(rows.size(), 2u) << planned.out;
  EXPECT_EQ(rows[0].rfind("tenant,tenantId,tenantStatus,tenantStatusText,sku,skuId,paid,grace,"
                          "consumed,available,overPaidBy,shortfall",
                          0),
            0u)
      << rows[0];
  EXPECT_EQ(
      rows[1].rfind(std::string(kFabrikam) + "," +
                        f.fake().state(kFabrikam)["id"].get<std::string>() + ",complete,complete,",
                    0),
      0u)
      << rows[1];
  EXPECT_EQ(rows[1].rfind(std::string(kFabrikam) + ",", 0), 0u) << planned.out;
  EXPECT_NE(rows[1].find(",SPE_E3,"), std::string::npos) << rows[1];
  EXPECT_EQ(rows[1].substr(rows[1].rfind(',') + 1), "1") << rows[1];
}

TEST(GraceSeatsCliTest, TheGraceUnitsAreHandedOutOnlyWithUseGraceSeats) {
  CliFixture f;
  auto off =
      f.run({"assign", "--tenant", kFabrikam, "--users", kKenji, "--sku", "SPE_E3", "--yes"});
  EXPECT_EQ(off.exit_code, 3) << off.out << off.err;
  EXPECT_NE(off.out.find("no paid seat of SPE_E3 left; its 2 grace units are not handed out "
                         "(safety.useGraceSeats is off)"),
            std::string::npos)
      << off.out;
  EXPECT_NE(off.out.find("grace units are not counted: safety.useGraceSeats is off"),
            std::string::npos)
      << off.out;
  EXPECT_EQ(f.writes(), 0);

  auto licenses = f.run({"licenses", "--tenant", kFabrikam, "--format", "json"});
  ASSERT_EQ(licenses.exit_code, 0) << licenses.err;
  const json products = json::parse(licenses.out)["products"];  // held: the loop reads it
  int e3 = 0;
  for (const auto& p : products) {
    if (p["sku"] != "SPE_E3") continue;
    ++e3;
    EXPECT_EQ(p["total"], 10);
    EXPECT_EQ(p["grace"], 2);
    EXPECT_EQ(p["available"], 0);
    EXPECT_EQ(p["overPaidBy"], 1);
  }
  EXPECT_EQ(e3, 1) << licenses.out;

  f.write_config({{"safety", {{"useGraceSeats", true}}}});
  auto on = f.run({"assign", "--tenant", kFabrikam, "--users", kKenji, "--sku", "SPE_E3", "--yes"});
  EXPECT_EQ(on.exit_code, 0) << on.out << on.err;
  EXPECT_EQ(f.writes(), 1);
  auto ids = direct_sku_ids(find_user(f.fake().state(kFabrikam), kKenji));
  EXPECT_EQ(ids.size(), 1u);
}

}  // namespace grace_seats_cli_test
}  // namespace tenantsync::test
