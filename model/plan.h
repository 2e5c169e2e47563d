// A plan: the operations apply would send, per tenant, with seat accounting (docs/cli.md).
//
// The same shape serves `plan --format json`, a saved plan (`plan --out`, `apply --plan`)
// and `apply --format json`, where each operation's status becomes its outcome.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The full header, not json_fwd.hpp: Operation holds a std::optional<nlohmann::json>,
// which needs the complete type.
#include <nlohmann/json.hpp>

#include "model/desired_state.h"
#include "model/result.h"

namespace tenantsync {

// ResetPassword is journal-only (`users reset-password`): never an operation of a plan.
// AddRole / RemoveRole: a tenant-wide admin role assignment made or removed; `details`
// says which ({"role", "roleDefinitionId"}, plus "roleAssignmentId" for RemoveRole).
// SetProperties ("set") is PATCH /users/{id}; `details` holds the PATCH body.
enum class OpKind {
  Assign,
  Revoke,
  Update,
  Restore,
  Delete,
  Create,
  ResetPassword,
  AddRole,
  RemoveRole,
  SetProperties
};
enum class OpStatus { Ready, Blocked, Applied, Failed, Skipped };

const char* to_string(OpKind kind);
const char* to_string(OpStatus status);
std::optional<OpKind> parse_op_kind(std::string_view text);
std::optional<OpStatus> parse_op_status(std::string_view text);

struct OperationError {
  std::string code;
  std::string message;

  bool operator==(const OperationError&) const = default;
};

struct Operation {
  OpKind op = OpKind::Assign;
  std::string user;     // user principal name
  std::string user_id;  // empty for create
  std::string sku;      // part number (assign/revoke/update)
  std::string sku_id;
  std::vector<std::string> disabled_plans;  // service plan ids (assign/update)
  // update: the plans of the SKU the user has enabled today that it disables, i.e. the
  // access it takes away (counted against safety.maxRevocations, safety_limits.h)
  std::vector<std::string> newly_disabled_plans;
  OpStatus status = OpStatus::Ready;
  std::string reason;                   // why blocked, or a note (e.g. "inherited from group ...")
  std::optional<OperationError> error;  // failed: the service's code and message
  std::optional<nlohmann::json> details;  // create: displayName, usageLocation, ...; set: the
                                          // PATCH body (usageLocation, accountEnabled, ...)

  bool operator==(const Operation& o) const;
};

// The role an AddRole / RemoveRole names: details.role, else details.roleDefinitionId.
std::string role_name(const Operation& op);

struct SeatLine {
  std::string sku;
  std::string sku_id;
  int enabled = 0;  // the seats the plan counted on: paid (prepaidUnits.enabled), plus the
                    // grace units when grace_counted
  int consumed = 0;
  int after_plan = 0;          // consumed after the ready operations
  int shortfall = 0;           // seats missing for blocked assignments
  int grace = 0;               // grace units (prepaidUnits.warning) the tenant has
  bool grace_counted = false;  // safety.useGraceSeats: the plan may hand out grace units

  bool operator==(const SeatLine&) const = default;
};

// A tenant's plan over a safety limit (sync/plan/safety_limits.h): apply refuses the whole
// tenant. Set outside the planner, which knows no limits: by plan, drift and run ahead of
// apply ("apply will refuse"), and by apply when it refused.
struct OverLimit {
  int losses_of_access = 0;  // revocations + updates_disabling_plans: against maxRevocations
  int revocations = 0;
  int updates_disabling_plans = 0;
  int deletions = 0;  // against maxDeletions
  // The config keys exceeded: "maxRevocations", "maxDeletions" (one or both).
  std::vector<std::string> limits;
  // "60 revocations > safety.maxRevocations 50: apply will refuse; raise with
  // --max-revocations 60"
  std::string message;
  int sign_in_blocks = 0;  // sets accountEnabled false: against maxDeletions with deletions

  bool operator==(const OverLimit&) const = default;
};

struct TenantPlan {
  std::string tenant;  // default domain
  std::string tenant_id;
  TenantMode mode = TenantMode::Enforce;
  std::vector<Operation> operations;
  std::vector<SeatLine> seats;
  std::vector<std::string> notes;          // human lines, e.g. "alice gets SPE_E3 from group ..."
  std::vector<std::string> missing_users;  // desired users that do not exist (not created)
  std::vector<std::string> ignored_users;  // `ignore: true`: accepted deviations
  // Why nothing at all was planned for the tenant (gone, never read whole, read from
  // another remote, cached rows failing their checksum, what an interrupted run left
  // there unsettled); "" when it was planned. Also the plan's one note.
  std::string not_planned;
  // Why the tenant was planned from a stale mirror (its last read failed; nothing that
  // takes access away was planned), "" when its mirror is complete: "tenant mirror is
  // stale: <reason>; re-run mirror". Its drift is unknown.
  std::string stale;
  std::optional<OverLimit> over_limit;  // apply refuses (or refused) this tenant
  // "sha256:..." of the tenant's desired state the plan was made from (its canonical
  // JSON): apply --plan refuses the plan when the current desired state differs.
  std::string desired_fingerprint;

  bool operator==(const TenantPlan&) const = default;
};

struct PlanSummary {
  int assign = 0, revoke = 0, update = 0, restore = 0, del = 0, create = 0, roles = 0, set = 0,
      blocked = 0;
  int applied = 0, failed = 0, skipped = 0;
  int operations = 0;  // every operation, whatever its status
  int users = 0;       // the users they are for (by id, else UPN, per tenant)
  // Tenants whose state the plan does not know: not planned at all (not_planned), or
  // planned from a stale mirror (stale). A plan with either never "matches".
  int tenants_not_planned = 0;
  int tenants_stale = 0;

  bool operator==(const PlanSummary&) const = default;
};

struct Plan {
  int version = 1;
  std::string fingerprint;  // "sha256:..." of the mirror state it came from
  std::vector<TenantPlan> tenants;

  // Counted from the operations. The kind counts (assign ... create) count operations
  // that are ready or applied, i.e. what this plan does; blocked, applied, failed and
  // skipped count operations by status (an applied assign counts in both assign and
  // applied).
  PlanSummary summary() const;
  bool has_ready_operations() const;
  // A ready operation in a tenant in enforce mode: what apply would send. Report-mode
  // tenants are planned and shown, never changed.
  bool has_operations_to_send() const;
  // An enforce tenant not planned at all (not_planned), or planned from a stale mirror
  // (stale): apply cannot be known to bring it where the desired state says.
  bool has_enforce_tenant_unknown() const;
  bool operator==(const Plan&) const = default;
};

// The Plan JSON shape of docs/cli.md. Operations always carry op, user, userId, sku, skuId,
// disabledPlans and status; reason and newlyDisabledPlans only when not empty, error and
// details only when set. A tenant always carries operations, seats and notes, notPlanned
// and stale when set, and overLimit {lossesOfAccess, revocations, updatesDisablingPlans, deletions,
// signInBlocks, limits, message} when apply refuses (or refused) it; the summary always
// carries every count ("delete" for del; tenantsNotPlanned, tenantsStale). Reading ignores the
// summary (it is recomputed) and refuses unknown keys, as a saved plan is replayed verbatim.
void to_json(nlohmann::json& j, const Operation& op);
void to_json(nlohmann::json& j, const SeatLine& s);
void to_json(nlohmann::json& j, const TenantPlan& t);
void to_json(nlohmann::json& j, const Plan& p);
void to_json(nlohmann::json& j, const PlanSummary& s);
// Reads a saved plan; errors (ErrorKind::Invalid, code "InvalidPlan") name the field
// path, e.g. "tenants[0].operations[2].op: unknown operation \"asign\"", one per line.
Result<Plan> plan_from_json(const nlohmann::json& j);

}  // namespace tenantsync
