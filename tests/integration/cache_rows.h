// The cache's mirrored data as rows, read straight from the SQLite file: what a test
// compares to prove a mirror wrote nothing.
#pragma once

#include <string>

namespace tenantsync::test {

// Every row (all columns, integer keys included) of the tables that hold mirrored data: tenants,
// SKUs, service plans, users, assigned licenses, license states, the staging table, and the state
// version of each tenant. Sync times (synced_at, last_*_sync) are left out: a mirror stamps them
// whether or not anything changed.
std::string mirrored_rows(const std::string& cache_path);

}  // namespace tenantsync::test
