#include "sync/plan/plan_builder.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

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

// One tenant of build_plan: what to plan, and what came of it.
struct TenantSlot {
  const DesiredTenant* desired = nullptr;
  std::string id;
  std::optional<Error> load_error;  // the snapshot could not be read
  std::optional<Error> plan_error;  // the desired state does not resolve against it
  std::vector<Sku> skus;            // the snapshot's, for the plan's service plan names
  std::optional<TenantPlan> plan;
};

void plan_slot(Cache& cache, TenantSlot& slot, const ServiceRules& rules, Clock::time_point now,
               const PlanOptions& options) {
  try {
    auto snapshot = cache.load_snapshot(slot.id);
    if (!snapshot.ok()) {
      slot.load_error = snapshot.error();
      return;
    }
    slot.skus = snapshot->skus;
    auto plan = plan_tenant(*snapshot, *slot.desired, rules, now, options);
    if (plan.ok()) {
      slot.plan = std::move(plan).value();
    } else {
      slot.plan_error = plan.error();
    }
  } catch (const std::exception& e) {  // a worker thread must not end the process
    slot.load_error = make_error(ErrorKind::Internal, std::string("planning failed: ") + e.what());
  }
}

// Loads and plans every slot, a few tenants side by side (one per core, at most one per
// read connection): each worker takes the next tenant, so memory holds one snapshot per
// worker whatever the estate's size. Slots keep their order; nothing depends on which
// worker planned what.
void plan_slots(Cache& cache, std::vector<TenantSlot>& slots, const ServiceRules& rules,
                Clock::time_point now, const PlanOptions& options) {
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  size_t workers = std::min({slots.size(), cores, CacheDatabase::kMaxReaders});
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < slots.size(); i = next++) {
      plan_slot(cache, slots[i], rules, now, options);
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

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

  std::vector<TenantSlot> slots;
  for (const auto& t : desired.tenants) {
    auto tenant = cache.find_tenant(t.tenant);
    if (!tenant.ok()) return tenant.error();
    bool wanted = tenant_filter.empty();
    for (const auto& f : tenant_filter) {
      wanted = wanted || iequals(f, t.tenant) || iequals(f, tenant->id) ||
               iequals(f, tenant->default_domain_name);
    }
    if (!wanted) continue;
    TenantSlot slot;
    slot.desired = &t;
    slot.id = tenant->id;
    slots.push_back(std::move(slot));
  }
  plan_slots(cache, slots, rules, now, options);

  BuiltPlan built;
  std::vector<std::string> ids;
  for (TenantSlot& slot : slots) {
    if (slot.load_error) return *slot.load_error;
    for (const Sku& sku : slot.skus) built.plan_names.add(sku);
    if (slot.plan_error) {
      problems += (problems.empty() ? "" : "\n") + slot.plan_error->message;
      continue;
    }
    ids.push_back(slot.id);
    built.plan.tenants.push_back(std::move(*slot.plan));
  }
  if (!problems.empty()) return make_error(ErrorKind::Invalid, problems, "InvalidDesiredState");
  auto fingerprint = cache.fingerprint(ids);
  if (!fingerprint.ok()) return fingerprint.error();
  built.plan.fingerprint = *fingerprint;
  return built;
}

}  // namespace tenantsync
