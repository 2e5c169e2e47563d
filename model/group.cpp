#include "model/group.h"

#include <nlohmann/json.hpp>

namespace tenantsync {

void to_json(nlohmann::json& j, const Group& g) {
  j = {{"id", g.id}, {"displayName", g.display_name}};
}

void from_json(const nlohmann::json& j, Group& g) {
  g.id = j.at("id").get<std::string>();
  auto name = j.find("displayName");
  g.display_name = name != j.end() && name->is_string() ? name->get<std::string>() : "";
}

std::string group_label(const std::string& id, const std::string& display_name) {
  if (display_name.empty()) return id;
  return display_name + " (" + id + ")";
}

}  // namespace tenantsync
