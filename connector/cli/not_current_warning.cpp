#include "connector/cli/not_current_warning.h"

#include "sync/report/tenant_overview.h"

namespace tenantsync {

std::string not_current_warning(const std::string& command, const TenantSnapshot& snapshot,
                                const std::string& shown) {
  std::string consequence;
  switch (overview_status(snapshot)) {
    case OverviewStatus::Complete:
    case OverviewStatus::ChecksumFailed:
      return "";
    case OverviewStatus::Gone:
      consequence = "the " + shown + " shown are those of its last mirror";
      break;
    case OverviewStatus::NeverReadWhole:
      consequence = "the " + shown + " shown may be incomplete: run tenantsync mirror --tenant " +
                    snapshot.tenant.default_domain_name;
      break;
    case OverviewStatus::Stale:
      consequence = "the " + shown + " shown are those of its last complete read" +
                    (snapshot.synced_at.empty() ? "" : " (" + snapshot.synced_at + ")");
      break;
    case OverviewStatus::OtherRemote:
      consequence = "the " + shown + " shown are not those of the remote configured now";
      break;
  }
  return "tenantsync " + command + ": warning: " + snapshot.tenant.default_domain_name + " is " +
         describe_overview_status(snapshot) + ": " + consequence;
}

}  // namespace tenantsync
