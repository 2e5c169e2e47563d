// sync/report/: step 4, what admins read: drift and its formats, plan and apply text, export.
//
// Drift: where the tenants differ from their desired state, as a report for admins.
//
// A drift report is derived from a Plan (the planner already compared the mirror with the
// desired state; nothing is computed twice): every operation is one drift item (an assign
// is a license the user is missing, a revoke one it should not hold, and so on), every
// desired user that does not exist is one more, and a blocked operation stays drift with
// the reason apply cannot fix it. Users marked `ignore: true` are accepted deviations:
// listed per tenant, never counted as drift. Seat lines come along so a report can say
// "buy 3 more seats of SPE_E3".
//
// The report is a plain value with deterministic order (tenants by domain, items by user,
// kind, SKU), built without I/O; sync/report/drift_render.h turns it into text, JSON, CSV,
// Markdown or HTML. Safe to use from any thread.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/desired_state.h"
#include "model/plan.h"
#include "model/result.h"
#include "sync/clock.h"
#include "sync/store/service_plan_names.h"
#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

// The kinds of drift, in report order.
enum class DriftKind {
  MissingLicense,       // assign: the user should hold the SKU
  ExtraLicense,         // revoke: the user holds a managed SKU it should not
  DisabledPlansDiffer,  // update: the SKU is held with other disabled plans
  ShouldBeRestored,     // restore: soft-deleted, desired active
  ShouldBeDeleted,      // delete: active, desired deleted
  ShouldBeCreated,      // create: desired, absent, and the entry says how to create it
  UserNotFound,         // desired, absent, no "create": reported only
  PropertiesDiffer,     // set: e.g. no usage location where the tenant has a default
};
inline constexpr std::array<DriftKind, 8> kAllDriftKinds = {
    DriftKind::MissingLicense,   DriftKind::ExtraLicense,    DriftKind::DisabledPlansDiffer,
    DriftKind::ShouldBeRestored, DriftKind::ShouldBeDeleted, DriftKind::ShouldBeCreated,
    DriftKind::UserNotFound,     DriftKind::PropertiesDiffer};

// Stable identifier for JSON and CSV: "missing-license", "extra-license",
// "disabled-plans-differ", "should-be-restored", "should-be-deleted", "should-be-created",
// "user-not-found", "properties-differ".
const char* to_string(DriftKind kind);
// Words for people: "missing license", ..., "desired user does not exist".
const char* drift_kind_label(DriftKind kind);

// What apply can do about an item.
enum class DriftStatus {
  Ready,    // apply would fix it (in a `report`-mode tenant apply leaves it alone)
  Blocked,  // apply cannot fix it; `reason` says why (seats, usage location, ...)
  Failed,   // a report built from an apply result: apply tried and the service refused
  Skipped,  // a report built from an apply result: apply did not get to it
  Manual,   // no operation can fix it (a desired user that does not exist)
};
// "ready" | "blocked" | "failed" | "skipped" | "manual"
const char* to_string(DriftStatus status);

struct DriftItem {
  DriftKind kind = DriftKind::MissingLicense;
  std::string user;     // user principal name
  std::string user_id;  // empty when the user does not exist
  std::string sku;      // part number; empty for user-level items
  // The disabled plans the SKU should have (missing license, different disabled plans):
  // service plan names where known, else ids as the plan gave them.
  std::vector<std::string> disabled_plans;
  std::string detail;  // one human sentence: what differs
  DriftStatus status = DriftStatus::Ready;
  // Blocked: why apply cannot fix it. Failed: the service's "code: message". Otherwise the
  // planner's note on the operation, if any.
  std::string reason;

  bool blocked() const { return status == DriftStatus::Blocked; }
  bool operator==(const DriftItem&) const = default;
};

struct DriftCounts {
  std::array<int, kAllDriftKinds.size()> by_kind{};  // indexed by DriftKind
  int items = 0;                                     // drift items of every kind and status
  int blocked = 0;       // items apply cannot fix (counted in items too)
  int failed = 0;        // items apply tried and the service refused (counted in items too)
  int ignored = 0;       // ignored users (not drift, not in items)
  int seats_to_buy = 0;  // the sum of the seat shortfalls

  int of(DriftKind kind) const { return by_kind[static_cast<size_t>(kind)]; }
  void add(const DriftItem& item);
  DriftCounts& operator+=(const DriftCounts& other);
  bool operator==(const DriftCounts&) const = default;
};

struct TenantDrift {
  std::string tenant;  // default domain
  std::string tenant_id;
  TenantMode mode = TenantMode::Enforce;
  std::vector<DriftItem> items;
  std::vector<std::string> ignored_users;  // accepted deviations, sorted
  std::vector<SeatLine> seats;             // every seat line of the plan, as it gave them
  // The planner's notes, as it gave them, then the safety limit apply refuses (or
  // refused) the tenant over, once (TenantPlan::over_limit).
  std::vector<std::string> notes;
  // Why the tenant was not planned at all (TenantPlan::not_planned), or planned from a
  // stale mirror (TenantPlan::stale; its items are dropped): its drift is unknown, so
  // reports list it apart, never as "no drift". "" when it was planned.
  std::string not_planned;
  std::optional<OverLimit> over_limit;  // the plan's: apply refuses (or refused) the tenant
  DriftCounts totals;

  // The domain, or the id when the domain is unknown: what reports call the tenant.
  const std::string& name() const { return tenant.empty() ? tenant_id : tenant; }
  bool has_drift() const { return !items.empty(); }
  bool operator==(const TenantDrift&) const = default;
};

struct DriftReport {
  Clock::time_point generated_at;
  std::string fingerprint;  // of the mirror state the plan was computed from
  std::vector<TenantDrift> tenants;
  DriftCounts totals;           // summed over the tenants
  int tenants_with_drift = 0;   // tenants with at least one item
  int tenants_not_planned = 0;  // tenants whose drift is unknown (TenantDrift::not_planned)

  bool operator==(const DriftReport&) const = default;
};

// The report of a plan. Applied operations are not drift any more (a report built from
// an apply result shows what is left); every other operation is one item. `names`, when
// given, turns disabled-plan ids into names.
DriftReport build_drift_report(const Plan& plan, Clock::time_point generated_at,
                               const ServicePlanNames* names = nullptr);

// Counts a tenant's totals from its items, ignored users and seat shortfalls.
void count_tenant_totals(TenantDrift& tenant);

// Counts the report's totals and tenants with drift again from its tenants' totals.
void count_drift_totals(DriftReport& report);

// One report of the estate from the reports of its shards (`tenantsync report merge`):
// their tenants in report order, totals counted again, the latest generation time, and
// their fingerprints joined by commas. A tenant in two parts is an error (Invalid, code
// "overlapping-reports") naming both `sources` (parallel to `parts`).
Result<DriftReport> merge_drift_reports(const std::vector<DriftReport>& parts,
                                        const std::vector<std::string>& sources);

// Says the drift of the tenant with this id (or name, when it has no id) is unknown: `why`
// becomes its not_planned reason, its items are dropped (they came from a state that was
// not read this time) and the report's totals are counted again. No-op for other names.
void mark_drift_unknown(DriftReport& report, const std::string& tenant, const std::string& why);

// True when any tenant has an item (blocked, failed and manual items included), or was
// not planned (its drift is unknown, so it is never reported as matching). Ignored users
// alone are not drift. `drift --detailed-exitcode` exits 2 on true.
bool has_drift(const DriftReport& report);

// "buy 3 more seats of SPE_E3" ("1 more seat"); empty when the line has no shortfall.
std::string seat_advice(const SeatLine& seat);

// What the plan did with a SKU's grace units: "SPE_E3 has 2 grace units (an expired
// subscription's seats): counted as free seats (safety.useGraceSeats)" or "... not counted
// (safety.useGraceSeats is off)".
std::string grace_note(const SeatLine& seat);

// The counts as one sentence, e.g. "4 drift items: 2 missing license, 1 extra license,
// 1 desired user does not exist; 1 blocked; 1 ignored user; 1 seat to buy". Kinds with no
// items are left out; "no drift" when there are no items.
std::string describe_counts(const DriftCounts& counts);

// The report's totals as one sentence: describe_counts() with the tenants after the first
// phrase, e.g. "4 drift items in 1 of 3 tenants: 2 missing license, ...; 1 blocked" or
// "no drift in 3 tenants; 1 ignored user". Tenants not planned are counted apart at the
// end: "no drift in 2 tenants; 1 tenant not planned (drift unknown)"; when no tenant was
// planned, "drift unknown: 3 tenants not planned".
std::string describe_totals(const DriftReport& report);

}  // namespace tenantsync
