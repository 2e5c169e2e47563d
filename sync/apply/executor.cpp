#include "sync/apply/executor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>

#include "sync/apply/license_change.h"
#include "sync/apply/tenant_run.h"
#include "sync/ascii_case.h"
#include "sync/log.h"
#include "sync/plan/property_change.h"

namespace tenantsync {

namespace {

using apply_run::Shared;
using apply_run::TenantRun;

constexpr const char* kReportMode = "tenant is in report mode";

std::string generated_plan_id(Clock& clock) {
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  return "apply-" + format_iso8601(clock.now()) + "-" + suffix;
}

void skip_ready(TenantPlan& tenant, const std::string& reason) {
  for (auto& o : tenant.operations) {
    if (o.status != OpStatus::Ready) continue;
    o.status = OpStatus::Skipped;
    o.reason = reason;
  }
}

}  // namespace

const char* to_string(ApplyPhase phase) {
  switch (phase) {
    case ApplyPhase::CreateRestore:
      return "create-restore";
    case ApplyPhase::SetProperties:
      return "set-properties";
    case ApplyPhase::FreeSeats:
      return "free-seats";
    case ApplyPhase::Swap:
      return "swap";
    case ApplyPhase::Assign:
      return "assign";
    case ApplyPhase::Roles:
      return "roles";
    case ApplyPhase::Delete:
      return "delete";
  }
  return "assign";
}

nlohmann::json journal_request_body(const Operation& op) {
  switch (op.op) {
    case OpKind::Assign:
    case OpKind::Update:
      return to_request_body({{{op.sku_id, op.disabled_plans}}, {}});
    case OpKind::Revoke:
      return to_request_body({{}, {op.sku_id}});
    case OpKind::Create: {
      nlohmann::json body = op.details.value_or(nlohmann::json::object());
      if (body.is_object()) body.erase("passwordProfile");
      return body;
    }
    case OpKind::AddRole: {
      const nlohmann::json details = op.details.value_or(nlohmann::json::object());
      return {{"principalId", op.user_id},
              {"roleDefinitionId", details.value("roleDefinitionId", "")},
              {"directoryScopeId", "/"}};
    }
    case OpKind::RemoveRole: {
      // DELETE has no body: the journal keeps which assignment it removes.
      const nlohmann::json details = op.details.value_or(nlohmann::json::object());
      return {{"roleAssignmentId", details.value("roleAssignmentId", "")},
              {"roleDefinitionId", details.value("roleDefinitionId", "")}};
    }
    case OpKind::SetProperties:  // the PATCH body
      return op.details.value_or(nlohmann::json::object());
    case OpKind::Restore:
      if (op.details && op.details->contains("newUserPrincipalName")) {
        return {{"newUserPrincipalName", (*op.details)["newUserPrincipalName"]}};
      }
      break;
    case OpKind::Delete:
    case OpKind::ResetPassword:  // journal-only, never planned
      break;
  }
  return nlohmann::json::object();
}

Result<ApplyReport> execute_plan(const Plan& plan, Directory& directory, Cache& cache, Clock& clock,
                                 const ExecuteOptions& options) {
  auto started = std::chrono::steady_clock::now();
  ApplyReport report;
  report.plan = plan;
  report.plan_id = options.plan_id.empty() ? generated_plan_id(clock) : options.plan_id;

  for (auto& tenant : report.plan.tenants) {
    if (tenant.mode == TenantMode::Report) skip_ready(tenant, kReportMode);
  }

  if (options.refuse_stale_plan) {
    std::vector<std::string> ids;
    for (const auto& tenant : report.plan.tenants) {
      ids.push_back(tenant.tenant_id.empty() ? tenant.tenant : tenant.tenant_id);
    }
    auto fingerprint = cache.fingerprint(ids);
    if (!fingerprint.ok()) return fingerprint.error();
    if (*fingerprint != plan.fingerprint) {
      report.stale = "the cache changed since the plan was computed (plan " + plan.fingerprint +
                     ", cache " + *fingerprint + "); plan again";
      for (auto& tenant : report.plan.tenants) {
        skip_ready(tenant, "not sent: the plan is stale; plan again");
      }
    }
  }

  for (auto& tenant : report.plan.tenants) {
    if (tenant.mode == TenantMode::Report) continue;
    SafetyCheck check = check_safety_limits(tenant, options.limits);
    tenant.over_limit.reset();  // a saved plan's warning gives way to this apply's verdict
    if (!check.refused()) continue;
    report.refusals.push_back(
        {tenant.tenant, tenant.tenant_id, check.revocations, check.deletions, check.reason});
    tenant.over_limit = check.over_limit(/*ahead=*/false);
    skip_ready(tenant, check.skipped_reason());
  }

  // Journal the whole plan before anything is sent.
  std::vector<JournalEntry> entries;
  std::vector<std::pair<size_t, size_t>> where;  // (tenant, operation) of each entry
  for (size_t t = 0; t < report.plan.tenants.size(); ++t) {
    const TenantPlan& tenant = report.plan.tenants[t];
    for (size_t i = 0; i < tenant.operations.size(); ++i) {
      const Operation& o = tenant.operations[i];
      JournalEntry e;
      switch (o.status) {
        case OpStatus::Ready:
          e.state = JournalState::Pending;
          break;
        case OpStatus::Blocked:
          e.state = JournalState::Blocked;
          e.error_message = o.reason;
          break;
        case OpStatus::Skipped:
          e.state = JournalState::Skipped;
          e.error_message = o.reason;
          break;
        default:
          continue;  // an outcome from an earlier apply: nothing to do or record
      }
      e.plan_id = report.plan_id;
      e.tenant_id = tenant.tenant_id;
      e.tenant = tenant.tenant;
      e.user = o.user;
      e.user_id = o.user_id;
      e.op = o.op;
      e.sku = o.sku;
      e.request = journal_request_body(o);
      entries.push_back(std::move(e));
      where.emplace_back(t, i);
    }
  }
  if (!entries.empty()) {
    Status s = cache.journal().append(entries);
    if (!s.ok()) return s.error();
  }
  std::vector<std::vector<std::int64_t>> seqs(report.plan.tenants.size());
  for (size_t t = 0; t < report.plan.tenants.size(); ++t) {
    seqs[t].assign(report.plan.tenants[t].operations.size(), 0);
  }
  for (size_t e = 0; e < entries.size(); ++e)
    seqs[where[e].first][where[e].second] = entries[e].seq;

  Shared shared{directory, cache, options, report.plan_id};
  // Throttle and retry waits inside the directory end promptly on the stop signal too.
  struct StopSignalScope {
    Directory& directory;
    explicit StopSignalScope(Directory& d, const std::atomic<bool>* stop) : directory(d) {
      directory.set_stop_signal(stop);
    }
    ~StopSignalScope() { directory.set_stop_signal(nullptr); }
  } stop_signal_scope(directory, options.interrupt);
  std::vector<TenantRun> runs;
  for (size_t t = 0; t < report.plan.tenants.size(); ++t) {
    TenantPlan& tenant = report.plan.tenants[t];
    bool any_ready = std::any_of(tenant.operations.begin(), tenant.operations.end(),
                                 [](const Operation& o) { return o.status == OpStatus::Ready; });
    if (any_ready) runs.emplace_back(shared, tenant, std::move(seqs[t]));
  }

  std::atomic<size_t> next{0};
  std::exception_ptr crash;
  std::mutex crash_mu;
  auto worker = [&] {
    for (;;) {
      if (shared.stop) return;
      size_t i = next++;
      if (i >= runs.size()) return;
      try {
        if (shared.interrupted()) {
          runs[i].abandon();
          continue;
        }
        runs[i].run();
      } catch (...) {
        std::lock_guard<std::mutex> lock(crash_mu);
        if (!crash) crash = std::current_exception();
        shared.stop = true;
        return;
      }
    }
  };
  size_t workers = std::min(runs.size(), static_cast<size_t>(std::max(1, options.concurrency)));
  if (workers <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w) threads.emplace_back(worker);
    for (auto& th : threads) th.join();
  }
  if (crash) std::rethrow_exception(crash);

  report.local_errors = std::move(shared.local_errors);
  report.write_calls = shared.write_calls;
  report.write_requests = shared.write_requests;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace tenantsync
