#include "connector/cli/plan_session.h"

#include "sync/apply/run_passwords.h"
#include "sync/plan/service_rules.h"

namespace tenantsync {

PlanOptions apply_preview_options(const Config& config) {
  PlanOptions options;
  options.creates_blocked = creates_blocked_reason({/*file=*/"", config.passwords_dir});
  options.use_grace_seats = config.use_grace_seats;
  return options;
}

Result<BuiltPlan> plan_desired(EngineSession& session, const DesiredState& desired,
                               const std::vector<std::string>& tenant_filter, bool refresh,
                               bool progress, const PlanOptions& options) {
  if (refresh) {
    auto names = desired_tenant_names(desired, tenant_filter);
    if (!names.empty()) {
      auto mirrored = session.mirror(names, /*full=*/false, progress, creates_with_roles(desired));
      if (mirrored.error) return *mirrored.error;
      if (!mirrored.ok()) print_mirror_result(mirrored, /*to_stdout=*/false);
    }
  }
  PlanOptions with_config = options;
  with_config.use_grace_seats = session.config().use_grace_seats;
  with_config.shard = session.config().shard;
  return build_plan(session.cache(), desired, tenant_filter, ServiceRules::builtin(),
                    session.clock().now(), with_config);
}

}  // namespace tenantsync
