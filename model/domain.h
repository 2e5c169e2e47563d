// A domain of a tenant as Graph's GET /domains lists it. Only verified domains may carry
// user principal names: creating a user (or renaming one) in any other is refused.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tenantsync {

struct Domain {
  std::string id;  // the domain name: contoso.com
  bool is_default = false;
  bool is_initial = false;  // the *.onmicrosoft.com domain the tenant was created with
  bool is_verified = false;

  bool operator==(const Domain&) const = default;
};

// Graph shape: {id, isDefault, isInitial, isVerified, ...}; other fields are ignored.
void to_json(nlohmann::json& j, const Domain& d);
void from_json(const nlohmann::json& j, Domain& d);

// The names of the verified domains, in the order given.
std::vector<std::string> verified_domain_names(const std::vector<Domain>& domains);

}  // namespace tenantsync
