#include "connector/cli/cached_estate.h"

#include <algorithm>
#include <cstdio>

#include "connector/cli/engine_session.h"
#include "connector/cli/plan_session.h"
#include "sync/ascii_case.h"
#include "sync/plan/service_rules.h"

namespace tenantsync {

namespace {

bool names(const std::string& name, const Tenant& t) {
  return name == t.id || iequals(name, t.default_domain_name);
}

bool cache_knows(const std::vector<CachedTenant>& cached, const std::string& name) {
  return std::any_of(cached.begin(), cached.end(),
                     [&](const CachedTenant& c) { return names(name, c.tenant); });
}

}  // namespace

Result<std::vector<TenantSnapshot>> cached_tenants_in_scope(const std::string& command,
                                                            Cache& cache, const Config& config) {
  auto cached = cache.tenants();
  if (!cached.ok()) return cached.error();
  if (cached->empty()) {
    return make_error(ErrorKind::NotFound,
                      "the cache knows no tenant: run `tenantsync mirror` first");
  }
  std::vector<std::string> scope = tenants_in_scope(config, {});
  for (const auto& name : scope) {
    if (!cache_knows(*cached, name)) {
      std::fprintf(stderr,
                   "tenantsync %s: warning: tenant %s (config 'tenants') is not in the cache: "
                   "run `tenantsync mirror --tenant %s` first\n",
                   command.c_str(), name.c_str(), name.c_str());
    }
  }
  std::vector<TenantSnapshot> out;
  for (const auto& c : *cached) {
    bool in_scope = scope.empty() || std::any_of(scope.begin(), scope.end(),
                                                 [&](const auto& n) { return names(n, c.tenant); });
    if (!in_scope) continue;
    auto snapshot = cache.load_snapshot(c.tenant.id);
    if (!snapshot.ok()) return snapshot.error();
    out.push_back(std::move(*snapshot));
  }
  return out;
}

Result<std::optional<BuiltPlan>> plan_from_cache(const std::string& command, Cache& cache,
                                                 const Config& config, const DesiredState& desired,
                                                 const std::vector<TenantSnapshot>& shown,
                                                 Clock::time_point now) {
  auto cached = cache.tenants();
  if (!cached.ok()) return cached.error();
  std::vector<std::string> filter;
  for (const auto& name : desired_tenant_names(desired, {})) {
    bool is_shown = std::any_of(shown.begin(), shown.end(),
                                [&](const TenantSnapshot& s) { return names(name, s.tenant); });
    if (is_shown) {
      filter.push_back(name);
    } else if (!cache_knows(*cached, name)) {
      std::fprintf(stderr,
                   "tenantsync %s: warning: the desired state names tenant %s, which the cache "
                   "does not know: run `tenantsync mirror --tenant %s` first\n",
                   command.c_str(), name.c_str(), name.c_str());
    }
  }
  if (filter.empty()) return std::optional<BuiltPlan>{};
  auto built = build_plan(cache, desired, filter, ServiceRules::builtin(), now,
                          apply_preview_options(config));
  if (!built.ok()) return built.error();
  return std::optional<BuiltPlan>(std::move(*built));
}

}  // namespace tenantsync
