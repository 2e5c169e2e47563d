#include "sync/plan/license_set_checks.h"

namespace tenantsync::planning {

namespace {

bool license_enables(const TenantServiceRules& rules, const LicenseAfter& license, int plan) {
  return enables(rules, license.sku, *license.disabled, plan);
}

}  // namespace

std::vector<ExclusiveConflict> exclusive_conflicts(const TenantServiceRules& rules,
                                                   const PlanCounts& before,
                                                   const PlanCounts& after,
                                                   const std::vector<LicenseAfter>& licenses) {
  std::vector<ExclusiveConflict> out;
  for (std::size_t i = 0; i < licenses.size(); ++i) {
    const LicenseAfter& l = licenses[i];
    if (l.op == kNone) continue;
    bool found = false;
    for (int p : rules.sku_plans(l.sku)) {
      if (found) break;
      if (contains(*l.disabled, p) || before[p] > 0) continue;
      for (int q : rules.exclusive_with(p)) {
        int others = after[q] - (license_enables(rules, l, q) ? 1 : 0);
        if (others <= 0) continue;
        int other_sku = -1;
        for (const LicenseAfter& m : licenses) {
          if (&m != &l && license_enables(rules, m, q)) {
            other_sku = m.sku;
            break;
          }
        }
        out.push_back({i, p, q, other_sku});
        found = true;
        break;
      }
    }
  }
  return out;
}

std::vector<UnmetRequirement> unmet_requirements(const TenantServiceRules& rules,
                                                 const PlanCounts& before, const PlanCounts& after,
                                                 const std::vector<LicenseAfter>& licenses) {
  std::vector<UnmetRequirement> out;
  std::vector<int> seen;
  for (std::size_t i = 0; i < licenses.size(); ++i) {
    const LicenseAfter& l = licenses[i];
    for (int p : rules.sku_plans(l.sku)) {
      if (contains(*l.disabled, p) || rules.requirements(p).empty()) continue;
      if (std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
      seen.push_back(p);
      for (const auto& req : rules.requirements(p)) {
        UnmetRequirement unmet{i, p, &req, {}, {}, before[p] == 0};
        for (const auto& alternatives : req.all_of) {
          bool any = std::any_of(alternatives.begin(), alternatives.end(),
                                 [&](int q) { return after[q] > 0; });
          if (any) continue;
          unmet.needed.push_back(alternatives.front());
          for (int q : alternatives) {
            if (before[q] > 0) unmet.lost.push_back(q);
          }
        }
        if (!unmet.needed.empty()) out.push_back(std::move(unmet));
      }
    }
  }
  return out;
}

}  // namespace tenantsync::planning
