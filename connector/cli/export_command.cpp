// `tenantsync export`: the tenants' current licenses as a desired-state file. Mirrors
// first so the file is the present, and refuses tenants whose mirror is not complete
// (a half-read tenant would be exported as the part that was read) or whose cached rows
// fail their checksum.
#include <cstdio>

#include "connector/cli/cache_wait.h"
#include "connector/cli/command_context.h"
#include "connector/cli/commands.h"
#include "connector/cli/engine_session.h"
#include "connector/cli/exit_codes.h"
#include "sync/plural.h"
#include "sync/private_file.h"
#include "sync/report/exporter.h"

namespace tenantsync {

int run_export(const GlobalFlags& g, const ExportFlags& o) {
  auto config = load_command_config(g);
  if (!config.ok()) return report_failure("export", config.error());
  auto session = EngineSession::open(*config, /*need_remote=*/true, "export",
                                     command_lock_wait("export", o.wait));
  if (!session.ok()) return report_failure("export", session.error());
  Cache& cache = (*session)->cache();
  auto mirrored = (*session)->mirror(tenants_in_scope(*config, o.tenants), false, !g.no_progress);
  if (mirrored.error) return report_failure("export", *mirrored.error);
  if (!mirrored.ok()) {
    print_mirror_result(mirrored, /*to_stdout=*/false);
    return report_failure(
        "export", make_error(ErrorKind::Stale, "refusing to export tenants whose mirror failed"));
  }
  std::vector<TenantSnapshot> snapshots;
  for (const auto& t : mirrored.tenants) {
    auto snapshot = cache.load_snapshot(t.tenant.id);
    if (!snapshot.ok()) return report_failure("export", snapshot.error());
    if (snapshot->rows_fail_checksum()) {
      return report_failure(
          "export",
          make_error(ErrorKind::Stale, "refusing to export: " +
                                           checksum_failure_message(t.tenant.default_domain_name)));
    }
    snapshots.push_back(std::move(*snapshot));
  }
  std::string text = desired_state_to_text(export_state(snapshots));
  if (o.out.empty()) {
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  Status saved = write_private_file(o.out, text);
  if (!saved.ok()) return report_failure("export", saved.error());
  std::printf(
      "Exported %s to %s (mode \"report\": switch a tenant to \"enforce\" once reviewed).\n",
      plural(static_cast<int>(snapshots.size()), "tenant", "tenants").c_str(), o.out.c_str());
  return kExitOk;
}

}  // namespace tenantsync
