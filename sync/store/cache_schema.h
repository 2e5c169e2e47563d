// The cache's SQL schema and its migrations, versioned by `PRAGMA user_version`.
//
// Migration N takes a file from schema N-1 to N inside one transaction that also sets
// user_version = N, so a crash mid-migration leaves the file at N-1. A migration, once
// released, never changes: a new need is a new migration. Version 0 is an empty file.
//
//   v1  tenants, skus, service_plans, users (active and soft-deleted), assigned_licenses,
//       license_states, sync_state, staged_users (full reads in progress)
//   v2  sync_state.state_version (bumped when a tenant's data changes; the plan
//       fingerprint hashes it) and the apply journal
//   v3  sync_state.gone_since / gone_reason (the tenant left the partner's contracts) and
//       sync_state.graph_host (the remote its data was read from)
//   v4  domains (each tenant's domains from GET /domains: where users may be created)
//   v5  notification_state and notification_outbox (what `run` told the webhook, and what
//       it has not delivered yet)
//   v6  role_definitions and role_assignments (each tenant's admin roles and who holds them)
//   v7  group_names (display names of the groups users inherit licenses from)
//   v8  cache_identity (the shard the cache mirrors) and contracts (every tenant the
//       partner's /contracts lists, for telling another shard's tenants from unknown ones)
//   v9  users_deleted (the soft-deleted users by tenant), license_states.tenant and
//       license_states_by_group (the groups each tenant's users inherit licenses from)
//   v10 a user's licenses in its users row (assigned_licenses, license_states and
//       license_groups columns, license_columns.h) instead of tables of their own
//   v11 license_states may be "assigned" (nothing moves; older releases must refuse it)
//   v12 sync_state.counted_version / active_users / deleted_users: a tenant's user counts
//       as of a state version, so a round that changed nothing does not count again
//   v13 no users_by_upn index: a snapshot and a users page sort a tenant's users themselves
//
// Stateless; safe from any thread.
#pragma once

#include <string_view>
#include <vector>

#include "model/result.h"

namespace tenantsync {

class Database;

// The newest schema this build writes and reads.
inline constexpr int kCacheSchemaVersion = 14;

// The SQL of migration `version` (1..kCacheSchemaVersion), without the user_version
// update. Exposed so tests can build an old file exactly as an old release wrote it.
std::string_view cache_migration_sql(int version);

// Migrates `db` from its user_version up to kCacheSchemaVersion, one transaction per step.
// Refuses a file whose version is newer than this build's (ErrorKind::Invalid):
// "cache X was written by a newer tenantsync (schema N); upgrade tenantsync or remove
// the file".
Status migrate_cache_schema(Database& db);

// The refusal above, for a file at `version`.
Error newer_schema_error(const std::string& path, std::int64_t version);

}  // namespace tenantsync
