#include "sync/run/reconcile_cycle.h"

#include <algorithm>

#include "sync/apply/executor.h"
#include "sync/apply/journal_settle.h"
#include "sync/apply/run_passwords.h"
#include "sync/log.h"
#include "sync/plan/plan_builder.h"
#include "sync/plan/service_rules.h"
#include "sync/run/cycle_outcome.h"

namespace tenantsync {

namespace {

// A tenant that could not be read this cycle was planned from what the cache held: its
// drift is unknown, and reports must never show it as matching.
void mark_unread_tenants(CycleResult& r) {
  for (const auto& m : r.mirror.tenants) {
    if (m.ok()) continue;
    std::string why =
        "not read this cycle (" + redact_secrets(m.error->describe()) + "): its drift is unknown";
    std::string key = m.tenant.id.empty() ? m.requested : m.tenant.id;
    mark_drift_unknown(r.found, key, why);
    mark_drift_unknown(r.left, key, why);
  }
}

}  // namespace

int CycleResult::exit_code() const { return cycle_outcome(*this).exit_code(); }

CycleResult run_reconcile_cycle(Directory& directory, Cache& cache, Clock& clock,
                                const DesiredState& desired, const CycleOptions& options) {
  CycleResult r;
  r.started = clock.now();
  auto started = std::chrono::steady_clock::now();
  auto finish = [&]() -> CycleResult {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    r.interrupted = options.interrupt && options.interrupt->load();
    mark_unread_tenants(r);
    return std::move(r);
  };

  SettleOptions settle;
  settle.request_timeout = options.request_timeout;
  settle.concurrency = std::max(1, options.concurrency);
  auto settled = settle_unfinished(directory, cache, clock, settle);
  if (!settled.ok()) {
    r.error = settled.error();
    return finish();
  }
  if (!settled->nothing_to_do()) log_info(settled->summary());
  r.settled = static_cast<int>(settled->entries.size());
  for (const auto& t : settled->unsettled_tenants) r.unsettled.push_back(t.tenant);

  MirrorOptions mirror;
  mirror.tenants = desired_tenant_names(desired, {});
  mirror.concurrency = std::max(1, options.concurrency);
  mirror.roles = creates_with_roles(desired);
  mirror.shard = options.shard;
  if (!mirror.tenants.empty()) r.mirror = mirror_tenants(directory, cache, mirror);
  if (r.mirror.error) {
    r.error = r.mirror.error;
    return finish();
  }

  PlanOptions plan_options;
  if (options.passwords_dir.empty()) plan_options.creates_blocked = kCreatesNeedPasswordsFolder;
  plan_options.use_grace_seats = options.use_grace_seats;
  plan_options.shard = options.shard;
  auto built = build_plan(cache, desired, {}, ServiceRules::builtin(), clock.now(), plan_options);
  if (!built.ok()) {
    r.error = built.error();
    return finish();
  }
  mark_over_limits(built->plan, options.limits);
  r.found = build_drift_report(built->plan, clock.now(), &built->plan_names);
  hold_back_unsettled(built->plan, *settled);

  // Only enforce tenants go to the executor: report tenants are never changed, and
  // journalling their operations as skipped every cycle would only bury the real ones.
  Plan enforced = built->plan;
  std::erase_if(enforced.tenants,
                [](const TenantPlan& t) { return t.mode != TenantMode::Enforce; });
  bool interrupted = options.interrupt && options.interrupt->load();
  r.left = r.found;
  if (enforced.has_ready_operations() && !interrupted) {
    ExecuteOptions execute;
    execute.limits = options.limits;
    execute.concurrency = std::max(1, options.concurrency);
    execute.interrupt = options.interrupt;
    // A passwords file that cannot be created stops only the creates: the executor skips
    // them ("not sent: ..."), the rest of the cycle goes on.
    auto passwords = RunPasswords::open(enforced, {"", options.passwords_dir}, clock.now());
    if (passwords.ok()) {
      execute.passwords = (*passwords)->callbacks();
    } else {
      r.passwords = "users were not created: " + passwords.error().message;
      log_error("run: " + r.passwords);
    }
    auto applied = execute_plan(enforced, directory, cache, clock, execute);
    if (passwords.ok()) {
      auto written = (*passwords)->finish();
      r.passwords = written.ok() ? *written : written.error().message;
      if (!written.ok()) log_error("run: " + r.passwords);
    }
    if (!applied.ok()) {
      r.error = applied.error();
      return finish();
    }
    r.apply = std::move(*applied);
    // What is left: the enforce tenants as apply left them, the report tenants as planned.
    Plan after = built->plan;
    for (auto& t : after.tenants) {
      for (const auto& done : r.apply->plan.tenants) {
        if (done.tenant_id == t.tenant_id && done.tenant == t.tenant) t = done;
      }
    }
    r.left = build_drift_report(after, clock.now(), &built->plan_names);
  }
  return finish();
}

}  // namespace tenantsync
