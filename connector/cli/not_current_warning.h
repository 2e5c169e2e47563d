// The warning a view of one tenant's cached data prints (on stderr, in every format) when
// that data is not the tenant as last read whole: the tenant is gone from the partner's
// contracts, was never read whole, its last read failed, or it came from another remote.
// Trust rule: a command that could not see a tenant says so; a cached view is shown, but
// never as if it were current. (Failing checksums have their own warnings.)
#pragma once

#include <string>

#include "sync/store/tenant_snapshot.h"

namespace tenantsync {

// "" when the snapshot is complete (or only fails its checksum), else the line, e.g.
// "tenantsync users list: warning: contoso.onmicrosoft.com is stale: <why>: the users
// shown are those of its last complete read (2026-12-01T10:00:00Z)".
std::string not_current_warning(const std::string& command, const TenantSnapshot& snapshot,
                                const std::string& shown);

}  // namespace tenantsync
