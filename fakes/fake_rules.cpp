#include "fakes/fake_rules.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "fakes/fake_errors.h"

namespace tenantsync::fake {

namespace {

// Plans enabled by a set of licenses (direct ones given, inherited ones from the user).
std::set<std::string> enabled_plans(const TenantDirectory& tenant,
                                    const std::vector<LicenseRecord>& direct,
                                    const std::vector<GroupLicenseRecord>& inherited) {
  std::set<std::string> out;
  auto add = [&](const std::string& sku_id, const std::vector<std::string>& disabled) {
    const SkuRecord* sku = tenant.find_sku(sku_id);
    if (sku == nullptr) return;
    for (const auto& plan : sku->plans) {
      if (std::find(disabled.begin(), disabled.end(), plan.id) == disabled.end()) {
        out.insert(plan.id);
      }
    }
  };
  for (const auto& l : direct) add(l.sku_id, l.disabled_plans);
  for (const auto& l : inherited) add(l.sku_id, l.disabled_plans);
  return out;
}

std::vector<std::string> held(const std::vector<LicenseRecord>& direct,
                              const std::vector<GroupLicenseRecord>& inherited) {
  std::vector<std::string> out;
  for (const auto& l : direct) out.push_back(l.sku_id);
  for (const auto& l : inherited) out.push_back(l.sku_id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool is_valid_company_license(const SkuRecord* sku) {
  return sku != nullptr && sku->applies_to == "User";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ",";
    out += s;
  }
  return out;
}

}  // namespace

LicenseChange check_license_change(const TenantDirectory& tenant, const UserRecord& user,
                                   const std::vector<LicenseRecord>& add,
                                   const std::vector<std::string>& remove) {
  for (const auto& l : add) {
    if (!is_valid_company_license(tenant.find_sku(l.sku_id))) {
      return "License " + l.sku_id + " does not correspond to a valid company License.";
    }
  }
  for (const auto& sku_id : remove) {
    if (!is_valid_company_license(tenant.find_sku(sku_id))) {
      return "License " + sku_id + " does not correspond to a valid company License.";
    }
  }

  std::vector<LicenseRecord> result = user.licenses;
  for (const auto& sku_id : remove) {
    auto it = std::find_if(result.begin(), result.end(),
                           [&](const LicenseRecord& l) { return l.sku_id == sku_id; });
    if (it != result.end()) {
      result.erase(it);
    } else if (user.group_license(sku_id) != nullptr) {
      return msg::kGroupInherited;
    } else {
      return msg::kLacksLicense;
    }
  }
  for (const auto& l : add) {
    auto it = std::find_if(result.begin(), result.end(),
                           [&](const LicenseRecord& r) { return r.sku_id == l.sku_id; });
    if (it != result.end()) {
      it->disabled_plans = l.disabled_plans;
    } else {
      result.push_back(l);
    }
  }

  if (!add.empty()) {
    if (!user.usage_location || user.usage_location->empty()) return msg::kBadUsageLocation;
    for (const auto& l : add) {
      auto it = tenant.prohibited_locations.find(l.sku_id);
      if (it != tenant.prohibited_locations.end() && it->second.count(*user.usage_location)) {
        return msg::kBadUsageLocation;
      }
    }
  }

  std::set<std::string> before = enabled_plans(tenant, user.licenses, user.group_licenses);
  std::set<std::string> after = enabled_plans(tenant, result, user.group_licenses);
  auto newly = [&](const std::string& plan) {
    return after.count(plan) != 0 && before.count(plan) == 0;
  };
  for (const auto& [a, b] : tenant.exclusive_plans) {
    if (after.count(a) != 0 && after.count(b) != 0 && (newly(a) || newly(b))) {
      return "License assignment failed because service plans " + a + "," + b +
             " are mutually exclusive.";
    }
  }
  for (const auto& dep : tenant.plan_dependencies) {
    if (after.count(dep.plan) == 0) continue;
    bool missing = false;
    bool lost = false;
    for (const auto& required : dep.requires_plans) {
      if (after.count(required) == 0) {
        missing = true;
        if (before.count(required) != 0) lost = true;
      }
    }
    if (missing && (newly(dep.plan) || lost)) {
      return "License assignment failed because service plan " + dep.plan +
             " depends on the service plan(s) " + join(dep.requires_plans) + ".";
    }
  }

  std::vector<std::string> held_before = user.held_skus();
  for (const std::string& sku_id : held(result, user.group_licenses)) {
    if (std::binary_search(held_before.begin(), held_before.end(), sku_id)) continue;
    const SkuRecord* sku = tenant.find_sku(sku_id);
    bool assignable = sku->capability_status == "Enabled" || sku->capability_status == "Warning";
    if (!assignable || tenant.consumed_units(sku_id) + 1 > sku->enabled + sku->warning) {
      return "Subscription with SKU " + sku_id + " does not have any available licenses.";
    }
  }
  return result;
}

bool password_is_complex(const std::string& password) {
  if (password.size() < 8 || password.size() > 256) return false;
  bool lower = false, upper = false, digit = false, symbol = false;
  for (char c : password) {
    auto u = static_cast<unsigned char>(c);
    if (std::islower(u)) {
      lower = true;
    } else if (std::isupper(u)) {
      upper = true;
    } else if (std::isdigit(u)) {
      digit = true;
    } else {
      symbol = true;
    }
  }
  return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0) >= 3;
}

}  // namespace tenantsync::fake
