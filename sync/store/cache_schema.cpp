#include "sync/store/cache_schema.h"

#include <string>

#include "sync/log.h"
#include "sync/store/sqlite.h"

namespace tenantsync {

namespace {

// v1: the mirror. Tenants get a small integer key so the big tables repeat 8 bytes per
// row instead of a 36-character tenant id. Users hold active and soft-deleted users alike
// (deleted_at set for the latter), so deleting and restoring moves nothing and a deleted
// user keeps the licenses it held. content_hash (of every field of the user, see
// cache_codec.h) lets a write skip users that did not change.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE tenants (
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  domain TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tenants_by_domain ON tenants (domain COLLATE NOCASE);

CREATE TABLE skus (
  tenant INTEGER NOT NULL,
  sku_id TEXT NOT NULL,
  object_id TEXT NOT NULL DEFAULT '',
  part_number TEXT NOT NULL,
  applies_to TEXT NOT NULL DEFAULT 'User',
  capability_status TEXT NOT NULL DEFAULT 'Enabled',
  consumed_units INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  warning INTEGER NOT NULL DEFAULT 0,
  locked_out INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL,
  PRIMARY KEY (tenant, sku_id)
) WITHOUT ROWID;
CREATE INDEX skus_by_part_number ON skus (tenant, part_number COLLATE NOCASE);

CREATE TABLE service_plans (
  tenant INTEGER NOT NULL,
  sku_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  plan_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  provisioning_status TEXT NOT NULL DEFAULT 'Success',
  applies_to TEXT NOT NULL DEFAULT 'User',
  PRIMARY KEY (tenant, sku_id, position)
) WITHOUT ROWID;

CREATE TABLE users (
  key INTEGER PRIMARY KEY,
  tenant INTEGER NOT NULL,
  id TEXT NOT NULL,
  upn TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  mail TEXT NOT NULL DEFAULT '',
  given_name TEXT NOT NULL DEFAULT '',
  surname TEXT NOT NULL DEFAULT '',
  job_title TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  account_enabled INTEGER NOT NULL DEFAULT 1,
  usage_location TEXT,
  deleted_at TEXT,
  content_hash INTEGER NOT NULL DEFAULT 0,
  UNIQUE (tenant, id)
);
CREATE INDEX users_by_upn ON users (tenant, upn COLLATE NOCASE);

CREATE TABLE assigned_licenses (
  user_key INTEGER NOT NULL,
  sku_id TEXT NOT NULL,
  tenant INTEGER NOT NULL,
  position INTEGER NOT NULL,
  disabled_plans TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (user_key, sku_id)
) WITHOUT ROWID;
CREATE INDEX assigned_licenses_by_sku ON assigned_licenses (tenant, sku_id);

CREATE TABLE license_states (
  user_key INTEGER NOT NULL,
  position INTEGER NOT NULL,
  sku_id TEXT NOT NULL,
  assigned_by_group TEXT,
  disabled_plans TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT 'Active',
  error TEXT NOT NULL DEFAULT 'None',
  PRIMARY KEY (user_key, position)
) WITHOUT ROWID;

CREATE TABLE sync_state (
  tenant INTEGER PRIMARY KEY,
  delta_link TEXT NOT NULL DEFAULT '',
  last_full_sync TEXT,
  last_delta_sync TEXT,
  synced_at TEXT,
  outcome TEXT NOT NULL DEFAULT 'never' CHECK (outcome IN ('never', 'complete', 'stale')),
  error TEXT NOT NULL DEFAULT ''
);

CREATE TABLE staged_users (
  tenant INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  id TEXT NOT NULL,
  content_hash INTEGER NOT NULL,
  payload TEXT,
  PRIMARY KEY (tenant, kind, id)
) WITHOUT ROWID;
)sql";

// v2: the state version (the fingerprint's input; existing tenants start at 1 so a
// migrated cache never fingerprints like an empty one) and the apply journal. The
// journal's rowid is its append order; `request` is the request body with secrets removed.
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE sync_state ADD COLUMN state_version INTEGER NOT NULL DEFAULT 0;
UPDATE sync_state SET state_version = 1;

CREATE TABLE journal (
  entry INTEGER PRIMARY KEY,
  plan_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  tenant TEXT NOT NULL DEFAULT '',
  user_name TEXT NOT NULL DEFAULT '',
  user_id TEXT NOT NULL DEFAULT '',
  op TEXT NOT NULL,
  sku TEXT NOT NULL DEFAULT '',
  request TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL
    CHECK (state IN ('pending', 'sending', 'applied', 'failed', 'blocked', 'skipped')),
  error_code TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (plan_id, seq)
);
CREATE INDEX journal_by_tenant ON journal (tenant_id, created_at);
CREATE INDEX journal_by_time ON journal (created_at);
CREATE INDEX journal_unfinished ON journal (state) WHERE state IN ('pending', 'sending');
)sql";

// v3: tenant membership and remote identity. gone_since is set when a tenant left the
// partner's /contracts (or refused every read) and cleared by its next complete read;
// gone_reason says which. graph_host is the origin of remote.graphUrl the tenant's data
// was last read from completely ('' = not recorded yet: caches from before v3).
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE sync_state ADD COLUMN gone_since TEXT;
ALTER TABLE sync_state ADD COLUMN gone_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_state ADD COLUMN graph_host TEXT NOT NULL DEFAULT '';
)sql";

// v4: each tenant's domains as GET /domains lists them, so a user is created only in a
// verified domain. No rows = never read (a tenant always has its initial domain).
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE domains (
  tenant INTEGER NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  is_initial INTEGER NOT NULL DEFAULT 0,
  is_verified INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, position)
) WITHOUT ROWID;
)sql";

// v5: what `run` last told the webhook (to post only what changed) and the posts not
// delivered yet (sent again by the next run, also after `run --once`).
constexpr std::string_view kSchemaV5 = R"sql(
CREATE TABLE notification_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  matters TEXT NOT NULL,
  status TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
CREATE TABLE notification_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql";

// v6: each tenant's admin roles (role definitions) and who holds them tenant-wide (role
// assignments at directoryScopeId "/"), as role management lists them. No definitions =
// never read: role changes wait for a mirror that reads them.
constexpr std::string_view kSchemaV6 = R"sql(
CREATE TABLE role_definitions (
  tenant INTEGER NOT NULL,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  is_built_in INTEGER NOT NULL DEFAULT 0,
  is_privileged INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE TABLE role_assignments (
  tenant INTEGER NOT NULL,
  id TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  role_definition_id TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
)sql";

// v7: the display names of the groups users inherit licenses from (GET /groups/{id}), so
// reports say "Sales Team (<id>)". Labels only: nothing is planned from them, and a group
// without a row is shown by its id.
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE group_names (
  tenant INTEGER NOT NULL,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
)sql";

// v8: which shard of the partner's tenants the cache mirrors (`--shard k/N`), so a cache is
// never used by another shard, and every tenant the partner's /contracts lists (id and
// default domain, all shards' alike), so each shard knows which desired-state tenants are
// another's without the network.
constexpr std::string_view kSchemaV8 = R"sql(
CREATE TABLE cache_identity (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE contracts (
  tenant_id TEXT PRIMARY KEY COLLATE NOCASE,
  default_domain TEXT NOT NULL COLLATE NOCASE
) WITHOUT ROWID;
)sql";

// v9: what every mirror round asks of a tenant comes from small indexes, not from every
// user's rows: its soft-deleted users (counted and re-read each round), and the groups its
// users inherit licenses from (whose names the mirror keeps), for which license_states
// learns its tenant (filled in from the users table).
constexpr std::string_view kSchemaV9 = R"sql(
CREATE INDEX users_deleted ON users (tenant, id) WHERE deleted_at IS NOT NULL;
ALTER TABLE license_states ADD COLUMN tenant INTEGER NOT NULL DEFAULT 0;
UPDATE license_states
  SET tenant = coalesce((SELECT u.tenant FROM users u WHERE u.key = user_key), 0);
CREATE INDEX license_states_by_group ON license_states (tenant, assigned_by_group)
  WHERE assigned_by_group IS NOT NULL AND assigned_by_group <> '';
)sql";

// v10: a user's licenses live in its own row (license_columns.h has the encoding), so
// writing or loading a user walks no b-tree per license. The rows move over in their
// positions' order, so every content hash still verifies; a plan list that is not JSON
// moves as null, which fails its user's checksum (as the row did) and gets it re-read.
// (json() is applied where the array is built: a JSON value passed out of a subquery
// would arrive as a string.)
// license_groups, indexed, answers which groups a tenant's users inherit licenses from.
constexpr std::string_view kSchemaV10 = R"sql(
ALTER TABLE users ADD COLUMN assigned_licenses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN license_states TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN license_groups TEXT;
UPDATE users SET
  assigned_licenses = (
    SELECT json_group_array(json_array(sku_id, CASE WHEN d = '' THEN json_array()
                                                    WHEN json_valid(d) THEN json(d) END))
    FROM (SELECT sku_id, disabled_plans AS d FROM assigned_licenses al
          WHERE al.user_key = users.key ORDER BY position)),
  license_states = (
    SELECT json_group_array(json_array(sku_id, assigned_by_group,
                                       CASE WHEN d = '' THEN json_array()
                                            WHEN json_valid(d) THEN json(d) END,
                                       state, error))
    FROM (SELECT sku_id, assigned_by_group, disabled_plans AS d, state, error
          FROM license_states ls WHERE ls.user_key = users.key ORDER BY position)),
  license_groups = (
    SELECT nullif(json_group_array(g), '[]') FROM (
      SELECT DISTINCT assigned_by_group AS g FROM license_states ls
      WHERE ls.user_key = users.key AND assigned_by_group IS NOT NULL
        AND assigned_by_group <> '' ORDER BY g));
DROP TABLE assigned_licenses;
DROP TABLE license_states;
CREATE INDEX users_by_license_group ON users (tenant, license_groups)
  WHERE license_groups IS NOT NULL;
)sql";

// v11: a user's license_states may be "assigned" (license_columns.h): nothing to move,
// but a file that holds such rows must be refused by the releases that cannot read them.
constexpr std::string_view kSchemaV11 = R"sql(
-- no statement: existing rows keep their full license_states
)sql";

// v12: the counts a mirror reports for a tenant (its active and soft-deleted users), kept
// with the state version they were counted at (cache_rows::count_users). Every change of
// a tenant's users moves its state version, so counts of the current version are current;
// a round that changed nothing reports them without walking the tenant's users again.
// NULL: never counted (counted where they are needed).
constexpr std::string_view kSchemaV12 = R"sql(
ALTER TABLE sync_state ADD COLUMN counted_version INTEGER;
ALTER TABLE sync_state ADD COLUMN active_users INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN deleted_users INTEGER NOT NULL DEFAULT 0;
)sql";

// v13: no index by UPN. Every user a mirror inserts paid for an entry in it (a seventh of
// a first mirror's pages and CPU), and what it gave was the order of a tenant's users,
// which a snapshot sorts in memory for less and a users page sorts among the tenant's rows
// (names are matched with lower(), which no index serves, or with a LIKE that now filters
// the tenant's rows instead of a range of the index).
constexpr std::string_view kSchemaV13 = R"sql(
DROP INDEX users_by_upn;
)sql";

// v14: what lets a quiet delta round skip reading rows it would find unchanged.
// - skus_hash: sku_list_hash() of the tenant's SKU rows as they load; a round whose SKUs
//   hash the same reads none of them, and a load checks the rows against it (a damaged row
//   fails it, as a user's row fails its checksum). NULL: unknown, so compared row by row.
// - groups_named_version: the state version at which every group the tenant's users
//   inherit licenses from had a name (every change of its users moves the version).
// - users_deleted holds the content hash and the deletion time: a round compares its list
//   of deleted users with the cached one, and counts them, from the index alone (SQLite
//   reads a partial index's rows from the table unless it holds the column of its WHERE).
// - outcome's check is written without IN, for which SQLite builds a temporary b-tree
//   each time a statement sets it (every round of every tenant); the table is rebuilt, as
//   SQLite cannot change a check in place.
constexpr std::string_view kSchemaV14 = R"sql(
CREATE TABLE sync_state_v14 (
  tenant INTEGER PRIMARY KEY,
  delta_link TEXT NOT NULL DEFAULT '',
  last_full_sync TEXT,
  last_delta_sync TEXT,
  synced_at TEXT,
  outcome TEXT NOT NULL DEFAULT 'never'
    CHECK (outcome = 'never' OR outcome = 'complete' OR outcome = 'stale'),
  error TEXT NOT NULL DEFAULT '',
  state_version INTEGER NOT NULL DEFAULT 0,
  gone_since TEXT,
  gone_reason TEXT NOT NULL DEFAULT '',
  graph_host TEXT NOT NULL DEFAULT '',
  counted_version INTEGER,
  active_users INTEGER NOT NULL DEFAULT 0,
  deleted_users INTEGER NOT NULL DEFAULT 0,
  skus_hash INTEGER,
  groups_named_version INTEGER
);
INSERT INTO sync_state_v14 (tenant, delta_link, last_full_sync, last_delta_sync, synced_at,
  outcome, error, state_version, gone_since, gone_reason, graph_host, counted_version,
  active_users, deleted_users)
SELECT tenant, delta_link, last_full_sync, last_delta_sync, synced_at, outcome, error,
  state_version, gone_since, gone_reason, graph_host, counted_version, active_users,
  deleted_users FROM sync_state;
DROP TABLE sync_state;
ALTER TABLE sync_state_v14 RENAME TO sync_state;
DROP INDEX users_deleted;
CREATE INDEX users_deleted ON users (tenant, id, content_hash, deleted_at)
  WHERE deleted_at IS NOT NULL;
)sql";

}  // namespace

std::string_view cache_migration_sql(int version) {
  switch (version) {
    case 1:
      return kSchemaV1;
    case 2:
      return kSchemaV2;
    case 3:
      return kSchemaV3;
    case 4:
      return kSchemaV4;
    case 5:
      return kSchemaV5;
    case 6:
      return kSchemaV6;
    case 7:
      return kSchemaV7;
    case 8:
      return kSchemaV8;
    case 9:
      return kSchemaV9;
    case 10:
      return kSchemaV10;
    case 11:
      return kSchemaV11;
    case 12:
      return kSchemaV12;
    case 13:
      return kSchemaV13;
    case 14:
      return kSchemaV14;
    default:
      return {};
  }
}

Error newer_schema_error(const std::string& path, std::int64_t version) {
  return make_error(ErrorKind::Invalid,
                    "cache " + path + " was written by a newer tenantsync (schema " +
                        std::to_string(version) + "); upgrade tenantsync or remove the file",
                    "cache-schema-newer");
}

Status migrate_cache_schema(Database& db) {
  auto current = db.query_int("PRAGMA user_version");
  if (!current.ok()) return current.error();
  if (*current > kCacheSchemaVersion) return newer_schema_error(db.path(), *current);
  for (int target = static_cast<int>(*current) + 1; target <= kCacheSchemaVersion; ++target) {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    // Another process may have migrated while we waited for the write lock.
    auto now = db.query_int("PRAGMA user_version");
    if (!now.ok()) return now.error();
    if (*now > kCacheSchemaVersion) return newer_schema_error(db.path(), *now);
    if (*now >= target) continue;
    Status s = db.exec(cache_migration_sql(target),
                       "migrate cache schema to version " + std::to_string(target));
    if (!s.ok()) return s;
    s = db.exec("PRAGMA user_version = " + std::to_string(target), "set schema version");
    if (!s.ok()) return s;
    s = tx->commit();
    if (!s.ok()) return s;
    if (target > 1) {
      log_info("cache schema migrated",
               {{"cache", db.path()}, {"version", std::to_string(target)}});
    }
  }
  return {};
}

}  // namespace tenantsync
