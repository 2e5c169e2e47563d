#include "model/tenant.h"

#include <nlohmann/json.hpp>

namespace tenantsync {

void to_json(nlohmann::json& j, const Tenant& t) {
  j = {{"id", t.id},
       {"contractType", "ResellerPartner"},
       {"customerId", t.id},
       {"defaultDomainName", t.default_domain_name},
       {"displayName", t.display_name}};
}

void from_json(const nlohmann::json& j, Tenant& t) {
  t.id = j.contains("customerId") ? j.at("customerId").get<std::string>()
                                  : j.at("id").get<std::string>();
  t.default_domain_name = j.at("defaultDomainName").get<std::string>();
  t.display_name = j.value("displayName", std::string());
}

}  // namespace tenantsync
