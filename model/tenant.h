// A customer tenant as the partner's /contracts lists it.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace tenantsync {

struct Tenant {
  std::string id;                   // the customer's tenant id (contract customerId)
  std::string default_domain_name;  // contoso.onmicrosoft.com
  std::string display_name;

  bool operator==(const Tenant&) const = default;
};

// Graph contract shape: {id, contractType, customerId, defaultDomainName, displayName}.
// Decoding reads customerId as the tenant id; encoding writes both.
void to_json(nlohmann::json& j, const Tenant& t);
void from_json(const nlohmann::json& j, Tenant& t);

}  // namespace tenantsync
