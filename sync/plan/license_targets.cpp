#include "sync/plan/license_targets.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/ascii_case.h"
#include "sync/unicode_case.h"

namespace tenantsync::planning {

namespace {

// "a@x.com" matches "@x.com" and "x.com"; "a@sales.x.com" matches "x.com" too.
bool upn_suffix_matches(std::string_view upn, std::string_view suffix) {
  if (suffix.empty() || !iends_with(upn, suffix)) return false;
  if (suffix.front() == '@' || suffix.front() == '.') return true;
  if (upn.size() == suffix.size()) return false;
  char before = upn[upn.size() - suffix.size() - 1];
  return before == '@' || before == '.';
}

bool rule_matches(const RuleMatch& where, const Attributes& a) {
  if (where.department && !equal_ignoring_case(*where.department, a.department)) return false;
  if (where.job_title && !equal_ignoring_case(*where.job_title, a.job_title)) return false;
  if (where.usage_location &&
      (!*a.usage_location || !iequals(*where.usage_location, **a.usage_location))) {
    return false;
  }
  if (where.upn_suffix && !upn_suffix_matches(a.upn, *where.upn_suffix)) return false;
  return true;
}

}  // namespace

LicenseTargets::LicenseTargets(const std::vector<Sku>& skus, const TenantServiceRules& rules,
                               const ResolvedTenant& desired)
    : rules_(rules), desired_(desired) {
  for (size_t i = 0; i < skus.size(); ++i) {
    sku_by_id_.emplace(skus[i].sku_id, static_cast<int>(i));
  }
  managed_.assign(skus.size(), false);
  for (const auto& id : desired_.managed_sku_ids) {
    int sku = sku_index(id);
    if (sku >= 0) managed_[sku] = true;
  }
  for (const auto& user : desired_.users) {
    entry_wants_.push_back(user.licenses ? std::optional(wants_of(*user.licenses)) : std::nullopt);
  }
  for (const auto& rule : desired_.rules) rule_wants_.push_back(wants_of(rule.licenses));
}

std::vector<int> LicenseTargets::plan_indices(const std::vector<std::string>& ids) const {
  std::vector<int> out;
  for (const auto& id : ids) {
    int p = rules_.plan_index(id);
    if (p >= 0) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Want> LicenseTargets::wants_of(const std::vector<ResolvedLicense>& licenses) const {
  std::vector<Want> out;
  for (const auto& l : licenses) {
    int sku = sku_index(l.sku_id);
    if (sku < 0 || !managed_[sku]) continue;  // resolution guarantees neither happens
    out.push_back({sku, l.disabled_plans, plan_indices(l.disabled_plans)});
  }
  std::sort(out.begin(), out.end(), [](const Want& a, const Want& b) { return a.sku < b.sku; });
  return out;
}

std::vector<Held> LicenseTargets::held_of(const User& user) const {
  std::vector<Held> out;
  out.reserve(user.assigned_licenses.size());  // at most one each: no growth
  auto slot = [&](int sku) -> Held& {
    for (auto& h : out) {
      if (h.sku == sku) return h;
    }
    out.push_back({});
    out.back().sku = sku;
    return out.back();
  };
  for (const auto& license : user.assigned_licenses) {
    int sku = sku_index(license.sku_id);
    if (sku < 0) continue;
    Held& h = slot(sku);
    bool any_state = false;
    for (const auto& s : user.license_states) {
      if (!iequals(s.sku_id, license.sku_id)) continue;
      any_state = true;
      if (s.assigned_by_group) {
        if (!h.group) {
          h.group = s.assigned_by_group;
          h.group_disabled = plan_indices(s.disabled_plans);
        }
      } else if (!h.direct) {
        h.direct = true;
        h.direct_disabled_ids = s.disabled_plans;
      }
    }
    if (!any_state && !h.direct) {
      h.direct = true;
      h.direct_disabled_ids = license.disabled_plans;
    }
  }
  for (auto& h : out) h.direct_disabled = plan_indices(h.direct_disabled_ids);
  std::sort(out.begin(), out.end(), [](const Held& a, const Held& b) { return a.sku < b.sku; });
  return out;
}

const std::vector<Want>& LicenseTargets::wants_for(const ResolvedUser* entry,
                                                   const Attributes& attrs, bool& governed) {
  if (entry && entry->licenses) {
    governed = true;
    return *entry_wants_[entry - desired_.users.data()];
  }
  const std::vector<Want>* single = nullptr;
  size_t matched = 0;
  for (size_t r = 0; r < desired_.rules.size(); ++r) {
    if (!rule_matches(desired_.rules[r].where, attrs)) continue;
    if (++matched == 1) {
      single = &rule_wants_[r];
      continue;
    }
    if (matched == 2) merged_wants_ = *single;
    for (const Want& w : rule_wants_[r]) {
      auto it = std::find_if(merged_wants_.begin(), merged_wants_.end(),
                             [&](const Want& m) { return m.sku == w.sku; });
      if (it == merged_wants_.end()) {
        merged_wants_.push_back(w);
        continue;
      }
      // A plan stays disabled only if every rule granting the SKU disables it.
      std::vector<std::string> ids;
      std::set_intersection(it->disabled_ids.begin(), it->disabled_ids.end(),
                            w.disabled_ids.begin(), w.disabled_ids.end(), std::back_inserter(ids));
      it->disabled_ids = std::move(ids);
      it->disabled = plan_indices(it->disabled_ids);
    }
  }
  // An entry without `licenses` (a location, a restore, a creation) leaves the user to the
  // rules, and to `unlisted` when none matches: it decides none of its products.
  governed = matched > 0 || desired_.unlisted == UnlistedPolicy::Revoke;
  if (matched == 0) return no_wants_;
  if (matched == 1) return *single;
  std::sort(merged_wants_.begin(), merged_wants_.end(),
            [](const Want& a, const Want& b) { return a.sku < b.sku; });
  return merged_wants_;
}

}  // namespace tenantsync::planning
