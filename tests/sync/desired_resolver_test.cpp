// Resolution of desired-state names against a tenant's SKUs and service plans, and the
// check that every desired tenant is one the cache knows.
#include "sync/plan/desired_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantsync {
namespace desired_resolver_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TenantSnapshot snapshot() {
  TenantSnapshot s;
  s.tenant = {"7d1a-tenant", "contoso.onmicrosoft.com", "Contoso"};
  s.mirror = MirrorState::Complete;
  auto sku = [](const std::string& part, std::vector<std::string> plans) {
    Sku k;
    k.sku_id = "Sku-" + part;
    k.sku_part_number = part;
    for (const auto& p : plans) k.service_plans.push_back({"Plan-" + p, p, "Success", "User"});
    return k;
  };
  s.skus = {sku("SPE_E3", {"YAMMER_ENTERPRISE", "TEAMS1", "EXCHANGE_S_ENTERPRISE"}),
            sku("EMS", {"INTUNE_A"}), sku("FLOW_FREE", {"FLOW_P2_VIRAL"})};
  s.skus.back().applies_to = "Company";
  return s;
}

SourceLocation at(int line, const std::string& path) { return {"desired.json", line, 9, path}; }

DesiredLicense license(const std::string& sku, std::vector<std::string> disabled, int line,
                       const std::string& path) {
  DesiredLicense l;
  l.sku = sku;
  l.disabled_plans = std::move(disabled);
  l.where = at(line, path);
  return l;
}

DesiredTenant tenant(std::vector<std::string> managed = {"SPE_E3", "EMS"}) {
  DesiredTenant t;
  t.tenant = "CONTOSO.onmicrosoft.com";
  t.managed_skus = managed;
  for (size_t i = 0; i < managed.size(); ++i) {
    t.managed_sku_locations.push_back(at(3, "tenants[0].managedSkus[" + std::to_string(i) + "]"));
  }
  t.location = at(2, "tenants[0]");
  return t;
}

DesiredUser user(const std::string& upn, std::vector<DesiredLicense> licenses, int line) {
  DesiredUser u;
  u.upn = upn;
  u.licenses = std::move(licenses);
  u.location = at(line, "tenants[0].users[0]");
  return u;
}

TEST(DesiredResolverTest, NamesResolveToTheTenantsSpelling) {
  DesiredTenant t = tenant({"spe_e3", "sku-ems"});
  t.users.push_back(user("alice@contoso.com",
                         {license("Spe_E3", {"teams1", "PLAN-YAMMER_ENTERPRISE"}, 10,
                                  "tenants[0].users[0].licenses[0].sku"),
                          license("SKU-EMS", {}, 11, "tenants[0].users[0].licenses[1]")},
                         9));
  LicenseRule rule;
  rule.where.department = "Sales";
  rule.licenses = {license("EMS", {"INTUNE_A"}, 6, "tenants[0].rules[0].licenses[0].sku")};
  t.rules.push_back(rule);

  auto r = resolve_desired_tenant(t, snapshot());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(r->tenant_id, "7d1a-tenant");
  EXPECT_THAT(r->managed_sku_ids, ElementsAre("Sku-SPE_E3", "Sku-EMS"));
  ASSERT_TRUE(r->users[0].licenses.has_value());
  const auto& licenses = *r->users[0].licenses;
  ASSERT_EQ(licenses.size(), 2u);
  EXPECT_EQ(licenses[0].sku_id, "Sku-SPE_E3");
  EXPECT_EQ(licenses[0].sku_part_number, "SPE_E3");
  EXPECT_THAT(licenses[0].disabled_plans, ElementsAre("Plan-TEAMS1", "Plan-YAMMER_ENTERPRISE"));
  EXPECT_EQ(licenses[1].sku_part_number, "EMS");
  EXPECT_THAT(r->rules[0].licenses[0].disabled_plans, ElementsAre("Plan-INTUNE_A"));
  EXPECT_EQ(r->rules[0].where.department, "Sales");
}

TEST(DesiredResolverTest, EveryProblemIsReportedWithFileLineAndPath) {
  struct Case {
    const char* name;
    DesiredTenant desired;
    std::string message;
  };
  auto with_user = [](DesiredLicense l) {
    DesiredTenant t = tenant();
    t.users.push_back(user("alice@contoso.com", {l}, 9));
    return t;
  };
  std::vector<Case> cases = {
      {"unknown SKU lists the tenant's SKUs",
       with_user(license("SPE_E5", {}, 10, "tenants[0].users[0].licenses[0]")),
       "desired.json:10:9: tenants[0].users[0].licenses[0]: unknown SKU \"SPE_E5\" in "
       "contoso.onmicrosoft.com; the tenant's SKUs are EMS, FLOW_FREE, SPE_E3"},
      {"unknown managed SKU", tenant({"SPE_E3", "VISIO"}),
       "desired.json:3:9: tenants[0].managedSkus[1]: unknown SKU \"VISIO\" in "
       "contoso.onmicrosoft.com; the tenant's SKUs are EMS, FLOW_FREE, SPE_E3"},
      {"unknown plan lists the SKU's plans",
       with_user(license("SPE_E3", {"TEAMS1", "YAMER"}, 12, "tenants[0].users[0].licenses[0].sku")),
       "desired.json:12:9: tenants[0].users[0].licenses[0].disabledPlans[1]: unknown service "
       "plan \"YAMER\" in SPE_E3; its plans are EXCHANGE_S_ENTERPRISE, TEAMS1, "
       "YAMMER_ENTERPRISE"},
      {"plans belong to their SKU",
       with_user(license("EMS", {"TEAMS1"}, 12, "tenants[0].users[0].licenses[0].sku")),
       "desired.json:12:9: tenants[0].users[0].licenses[0].disabledPlans[0]: unknown service "
       "plan \"TEAMS1\" in EMS; its plans are INTUNE_A"},
      {"company SKUs are not for users", tenant({"FLOW_FREE"}),
       "desired.json:3:9: tenants[0].managedSkus[0]: SKU \"FLOW_FREE\" applies to the company, "
       "not to users"},
      {"licenses must be managed (by id as well as by name)",
       with_user(license("Sku-SPE_E3", {}, 10, "tenants[0].users[0].licenses[0]")), ""},
  };
  {
    DesiredTenant t = tenant({"EMS"});
    t.users.push_back(user("alice@contoso.com", {license("spe_e3", {}, 10, "p")}, 9));
    cases.push_back({"unmanaged license", t,
                     "desired.json:10:9: p: SKU \"spe_e3\" is not in managedSkus; add it there or "
                     "remove it here"});
  }
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = resolve_desired_tenant(c.desired, snapshot());
    if (c.message.empty()) {
      EXPECT_TRUE(r.ok()) << r.error().message;
      continue;
    }
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
    EXPECT_EQ(r.error().code, "InvalidDesiredState");
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(DesiredResolverTest, AllProblemsAtOnceOnePerLine) {
  DesiredTenant t = tenant({"SPE_E3", "NOPE"});
  t.users.push_back(user("a@contoso.com", {license("SPE_E3", {"X"}, 10, "u0")}, 9));
  t.users.push_back(user("A@CONTOSO.COM", {}, 20));
  auto r = resolve_desired_tenant(t, snapshot());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::count(r.error().message.begin(), r.error().message.end(), '\n'), 2);
  EXPECT_THAT(r.error().message, HasSubstr("unknown SKU \"NOPE\""));
  EXPECT_THAT(r.error().message, HasSubstr("unknown service plan \"X\""));
  EXPECT_THAT(r.error().message, HasSubstr("desired.json:20:9: tenants[0].users[0]: duplicate "
                                           "user \"A@CONTOSO.COM\" (first at 9:9)"));
}

TEST(DesiredResolverTest, TenantIsNamedByDomainOrIdIgnoringCase) {
  Tenant known{"7D1A-TENANT", "contoso.onmicrosoft.com", "Contoso"};
  DesiredTenant t = tenant();
  for (const char* name : {"contoso.onmicrosoft.com", "Contoso.OnMicrosoft.com", "7d1a-tenant"}) {
    t.tenant = name;
    EXPECT_TRUE(names_tenant(t, known)) << name;
  }
  t.tenant = "fabrikam.onmicrosoft.com";
  EXPECT_FALSE(names_tenant(t, known));
}

TEST(DesiredResolverTest, UnknownTenantIsAnErrorNamingFileAndLine) {
  DesiredState state;
  state.tenants.push_back(tenant());
  DesiredTenant other = tenant();
  other.tenant = "fabrikam.onmicrosoft.com";
  other.location = {"more/b.json", 7, 5, "tenants[0]"};
  state.tenants.push_back(other);
  std::vector<Tenant> known = {{"7d1a-tenant", "contoso.onmicrosoft.com", "Contoso"}};
  Status s = check_tenants_known(state, known);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "more/b.json:7:5: tenants[0].tenant: unknown tenant \"fabrikam.onmicrosoft.com\"; it "
            "is not among the partner's customer tenants in the cache (run mirror)");
  state.tenants.pop_back();
  EXPECT_TRUE(check_tenants_known(state, known).ok());
}

TEST(DesiredResolverTest, OneTenantUnderTwoNamesIsAnError) {
  DesiredState state;
  state.tenants.push_back(tenant());
  DesiredTenant by_id = tenant();
  by_id.tenant = "7D1A-TENANT";
  by_id.location = {"b.json", 4, 5, "tenants[0]"};
  state.tenants.push_back(by_id);
  Status s = check_tenants_known(state, {{"7d1a-tenant", "contoso.onmicrosoft.com", "Contoso"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "b.json:4:5: tenants[0].tenant: tenant \"7D1A-TENANT\" is "
            "\"CONTOSO.onmicrosoft.com\", already declared at desired.json:2:9; a tenant belongs "
            "in one place only");
}

}  // namespace desired_resolver_test
}  // namespace tenantsync
