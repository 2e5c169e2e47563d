#include "sync/report/exporter.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

// The disabled plans of the user's direct assignment of `sku_id`, or nullopt when the user
// holds it only through groups. As the planner reads them: from the first direct
// licenseAssignmentState of the SKU; when the service gave no state for the SKU, the
// assignment counts as direct with the disabled plans of assignedLicenses.
std::optional<std::vector<std::string>> direct_disabled_plans(const User& user,
                                                              const AssignedLicense& license) {
  bool any_state = false;
  for (const auto& state : user.license_states) {
    if (!iequals(state.sku_id, license.sku_id)) continue;
    any_state = true;
    if (!state.assigned_by_group) return state.disabled_plans;
  }
  if (any_state) return std::nullopt;
  return license.disabled_plans;
}

const ServicePlan* find_plan(const Sku& sku, const std::string& id) {
  for (const auto& plan : sku.service_plans) {
    if (iequals(plan.service_plan_id, id)) return &plan;
  }
  return nullptr;
}

}  // namespace

DesiredTenant export_tenant(const TenantSnapshot& snapshot) {
  DesiredTenant tenant;
  tenant.tenant = snapshot.tenant.default_domain_name.empty() ? snapshot.tenant.id
                                                              : snapshot.tenant.default_domain_name;
  tenant.mode = TenantMode::Report;
  tenant.unlisted = UnlistedPolicy::Keep;

  std::map<std::string, const Sku*> managed;  // lower-cased sku id -> user-assignable SKU
  for (const auto& sku : snapshot.skus) {
    if (!iequals(sku.applies_to, "User") || sku.sku_part_number.empty()) continue;
    managed.emplace(ascii_lower(sku.sku_id), &sku);
    tenant.managed_skus.push_back(sku.sku_part_number);
  }
  std::sort(tenant.managed_skus.begin(), tenant.managed_skus.end());
  tenant.managed_skus.erase(std::unique(tenant.managed_skus.begin(), tenant.managed_skus.end()),
                            tenant.managed_skus.end());

  for (const auto& user : snapshot.users) {
    if (user.user_principal_name.empty()) continue;
    std::vector<DesiredLicense> licenses;
    for (const auto& assigned : user.assigned_licenses) {
      auto sku = managed.find(ascii_lower(assigned.sku_id));
      if (sku == managed.end()) continue;
      auto disabled = direct_disabled_plans(user, assigned);
      if (!disabled) continue;  // inherited only: the group gives it
      DesiredLicense license;
      license.sku = sku->second->sku_part_number;
      for (const auto& plan_id : *disabled) {
        const ServicePlan* plan = find_plan(*sku->second, plan_id);
        license.disabled_plans.push_back(
            plan && !plan->service_plan_name.empty() ? plan->service_plan_name : plan_id);
      }
      std::sort(license.disabled_plans.begin(), license.disabled_plans.end());
      license.disabled_plans.erase(
          std::unique(license.disabled_plans.begin(), license.disabled_plans.end()),
          license.disabled_plans.end());
      licenses.push_back(std::move(license));
    }
    if (licenses.empty()) continue;
    std::sort(licenses.begin(), licenses.end(),
              [](const DesiredLicense& a, const DesiredLicense& b) { return a.sku < b.sku; });
    licenses.erase(std::unique(licenses.begin(), licenses.end(),
                               [](const DesiredLicense& a, const DesiredLicense& b) {
                                 return a.sku == b.sku;
                               }),
                   licenses.end());
    DesiredUser entry;
    entry.upn = user.user_principal_name;
    entry.licenses = std::move(licenses);
    tenant.users.push_back(std::move(entry));
  }
  std::sort(tenant.users.begin(), tenant.users.end(),
            [](const DesiredUser& a, const DesiredUser& b) { return iless(a.upn, b.upn); });
  return tenant;
}

DesiredState export_state(const std::vector<TenantSnapshot>& snapshots) {
  DesiredState state;
  state.version = 1;
  for (const auto& snapshot : snapshots) {
    DesiredTenant tenant = export_tenant(snapshot);
    // No user-assignable SKU: nothing to govern, and a desired-state entry needs at least one.
    if (tenant.managed_skus.empty()) continue;
    state.tenants.push_back(std::move(tenant));
  }
  std::stable_sort(
      state.tenants.begin(), state.tenants.end(),
      [](const DesiredTenant& a, const DesiredTenant& b) { return iless(a.tenant, b.tenant); });
  return state;
}

}  // namespace tenantsync
