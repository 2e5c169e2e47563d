#include "model/domain.h"

#include <nlohmann/json.hpp>

namespace tenantsync {

void to_json(nlohmann::json& j, const Domain& d) {
  j = {{"id", d.id},
       {"isDefault", d.is_default},
       {"isInitial", d.is_initial},
       {"isVerified", d.is_verified}};
}

void from_json(const nlohmann::json& j, Domain& d) {
  d.id = j.at("id").get<std::string>();
  // Absent or null flags are false: an unknown domain is never taken as verified.
  auto flag = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
  };
  d.is_default = flag("isDefault");
  d.is_initial = flag("isInitial");
  d.is_verified = flag("isVerified");
}

std::vector<std::string> verified_domain_names(const std::vector<Domain>& domains) {
  std::vector<std::string> out;
  for (const Domain& d : domains) {
    if (d.is_verified) out.push_back(d.id);
  }
  return out;
}

}  // namespace tenantsync
