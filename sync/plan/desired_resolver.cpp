#include "sync/plan/desired_resolver.h"
#include "sync/text_join.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "model/json_source.h"
#include "sync/ascii_case.h"
#include "sync/plan/role_catalogue.h"

namespace tenantsync {

namespace {

std::string sorted_list(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return join(items);
}

// `where` of a license points at its sku; a disabled plan's path is its own.
SourceLocation plan_location(const SourceLocation& license, size_t index) {
  SourceLocation out = license;
  std::string parent = license.path;
  constexpr std::string_view kSku = ".sku";
  if (parent.size() > kSku.size() && parent.ends_with(kSku)) {
    parent.resize(parent.size() - kSku.size());
  }
  if (!parent.empty()) out.path = path_index(path_key(parent, "disabledPlans"), index);
  return out;
}

class Resolver {
 public:
  Resolver(const DesiredTenant& desired, const TenantSnapshot& snapshot)
      : desired_(desired), snapshot_(snapshot) {
    for (size_t i = 0; i < snapshot.skus.size(); ++i) {
      by_name_.emplace(ascii_lower(snapshot.skus[i].sku_part_number), i);
      by_name_.emplace(ascii_lower(snapshot.skus[i].sku_id), i);
    }
  }

  Result<ResolvedTenant> resolve() {
    ResolvedTenant out;
    out.tenant = snapshot_.tenant.default_domain_name;
    out.tenant_id = snapshot_.tenant.id;
    out.mode = desired_.mode;
    out.unlisted = desired_.unlisted;
    out.default_usage_location = desired_.default_usage_location;
    for (size_t i = 0; i < desired_.managed_skus.size(); ++i) {
      SourceLocation at = i < desired_.managed_sku_locations.size()
                              ? desired_.managed_sku_locations[i]
                              : desired_.location;
      if (const Sku* sku = find_sku(desired_.managed_skus[i], at)) {
        out.managed_sku_ids.push_back(sku->sku_id);
        managed_.insert(sku->sku_id);
      }
    }
    for (const auto& rule : desired_.rules) {
      out.rules.push_back({rule.where, resolve_licenses(rule.licenses), rule.location});
    }
    std::unordered_map<std::string, const SourceLocation*> seen;
    for (const auto& user : desired_.users) {
      auto [it, fresh] = seen.emplace(ascii_lower(user.upn), &user.location);
      if (!fresh) {
        problem(user.location, "duplicate user " + json_quote(user.upn) + " (first at " +
                                   std::to_string(it->second->line) + ":" +
                                   std::to_string(it->second->column) + ")");
        continue;
      }
      ResolvedUser r;
      r.upn = user.upn;
      if (user.licenses) r.licenses = resolve_licenses(*user.licenses);
      r.state = user.state;
      r.ignore = user.ignore;
      r.create = user.create;
      if (user.create) {
        SourceLocation at = user.location;
        at.path = path_key(path_key(user.location.path, "create"), "roles");
        r.create_roles = resolve_roles(user.create->roles, at);
      }
      r.add_roles = resolve_roles(user.add_roles, user.location);
      r.remove_roles = resolve_roles(user.remove_roles, user.location);
      r.restore_as = user.restore_as;
      r.create_over_deleted = user.create_over_deleted;
      r.properties = user.properties;
      r.location = user.location;
      out.users.push_back(std::move(r));
    }
    if (!problems_.empty()) {
      return make_error(ErrorKind::Invalid, problems_, "InvalidDesiredState");
    }
    return out;
  }

 private:
  void problem(const SourceLocation& at, const std::string& message) {
    if (!problems_.empty()) problems_ += "\n";
    problems_ += at.prefix() + message;
  }

  // Roles by id or display name. While the tenant's roles were never read, the names stay
  // as written (the planner blocks their changes until a mirror reads them).
  std::vector<RoleDefinition> resolve_roles(const std::vector<std::string>& names,
                                            const SourceLocation& at) {
    std::vector<RoleDefinition> out;
    for (const auto& name : names) {
      if (snapshot_.roles.empty()) {
        out.push_back({"", name, false, false});
      } else if (const RoleDefinition* role = find_role(snapshot_.roles, name)) {
        out.push_back(*role);
      } else {
        std::vector<std::string> known;
        for (const auto& d : snapshot_.roles) known.push_back(d.display_name);
        problem(at, "unknown admin role " + json_quote(name) + " in " +
                        snapshot_.tenant.default_domain_name + " (roles: " + sorted_list(known) +
                        ")");
      }
    }
    return out;
  }

  const Sku* find_sku(const std::string& name, const SourceLocation& at) {
    auto it = by_name_.find(ascii_lower(name));
    if (it == by_name_.end()) {
      std::vector<std::string> names;
      for (const auto& sku : snapshot_.skus) names.push_back(sku.sku_part_number);
      problem(at, "unknown SKU " + json_quote(name) + " in " +
                      snapshot_.tenant.default_domain_name +
                      (names.empty() ? "; the tenant has no SKUs"
                                     : "; the tenant's SKUs are " + sorted_list(names)));
      return nullptr;
    }
    const Sku& sku = snapshot_.skus[it->second];
    if (sku.applies_to != "User") {
      problem(at, "SKU " + json_quote(name) + " applies to the company, not to users");
      return nullptr;
    }
    return &sku;
  }

  std::vector<ResolvedLicense> resolve_licenses(const std::vector<DesiredLicense>& licenses) {
    std::vector<ResolvedLicense> out;
    std::unordered_set<std::string> seen;
    for (const auto& license : licenses) {
      const Sku* sku = find_sku(license.sku, license.where);
      if (!sku) continue;
      if (!managed_.count(sku->sku_id)) {
        problem(license.where, "SKU " + json_quote(license.sku) +
                                   " is not in managedSkus; add it there or remove it here");
        continue;
      }
      if (!seen.insert(sku->sku_id).second) {
        problem(license.where, "duplicate license " + json_quote(license.sku));
        continue;
      }
      ResolvedLicense r{sku->sku_id, sku->sku_part_number, {}, license.where};
      for (size_t i = 0; i < license.disabled_plans.size(); ++i) {
        const std::string& name = license.disabled_plans[i];
        const ServicePlan* plan = nullptr;
        for (const auto& p : sku->service_plans) {
          if (iequals(p.service_plan_name, name) || iequals(p.service_plan_id, name)) {
            plan = &p;
            break;
          }
        }
        if (!plan) {
          std::vector<std::string> names;
          for (const auto& p : sku->service_plans) names.push_back(p.service_plan_name);
          problem(plan_location(license.where, i),
                  "unknown service plan " + json_quote(name) + " in " + sku->sku_part_number +
                      (names.empty() ? "; it has no service plans"
                                     : "; its plans are " + sorted_list(names)));
          continue;
        }
        r.disabled_plans.push_back(plan->service_plan_id);
      }
      std::sort(r.disabled_plans.begin(), r.disabled_plans.end());
      r.disabled_plans.erase(std::unique(r.disabled_plans.begin(), r.disabled_plans.end()),
                             r.disabled_plans.end());
      out.push_back(std::move(r));
    }
    return out;
  }

  const DesiredTenant& desired_;
  const TenantSnapshot& snapshot_;
  std::unordered_map<std::string, size_t> by_name_;  // lower-case part number or id -> index
  std::unordered_set<std::string> managed_;          // sku ids
  std::string problems_;
};

}  // namespace

bool names_tenant(const DesiredTenant& desired, const Tenant& tenant) {
  return iequals(desired.tenant, tenant.default_domain_name) || iequals(desired.tenant, tenant.id);
}

Status check_tenants_known(const DesiredState& state, const std::vector<Tenant>& known) {
  std::string problems;
  auto add = [&](const DesiredTenant& desired, const std::string& message) {
    if (!problems.empty()) problems += "\n";
    SourceLocation at = desired.location;
    if (!at.path.empty()) at.path = path_key(at.path, "tenant");
    problems += at.prefix() + message;
  };
  std::unordered_map<std::string, const DesiredTenant*> seen;  // tenant id -> first entry
  for (const auto& desired : state.tenants) {
    auto it = std::find_if(known.begin(), known.end(),
                           [&](const Tenant& t) { return names_tenant(desired, t); });
    if (it == known.end()) {
      add(desired, "unknown tenant " + json_quote(desired.tenant) +
                       "; it is not among the partner's customer tenants in the cache (run "
                       "mirror)");
      continue;
    }
    auto [first, fresh] = seen.emplace(ascii_lower(it->id), &desired);
    if (!fresh) {
      const SourceLocation& f = first->second->location;
      add(desired, "tenant " + json_quote(desired.tenant) + " is " +
                       json_quote(first->second->tenant) + ", already declared at " + f.file + ":" +
                       std::to_string(f.line) + ":" + std::to_string(f.column) +
                       "; a tenant belongs in one place only");
    }
  }
  if (problems.empty()) return Status();
  return make_error(ErrorKind::Invalid, std::move(problems), "InvalidDesiredState");
}

Result<ResolvedTenant> resolve_desired_tenant(const DesiredTenant& desired,
                                              const TenantSnapshot& snapshot) {
  if (!names_tenant(desired, snapshot.tenant)) {
    return make_error(ErrorKind::Internal, desired.location.prefix() + "desired tenant " +
                                               json_quote(desired.tenant) + " is not " +
                                               snapshot.tenant.default_domain_name);
  }
  return Resolver(desired, snapshot).resolve();
}

}  // namespace tenantsync
