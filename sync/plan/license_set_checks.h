// What the service checks on the licenses a user ends up with after one assignLicense call
// (planner.h, "Exclusive and dependent plans"), found on the service plans alone: a plan the
// call newly enables that is mutually exclusive with another plan the user ends up with,
// and a plan the user ends up with whose required plans are missing. Only what the call
// brings about is checked for exclusion (a plan enabled before the call is left alone).
// Which operation a finding blocks is the planner's decision (planner_checks.cpp): these
// functions only say what is wrong. Plan indices are a TenantServiceRules'. Internal to
// sync/plan/.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "sync/plan/service_rules.h"

namespace tenantsync::planning {

// "No operation" for LicenseAfter::op and the planner's operation indices.
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

inline bool contains(const std::vector<int>& sorted, int value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// Whether SKU `sku`, with the plans `disabled` (sorted) turned off, enables `plan`.
inline bool enables(const TenantServiceRules& rules, int sku, const std::vector<int>& disabled,
                    int plan) {
  return contains(rules.sku_plans(sku), plan) && !contains(disabled, plan);
}

// Enabled service plans of a set of licenses, as counts per plan index. Reused across
// users: clear() resets only what was touched.
class PlanCounts {
 public:
  explicit PlanCounts(int plans) : count_(static_cast<std::size_t>(plans), 0) {}
  void add(const std::vector<int>& plans, const std::vector<int>& disabled) {
    for (int p : plans) {
      if (contains(disabled, p)) continue;
      if (count_[p]++ == 0) touched_.push_back(p);
    }
  }
  int operator[](int plan) const { return count_[plan]; }
  void clear() {
    for (int p : touched_) count_[p] = 0;
    touched_.clear();
  }

 private:
  std::vector<int> count_;
  std::vector<int> touched_;
};

// A license the user holds after the call.
struct LicenseAfter {
  int sku;
  const std::vector<int>* disabled;  // plan indices, sorted
  std::size_t op;                    // the caller's operation bringing or changing it; kNone: kept
  bool inherited = false;            // from a group: the user keeps it whatever is sent
};

// A license the call brings or changes that newly enables `plan`, exclusive with
// `other_plan`, which another license the user ends up with enables.
struct ExclusiveConflict {
  std::size_t license;  // index into the licenses checked
  int plan;
  int other_plan;
  int other_sku;  // the first other license enabling other_plan
};

// At most one conflict per license (its first plan that has one), in license order.
// `before` and `after` count the plans enabled before the call and after it.
std::vector<ExclusiveConflict> exclusive_conflicts(const TenantServiceRules& rules,
                                                   const PlanCounts& before,
                                                   const PlanCounts& after,
                                                   const std::vector<LicenseAfter>& licenses);

// A plan the user ends up with (first enabled by `license`) with a requirement that no
// plan after the call meets.
struct UnmetRequirement {
  std::size_t license;
  int plan;
  const TenantServiceRules::Requirement* requirement;
  std::vector<int> needed;  // per unmet entry of the requirement, its first plan
  std::vector<int> lost;    // plans of the unmet entries the user had before the call
  bool newly_enabled;       // `plan` itself comes with the call
};

// Each plan once, in the order the licenses and their plans come.
std::vector<UnmetRequirement> unmet_requirements(const TenantServiceRules& rules,
                                                 const PlanCounts& before, const PlanCounts& after,
                                                 const std::vector<LicenseAfter>& licenses);

}  // namespace tenantsync::planning
