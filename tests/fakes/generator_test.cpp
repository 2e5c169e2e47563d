// --generate: deterministic, realistic estates; big ones start fast because tenants are
// filled on first use.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "fakes/fake_generator.h"
#include "tests/fakes/graph_test_support.h"

namespace tenantsync::test {
namespace generator_test {

const std::string kGeneratedSecret = "generated-secret";

class GeneratorTest : public FakeGraphTest {
 protected:
  void SetUp() override { start({"--generate", "tenants=3,users=300,skus=6,seed=5"}); }
  std::string tok(const std::string& tenant) {
    return token(tenant, kAdminClient, kGeneratedSecret);
  }
};

TEST_F(GeneratorTest, PartnerListsTenantsByNumber) {
  json contracts = body_of(get("/contracts", tok("partner.onmicrosoft.com")))["value"];
  ASSERT_EQ(contracts.size(), 3u);
  EXPECT_EQ(contracts[0]["defaultDomainName"], "tenant0001.onmicrosoft.com");
  EXPECT_EQ(contracts[2]["defaultDomainName"], "tenant0003.onmicrosoft.com");
}

TEST_F(GeneratorTest, TenantsLookRealistic) {
  json state = fake_->state("tenant0002.onmicrosoft.com");
  const json& users = state["users"];
  EXPECT_EQ(users.size(), 297u);
  EXPECT_EQ(state["deletedUsers"].size(), 3u);
  EXPECT_EQ(state["verifiedDomains"],
            json::array({"tenant0002.onmicrosoft.com", "tenant0002.example.com"}));
  int licensed = 0, no_location = 0;
  std::set<std::string> departments;
  for (const auto& u : users) {
    if (!u["assignedLicenses"].empty() || !u["groupLicenses"].empty()) ++licensed;
    if (u["usageLocation"].is_null()) ++no_location;
    departments.insert(u["department"]);
  }
  EXPECT_GT(licensed, 180);  // about 70%
  EXPECT_LT(licensed, 240);
  EXPECT_GE(no_location, 3);
  EXPECT_GE(departments.size(), 6u);
  // SPE_E3 first, then EMS, SPE_E5, EXCHANGESTANDARD, MCOEV, MCOPSTN1.
  std::vector<std::string> parts;
  for (const auto& s : state["skus"]) {
    parts.push_back(s["skuPartNumber"]);
    EXPECT_LE(s["consumedUnits"].get<int>(), s["enabled"].get<int>()) << s["skuPartNumber"];
  }
  EXPECT_EQ(parts, (std::vector<std::string>{"SPE_E3", "EMS", "SPE_E5", "EXCHANGESTANDARD", "MCOEV",
                                             "MCOPSTN1"}));
  EXPECT_EQ(state["mutuallyExclusivePlans"].size(), 1u);
  EXPECT_EQ(state["planDependencies"].size(), 2u);
  EXPECT_EQ(state["prohibitedLocations"].size(), 1u);
  // Seats for about 90% of users on the main SKU.
  EXPECT_NEAR(state["skus"][0]["enabled"].get<int>() +
                  state["skus"][2]["consumedUnits"].get<int>() +
                  state["skus"][3]["consumedUnits"].get<int>(),
              270, 5);
}

TEST_F(GeneratorTest, SameSeedSameEstateOtherSeedOtherEstate) {
  json first = fake_->state("tenant0001.onmicrosoft.com");
  start({"--generate", "tenants=3,users=300,skus=6,seed=5"});
  EXPECT_EQ(fake_->state("tenant0001.onmicrosoft.com"), first);
  start({"--generate", "tenants=3,users=300,skus=6,seed=6"});
  EXPECT_NE(fake_->state("tenant0001.onmicrosoft.com")["users"], first["users"]);
}

TEST_F(GeneratorTest, ThousandTenantsOfThousandUsersStartFastAndServe) {
  auto t0 = std::chrono::steady_clock::now();
  start({"--generate", "tenants=1000,users=1000,skus=4,seed=1"});
  auto started = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(started, std::chrono::seconds(5));
  std::string t = tok("tenant0777.onmicrosoft.com");
  auto t1 = std::chrono::steady_clock::now();
  HttpReply r = get("/users?$top=999&$select=id,assignedLicenses", t);
  EXPECT_EQ(r.status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, std::chrono::seconds(2));
  EXPECT_EQ(body_of(r)["value"].size(), 990u - 0u);
  std::string partner = tok("partner.onmicrosoft.com");
  size_t contracts = 0;
  std::string url = fake_->graph_url() + "/contracts";
  while (!url.empty()) {
    json page = body_of(http_request("GET", url, "", {{"Authorization", "Bearer " + partner}}));
    contracts += page["value"].size();
    url = page.value("@odata.nextLink", "");
  }
  EXPECT_EQ(contracts, 1000u);
}

TEST(GenerateSpecTest, ParsesAndRejects) {
  auto spec = fake::parse_generate_spec("tenants=2,users=50,skus=3,seed=9");
  EXPECT_EQ(spec.tenants, 2);
  EXPECT_EQ(spec.users, 50);
  EXPECT_EQ(spec.skus, 3);
  EXPECT_EQ(spec.seed, 9u);
  EXPECT_THROW(fake::parse_generate_spec("tenants=x"), std::invalid_argument);
  EXPECT_THROW(fake::parse_generate_spec("colour=blue"), std::invalid_argument);
}

TEST(GenerateStartupTest, BadArgumentsFailToStartWithAReason) {
  try {
    FakeGraphProcess bad({"--generate", "tenants=oops"});
    FAIL() << "started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("tenants"), std::string::npos) << e.what();
  }
}

}  // namespace generator_test
}  // namespace tenantsync::test
