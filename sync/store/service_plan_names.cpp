#include "sync/store/service_plan_names.h"

namespace tenantsync {

void ServicePlanNames::add(const TenantSnapshot& snapshot) {
  for (const auto& sku : snapshot.skus) add(sku);
}

void ServicePlanNames::add(const Sku& sku) {
  for (const auto& plan : sku.service_plans) {
    if (!plan.service_plan_id.empty() && !plan.service_plan_name.empty()) {
      names_.emplace(plan.service_plan_id, plan.service_plan_name);
    }
  }
}

const std::string& ServicePlanNames::name_or_id(const std::string& plan_id) const {
  auto it = names_.find(plan_id);
  return it == names_.end() ? plan_id : it->second;
}

}  // namespace tenantsync
