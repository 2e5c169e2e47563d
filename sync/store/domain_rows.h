// How a tenant's domains map to the cache's `domains` table (schema v3). Internal to
// sync/cache*, like cache_rows.h: each function works inside the caller's transaction on
// the connection it is given.
#pragma once

#include <cstdint>
#include <vector>

#include "model/domain.h"
#include "model/result.h"
#include "sync/store/sqlite.h"

namespace tenantsync::cache_rows {

// The tenant's domains in the order the service listed them; empty when never read.
Result<std::vector<Domain>> load_domains(Database& db, std::int64_t tenant_key);
// Replaces them; `changed` is set when they differed.
Status replace_domains(Database& db, std::int64_t tenant_key, const std::vector<Domain>& domains,
                       bool& changed);

}  // namespace tenantsync::cache_rows
