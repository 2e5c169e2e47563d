#include "connector/cli/drift_output.h"

#include <cstdio>

#include "connector/cli/command_context.h"
#include "connector/cli/exit_codes.h"
#include "sync/plural.h"
#include "sync/private_file.h"
#include "sync/report/drift_render.h"

namespace tenantsync {

int emit_drift_report(const DriftReport& report, const std::string& format, const std::string& out,
                      bool detailed_exitcode, const std::string& command) {
  std::string text = render_drift(report, *parse_drift_format(format));
  if (out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    Status saved = write_private_file(out, text);
    if (!saved.ok()) return report_failure(command, saved.error());
    std::printf("Wrote the drift report to %s (%s in %d of %s).\n", out.c_str(),
                plural(report.totals.items, "drift item", "drift items").c_str(),
                report.tenants_with_drift,
                plural(static_cast<int>(report.tenants.size()), "tenant", "tenants").c_str());
  }
  if (detailed_exitcode && has_drift(report)) return kExitChanges;
  return kExitOk;
}

}  // namespace tenantsync
