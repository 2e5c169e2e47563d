#include "tests/integration/challenging_desired.h"

#include "tests/integration/desired_entries.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace tenantsync::test {

namespace {

class TenantView {
 public:
  explicit TenantView(const TenantSnapshot& s) {
    for (const auto& sku : s.skus) {
      if (sku.applies_to == "User") part_[sku.sku_id] = sku.sku_part_number;
    }
  }

  bool has(const std::string& part) const {
    return std::any_of(part_.begin(), part_.end(), [&](const auto& p) { return p.second == part; });
  }
  std::vector<std::string> parts() const {
    std::vector<std::string> out;
    for (const auto& [id, part] : part_) out.push_back(part);
    std::sort(out.begin(), out.end());
    return out;
  }
  // Part numbers the user holds directly (what a user entry governs).
  std::set<std::string> direct(const User& u) const {
    std::set<std::string> out;
    for (const auto& l : u.assigned_licenses) {
      auto it = part_.find(l.sku_id);
      if (it != part_.end() && u.has_direct_license(l.sku_id)) out.insert(it->second);
    }
    return out;
  }
  // Every part number the user holds, direct or inherited.
  std::set<std::string> held(const User& u) const {
    std::set<std::string> out;
    for (const auto& l : u.assigned_licenses) {
      auto it = part_.find(l.sku_id);
      if (it != part_.end()) out.insert(it->second);
    }
    return out;
  }

 private:
  std::map<std::string, std::string> part_;  // sku id -> part number, user SKUs only
};

DesiredLicense license(const std::string& part) { return DesiredLicense{part, {}, {}}; }

std::vector<DesiredLicense> licenses(const std::set<std::string>& parts) {
  std::vector<DesiredLicense> out;
  for (const auto& p : parts) out.push_back(license(p));
  return out;
}

}  // namespace

DesiredTenant challenging_desired(const TenantSnapshot& snapshot) {
  TenantView view(snapshot);
  DesiredTenant t;
  t.tenant = snapshot.tenant.default_domain_name;
  t.mode = TenantMode::Enforce;
  t.unlisted = UnlistedPolicy::Keep;
  t.managed_skus = view.parts();

  std::map<std::string, int> departments;
  for (const auto& u : snapshot.users) {
    if (!u.department.empty()) ++departments[u.department];
  }
  std::string largest;
  for (const auto& [name, n] : departments) {
    if (largest.empty() || n > departments[largest]) largest = name;
  }
  const std::string scarce = view.has("SPE_E5") ? "SPE_E5" : "SPE_E3";
  if (!largest.empty()) {
    LicenseRule rule;
    rule.where.department = largest;
    rule.licenses = {license(scarce)};
    t.rules.push_back(rule);
  }
  const bool calling = view.has("MCOPSTN1") && view.has("MCOEV") && view.has("SPE_E3");
  if (calling) {
    LicenseRule rule;
    rule.where.usage_location = "CN";
    rule.licenses = {license("SPE_E3"), license("MCOEV"), license("MCOPSTN1")};
    t.rules.push_back(rule);
  }

  // Users the rules govern are left to the rules; each other user gets one entry at most.
  EntryPicker picker(snapshot, t);
  // The rules' users are left to the rules.
  auto pick = [&](int count, const EntryPicker::Fits& fits, const EntryPicker::Make& make) {
    picker.pick(
        count,
        [&](const User& u) {
          return u.department != largest && u.usage_location != "CN" && fits(u);
        },
        make);
  };
  auto only = [&](const User& u, std::set<std::string> parts) { return view.direct(u) == parts; };
  auto located = [](const User& u) { return u.usage_location.has_value(); };

  if (view.has("EXCHANGESTANDARD")) {
    pick(
        3, [&](const User& u) { return located(u) && only(u, {"SPE_E3"}); },
        [&](const User& u) {
          return desired_user(u.user_principal_name, licenses({"SPE_E3", "EXCHANGESTANDARD"}));
        });
  }
  if (calling) {
    pick(
        3,
        [&](const User& u) {
          auto held = view.held(u);
          return located(u) && held.count("SPE_E3") && !held.count("SPE_E5") &&
                 !held.count("MCOEV") && !held.count("MCOPSTN1");
        },
        [&](const User& u) {
          auto parts = view.direct(u);
          parts.insert("MCOPSTN1");
          return desired_user(u.user_principal_name, licenses(parts));
        });
    pick(
        2,
        [&](const User& u) {
          auto held = view.direct(u);
          return held.count("MCOEV") && held.count("MCOPSTN1") && !held.count("SPE_E5");
        },
        [&](const User& u) {
          auto parts = view.direct(u);
          parts.erase("MCOEV");
          return desired_user(u.user_principal_name, licenses(parts));
        });
  }
  if (view.has("EMS")) {
    pick(
        4, [&](const User& u) { return view.direct(u).count("EMS") > 0; },
        [&](const User& u) {
          auto parts = view.direct(u);
          parts.erase("EMS");
          return desired_user(u.user_principal_name, licenses(parts));
        });
  }
  std::set<std::string> starter = {"SPE_E3"};
  if (view.has("EMS")) starter.insert("EMS");
  pick(
      4, [&](const User& u) { return located(u) && view.held(u).empty(); },
      [&](const User& u) { return desired_user(u.user_principal_name, licenses(starter)); });
  pick(
      2, [&](const User& u) { return !located(u) && view.held(u).empty(); },
      [&](const User& u) { return desired_user(u.user_principal_name, licenses({"SPE_E3"})); });
  pick(
      2, [&](const User&) { return true; },
      [&](const User& u) { return deleted_user(u.user_principal_name); });
  for (const auto& u : snapshot.deleted_users) {
    t.users.push_back(desired_user(u.user_principal_name, licenses({"SPE_E3"})));
  }
  DesiredUser hire = desired_user("integration.newhire@" + t.tenant, licenses({"SPE_E3"}));
  hire.create = CreateSpec{"Integration Newhire", "US", "Integration", "Newhire", "Sales", {}, {}};
  t.users.push_back(hire);
  return t;
}

}  // namespace tenantsync::test
