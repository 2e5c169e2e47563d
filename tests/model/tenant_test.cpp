#include "model/tenant.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tenantsync {
namespace tenant_test {

TEST(TenantTest, RoundTripsThroughContractShape) {
  Tenant t{"11111111-2222-3333-4444-555555555555", "contoso.onmicrosoft.com", "Contoso"};
  nlohmann::json j = t;
  EXPECT_EQ(j["customerId"], t.id);
  EXPECT_EQ(j["id"], t.id);
  EXPECT_EQ(j["contractType"], "ResellerPartner");
  EXPECT_EQ(j.get<Tenant>(), t);
}

TEST(TenantTest, ReadsCustomerIdAsTenantIdNotContractId) {
  auto j = nlohmann::json::parse(R"({"id":"contract-1","customerId":"tenant-1",
      "defaultDomainName":"fabrikam.onmicrosoft.com","displayName":"Fabrikam"})");
  auto t = j.get<Tenant>();
  EXPECT_EQ(t.id, "tenant-1");
  EXPECT_EQ(t.default_domain_name, "fabrikam.onmicrosoft.com");
  EXPECT_EQ(t.display_name, "Fabrikam");
}

TEST(TenantTest, MissingDisplayNameDecodesEmpty) {
  auto j = nlohmann::json::parse(R"({"customerId":"t","defaultDomainName":"d"})");
  EXPECT_EQ(j.get<Tenant>().display_name, "");
}

}  // namespace tenant_test
}  // namespace tenantsync
