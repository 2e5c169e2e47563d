// A plan as text for people: what `plan` prints by default (docs/cli.md).
//
// Per tenant (in plan order) the users with operations, in plan order, one line per
// operation: `+ SPE_E3` assign, `- EMS` revoke, `~ SPE_E3 (disable YAMMER_ENTERPRISE)`
// update, `restore`, `delete`, `create "Display Name"` (a SKU whose product name is known
// reads `+ Microsoft 365 E3 (SPE_E3)`, sync/product_names.h); a blocked operation starts with `!`
// and ends with its reason, a ready one with a note shows the note. Then the tenant's
// notes, its ignored users, a seat table of the SKUs the plan changes or runs short of, and
// "buy N more seats of X" lines. Tenants with nothing to show are left out. Then one line
// per tenant apply will refuse over a safety limit (TenantPlan::over_limit):
// "contoso.onmicrosoft.com: 60 revocations > safety.maxRevocations 50: apply will refuse;
// raise with --max-revocations 60". A tenant not planned says why first ("Not planned:
// tenant was never mirrored; run mirror"), one planned from a stale mirror says so
// ("Stale: nothing that takes access away is planned (tenant mirror is stale: ...)").
// The last line sums the plan up: "Plan: 5 to assign, 2 to revoke, 1 to update, 0 to
// restore, 0 to delete, 0 to create; 1 blocked." or, with no operation at all, "No
// changes. The tenants match the desired state."; never that while a tenant was not
// planned or planned from a stale mirror: tenants_unknown_sentence() follows instead
// ("No changes planned. 2 tenants were not planned (see above).").
//
// Deterministic: the same plan gives the same bytes. With `color`, ANSI colours mark
// additions (green), removals (red), updates (yellow) and blocked operations (bold red).
// `names` turns disabled-plan ids into servicePlanNames; without it (or for an unknown id)
// the id is shown.
#pragma once

#include <functional>
#include <string>

#include "model/plan.h"
#include "sync/report/drift.h"

namespace tenantsync {

std::string render_plan_text(const Plan& plan, bool color, const ServicePlanNames* names = nullptr);

// "Plan: 5 to assign, ...; 1 blocked." or the no-changes sentence, as above.
std::string plan_summary_line(const Plan& plan);
// How plan and apply summaries say that the plan (of `summary`) does not know some tenant's state,
// whatever the reason: "1 tenant was not planned; 2 tenants were planned from a stale
// mirror (see above)."; "" when it knows every tenant's.
std::string tenants_unknown_sentence(const PlanSummary& summary);
// "Stale: nothing that takes access away is planned (<TenantPlan::stale>)", the line
// plan and apply show under a tenant planned from a stale mirror.
std::string stale_line(const TenantPlan& t);
// Appends a tenant's operations as plan and apply show them: a line naming the user
// ("  user") before each run of one user's operations, then `write_operation` for each.
void write_by_user(std::string& out, const std::vector<Operation>& operations,
                   const std::function<void(const Operation&)>& write_operation);

}  // namespace tenantsync
