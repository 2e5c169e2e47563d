#include "sync/apply/apply_result.h"

namespace tenantsync {

int ApplyReport::exit_code() const { return apply_exit_code(*this); }

int apply_exit_code(const ApplyReport& report) {
  if (!report.local_errors.empty()) return 1;
  if (!report.stale.empty()) return 4;
  if (!report.refusals.empty()) return report.nothing_sent() ? 4 : 3;
  for (const auto& tenant : report.plan.tenants) {
    if (tenant.mode == TenantMode::Report) continue;
    // A tenant nothing could be planned for (gone, never read whole, its cache untrusted,
    // its interrupted operations unsettled), or planned from a stale mirror, is not done:
    // `run` calls the same cycle partial.
    if (!tenant.not_planned.empty() || !tenant.stale.empty()) return 3;
    for (const auto& op : tenant.operations) {
      if (op.status != OpStatus::Applied) return 3;
    }
  }
  return 0;
}

}  // namespace tenantsync
