// sync/store/: the cache, in SQLite: schema, migrations, rows, the writer lock, the journal.
//
// The local mirror of the tenants, in SQLite: what the mirror writes, what the planner
// reads (load_snapshot), what the executor folds its results into, and what the CLI lists.
//
// Ownership: Cache owns its CacheDatabase (the file, its two connections), the Journal and
// the NotificationStore that share it. Tenants are addressed by tenant id or default domain (any
// case) wherever a `tenant` argument is taken.
//
// Writes: every write method is one short transaction on the single write connection
// (see cache_database.h); any thread may call them, and they serialize there. Each
// transaction that changes a tenant's data bumps that tenant's state version; one that
// changes nothing (the same users again) bumps nothing, so an unchanged tenant keeps its
// fingerprint. Users that did not change are not rewritten (content hash per user).
//
// Full reads are staged: begin_read(); stage_page() per page (one transaction each);
// commit_read() swaps the read in atomically, removing users it did not see. Until then
// readers see the previous complete state; abort_read() (or a crash) leaves it untouched.
// A tenant with no users yet is written directly instead (nothing to protect, half the
// writes). Deleted-user reads (ReadScope::Deleted) work the same way, independently.
//
// Reads run on the read connection inside one read transaction each, so a snapshot is
// consistent even while a mirror writes. Every method returns errors as values (Io for
// SQLite failures, NotFound for an unknown tenant, Invalid for bad arguments).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/result.h"
#include "model/role.h"
#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"
#include "sync/clock.h"
#include "sync/directory.h"
#include "sync/store/cache_database.h"
#include "sync/store/journal.h"
#include "sync/store/notification_store.h"
#include "sync/store/shard_rows.h"
#include "sync/store/tenant_snapshot.h"
#include "sync/store/user_filter.h"

namespace tenantsync {

enum class ReadKind { Full, Delta };

// Which users a staged read covers: the active users (the full user read) or the
// soft-deleted ones (the deleted-user read). Stored as staged_users.kind (0, 1).
enum class ReadScope : int { Active = 0, Deleted = 1 };
const char* to_string(ReadKind kind);

struct SyncState {
  std::string delta_link;       // "" = next read is full
  std::string last_full_sync;   // ISO 8601 of the last completed full read, or ""
  std::string last_delta_sync;  // ISO 8601 of the last completed delta read, or ""
  std::string synced_at;        // ISO 8601 of the last complete mirror, or ""
  MirrorState outcome = MirrorState::Never;
  std::string error;               // why stale
  std::int64_t state_version = 0;  // bumped on every change of the tenant's data
  std::string gone_since;          // ISO 8601 since when the tenant is gone, or ""
  std::string gone_reason;         // why, as a clause (kGoneFromContracts, ...)
  std::string graph_host;          // remote of the last complete read, "" = not recorded

  // Some read of the tenant was whole once: a failure since keeps that state.
  bool ever_complete() const { return outcome == MirrorState::Complete || !last_full_sync.empty(); }
};

// The gone_reason of a tenant that is no longer in the partner's /contracts.
inline constexpr const char* kGoneFromContracts = "is gone from the partner's contracts";

struct CachedTenant {
  Tenant tenant;
  SyncState state;
};

struct TenantCounts {
  int users = 0;          // active
  int deleted_users = 0;  // soft-deleted
  int skus = 0;
};

struct UserListQuery {
  UserFilter filter;
  bool deleted = false;    // list soft-deleted users instead of active ones
  int page = 1;            // 1-based; past the last page: no users (the caller says why)
  bool last_page = false;  // --page last: the last page, whatever `page` says
  int page_size = 50;
};

struct UserListRow {
  User user;
  std::optional<int> days_left;  // deleted users: days until the 30-day window closes
};

struct UserListPage {
  std::vector<UserListRow> users;  // sorted by UPN, any case
  int total = 0;                   // users matching the filter, all pages
  int page = 1;
  int page_size = 50;
  int page_count = 1;  // at least 1, so "page 1 of 1" for an empty result
};

struct SkuSeats {
  Sku sku;                   // seats as the service reports them (enabled, consumed, ...)
  int holders = 0;           // active users in the cache holding it (direct or inherited)
  int selected = 0;          // users the selection matched (0 without a selection)
  int selected_holding = 0;  // of those, how many hold this SKU
};

// The tenant's lists a mirror write takes with it, written before the write's own rows;
// null ones are kept as cached (not read, or their read failed). A tenant's read writes
// its SKUs and domains before its users, its roles with its completion: a few
// transactions a tenant, not one a list.
struct ListRows {
  const std::vector<Sku>* skus = nullptr;
  const std::vector<Domain>* domains = nullptr;
  const std::vector<RoleDefinition>* role_definitions = nullptr;
  const std::vector<RoleAssignment>* role_assignments = nullptr;
};

// A delta round that came whole with the tenant's lists: its only page of changes and the
// tenant's only page of deleted users. Lists that were not read are null (kept as cached);
// the SKUs always come.
struct WholeDeltaRound {
  ListRows lists;
  const UserPage& changes;
  const std::vector<User>& deleted_users;
  const std::string& delta_link;  // where the next round starts
};

// What write_whole_delta_round() read in the round's transaction, for the mirror to use.
struct WrittenDeltaRound {
  TenantCounts counts;  // as the round left them
  // unnamed_group_ids() as the round left them; an error fails nothing (names only label).
  Result<std::vector<std::string>> unnamed_group_ids = std::vector<std::string>();
};

class Cache {
 public:
  // Opens or creates the cache at `path` (see cache_database.h for corrupt, newer-schema
  // and permission handling). `clock` stamps sync times, deletions and journal entries.
  static Result<std::unique_ptr<Cache>> open(const std::string& path, Clock& clock,
                                             const CacheOpenOptions& options = {});

  const std::string& path() const { return db_->path(); }
  // Where a corrupt file was moved when opening, or "".
  const std::string& moved_aside_to() const { return db_->moved_aside_to(); }
  Journal& journal() { return journal_; }
  NotificationStore& notifications() { return notifications_; }
  ShardRows& shards() { return shards_; }

  // The remote this cache is used with now (the origin of remote.graphUrl); "" = unknown.
  // Set once, before any other call: mark_complete() records it per tenant, and a
  // snapshot whose data came from another remote says so (other_graph_host).
  void set_graph_host(std::string host) { graph_host_ = std::move(host); }
  const std::string& graph_host() const { return graph_host_; }

  // ---- tenants ----
  // Inserts new tenants and updates changed domains/display names.
  Status upsert_tenants(const std::vector<Tenant>& tenants);
  Result<std::vector<CachedTenant>> tenants();
  // By tenant id or default domain (any case); NotFound when the cache has no such tenant.
  Result<Tenant> find_tenant(const std::string& tenant);

  // ---- mirror writes ----
  // Replaces the tenant's SKUs (seats, service plans); no write when nothing changed.
  Status replace_skus(const std::string& tenant, const std::vector<Sku>& skus);
  // Whether the tenant's role definitions were ever read.
  Result<bool> role_definitions_known(const std::string& tenant);
  // Replaces who holds the tenant's admin roles tenant-wide; no write when unchanged.
  Status replace_role_assignments(const std::string& tenant,
                                  const std::vector<RoleAssignment>& assignments);

  // The ids of the groups the tenant's users inherit licenses from, sorted, each once.
  Result<std::vector<std::string>> inheriting_group_ids(const std::string& tenant);
  // Those of them whose names the cache does not hold, sorted.
  Result<std::vector<std::string>> unnamed_group_ids(const std::string& tenant);
  // Records these groups' names (others stay). Labels only: the state version (and so a
  // plan's fingerprint) does not move.
  Status store_group_names(const std::string& tenant, const std::vector<Group>& groups);

  // Applies one delta page in one transaction: upserts (a soft-deleted user that comes back
  // is restored), soft removals (kept with deleted_at = now until the deleted-user read
  // gives the service's time), hard removals.
  Status apply_user_page(const std::string& tenant, const UserPage& page);

  // A staged read of one scope (the deleted-user read's users each have
  // deleted_date_time set). begin_read writes `lists` with its start; commit_read swaps
  // the read in and, when given, stores the delta link the read ended with, in one
  // transaction.
  Status begin_read(const std::string& tenant, ReadScope scope, const ListRows& lists = {});
  Status stage_page(const std::string& tenant, ReadScope scope, const std::vector<User>& users);
  Status commit_read(const std::string& tenant, ReadScope scope,
                     const std::optional<std::string>& delta_link = std::nullopt);
  Status abort_read(const std::string& tenant, ReadScope scope);
  // begin + stage + commit in one transaction, for callers that hold the whole list.
  Status replace_deleted_users(const std::string& tenant, const std::vector<User>& users);

  // ---- sync state ----
  Result<SyncState> sync_state(const std::string& tenant);
  Status set_delta_link(const std::string& tenant, const std::string& delta_link);
  // The tenant's last read completed: outcome complete, error cleared, synced_at = now and
  // last_full_sync or last_delta_sync = now, no longer gone, read from graph_host(); and,
  // when given, `delta_link` the one the next delta round starts from (one write for both:
  // the link moves only with the read that ends complete). In the same transaction,
  // before it: `lists`, and `deleted_users` when given (the tenant's whole list of
  // soft-deleted users, as replace_deleted_users). Returns counts() as it left them.
  Result<TenantCounts> mark_complete(const std::string& tenant, ReadKind kind,
                                     const std::optional<std::string>& delta_link = std::nullopt,
                                     const ListRows& lists = {},
                                     const std::vector<User>* deleted_users = nullptr);
  // Writes a whole delta round and marks the tenant complete with its delta link, all in
  // one transaction: the lists, the changes (as apply_user_page), the deleted users (as
  // replace_deleted_users). Should any of it fail, the cache holds none of it, so no
  // moment needs a stale mark to cover a half-written round.
  Result<WrittenDeltaRound> write_whole_delta_round(const std::string& tenant,
                                                    const WholeDeltaRound& round);
  // The last read failed, or one is under way: outcome stale with `error`; the data stays
  // as it was, but for `lists`, written in the same transaction.
  Status mark_stale(const std::string& tenant, const std::string& error,
                    const ListRows& lists = {});
  // The tenant is gone (`reason` as a clause, e.g. kGoneFromContracts): gone_since = now
  // unless it is gone already, and its delta link is dropped so its return is read fully.
  // The data stays; mark_complete() ends it.
  Status mark_gone(const std::string& tenant, const std::string& reason);
  // Marks every cached tenant that is not among `customers` (the partner's /contracts)
  // gone from the contracts, and returns the cached tenants gone from them, by domain.
  Result<std::vector<CachedTenant>> mark_missing_from_contracts(
      const std::vector<Tenant>& customers);

  // ---- executor results ----
  // Writes back a user the service returned (assign, create, update, restore): it becomes
  // an active user with exactly these fields and licenses.
  Status fold_user(const std::string& tenant, const User& user);
  // A delete succeeded: the user is soft-deleted now (deleted_at = now) with its licenses.
  Status mark_deleted(const std::string& tenant, const std::string& user_id);
  // A restore succeeded; same as fold_user (kept for the executor's readability).
  Status restore_user(const std::string& tenant, const User& user) {
    return fold_user(tenant, user);
  }
  // A role assignment the service made, or removed (by assignment id).
  Status add_role_assignment(const std::string& tenant, const RoleAssignment& assignment);
  Status remove_role_assignment(const std::string& tenant, const std::string& assignment_id);
  // The user is gone for good (or was never there): removes it, active or deleted.
  Status remove_user(const std::string& tenant, const std::string& user_id);

  // ---- reads ----
  // The planner's input; users sorted by user_principal_name (byte order). Every user row
  // (with its licenses) is verified against the content hash stored with it, in one
  // pass over what was loaded; rows that fail are listed in failing_checksum, and the
  // tenant is marked for a full re-read (their hashes set to 0, the delta link dropped),
  // so the next mirror reads it fully by itself and rewrites them.
  Result<TenantSnapshot> load_snapshot(const std::string& tenant);
  Result<TenantCounts> counts(const std::string& tenant);
  // "sha256:<hex>" over each tenant's (id, state version), ids sorted; an unknown tenant
  // counts with version 0. Unchanged data keeps the fingerprint.
  Result<std::string> fingerprint(const std::vector<std::string>& tenant_ids);

  // ---- CLI queries ----
  // `users list`: one page of users matching the filter. A sku:/no-sku: naming no SKU of
  // the tenant is an Invalid error listing the SKUs it has.
  Result<UserListPage> list_users(const std::string& tenant, const UserListQuery& query);
  // `licenses`: every SKU with its seats and holders; with a selection, how many selected
  // users hold each (all / some / none is selected_holding vs selected).
  Result<std::vector<SkuSeats>> sku_seats(const std::string& tenant,
                                          const UserFilter* selection = nullptr);

  ~Cache();

 private:
  struct Impl;
  Cache(std::unique_ptr<CacheDatabase> db);
  Status request_full_reread(std::int64_t tenant_key, const std::vector<std::int64_t>& user_keys,
                             bool skus_damaged);

  std::unique_ptr<CacheDatabase> db_;
  std::unique_ptr<Impl> impl_;
  Journal journal_;
  NotificationStore notifications_;
  ShardRows shards_;
  std::string graph_host_;  // set before use, then only read
};

}  // namespace tenantsync
