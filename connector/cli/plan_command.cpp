// `tenantsync plan`: mirror (unless --no-refresh), plan, print or save the plan.
#include <unistd.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "connector/cli/plan_session.h"
#include "model/json_text.h"
#include "sync/plan/safety_limits.h"
#include "sync/private_file.h"
#include "sync/report/plan_text.h"

namespace tenantsync {

int run_plan(const GlobalFlags& g, const PlanFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("plan", config.error());
  auto desired = load_desired_for(*config, o.desired);
  if (!desired.ok()) return report_failure("plan", desired.error());
  auto session = EngineSession::open(*config, /*need_remote=*/!o.no_refresh, "plan",
                                     command_lock_wait("plan", o.wait));
  if (!session.ok()) return report_failure("plan", session.error());
  auto built = plan_desired(**session, *desired, o.tenants, !o.no_refresh, !g.no_progress,
                            apply_preview_options(*config));
  if (!built.ok()) return report_failure("plan", built.error());
  Plan& plan = built->plan;
  mark_over_limits(plan, {config->max_revocations, config->max_deletions});

  if (!o.out.empty()) {
    Status saved = write_private_file(o.out, dump_json(nlohmann::json(plan), 2) + "\n");
    if (!saved.ok()) return report_failure("plan", saved.error());
  }
  if (o.format == "json") {
    std::printf("%s\n", dump_json(nlohmann::json(plan), 2).c_str());
  } else {
    std::fputs(render_plan_text(plan, isatty(STDOUT_FILENO), &built->plan_names).c_str(), stdout);
    if (!o.out.empty()) {
      // apply checks the plan against the same desired state: name it when a flag did.
      std::string desired = o.desired.empty() ? "" : " --desired " + o.desired;
      std::printf("Saved the plan to %s; apply it with: tenantsync apply --plan %s%s\n",
                  o.out.c_str(), o.out.c_str(), desired.c_str());
    }
  }
  // 3 when an enforce tenant could not be planned, or only from a stale mirror: the plan
  // is partial, whatever else it holds (as apply and run say of it). Otherwise 2 only when
  // apply would send something: report-mode tenants are drift (`drift
  // --detailed-exitcode`), not changes.
  if (plan.has_enforce_tenant_unknown()) return kExitPartial;
  if (o.detailed_exitcode && plan.has_operations_to_send()) return kExitChanges;
  return kExitOk;
}

}  // namespace tenantsync
