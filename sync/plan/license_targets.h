// What each user should hold and what it holds now (planner.h's rules), for the planner.
// An entry with `licenses` overrides rules; otherwise the union of every rule the user
// matches, a plan staying disabled only if every rule granting the SKU disables it. upnSuffix
// matches at a boundary ("x.com": "a@sales.x.com", not "a@notx.com"), other keys ignoring ASCII
// case. Governed users (an entry, a matching rule, `unlisted: revoke`) lose undesired managed
// SKUs. Held licenses tell direct from group-inherited. Internal to sync/plan/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/sku.h"
#include "model/user.h"
#include "sync/ascii_case.h"
#include "sync/plan/desired_resolver.h"
#include "sync/plan/service_rules.h"

namespace tenantsync::planning {

// The attributes rules match on.
struct Attributes {
  std::string_view upn;
  std::string_view department;
  std::string_view job_title;
  const std::optional<std::string>* usage_location;
};

// A license a user should hold.
struct Want {
  int sku = -1;
  std::vector<std::string> disabled_ids;  // canonical ids, sorted
  std::vector<int> disabled;              // plan indices, sorted
};

// A license a user holds (or will hold again once restored), direct and/or inherited.
struct Held {
  int sku = -1;
  bool direct = false;
  std::vector<std::string> direct_disabled_ids;
  std::vector<int> direct_disabled;  // plan indices, sorted
  std::optional<std::string> group;  // the first group it is inherited from
  std::vector<int> group_disabled;
};

// SKU indices are positions in the `skus` given to the constructor (the planner's, sorted
// by part number); plan indices are `rules`'. `rules` and `desired` must outlive this;
// `skus` need not (only their ids are kept).
class LicenseTargets {
 public:
  LicenseTargets(const std::vector<Sku>& skus, const TenantServiceRules& rules,
                 const ResolvedTenant& desired);

  // The index of the SKU with this id (any case), or -1.
  int sku_index(std::string_view sku_id) const {
    auto it = sku_by_id_.find(sku_id);
    return it == sku_by_id_.end() ? -1 : it->second;
  }
  bool managed(int sku) const { return managed_[sku]; }
  // The indices of the tenant's plans among `ids` (any case), sorted, unknown ids left out.
  std::vector<int> plan_indices(const std::vector<std::string>& ids) const;
  // The user's licenses of the tenant's SKUs, by SKU index.
  std::vector<Held> held_of(const User& user) const;
  // What the user should hold, by SKU index; `governed` says whether undesired managed
  // SKUs go. `entry` is null or points into desired.users. The reference stays valid
  // until the next call.
  const std::vector<Want>& wants_for(const ResolvedUser* entry, const Attributes& attrs,
                                     bool& governed);

 private:
  std::vector<Want> wants_of(const std::vector<ResolvedLicense>& licenses) const;

  const TenantServiceRules& rules_;
  const ResolvedTenant& desired_;
  IMap<int> sku_by_id_;  // sku id (any case) -> index
  std::vector<bool> managed_;
  std::vector<std::optional<std::vector<Want>>> entry_wants_;  // by entry in desired.users
  std::vector<std::vector<Want>> rule_wants_;
  std::vector<Want> merged_wants_;  // scratch for users matching several rules
  const std::vector<Want> no_wants_;
};

}  // namespace tenantsync::planning
