// The license rules the service enforces but does not publish: which service plans cannot
// be held together, which plan needs another, and which SKUs may not be used in a usage
// location. The planner checks every operation against them before apply, so an operation
// the service would refuse is planned as `blocked` with the service's own message.
//
// Graph exposes none of this, so tenantsync ships a catalogue (ServiceRules::builtin())
// taken from Microsoft's public licensing documentation, keyed by servicePlanName for
// exclusive pairs and dependencies and by skuPartNumber for prohibited locations. The
// fake-graph fixtures (fakes/) use the same names; they were written by someone else,
// independently, from the same public facts, so the fake stays an independent oracle for
// the planner (it never includes this file). Rules learned from the service's refusals
// (add_learned()) name plans by id. Every key matches case-insensitively against a plan's
// name or id (for prohibited locations: a SKU's part number or id).
//
// Semantics, the same as the service's (docs/graph.md):
// - Exclusive: two plans may not both be enabled in a user's licenses (direct or inherited).
// - Dependency: a plan enabled in a user's licenses needs every plan it requires enabled
//   too (all of them, as fake-graph's `planDependencies` fixture reads). A dependency on a
//   plan none of the tenant's SKUs has is not applied in that tenant.
// - Prohibited location: a SKU may not be assigned to a user with that usage location.
// Disabled plans count for neither rule.
//
// ServiceRules is a plain value: build it once, then share it read-only across threads.
// TenantServiceRules is the catalogue compiled against one tenant's SKUs (dense plan and
// SKU indices, no string work) for the planner's per-user checks; it keeps no reference
// to the SKUs it was built from.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/sku.h"
#include "sync/ascii_case.h"

namespace tenantsync {

class TenantServiceRules;

class ServiceRules {
 public:
  // The catalogue tenantsync ships: Exchange Online plans 1, 2 and Kiosk are mutually
  // exclusive; Teams Phone (MCOEV) needs Skype for Business Online (MCOSTANDARD); the
  // calling plans need Teams Phone; audio conferencing needs MCOSTANDARD; calling plans
  // may not be used in China.
  static ServiceRules builtin();

  // Each key is a service plan name or id. Adding a rule that is already known is a no-op.
  void add_exclusive(std::string_view plan_a, std::string_view plan_b);
  void add_dependency(std::string_view plan, std::vector<std::string> requires_all);
  // `sku` is a part number or sku id; `usage_location` an ISO 3166 alpha-2 code.
  void add_prohibited_location(std::string_view sku, std::string_view usage_location);

  // Learns from a refusal message the service gave (docs/graph.md): "...service plans
  // {id1},{id2} are mutually exclusive." or "...service plan {id} depends on the service
  // plan(s) {id2}[,{id3}...].". Returns true when the message taught a rule not known
  // before; other messages are ignored.
  bool add_learned(std::string_view service_message);

  bool mutually_exclusive(const ServicePlan& a, const ServicePlan& b) const;
  bool prohibited(const Sku& sku, std::string_view usage_location) const;

  // The rules restricted to one tenant's SKUs, indexed as `skus` is.
  TenantServiceRules for_tenant(const std::vector<Sku>& skus) const;

  size_t size() const;  // number of rules of all kinds

 private:
  struct Dependency {
    std::string plan;                   // lower case
    std::vector<std::string> required;  // lower case
  };
  struct Prohibition {
    std::string sku;       // lower case
    std::string location;  // upper case
  };
  std::vector<std::pair<std::string, std::string>> exclusive_;  // lower case, a < b
  std::vector<Dependency> dependencies_;
  std::vector<Prohibition> prohibited_;
};

// One tenant's view of the rules. SKUs are indexed as in the vector given to for_tenant();
// service plans get dense indices, one per distinct servicePlanId (the same plan appears
// in several SKUs, e.g. EXCHANGE_S_ENTERPRISE in SPE_E3 and ENTERPRISEPACK).
class TenantServiceRules {
 public:
  // A plan's requirement: each entry lists the tenant plans matching one required key,
  // and one of them must be enabled for each entry. A rule whose required plans no SKU
  // of the tenant provides is left out: tenantsync blocks only what it can name.
  struct Requirement {
    std::vector<std::vector<int>> all_of;
    std::string ids;  // "{id},{id}", as the service's message lists them
  };

  int plan_count() const { return static_cast<int>(plans_.size()); }
  // Index of the plan with this id (case-insensitive), or -1.
  int plan_index(std::string_view plan_id) const;
  const ServicePlan& plan(int index) const { return plans_[index]; }
  // The plans of SKU `sku` (index into the vector given to for_tenant()).
  const std::vector<int>& sku_plans(int sku) const { return sku_plans_[sku]; }
  const std::vector<int>& exclusive_with(int plan) const { return exclusive_[plan]; }
  const std::vector<Requirement>& requirements(int plan) const { return requires_[plan]; }
  bool prohibited(int sku, std::string_view usage_location) const;

 private:
  friend class ServiceRules;
  std::vector<ServicePlan> plans_;
  IMap<int> plan_by_id_;  // plan id (any case) -> index
  std::vector<std::vector<int>> sku_plans_;
  std::vector<std::vector<int>> exclusive_;
  std::vector<std::vector<Requirement>> requires_;
  std::vector<std::vector<std::string>> prohibited_;  // per SKU: upper-case locations
};

}  // namespace tenantsync
