// Service plan id -> servicePlanName, gathered from the snapshots a plan was computed from,
// so reports say "YAMMER_ENTERPRISE" where the plan only carries a GUID. Service plan ids
// are the same in every tenant, so one table serves them all; it holds SKU metadata only,
// a few hundred entries, never users. The planner gathers it; every renderer reads it.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "model/sku.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

class ServicePlanNames {
 public:
  void add(const TenantSnapshot& snapshot);
  void add(const Sku& sku);
  // The name of the plan with this id, or the id itself when unknown.
  const std::string& name_or_id(const std::string& plan_id) const;

 private:
  std::map<std::string, std::string, std::less<>> names_;  // id -> name
};

}  // namespace tenantsync
