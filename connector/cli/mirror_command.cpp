// `tenantsync mirror`: refresh the cache, print a line per tenant, exit 1 if any failed.
#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"

namespace tenantsync {

int run_mirror(const GlobalFlags& g, const MirrorFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("mirror", config.error());
  auto session = EngineSession::open(*config, /*need_remote=*/true, "mirror",
                                     command_lock_wait("mirror", o.wait));
  if (!session.ok()) return report_failure("mirror", session.error());
  auto result = (*session)->mirror(tenants_in_scope(*config, o.tenants), o.full, !g.no_progress,
                                   /*roles=*/true);
  print_mirror_result(result, /*to_stdout=*/true);
  return result.ok() ? kExitOk : kExitFailed;
}

}  // namespace tenantsync
