#include "sync/plan/service_rules.h"

#include <algorithm>

#include "sync/ascii_case.h"

namespace tenantsync {

namespace {

std::string_view trim_braces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '{')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '}' || s.back() == '.')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_ids(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = trim_braces(list.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

// The text between the first `before` and the next `after` in `message`.
bool between(std::string_view message, std::string_view before, std::string_view after,
             std::string_view& out) {
  size_t start = message.find(before);
  if (start == std::string_view::npos) return false;
  start += before.size();
  size_t end = message.find(after, start);
  if (end == std::string_view::npos) return false;
  out = message.substr(start, end - start);
  return true;
}

void sort_unique(std::vector<int>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

ServiceRules ServiceRules::builtin() {
  ServiceRules r;
  // Exchange Online (Plan 1), (Plan 2) and Kiosk: a user has one mailbox plan.
  r.add_exclusive("EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE");
  r.add_exclusive("EXCHANGE_S_DESKLESS", "EXCHANGE_S_STANDARD");
  r.add_exclusive("EXCHANGE_S_DESKLESS", "EXCHANGE_S_ENTERPRISE");
  // Teams Phone needs Skype for Business Online (Plan 2); calling plans need Teams Phone;
  // audio conferencing needs Skype for Business Online.
  r.add_dependency("MCOEV", {"MCOSTANDARD"});
  r.add_dependency("MCOPSTN1", {"MCOEV"});
  r.add_dependency("MCOPSTN2", {"MCOEV"});
  r.add_dependency("MCOPSTN5", {"MCOEV"});
  r.add_dependency("MCOMEETADV", {"MCOSTANDARD"});
  // Calling plans are not sold for users in China.
  r.add_prohibited_location("MCOPSTN1", "CN");
  r.add_prohibited_location("MCOPSTN2", "CN");
  r.add_prohibited_location("MCOPSTN5", "CN");
  return r;
}

void ServiceRules::add_exclusive(std::string_view plan_a, std::string_view plan_b) {
  std::string a = ascii_lower(plan_a), b = ascii_lower(plan_b);
  if (a == b) return;
  if (b < a) std::swap(a, b);
  auto pair = std::make_pair(std::move(a), std::move(b));
  if (std::find(exclusive_.begin(), exclusive_.end(), pair) == exclusive_.end()) {
    exclusive_.push_back(std::move(pair));
  }
}

void ServiceRules::add_dependency(std::string_view plan, std::vector<std::string> requires_all) {
  Dependency d{ascii_lower(plan), {}};
  for (const auto& r : requires_all) d.required.push_back(ascii_lower(r));
  std::sort(d.required.begin(), d.required.end());
  d.required.erase(std::unique(d.required.begin(), d.required.end()), d.required.end());
  if (d.required.empty()) return;
  for (const auto& known : dependencies_) {
    if (known.plan == d.plan && known.required == d.required) return;
  }
  dependencies_.push_back(std::move(d));
}

void ServiceRules::add_prohibited_location(std::string_view sku, std::string_view usage_location) {
  Prohibition p{ascii_lower(sku), ascii_upper(usage_location)};
  for (const auto& known : prohibited_) {
    if (known.sku == p.sku && known.location == p.location) return;
  }
  prohibited_.push_back(std::move(p));
}

bool ServiceRules::add_learned(std::string_view message) {
  size_t before = size();
  std::string_view ids;
  if (between(message, "service plans ", " are mutually exclusive", ids)) {
    std::vector<std::string> plans = split_ids(ids);
    for (size_t i = 0; i < plans.size(); ++i) {
      for (size_t j = i + 1; j < plans.size(); ++j) add_exclusive(plans[i], plans[j]);
    }
  } else if (between(message, "service plan ", " depends on ", ids)) {
    constexpr std::string_view kMarker = " depends on the service plan(s) ";
    size_t start = message.find(kMarker);
    std::vector<std::string> plan = split_ids(ids);
    if (start != std::string_view::npos && plan.size() == 1) {
      add_dependency(plan[0], split_ids(message.substr(start + kMarker.size())));
    }
  }
  return size() > before;
}

bool ServiceRules::mutually_exclusive(const ServicePlan& a, const ServicePlan& b) const {
  auto matches = [](const std::string& key, const ServicePlan& p) {
    return iequals(key, p.service_plan_name) || iequals(key, p.service_plan_id);
  };
  for (const auto& [x, y] : exclusive_) {
    if ((matches(x, a) && matches(y, b)) || (matches(x, b) && matches(y, a))) return true;
  }
  return false;
}

bool ServiceRules::prohibited(const Sku& sku, std::string_view usage_location) const {
  for (const auto& p : prohibited_) {
    if ((iequals(p.sku, sku.sku_part_number) || iequals(p.sku, sku.sku_id)) &&
        iequals(p.location, usage_location)) {
      return true;
    }
  }
  return false;
}

size_t ServiceRules::size() const {
  return exclusive_.size() + dependencies_.size() + prohibited_.size();
}

TenantServiceRules ServiceRules::for_tenant(const std::vector<Sku>& skus) const {
  TenantServiceRules t;
  // Plans, one index per distinct id; keys (lower-case name or id) -> plan indices.
  std::unordered_map<std::string, std::vector<int>> by_key;
  t.sku_plans_.resize(skus.size());
  for (size_t s = 0; s < skus.size(); ++s) {
    for (const auto& plan : skus[s].service_plans) {
      std::string id = ascii_lower(plan.service_plan_id);
      auto [it, added] = t.plan_by_id_.emplace(id, static_cast<int>(t.plans_.size()));
      if (added) {
        t.plans_.push_back(plan);
        by_key[id].push_back(it->second);
        if (!plan.service_plan_name.empty()) {
          by_key[ascii_lower(plan.service_plan_name)].push_back(it->second);
        }
      }
      t.sku_plans_[s].push_back(it->second);
    }
    sort_unique(t.sku_plans_[s]);
  }
  for (auto& [key, plans] : by_key) sort_unique(plans);
  auto lookup = [&](const std::string& key) -> const std::vector<int>* {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : &it->second;
  };

  t.exclusive_.resize(t.plans_.size());
  for (const auto& [a, b] : exclusive_) {
    const auto* pa = lookup(a);
    const auto* pb = lookup(b);
    if (!pa || !pb) continue;
    for (int x : *pa) {
      for (int y : *pb) {
        if (x == y) continue;
        t.exclusive_[x].push_back(y);
        t.exclusive_[y].push_back(x);
      }
    }
  }
  for (auto& v : t.exclusive_) sort_unique(v);

  t.requires_.resize(t.plans_.size());
  for (const auto& d : dependencies_) {
    const auto* dependent = lookup(d.plan);
    if (!dependent) continue;
    TenantServiceRules::Requirement req;
    bool complete = true;
    for (const auto& r : d.required) {
      const auto* alternatives = lookup(r);
      if (!alternatives) {
        complete = false;
        break;
      }
      req.all_of.push_back(*alternatives);
      for (int p : *alternatives) {
        if (!req.ids.empty()) req.ids += ",";
        req.ids += t.plans_[p].service_plan_id;
      }
    }
    if (!complete) continue;
    for (int p : *dependent) t.requires_[p].push_back(req);
  }

  t.prohibited_.resize(skus.size());
  for (size_t s = 0; s < skus.size(); ++s) {
    for (const auto& p : prohibited_) {
      if (iequals(p.sku, skus[s].sku_part_number) || iequals(p.sku, skus[s].sku_id)) {
        t.prohibited_[s].push_back(p.location);
      }
    }
  }
  return t;
}

int TenantServiceRules::plan_index(std::string_view plan_id) const {
  auto it = plan_by_id_.find(plan_id);
  return it == plan_by_id_.end() ? -1 : it->second;
}

bool TenantServiceRules::prohibited(int sku, std::string_view usage_location) const {
  for (const auto& location : prohibited_[sku]) {
    if (iequals(location, usage_location)) return true;
  }
  return false;
}

}  // namespace tenantsync
