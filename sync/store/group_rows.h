// How the names of the groups users inherit licenses from map to the cache's `group_names`
// table (schema v7). Internal to sync/cache*, like domain_rows.h: each function works
// inside the caller's transaction on the connection it is given.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/group.h"
#include "model/result.h"
#include "sync/store/sqlite.h"

namespace tenantsync::cache_rows {

// Group id -> display name; empty when none was ever read.
Result<std::map<std::string, std::string>> load_group_names(Database& db, std::int64_t tenant_key);

// The ids of the groups the tenant's users (active or soft-deleted) inherit licenses from,
// sorted, each once.
Result<std::vector<std::string>> load_inheriting_group_ids(Database& db, std::int64_t tenant_key);

// Those of them whose names the table does not hold.
Result<std::vector<std::string>> load_unnamed_group_ids(Database& db, std::int64_t tenant_key);

// Of `ids`, those whose names the table does not hold, sorted.
Result<std::vector<std::string>> unnamed_among(Database& db, std::int64_t tenant_key,
                                               const std::set<std::string>& ids);

// Whether every group the tenant's users inherit licenses from had a name at its current
// state version (sync_state.groups_named_version), and recording that they do now.
Result<bool> groups_named_at_current_version(Database& db, std::int64_t tenant_key);
Status record_groups_named(Database& db, std::int64_t tenant_key, bool all_named);

// Inserts or updates these groups' names; other groups' names stay.
Status upsert_group_names(Database& db, std::int64_t tenant_key, const std::vector<Group>& groups);

}  // namespace tenantsync::cache_rows
