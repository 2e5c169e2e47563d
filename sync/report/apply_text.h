// The result of an apply as text for people, like a confirmation page: what `apply`
// prints by default (docs/cli.md). The JSON form is to_json(Plan) of the annotated plan.
//
// Per tenant (plan order) with operations: its name ("(report mode: not changed)" after a
// report-mode one), a refusal line when a safety limit refused it ("Not planned: <why>;
// nothing was sent." for a tenant that could not be planned, plan_text.h's stale_line()
// for one planned from a stale mirror), then each user with an
// operation and, one line each, the outcome of its operations in plan order:
//   "✓ assigned SPE_E3", "✓ revoked EMS", "✓ updated SPE_E3 (disable YAMMER_ENTERPRISE)",
//   "✓ restored", "✓ deleted", "✓ created \"New Person\"";
//   "✗ assign SPE_E3 failed: Request_BadRequest: <the service's message>";
//   "! assign SPE_E3 blocked: <reason>";
//   "- revoke EMS skipped: <reason>";
//   "? assign SPE_E3 not sent" (an apply that stopped part way).
// A stale plan gets one line first. Then local failures, one line each, and the summary:
// "Applied 12 of 15 operations: 1 failed, 2 blocked, 0 skipped." or, with no operation
// at all, "Nothing to apply. The tenants match the desired state." A tenant not planned,
// or planned from a stale mirror, is never said to match: the summary ends with
// tenants_unknown_sentence() ("Nothing to apply. 1 tenant was not planned (see above).").
//
// Deterministic: the same report gives the same bytes. `ascii` uses "+" and "x" instead
// of "✓" and "✗" (for terminals without UTF-8); `color` adds ANSI colours (green applied,
// red failed, yellow blocked or skipped). `names` turns disabled-plan ids into names.
#pragma once

#include <string>

#include "sync/apply/apply_result.h"
#include "sync/report/drift.h"

namespace tenantsync {

struct ApplyTextOptions {
  bool ascii = false;
  bool color = false;
  const ServicePlanNames* names = nullptr;
};

std::string render_apply_text(const ApplyReport& report, const ApplyTextOptions& options = {});

// The last line, as above.
std::string apply_summary_line(const ApplyReport& report);

// One operation in words: "assigned SPE_E3 (disable X)" when `done`, else "assign SPE_E3
// (disable X)"; `names` turns disabled-plan ids into names (may be null).
std::string describe_operation(const Operation& op, bool done, const ServicePlanNames* names);

}  // namespace tenantsync
