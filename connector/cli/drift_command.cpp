// `tenantsync drift`: where the tenants differ from the desired state, in five formats.
#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/drift_output.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/plan_session.h"
#include "sync/plan/safety_limits.h"
#include "sync/report/drift.h"

namespace tenantsync {

int run_drift(const GlobalFlags& g, const DriftFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("drift", config.error());
  auto desired = load_desired_for(*config, o.desired);
  if (!desired.ok()) return report_failure("drift", desired.error());
  auto session = EngineSession::open(*config, /*need_remote=*/!o.no_refresh, "drift",
                                     command_lock_wait("drift", o.wait));
  if (!session.ok()) return report_failure("drift", session.error());
  // Planned as plan plans it: an item is ready only when apply would send it.
  auto built = plan_desired(**session, *desired, o.tenants, !o.no_refresh, !g.no_progress,
                            apply_preview_options(*config));
  if (!built.ok()) return report_failure("drift", built.error());

  mark_over_limits(built->plan, {config->max_revocations, config->max_deletions});
  DriftReport report =
      build_drift_report(built->plan, (*session)->clock().now(), &built->plan_names);
  return emit_drift_report(report, o.format, o.out, o.detailed_exitcode, "drift");
}

}  // namespace tenantsync
