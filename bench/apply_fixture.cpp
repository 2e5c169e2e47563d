#include "bench/apply_fixture.h"

#include "bench/fake_graph_target.h"

namespace tenantsync::bench {

namespace {

using nlohmann::json;

const char* kExchangeStandard = "9aaf7827-d63c-4b61-89c3-182f06f82e5c";    // EXCHANGE_S_STANDARD
const char* kExchangeEnterprise = "efb87545-963c-4e0d-99df-69c6916d9eb0";  // EXCHANGE_S_ENTERPRISE

json sku_json(const Sku& s) {
  json plans = json::array();
  for (const auto& p : s.service_plans) {
    plans.push_back(
        {{"servicePlanId", p.service_plan_id}, {"servicePlanName", p.service_plan_name}});
  }
  return {{"skuId", s.sku_id},
          {"skuPartNumber", s.sku_part_number},
          {"appliesTo", s.applies_to},
          {"enabled", s.prepaid_units.enabled},
          {"warning", s.prepaid_units.warning},
          {"servicePlans", std::move(plans)}};
}

json user_json(const User& u) {
  json licenses = json::array();
  for (const auto& l : u.assigned_licenses) {
    licenses.push_back({{"skuId", l.sku_id}, {"disabledPlans", l.disabled_plans}});
  }
  return {{"id", u.id},
          {"userPrincipalName", u.user_principal_name},
          {"displayName", u.display_name},
          {"usageLocation", u.usage_location ? json(*u.usage_location) : json(nullptr)},
          {"accountEnabled", u.account_enabled},
          {"assignedLicenses", std::move(licenses)}};
}

}  // namespace

json apply_workload_fixture(const ApplyWorkload& workload, const std::string& secret) {
  json tenants = json::array();
  for (const auto& t : workload.tenants) {
    json skus = json::array(), users = json::array();
    for (const auto& s : t.skus) skus.push_back(sku_json(s));
    for (const auto& u : t.users) users.push_back(user_json(u));
    tenants.push_back(
        {{"id", t.tenant.id},
         {"defaultDomainName", t.tenant.default_domain_name},
         {"displayName", t.tenant.display_name},
         {"skus", std::move(skus)},
         {"mutuallyExclusivePlans", json::array({{kExchangeStandard, kExchangeEnterprise}})},
         {"users", std::move(users)}});
  }
  return {{"partner",
           {{"tenantId", "00000000-0000-4000-8000-000000000000"},
            {"defaultDomainName", kGeneratedPartner}}},
          {"clients", json::array({{{"clientId", kBenchClientId}, {"secret", secret}}})},
          {"now", "2026-11-20T00:00:00Z"},
          {"tenants", std::move(tenants)}};
}

}  // namespace tenantsync::bench
