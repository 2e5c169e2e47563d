// `tenantsync drift`: where the tenants differ from the desired state, in five formats.
#include <cstdio>

#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/plan_session.h"
#include "sync/plan/safety_limits.h"
#include "sync/private_file.h"
#include "sync/report/drift.h"
#include "sync/report/drift_render.h"

namespace tenantsync {

int run_drift(const GlobalFlags& g, const DriftFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("drift", config.error());
  auto desired = load_desired_for(*config, o.desired);
  if (!desired.ok()) return report_failure("drift", desired.error());
  auto session = EngineSession::open(*config, /*need_remote=*/!o.no_refresh, "drift",
                                     command_lock_wait("drift", o.wait));
  if (!session.ok()) return report_failure("drift", session.error());
  auto built = plan_desired(**session, *desired, o.tenants, !o.no_refresh, !g.no_progress);
  if (!built.ok()) return report_failure("drift", built.error());

  mark_over_limits(built->plan, {config->max_revocations, config->max_deletions});
  DriftReport report =
      build_drift_report(built->plan, (*session)->clock().now(), &built->plan_names);
  std::string text = render_drift(report, *parse_drift_format(o.format));
  if (o.out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    Status saved = write_private_file(o.out, text);
    if (!saved.ok()) return report_failure("drift", saved.error());
    std::printf("Wrote the drift report to %s (%d drift items in %d of %zu tenants).\n",
                o.out.c_str(), report.totals.items, report.tenants_with_drift,
                report.tenants.size());
  }
  if (o.detailed_exitcode && has_drift(report)) return kExitChanges;
  return kExitOk;
}

}  // namespace tenantsync
