// A subscribed SKU (product) of a tenant, with its seats and service plans.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tenantsync {

struct ServicePlan {
  std::string service_plan_id;
  std::string service_plan_name;
  std::string provisioning_status = "Success";
  std::string applies_to = "User";

  bool operator==(const ServicePlan&) const = default;
};

struct PrepaidUnits {
  int enabled = 0;
  int suspended = 0;
  int warning = 0;
  int locked_out = 0;

  bool operator==(const PrepaidUnits&) const = default;
};

struct Sku {
  std::string id;  // "{tenantId}_{skuId}" on the real service
  std::string sku_id;
  std::string sku_part_number;  // SPE_E3
  std::string applies_to = "User";
  std::string capability_status = "Enabled";
  int consumed_units = 0;
  PrepaidUnits prepaid_units;
  std::vector<ServicePlan> service_plans;

  // Seats that may still be assigned: enabled + warning - consumed, never below 0
  // (a restore can push consumed above enabled).
  int free_seats() const;
  // enabled + warning: the seats the service counts against.
  int usable_seats() const { return prepaid_units.enabled + prepaid_units.warning; }
  // The seats tenantsync counts on: paid (enabled), plus the grace units (warning: an
  // expired subscription's) only when `count_grace` (safety.useGraceSeats).
  int counted_seats(bool count_grace) const {
    return count_grace ? usable_seats() : prepaid_units.enabled;
  }
  // counted_seats() - consumed, never below 0.
  int available_seats(bool count_grace) const {
    return std::max(0, counted_seats(count_grace) - consumed_units);
  }
  // Units consumed beyond the paid count: the tenant already runs on grace units.
  int over_paid() const { return std::max(0, consumed_units - prepaid_units.enabled); }
  const ServicePlan* find_plan(const std::string& id_or_name) const;

  bool operator==(const Sku&) const = default;
};

// Graph subscribedSku shape (docs/graph.md).
void to_json(nlohmann::json& j, const ServicePlan& p);
void from_json(const nlohmann::json& j, ServicePlan& p);
void to_json(nlohmann::json& j, const PrepaidUnits& u);
void from_json(const nlohmann::json& j, PrepaidUnits& u);
void to_json(nlohmann::json& j, const Sku& s);
void from_json(const nlohmann::json& j, Sku& s);

}  // namespace tenantsync
