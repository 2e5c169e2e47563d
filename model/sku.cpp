#include "model/sku.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace tenantsync {

namespace {

// Seats and consumed units: a whole number from 0 to a billion (no sum of them overflows
// an int). Anything else (1e300, 2^31, -1, 2.5, "3") is refused as unexpected data: a
// float out of int's range would be undefined behaviour, an integer would wrap.
constexpr std::int64_t kMaxCount = 1'000'000'000;

int count_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) {
    throw nlohmann::json::type_error::create(302, "expected an object with " + std::string(key),
                                             &j);
  }
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  bool whole =
      it->is_number_integer() || (it->is_number_float() && std::isfinite(it->get<double>()) &&
                                  std::trunc(it->get<double>()) == it->get<double>());
  double value = whole ? it->get<double>() : -1;
  if (!whole || value < 0 || value > static_cast<double>(kMaxCount)) {
    throw nlohmann::json::out_of_range::create(
        406, std::string(key) + " is not a count from 0 to " + std::to_string(kMaxCount), &*it);
  }
  return static_cast<int>(value);
}

}  // namespace

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
  u.enabled = count_field(j, "enabled");
  u.suspended = count_field(j, "suspended");
  u.warning = count_field(j, "warning");
  u.locked_out = count_field(j, "lockedOut");
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
  s.consumed_units = count_field(j, "consumedUnits");
  if (j.contains("prepaidUnits")) s.prepaid_units = j.at("prepaidUnits").get<PrepaidUnits>();
  s.service_plans = j.value("servicePlans", std::vector<ServicePlan>{});
}

}  // namespace tenantsync
