// A directory group as tenantsync reads it: only what people need to recognise the group
// a user inherits a license from (GET /groups/{id}?$select=id,displayName).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace tenantsync {

struct Group {
  std::string id;
  std::string display_name;  // "" when the service gave none

  bool operator==(const Group&) const = default;
};

// Graph shape: {id, displayName}; other fields are ignored, a null displayName is "".
void to_json(nlohmann::json& j, const Group& g);
void from_json(const nlohmann::json& j, Group& g);

// "Sales Team (<id>)", or just the id when the name is unknown or empty: how every
// report names a group.
std::string group_label(const std::string& id, const std::string& display_name);

}  // namespace tenantsync
