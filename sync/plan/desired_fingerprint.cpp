#include "sync/plan/desired_fingerprint.h"

#include <algorithm>

#include "sync/ascii_case.h"
#include "sync/sha256_text.h"

namespace tenantsync {

std::string desired_fingerprint(const DesiredTenant& tenant) {
  DesiredState one;
  one.tenants.push_back(tenant);
  return sha256_text(desired_state_to_json(one).dump());
}

std::string why_plan_is_not_current(const Plan& plan, const DesiredState& current) {
  for (const TenantPlan& t : plan.tenants) {
    if (t.desired_fingerprint.empty()) {
      return "it does not record the desired state of " + t.tenant +
             " it was made from (made by an older tenantsync)";
    }
    auto same_tenant = [&](const DesiredTenant& d) {
      return iequals(d.tenant, t.tenant) ||
             (!t.tenant_id.empty() && iequals(d.tenant, t.tenant_id));
    };
    auto it = std::find_if(current.tenants.begin(), current.tenants.end(), same_tenant);
    if (it == current.tenants.end()) return t.tenant + " is no longer in the desired state";
    if (desired_fingerprint(*it) != t.desired_fingerprint) {
      return "the desired state of " + t.tenant + " changed since it was made";
    }
  }
  return "";
}

}  // namespace tenantsync
