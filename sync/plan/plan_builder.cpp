#include "sync/plan/plan_builder.h"

#include "sync/ascii_case.h"
#include "sync/plan/planner.h"

namespace tenantsync {

namespace {

bool selected(const DesiredTenant& t, const std::vector<std::string>& filter) {
  if (filter.empty()) return true;
  for (const auto& f : filter) {
    if (iequals(f, t.tenant)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> desired_tenant_names(const DesiredState& desired,
                                              const std::vector<std::string>& tenant_filter) {
  std::vector<std::string> names;
  for (const auto& t : desired.tenants) {
    if (selected(t, tenant_filter)) names.push_back(t.tenant);
  }
  return names;
}

namespace {

// build_plan over the tenants `options.shard` owns, of the desired state and of the filter.
Result<BuiltPlan> build_shard_plan(Cache& cache, const DesiredState& desired,
                                   const std::vector<std::string>& tenant_filter,
                                   const ServiceRules& rules, Clock::time_point now,
                                   const PlanOptions& options) {
  const Shard shard = *options.shard;
  auto owned = [&](const std::string& name) -> Result<bool> {
    auto owner = shard_owner(shard, cache.shards(), name);
    if (!owner.ok()) return owner.error();
    return *owner == shard.index;
  };
  DesiredState mine;
  mine.version = desired.version;
  for (const auto& t : desired.tenants) {
    auto own = owned(t.tenant);
    if (!own.ok()) return own.error();
    if (*own) mine.tenants.push_back(t);
  }
  std::vector<std::string> filter;
  for (const auto& f : tenant_filter) {
    auto own = owned(f);
    if (!own.ok()) return own.error();
    if (*own) filter.push_back(f);
  }
  PlanOptions rest = options;
  rest.shard.reset();
  if (!tenant_filter.empty() && filter.empty()) mine.tenants.clear();  // all another's
  return build_plan(cache, mine, filter, rules, now, rest);
}

}  // namespace

Result<BuiltPlan> build_tenant_plan(Cache& cache, const TenantSnapshot& snapshot,
                                    const DesiredTenant& desired, const ServiceRules& rules,
                                    Clock::time_point now, const PlanOptions& options) {
  BuiltPlan built;
  built.plan_names.add(snapshot);
  auto tenant_plan = plan_tenant(snapshot, desired, rules, now, options);
  if (!tenant_plan.ok()) return tenant_plan.error();
  built.plan.tenants.push_back(std::move(*tenant_plan));
  auto fingerprint = cache.fingerprint({snapshot.tenant.id});
  if (!fingerprint.ok()) return fingerprint.error();
  built.plan.fingerprint = *fingerprint;
  return built;
}

Result<BuiltPlan> build_plan(Cache& cache, const DesiredState& desired,
                             const std::vector<std::string>& tenant_filter,
                             const ServiceRules& rules, Clock::time_point now,
                             const PlanOptions& options) {
  if (options.shard) return build_shard_plan(cache, desired, tenant_filter, rules, now, options);
  auto known = cache.tenants();
  if (!known.ok()) return known.error();
  std::vector<Tenant> known_tenants;
  for (const auto& k : *known) known_tenants.push_back(k.tenant);
  if (Status s = check_tenants_known(desired, known_tenants); !s.ok()) return s.error();

  std::string problems;
  for (const auto& f : tenant_filter) {
    bool declared = false;
    for (const auto& t : desired.tenants) {
      auto tenant = cache.find_tenant(t.tenant);
      declared =
          declared || iequals(f, t.tenant) ||
          (tenant.ok() && (iequals(f, tenant->id) || iequals(f, tenant->default_domain_name)));
    }
    if (!declared)
      problems += (problems.empty() ? "" : "\n") +
                  ("--tenant " + f + ": the desired state does not declare this tenant");
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems);

  BuiltPlan built;
  std::vector<std::string> ids;
  for (const auto& t : desired.tenants) {
    auto tenant = cache.find_tenant(t.tenant);
    if (!tenant.ok()) return tenant.error();
    bool wanted = tenant_filter.empty();
    for (const auto& f : tenant_filter) {
      wanted = wanted || iequals(f, t.tenant) || iequals(f, tenant->id) ||
               iequals(f, tenant->default_domain_name);
    }
    if (!wanted) continue;
    auto snapshot = cache.load_snapshot(tenant->id);
    if (!snapshot.ok()) return snapshot.error();
    built.plan_names.add(*snapshot);
    auto tenant_plan = plan_tenant(*snapshot, t, rules, now, options);
    if (!tenant_plan.ok()) {
      problems += (problems.empty() ? "" : "\n") + tenant_plan.error().message;
      continue;
    }
    ids.push_back(tenant->id);
    built.plan.tenants.push_back(std::move(*tenant_plan));
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems, "InvalidDesiredState");
  auto fingerprint = cache.fingerprint(ids);
  if (!fingerprint.ok()) return fingerprint.error();
  built.plan.fingerprint = *fingerprint;
  return built;
}

}  // namespace tenantsync
