// How tenants, SKUs and users map to rows of the cache schema (cache_schema.cpp): the
// reads and writes Cache and Journal build their transactions from.
//
// Internal to sync/cache*. Every function works on the connection it is given, inside
// the caller's transaction, and holds no state; the caller holds that connection's mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/result.h"
#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"
#include "sync/store/sqlite.h"

namespace tenantsync::cache_rows {

struct TenantRow {
  std::int64_t key = 0;
  Tenant tenant;
};

// By tenant id or default domain (any case). NotFound when the cache has no such tenant.
Result<TenantRow> resolve_tenant(Database& db, const std::string& tenant);

// Every cached tenant by id, as its row names it, and whether it has a sync_state row.
struct KnownTenant {
  std::string domain;
  std::string display_name;
  bool has_sync_row = false;
};
Result<std::unordered_map<std::string, KnownTenant>> load_known_tenants(Database& db);

// Makes sure the tenant has a sync_state row.
Status ensure_sync_row(Database& db, std::int64_t tenant_key);
// state_version += 1: the tenant's data changed in this transaction.
Status bump_state_version(Database& db, std::int64_t tenant_key);
struct UserCounts {
  int active = 0;
  int deleted = 0;  // soft-deleted
};
// The tenant's users, counted from indexes (users by upn; users_deleted), not from every
// row.
Result<UserCounts> count_user_rows(Database& db, std::int64_t tenant_key);
// Stores count_user_rows() in the tenant's sync_state row with the state version they
// describe; nothing to count when they were counted at that version.
Status count_users(Database& db, std::int64_t tenant_key);
// Whether the stored counts are those of the tenant's current state version.
Result<bool> counts_current(Database& db, std::int64_t tenant_key);
// The stored counts describe the current state version too: for a transaction that found
// them current and added, removed, deleted and restored no user since.
Status keep_counts(Database& db, std::int64_t tenant_key);

// The tenant's SKUs in the order the service listed them, with their service plans.
Result<std::vector<Sku>> load_skus(Database& db, std::int64_t tenant_key);
// Whether SKUs `loaded` by load_skus() are what the hash stored beside the rows says they
// hold (sync_state.skus_hash): false when a row was damaged, or since a load found them
// damaged (hash 0) until a read writes them again; true when no hash is known (NULL).
Result<bool> skus_intact(Database& db, std::int64_t tenant_key, const std::vector<Sku>& loaded);
// Replaces them; `changed` is set when they differed. Keeps their hash beside them. The
// same SKUs and plans with other seat counts (or other columns of a SKU row) update only
// the rows that differ.
Status replace_skus(Database& db, std::int64_t tenant_key, const std::vector<Sku>& skus,
                    bool& changed);

struct UserRowInfo {
  std::int64_t key = 0;
  std::int64_t content_hash = 0;
  bool deleted = false;
};
Result<std::optional<UserRowInfo>> find_user(Database& db, std::int64_t tenant_key,
                                             const std::string& user_id);

// What write_user() did to the tenant's users.
enum class UserWrite {
  Kept,       // the row held exactly this user: nothing written
  Rewritten,  // its row rewritten, active or soft-deleted as it was
  Moved,      // added, or moved between active and soft-deleted: the tenant's counts changed
};
// Inserts or updates the user (active when deleted_date_time is unset, soft-deleted
// otherwise) with its licenses; skips the write when the row already holds exactly this
// user.
Result<UserWrite> write_user(Database& db, std::int64_t tenant_key, const User& user);
// write_user() for each of `users`, in order, for a tenant's first read, where they are
// most likely new: inserted several rows a statement, looked up only when the tenant
// has one of them already (of the other scope, or twice in the read).
Status write_new_users(Database& db, std::int64_t tenant_key, const std::vector<const User*>& users,
                       bool& changed);
// Removes the user and its licenses.
Status delete_user(Database& db, std::int64_t user_key);
// Marks the active user soft-deleted at `deleted_at`, keeping its licenses, and stores the
// content hash of the row as it now is (so the row still verifies, see
// Cache::load_snapshot). Sets `changed` when there was such an active user.
Status soft_delete_user(Database& db, std::int64_t tenant_key, const std::string& user_id,
                        const std::string& deleted_at, bool& changed);

// The user columns every user SELECT starts with, its licenses included (schema v10).
// The key is column 0; the SELECT's own columns follow at kUserColumnCount.
inline constexpr const char* kUserColumns =
    "u.key, u.id, u.upn, u.display_name, u.mail, u.given_name, u.surname, u.job_title, "
    "u.department, u.account_enabled, u.usage_location, u.deleted_at, u.assigned_licenses, "
    "u.license_states";
inline constexpr int kUserColumnCount = 14;
// The user those columns hold into `user`; false when its licenses do not decode (a
// damaged row: it comes without licenses, and its checksum fails it).
bool read_user_columns(const Statement& s, User& user);

}  // namespace tenantsync::cache_rows
