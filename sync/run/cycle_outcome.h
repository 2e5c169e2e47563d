// What a cycle of `tenantsync run` came to, as one value that every output reads: the
// cycle line, the log, the drift report, the webhook, /healthz, /metrics and the exit
// code of `run --once`. Nothing downstream judges a cycle by its own rules.
//
// A cycle is, from worst to best:
//   failed  - nothing could be read or planned (wrong secret, network, cache error);
//   refused - an enforce tenant is over a safety limit: apply sent nothing to it;
//   partial - a tenant could not be read (or is gone, or its cache cannot be trusted),
//             or operations of an enforce tenant failed, were blocked or not sent;
//   drift   - drift found or left, all of it as the desired state says (report tenants);
//   ok      - every tenant matches its desired state.
// Each tenant has its own status in the same words, plus `gone` (no longer a customer)
// and `stale` (not planned: its cache cannot be trusted or was never read whole).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/plan.h"
#include "sync/run/reconcile_cycle.h"

namespace tenantsync {

enum class CycleStatus { Ok, Drift, Partial, Refused, Failed };
// "ok" | "drift" | "partial" | "refused" | "failed"
const char* to_string(CycleStatus status);

enum class TenantStatus { Ok, Drift, Partial, Refused, Stale, Gone, Failed };
// "ok" | "drift" | "partial" | "refused" | "stale" | "gone" | "failed"
const char* to_string(TenantStatus status);

struct TenantOutcome {
  std::string tenant;  // what reports call it: the domain, else the id
  TenantMode mode = TenantMode::Enforce;
  TenantStatus status = TenantStatus::Ok;
  // failed: the error; gone and stale: why nothing was planned; refused: the limit and how
  // to raise it; else "".
  std::string detail;
  std::optional<OverLimit> refused;  // set when refused
  int found = 0;                     // drift items before apply
  int applied = 0;
  int failed = 0;   // operations the service refused
  int blocked = 0;  // drift items apply cannot fix (left)
  int left = 0;     // drift items after apply
  int seats_to_buy = 0;
};

struct CycleOutcome {
  CycleStatus status = CycleStatus::Ok;
  std::string error;                   // failed: why the cycle failed (secrets redacted)
  std::vector<TenantOutcome> tenants;  // by name
  int applied = 0;                     // operations sent and applied, all tenants

  // `apply`'s codes (docs/cli.md): failed 1; refused 4 when nothing was applied, else 3;
  // partial 3; drift and ok 0.
  int exit_code() const;
  // The tenants with this status.
  std::vector<const TenantOutcome*> with(TenantStatus status) const;
};

CycleOutcome cycle_outcome(const CycleResult& cycle);

}  // namespace tenantsync
