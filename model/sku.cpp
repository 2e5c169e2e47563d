#include "model/sku.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace tenantsync {

int Sku::free_seats() const { return std::max(0, usable_seats() - consumed_units); }

const ServicePlan* Sku::find_plan(const std::string& id_or_name) const {
  for (const auto& p : service_plans) {
    if (p.service_plan_id == id_or_name || p.service_plan_name == id_or_name) return &p;
  }
  return nullptr;
}

void to_json(nlohmann::json& j, const ServicePlan& p) {
  j = {{"servicePlanId", p.service_plan_id},
       {"servicePlanName", p.service_plan_name},
       {"provisioningStatus", p.provisioning_status},
       {"appliesTo", p.applies_to}};
}

void from_json(const nlohmann::json& j, ServicePlan& p) {
  p.service_plan_id = j.at("servicePlanId").get<std::string>();
  p.service_plan_name = j.value("servicePlanName", std::string());
  p.provisioning_status = j.value("provisioningStatus", std::string("Success"));
  p.applies_to = j.value("appliesTo", std::string("User"));
}

void to_json(nlohmann::json& j, const PrepaidUnits& u) {
  j = {{"enabled", u.enabled},
       {"suspended", u.suspended},
       {"warning", u.warning},
       {"lockedOut", u.locked_out}};
}

void from_json(const nlohmann::json& j, PrepaidUnits& u) {
  u.enabled = j.value("enabled", 0);
  u.suspended = j.value("suspended", 0);
  u.warning = j.value("warning", 0);
  u.locked_out = j.value("lockedOut", 0);
}

void to_json(nlohmann::json& j, const Sku& s) {
  j = {{"id", s.id},
       {"skuId", s.sku_id},
       {"skuPartNumber", s.sku_part_number},
       {"appliesTo", s.applies_to},
       {"capabilityStatus", s.capability_status},
       {"consumedUnits", s.consumed_units},
       {"prepaidUnits", s.prepaid_units},
       {"servicePlans", s.service_plans}};
}

void from_json(const nlohmann::json& j, Sku& s) {
  s.id = j.value("id", std::string());
  s.sku_id = j.at("skuId").get<std::string>();
  s.sku_part_number = j.at("skuPartNumber").get<std::string>();
  s.applies_to = j.value("appliesTo", std::string("User"));
  s.capability_status = j.value("capabilityStatus", std::string("Enabled"));
  s.consumed_units = j.value("consumedUnits", 0);
  if (j.contains("prepaidUnits")) s.prepaid_units = j.at("prepaidUnits").get<PrepaidUnits>();
  s.service_plans = j.value("servicePlans", std::vector<ServicePlan>{});
}

}  // namespace tenantsync
