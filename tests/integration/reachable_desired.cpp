#include "tests/integration/reachable_desired.h"

#include "tests/integration/desired_entries.h"

#include <algorithm>
#include <functional>

namespace tenantsync::test {

namespace {

using nlohmann::json;

class SkuView {
 public:
  explicit SkuView(const TenantSnapshot& s) {
    for (const auto& sku : s.skus) {
      if (sku.applies_to == "User") by_id_[sku.sku_id] = &sku;
    }
  }

  const Sku* by_part(const std::string& part) const {
    for (const auto& [id, sku] : by_id_) {
      if (sku->sku_part_number == part) return sku;
    }
    return nullptr;
  }
  std::vector<std::string> parts() const {
    std::vector<std::string> out;
    for (const auto& [id, sku] : by_id_) out.push_back(sku->sku_part_number);
    std::sort(out.begin(), out.end());
    return out;
  }
  // The user's direct licenses as a desired state writes them: part numbers with the
  // names of the plans disabled now.
  std::vector<DesiredLicense> direct(const User& u) const {
    std::vector<DesiredLicense> out;
    for (const auto& l : u.assigned_licenses) {
      auto it = by_id_.find(l.sku_id);
      if (it == by_id_.end() || !u.has_direct_license(l.sku_id)) continue;
      DesiredLicense d{it->second->sku_part_number, {}, {}};
      for (const auto& plan_id : l.disabled_plans) {
        const ServicePlan* plan = it->second->find_plan(plan_id);
        d.disabled_plans.push_back(plan ? plan->service_plan_name : plan_id);
      }
      std::sort(d.disabled_plans.begin(), d.disabled_plans.end());
      out.push_back(std::move(d));
    }
    return out;
  }

 private:
  std::map<std::string, const Sku*> by_id_;  // user SKUs only
};

DesiredLicense* find_part(std::vector<DesiredLicense>& licenses, const std::string& part) {
  for (auto& l : licenses) {
    if (l.sku == part) return &l;
  }
  return nullptr;
}

}  // namespace

DesiredTenant reachable_desired(const TenantSnapshot& snapshot) {
  SkuView skus(snapshot);
  DesiredTenant t;
  t.tenant = snapshot.tenant.default_domain_name;
  t.mode = TenantMode::Enforce;
  t.unlisted = UnlistedPolicy::Keep;
  t.managed_skus = skus.parts();

  std::map<std::string, int> free;  // seats free before apply, by part number
  for (const auto& sku : snapshot.skus) free[sku.sku_part_number] = sku.free_seats();

  EntryPicker picker(snapshot, t);
  auto holds_direct = [&](const User& u, const std::string& part) {
    auto held = skus.direct(u);
    return find_part(held, part) != nullptr;
  };

  // Revocations: seats they free are not counted on, so nothing waits for them.
  picker.pick(
      3, [&](const User& u) { return holds_direct(u, "EMS"); },
      [&](const User& u) {
        auto held = skus.direct(u);
        std::erase_if(held, [](const DesiredLicense& l) { return l.sku == "EMS"; });
        return desired_user(u.user_principal_name, held);
      });
  // Updates: SWAY depends on nothing and nothing depends on it.
  const Sku* e3 = skus.by_part("SPE_E3");
  const DesiredLicense e3_license{"SPE_E3", {}, {}};
  if (e3 != nullptr && e3->find_plan("SWAY") != nullptr) {
    picker.pick(
        4, [&](const User& u) { return holds_direct(u, "SPE_E3"); },
        [&](const User& u) {
          auto held = skus.direct(u);
          auto& plans = find_part(held, "SPE_E3")->disabled_plans;
          auto sway = std::find(plans.begin(), plans.end(), "SWAY");
          if (sway == plans.end()) {
            plans.push_back("SWAY");
            std::sort(plans.begin(), plans.end());
          } else {
            plans.erase(sway);
          }
          return desired_user(u.user_principal_name, held);
        });
  }
  // Restores bring back what each user held, seats or not: count them first.
  for (const auto& u : snapshot.deleted_users) {
    auto held = skus.direct(u);
    for (const auto& l : held) --free[l.sku];
    t.users.push_back(desired_user(u.user_principal_name, held));
  }
  // Assignments within the free seats, one kept for the new hire.
  if (e3 != nullptr) {
    free["SPE_E3"] -= picker.pick(
        std::min(4, free["SPE_E3"] - 1),
        [&](const User& u) { return u.usage_location.has_value() && u.assigned_licenses.empty(); },
        [&](const User& u) { return desired_user(u.user_principal_name, {e3_license}); });
  }
  picker.pick(
      2, [&](const User&) { return true; },
      [&](const User& u) { return deleted_user(u.user_principal_name); });
  DesiredUser hire = desired_user("chaos.newhire@" + t.tenant, {});
  if (e3 != nullptr && free["SPE_E3"] >= 1) hire.licenses = std::vector<DesiredLicense>{e3_license};
  hire.create = CreateSpec{"Chaos Newhire", "US", "Chaos", "Newhire", "Sales", {}, {}};
  t.users.push_back(hire);
  return t;
}

json expected_users(const DesiredTenant& desired, const TenantSnapshot& snapshot) {
  SkuView skus(snapshot);
  json out = json::object();
  for (const auto& u : desired.users) {
    if (u.state == DesiredUserState::Deleted) {
      out[u.upn] = {{"deleted", true}};
      continue;
    }
    json licenses = json::object();
    for (const auto& l : u.licenses.value_or(std::vector<DesiredLicense>{})) {
      const Sku* sku = skus.by_part(l.sku);
      if (sku == nullptr) throw std::runtime_error("no SKU " + l.sku + " in " + desired.tenant);
      std::vector<std::string> ids;
      for (const auto& name : l.disabled_plans)
        ids.push_back(sku->find_plan(name)->service_plan_id);
      std::sort(ids.begin(), ids.end());
      licenses[sku->sku_id] = ids;
    }
    out[u.upn] = {{"deleted", false}, {"licenses", licenses}};
  }
  return out;
}

json actual_users(const json& state, const std::set<std::string>& upns) {
  json out = json::object();
  for (const auto& u : state["users"]) {
    const std::string upn = u["userPrincipalName"].get<std::string>();
    if (!upns.count(upn)) continue;
    json licenses = json::object();
    for (const auto& l : u["assignedLicenses"]) {
      auto ids = l["disabledPlans"].get<std::vector<std::string>>();
      std::sort(ids.begin(), ids.end());
      licenses[l["skuId"].get<std::string>()] = ids;
    }
    out[upn] = {{"deleted", false}, {"licenses", licenses}};
  }
  for (const auto& u : state["deletedUsers"]) {
    const std::string upn = u["userPrincipalName"].get<std::string>();
    if (upns.count(upn) && !out.contains(upn)) out[upn] = {{"deleted", true}};
  }
  for (const auto& upn : upns) {
    if (!out.contains(upn)) out[upn] = {{"missing", true}};
  }
  return out;
}

}  // namespace tenantsync::test
