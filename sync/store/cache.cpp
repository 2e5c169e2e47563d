// Over 500 lines: the Cache facade's methods, each one short transaction; the row mapping
// (cache_rows.cpp), queries (cache_queries.cpp) and schema (cache_schema.cpp) are apart.
#include "sync/store/cache.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "sync/log.h"
#include "sync/sha256_text.h"
#include "sync/store/cache_codec.h"
#include "sync/store/cache_rows.h"
#include "sync/store/domain_rows.h"
#include "sync/store/group_rows.h"
#include "sync/store/license_columns.h"
#include "sync/store/role_rows.h"

namespace tenantsync {

using cache_rows::resolve_tenant;
using cache_rows::TenantRow;

namespace {

// Staged reads in progress: (tenant key, scope) -> written directly (no previous users of
// that scope to protect) rather than staged.
using StagedReads = std::map<std::pair<std::int64_t, int>, bool>;

const char* scope_name(ReadScope scope) {
  return scope == ReadScope::Active ? "full read" : "deleted-user read";
}

MirrorState parse_outcome(const std::string& text) {
  if (text == "complete") return MirrorState::Complete;
  if (text == "stale") return MirrorState::Stale;
  return MirrorState::Never;
}

// The sync_state columns every reader takes, in the order read_sync_columns() reads them.
constexpr const char* kSyncColumns =
    "s.delta_link, s.last_full_sync, s.last_delta_sync, s.synced_at, s.outcome, s.error, "
    "s.state_version, s.gone_since, s.gone_reason, s.graph_host";

SyncState read_sync_columns(const Statement& r, int first) {
  SyncState state;
  state.delta_link = r.column_text(first);
  state.last_full_sync = r.column_text(first + 1);
  state.last_delta_sync = r.column_text(first + 2);
  state.synced_at = r.column_text(first + 3);
  state.outcome = parse_outcome(r.column_text(first + 4));
  state.error = r.column_text(first + 5);
  state.state_version = r.column_int64(first + 6);
  state.gone_since = r.column_text(first + 7);
  state.gone_reason = r.column_text(first + 8);
  state.graph_host = r.column_text(first + 9);
  return state;
}

Result<SyncState> read_sync_state(Database& db, std::int64_t key) {
  // Built once: Database::cached() knows a statement by the address of its text.
  static const std::string kSql =
      std::string("SELECT ") + kSyncColumns + " FROM sync_state s WHERE s.tenant = ?1";
  auto s = db.cached(kSql.c_str());
  if (!s.ok()) return s.error();
  (*s)->bind(1, key);
  auto r = (*s)->step();
  if (!r.ok()) return r.error();
  if (!*r) return SyncState{};
  return read_sync_columns(**s, 0);
}

}  // namespace

const char* to_string(ReadKind kind) { return kind == ReadKind::Full ? "full" : "delta"; }

// State shared by the write paths. Touched only inside CacheDatabase::with_writer, so it
// is guarded by the write connection's mutex (CacheDatabase::write_mu_).
struct Cache::Impl {
  StagedReads reads;  // guarded by write_mu_
};

Cache::Cache(std::unique_ptr<CacheDatabase> db)
    : db_(std::move(db)),
      impl_(std::make_unique<Impl>()),
      journal_(*db_),
      notifications_(*db_),
      shards_(*db_) {}

Cache::~Cache() = default;

Result<std::unique_ptr<Cache>> Cache::open(const std::string& path, Clock& clock,
                                           const CacheOpenOptions& options) {
  auto db = CacheDatabase::open(path, clock, options);
  if (!db.ok()) return db.error();
  return std::unique_ptr<Cache>(new Cache(std::move(db).value()));
}

// ---- tenants ----

Status Cache::upsert_tenants(const std::vector<Tenant>& tenants) {
  return db_->with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    // Every round upserts every customer: those the cache holds as they are cost one read
    // of the tenants instead of three statements each (a twentieth of a quiet round of
    // 1,000 tenants).
    auto known = cache_rows::load_known_tenants(db);
    if (!known.ok()) return known.error();
    auto s = db.cached(
        "INSERT INTO tenants (id, domain, display_name) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (id) DO UPDATE SET domain = excluded.domain, "
        "display_name = excluded.display_name "
        "WHERE domain IS NOT excluded.domain OR display_name IS NOT excluded.display_name");
    if (!s.ok()) return s.error();
    for (const auto& t : tenants) {
      if (t.id.empty()) return make_error(ErrorKind::Invalid, "a tenant without an id");
      auto cached = known->find(t.id);
      if (cached != known->end() && cached->second.has_sync_row &&
          cached->second.domain == t.default_domain_name &&
          cached->second.display_name == t.display_name) {
        continue;
      }
      (*known)[t.id] = {t.default_domain_name, t.display_name, true};  // a repeat compares to it
      (*s)->reset();
      (*s)->bind_all(t.id, t.default_domain_name, t.display_name);
      Status st = (*s)->run();
      if (!st.ok()) return st;
      bool changed = db.changes() > 0;
      auto row = resolve_tenant(db, t.id);
      if (!row.ok()) return row.error();
      st = changed ? cache_rows::bump_state_version(db, row->key)
                   : cache_rows::ensure_sync_row(db, row->key);
      if (!st.ok()) return st;
    }
    return tx->commit();
  });
}

Result<std::vector<CachedTenant>> Cache::tenants() {
  return db_->with_reader([&](Database& db) -> Result<std::vector<CachedTenant>> {
    auto s = db.prepare(std::string("SELECT t.id, t.domain, t.display_name, ") + kSyncColumns +
                        " FROM tenants t LEFT JOIN sync_state s ON s.tenant = t.key "
                        "ORDER BY t.domain COLLATE NOCASE");
    if (!s.ok()) return s.error();
    std::vector<CachedTenant> out;
    Status read = for_each_row(*s, [&](const Statement& r) {
      CachedTenant t;
      t.tenant = {r.column_text(0), r.column_text(1), r.column_text(2)};
      t.state = read_sync_columns(r, 3);
      out.push_back(std::move(t));
    });
    if (!read.ok()) return read.error();
    return out;
  });
}

Result<Tenant> Cache::find_tenant(const std::string& tenant) {
  return db_->with_reader([&](Database& db) -> Result<Tenant> {
    auto row = resolve_tenant(db, tenant);
    if (!row.ok()) return row.error();
    return row->tenant;
  });
}

// ---- mirror writes ----

namespace {

// The tenant's counts: its users as counted at its state version (count_users), when
// that is still its version (every change of its users moves it), else counted here.
Result<TenantCounts> load_counts(Database& db, std::int64_t key) {
  TenantCounts c;
  auto stored = db.cached(
      "SELECT active_users, deleted_users FROM sync_state "
      "WHERE tenant = ?1 AND counted_version IS state_version");
  if (!stored.ok()) return stored.error();
  (*stored)->bind(1, key);
  auto found = (*stored)->step();
  if (!found.ok()) return found.error();
  if (*found) {
    c.users = (*stored)->column_int(0);
    c.deleted_users = (*stored)->column_int(1);
  } else {
    auto counted = cache_rows::count_user_rows(db, key);
    if (!counted.ok()) return counted.error();
    c.users = counted->active;
    c.deleted_users = counted->deleted;
  }
  auto k = db.cached("SELECT count(*) FROM skus WHERE tenant = ?1");
  if (!k.ok()) return k.error();
  (*k)->bind(1, key);
  auto skus = (*k)->step();
  if (!skus.ok()) return skus.error();
  c.skus = (*k)->column_int(0);
  return c;
}

// A write that ends a mirror round, whose summary reports the tenant's counts: it counts
// the tenant's users at the version it leaves (only when that moved), in its own
// transaction, and gives the counts back from there, where the writer's pages are current
// (a read connection would read them again after the commit).
struct RoundEnd {
  // Set by the write, when given: whether it may have added or removed a user, or moved
  // one between active and soft-deleted. When it did not, counts current before the
  // write are current after it, and are kept without counting: the count reads every
  // index page of the tenant's users, most of a round's reads when a few users changed.
  const bool* users_moved = nullptr;
  TenantCounts* counts = nullptr;  // where the counts go
  // Set by the write, when given: whether every group the tenant's users inherit licenses
  // from has a name, recorded with the version the write leaves (groups_named_version).
  const bool* groups_all_named = nullptr;
};

// One transaction writing the tenant's rows with `write(db, tenant key, changed)`; the
// state version moves only when something changed. `round_end`: the write ends a round.
template <class Write>
Status write_tenant_rows(CacheDatabase& cache_db, const std::string& tenant, Write write,
                         const RoundEnd* round_end = nullptr) {
  return cache_db.with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    auto row = resolve_tenant(db, tenant);
    if (!row.ok()) return row.error();
    bool counts_were_current = false;
    if (round_end && round_end->users_moved) {
      auto current = cache_rows::counts_current(db, row->key);
      if (!current.ok()) return current.error();
      counts_were_current = *current;
    }
    bool changed = false;
    Status st = write(db, row->key, changed);
    if (st.ok() && changed) st = cache_rows::bump_state_version(db, row->key);
    if (st.ok() && round_end) {
      st = counts_were_current && !*round_end->users_moved ? cache_rows::keep_counts(db, row->key)
                                                           : cache_rows::count_users(db, row->key);
      if (st.ok() && round_end->counts) st = load_counts(db, row->key).move_to(*round_end->counts);
      if (st.ok() && round_end->groups_all_named) {
        st = cache_rows::record_groups_named(db, row->key, *round_end->groups_all_named);
      }
    }
    if (!st.ok()) return st;
    return tx->commit();
  });
}

// One read transaction on a read connection: the tenant's row, then `read(db, tenant key)`.
// One snapshot for both (and the read connection's pages are dropped once per
// transaction when a writer has committed since, not once per statement).
template <class Read>
auto read_tenant(CacheDatabase& cache_db, const std::string& tenant, Read read)
    -> decltype(read(std::declval<Database&>(), std::int64_t{})) {
  return cache_db.with_reader([&](Database& db) -> decltype(read(db, std::int64_t{})) {
    auto tx = Transaction::begin(db, Transaction::Mode::Deferred);
    if (!tx.ok()) return tx.error();
    auto row = resolve_tenant(db, tenant);
    if (!row.ok()) return row.error();
    auto out = read(db, row->key);
    // Ended with a COMMIT, a cached statement, rather than the ROLLBACK an unended
    // transaction gets (parsed each time); for a read the two are the same.
    if (Status ended = tx->commit(); out.ok() && !ended.ok()) return ended.error();
    return out;
  });
}

// Removes the user's rows, if the cache holds any.
Status remove_user_row(Database& db, std::int64_t tenant_key, const std::string& user_id,
                       bool& changed) {
  auto existing = cache_rows::find_user(db, tenant_key, user_id);
  if (!existing.ok()) return existing.status();
  if (!*existing) return {};
  changed = true;
  return cache_rows::delete_user(db, (*existing)->key);
}

// write_user() as a transaction's step: sets `changed` when it wrote, and `*moved`, when
// given, when it changed the tenant's counts.
Status write_user_row(Database& db, std::int64_t tenant_key, const User& u, bool& changed,
                      bool* moved = nullptr) {
  auto written = cache_rows::write_user(db, tenant_key, u);
  if (!written.ok()) return written.error();
  if (*written != cache_rows::UserWrite::Kept) changed = true;
  if (moved && *written == cache_rows::UserWrite::Moved) *moved = true;
  return {};
}

// One delta page: upserts (a soft-deleted user that comes back is restored), soft removals
// (deleted_at = `now` until the deleted-user read gives the service's time), hard removals.
// `*moved`, when given, as write_tenant_rows() takes it.
Status apply_page_rows(Database& db, std::int64_t key, const UserPage& page, const std::string& now,
                       bool& changed, bool* moved = nullptr) {
  for (const auto& u : page.users) {
    Status st = write_user_row(db, key, u, changed, moved);
    if (!st.ok()) return st;
  }
  // A removal that finds no user changes nothing; taking it as a move costs only a count.
  if (moved && (!page.removed_soft.empty() || !page.removed_hard.empty())) *moved = true;
  // The deleted-user read rewrites the row with the service's deletedDateTime (a
  // different hash, so it is never skipped as unchanged).
  for (const auto& id : page.removed_soft) {
    Status st = cache_rows::soft_delete_user(db, key, id, now, changed);
    if (!st.ok()) return st;
  }
  for (const auto& id : page.removed_hard) {
    Status st = remove_user_row(db, key, id, changed);
    if (!st.ok()) return st;
  }
  return Status();
}

// The lists given, each replaced whole (cache_rows::replace_...: no write when unchanged).
Status write_list_rows(Database& db, std::int64_t key, const ListRows& lists, bool& changed) {
  Status st;
  if (lists.skus) st = cache_rows::replace_skus(db, key, *lists.skus, changed);
  if (st.ok() && lists.domains) st = cache_rows::replace_domains(db, key, *lists.domains, changed);
  if (st.ok() && lists.role_definitions) {
    st = cache_rows::replace_role_definitions(db, key, *lists.role_definitions, changed);
  }
  if (st.ok() && lists.role_assignments) {
    st = cache_rows::replace_role_assignments(db, key, *lists.role_assignments, changed);
  }
  return st;
}

}  // namespace

Status Cache::replace_skus(const std::string& tenant, const std::vector<Sku>& skus) {
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    return cache_rows::replace_skus(db, key, skus, changed);
  });
}

Result<bool> Cache::role_definitions_known(const std::string& tenant) {
  return read_tenant(*db_, tenant, [&](Database& db, std::int64_t key) -> Result<bool> {
    auto s = db.cached("SELECT 1 FROM role_definitions WHERE tenant = ?1 LIMIT 1");
    if (!s.ok()) return s.error();
    (*s)->bind(1, key);
    bool any = false;
    Status read = for_each_row(**s, [&](const Statement&) { any = true; });
    if (!read.ok()) return read.error();
    return any;
  });
}

Status Cache::replace_role_assignments(const std::string& tenant,
                                       const std::vector<RoleAssignment>& assignments) {
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    return cache_rows::replace_role_assignments(db, key, assignments, changed);
  });
}

Result<std::vector<std::string>> Cache::inheriting_group_ids(const std::string& tenant) {
  return read_tenant(*db_, tenant, [&](Database& db, std::int64_t key) {
    return cache_rows::load_inheriting_group_ids(db, key);
  });
}

Result<std::vector<std::string>> Cache::unnamed_group_ids(const std::string& tenant) {
  return read_tenant(*db_, tenant, [&](Database& db, std::int64_t key) {
    return cache_rows::load_unnamed_group_ids(db, key);
  });
}

Status Cache::store_group_names(const std::string& tenant, const std::vector<Group>& groups) {
  return db_->with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    auto row = resolve_tenant(db, tenant);
    if (!row.ok()) return row.error();
    if (Status st = cache_rows::upsert_group_names(db, row->key, groups); !st.ok()) return st;
    return tx->commit();
  });
}

Status Cache::add_role_assignment(const std::string& tenant, const RoleAssignment& assignment) {
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    changed = true;
    return cache_rows::insert_role_assignment(db, key, assignment);
  });
}

Status Cache::remove_role_assignment(const std::string& tenant, const std::string& assignment_id) {
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    changed = true;
    return cache_rows::delete_role_assignment(db, key, assignment_id);
  });
}

Status Cache::apply_user_page(const std::string& tenant, const UserPage& page) {
  std::string now = format_iso8601(db_->clock().now());
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    return apply_page_rows(db, key, page, now, changed);
  });
}

namespace {

// The tenant's row and its read of `scope` begun by begin_staging, or an error naming both.
struct ReadInProgress {
  TenantRow row;
  StagedReads::iterator read;
};

Result<ReadInProgress> read_in_progress(Database& db, StagedReads& reads, const std::string& tenant,
                                        ReadScope scope) {
  auto row = resolve_tenant(db, tenant);
  if (!row.ok()) return row.error();
  auto it = reads.find({row->key, static_cast<int>(scope)});
  if (it == reads.end()) {
    return make_error(ErrorKind::Internal,
                      std::string("no ") + scope_name(scope) + " in progress for tenant " + tenant);
  }
  return ReadInProgress{*row, it};
}

// Begins the staged read, after writing `lists` (Cache::begin_read).
Status begin_staging(Database& db, StagedReads& reads, const std::string& tenant, ReadScope scope,
                     const ListRows& lists = {}) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto row = resolve_tenant(db, tenant);
  if (!row.ok()) return row.error();
  bool changed = false;
  Status st = write_list_rows(db, row->key, lists, changed);
  if (st.ok() && changed) st = cache_rows::bump_state_version(db, row->key);
  if (!st.ok()) return st;
  // Leftovers of a read that crashed or was aborted.
  auto clear = db.cached("DELETE FROM staged_users WHERE tenant = ?1 AND kind = ?2");
  if (!clear.ok()) return clear.error();
  (*clear)->bind_all(row->key, static_cast<int>(scope));
  st = (*clear)->run();
  if (!st.ok()) return st;
  // Each scope spelled out: "deleted_at IS NOT NULL" reads the users_deleted index (schema
  // v9), not every user of the tenant.
  auto any = db.cached(
      scope == ReadScope::Active
          ? "SELECT EXISTS (SELECT 1 FROM users WHERE tenant = ?1 AND deleted_at IS NULL)"
          : "SELECT EXISTS (SELECT 1 FROM users WHERE tenant = ?1 AND deleted_at IS NOT NULL)");
  if (!any.ok()) return any.error();
  (*any)->bind(1, row->key);
  auto r = (*any)->step();
  if (!r.ok()) return r.error();
  bool direct = !(*any)->column_bool(0);
  st = tx->commit();
  if (!st.ok()) return st;
  reads[{row->key, static_cast<int>(scope)}] = direct;
  return {};
}

Status stage_rows(Database& db, StagedReads& reads, const std::string& tenant, ReadScope scope,
                  const std::vector<User>& users, const std::string& now) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto found = read_in_progress(db, reads, tenant, scope);
  if (!found.ok()) return found.error();
  const TenantRow& row = found->row;
  StagedReads::iterator it = found->read;
  // Active users carry no deletion date; deleted ones always do (the service always sends
  // it; NULL is never stored here). Copied only when that needs mending, which is rare.
  auto as_read = [&](const User& u, std::optional<User>& mended) -> const User& {
    if ((scope == ReadScope::Active) == !u.deleted_date_time) return u;
    mended = u;
    if (scope == ReadScope::Active) {
      mended->deleted_date_time.reset();
    } else {
      mended->deleted_date_time = now;
    }
    return *mended;
  };
  std::optional<User> mended;
  if (it->second) {  // direct
    // Mended copies in a deque: they stay where they are as more are added.
    std::deque<User> mended_users;
    std::vector<const User*> rows;
    rows.reserve(users.size());
    for (const auto& u : users) {
      const User& r = as_read(u, mended);
      rows.push_back(&r == &u ? &u : &mended_users.emplace_back(std::move(*mended)));
    }
    bool changed = false;
    Status st = cache_rows::write_new_users(db, row.key, rows, changed);
    if (st.ok() && changed) st = cache_rows::bump_state_version(db, row.key);
    if (!st.ok()) return st;
    return tx->commit();
  }
  auto stage = db.cached(
      "INSERT OR REPLACE INTO staged_users (tenant, kind, id, content_hash, payload) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stage.ok()) return stage.error();
  for (const auto& original : users) {
    const User& u = as_read(original, mended);
    std::int64_t hash = user_content_hash(u);
    auto existing = cache_rows::find_user(db, row.key, u.id);
    if (!existing.ok()) return existing.error();
    // The payload is needed only when the cache's row differs (hash covers deletedAt).
    bool same = *existing && content_hash_matches((*existing)->content_hash, hash, u);
    Statement& s = **stage;
    s.reset();
    s.bind_all(row.key, static_cast<int>(scope), u.id, hash);
    if (same) {
      s.bind_null(5);
    } else {
      s.bind(5, encode_staged_user(u));
    }
    Status st = s.run();
    if (!st.ok()) return st;
  }
  return tx->commit();
}

// Swaps a staged read in. Sets `changed` when the tenant's data changed.
Status commit_staged(Database& db, std::int64_t tenant_key, ReadScope scope, bool& changed) {
  int kind = static_cast<int>(scope);
  // Users of this scope the read did not see are gone (or moved to the other scope, which
  // its own read or a delta brings back).
  // (Each scope spelled out, as in begin_staging.)
  const char* unseen_sql =
      scope == ReadScope::Active
          ? "SELECT u.key FROM users u WHERE u.tenant = ?1 AND u.deleted_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM staged_users s WHERE s.tenant = ?1 AND s.kind = ?2 "
            "AND s.id = u.id)"
          : "SELECT u.key FROM users u WHERE u.tenant = ?1 AND u.deleted_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM staged_users s WHERE s.tenant = ?1 AND s.kind = ?2 "
            "AND s.id = u.id)";
  std::vector<std::int64_t> unseen;
  {
    auto s = db.cached(unseen_sql);
    if (!s.ok()) return s.error();
    (*s)->bind_all(tenant_key, kind);
    Status read =
        for_each_row(**s, [&](const Statement& r) { unseen.push_back(r.column_int64(0)); });
    if (!read.ok()) return read;
  }
  for (std::int64_t key : unseen) {
    Status st = cache_rows::delete_user(db, key);
    if (!st.ok()) return st;
    changed = true;
  }
  {
    auto s = db.cached(
        "SELECT payload FROM staged_users WHERE tenant = ?1 AND kind = ?2 "
        "AND payload IS NOT NULL");
    if (!s.ok()) return s.error();
    (*s)->bind_all(tenant_key, kind);
    Status applied = for_each_row(**s, [&](const Statement& r) -> Status {
      auto user = decode_staged_user(r.column_text(0));
      if (!user.ok()) return user.error();
      return write_user_row(db, tenant_key, *user, changed);
    });
    if (!applied.ok()) return applied;
  }
  auto clear = db.cached("DELETE FROM staged_users WHERE tenant = ?1 AND kind = ?2");
  if (!clear.ok()) return clear.error();
  (*clear)->bind_all(tenant_key, kind);
  return (*clear)->run();
}

Status commit_staging(Database& db, StagedReads& reads, const std::string& tenant, ReadScope scope,
                      const std::optional<std::string>& delta_link) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto found = read_in_progress(db, reads, tenant, scope);
  if (!found.ok()) return found.error();
  const TenantRow& row = found->row;
  StagedReads::iterator it = found->read;
  bool changed = false;
  if (!it->second) {
    Status st = commit_staged(db, row.key, scope, changed);
    if (!st.ok()) return st;
  }
  if (delta_link) {
    Status st = cache_rows::ensure_sync_row(db, row.key);
    if (!st.ok()) return st;
    auto s = db.cached("UPDATE sync_state SET delta_link = ?2 WHERE tenant = ?1");
    if (!s.ok()) return s.error();
    (*s)->bind_all(row.key, *delta_link);
    st = (*s)->run();
    if (!st.ok()) return st;
  }
  if (changed) {
    Status st = cache_rows::bump_state_version(db, row.key);
    if (!st.ok()) return st;
  }
  Status st = tx->commit();
  if (st.ok()) reads.erase(it);
  return st;
}

// Whether `users`, a whole list of deleted users as read, are exactly the tenant's cached
// deleted users, each as cached: then replacing them would write only staged rows that
// the commit deletes again (a quiet delta round reads the list every time).
Result<bool> deleted_users_unchanged(Database& db, const std::string& tenant,
                                     const std::vector<User>& users) {
  auto row = resolve_tenant(db, tenant);
  if (!row.ok()) return row.error();
  std::vector<const User*> listed;
  listed.reserve(users.size());
  for (const auto& u : users) {
    // Without a deletion date the read stamps "now": a change, as stage_rows sees it.
    if (!u.deleted_date_time) return false;
    listed.push_back(&u);
  }
  std::sort(listed.begin(), listed.end(),
            [](const User* a, const User* b) { return a->id < b->id; });
  // The cached ones side by side with them, in the order of their own index (users_deleted
  // holds id and content hash), which a lookup each in (tenant, id) would not be: random
  // ids sit on as many pages. A user listed twice meets the next cached one the second time.
  auto s = db.cached(
      "SELECT id, content_hash FROM users WHERE tenant = ?1 AND deleted_at IS NOT NULL "
      "ORDER BY id");
  if (!s.ok()) return s.error();
  (*s)->bind(1, row->key);
  bool same = true;
  size_t at = 0;
  Status read = for_each_row(**s, [&](const Statement& r) {
    same = same && at < listed.size() && r.column_view(0) == listed[at]->id &&
           content_hash_matches(r.column_int64(1), *listed[at]);
    ++at;
  });
  if (!read.ok()) return read.error();
  return same && at == listed.size();
}

// A read of one page of deleted users that is the whole list: begun, staged and committed
// in one transaction (a savepoint inside the caller's), or only read when nothing changed.
// On failure the caller ends the read with abort_staging().
Status replace_deleted_rows(Database& db, StagedReads& reads, const std::string& tenant,
                            const std::vector<User>& users, const std::string& now,
                            bool* moved = nullptr) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto unchanged = deleted_users_unchanged(db, tenant, users);
  if (!unchanged.ok()) return unchanged.error();
  if (*unchanged) return tx->commit();  // a read only: nothing to write
  if (moved) *moved = true;
  Status s = begin_staging(db, reads, tenant, ReadScope::Deleted);
  if (s.ok()) s = stage_rows(db, reads, tenant, ReadScope::Deleted, users, now);
  if (s.ok()) s = commit_staging(db, reads, tenant, ReadScope::Deleted, std::nullopt);
  if (s.ok()) s = tx->commit();
  return s;
}

Status abort_staging(Database& db, StagedReads& reads, const std::string& tenant, ReadScope scope) {
  auto row = resolve_tenant(db, tenant);
  if (!row.ok()) return row.error();
  reads.erase({row->key, static_cast<int>(scope)});
  auto clear = db.cached("DELETE FROM staged_users WHERE tenant = ?1 AND kind = ?2");
  if (!clear.ok()) return clear.error();
  (*clear)->bind_all(row->key, static_cast<int>(scope));
  return (*clear)->run();
}

}  // namespace

Status Cache::begin_read(const std::string& tenant, ReadScope scope, const ListRows& lists) {
  return db_->with_writer(
      [&](Database& db) { return begin_staging(db, impl_->reads, tenant, scope, lists); });
}

Status Cache::stage_page(const std::string& tenant, ReadScope scope,
                         const std::vector<User>& users) {
  std::string now = format_iso8601(db_->clock().now());
  return db_->with_writer(
      [&](Database& db) { return stage_rows(db, impl_->reads, tenant, scope, users, now); });
}

Status Cache::commit_read(const std::string& tenant, ReadScope scope,
                          const std::optional<std::string>& delta_link) {
  return db_->with_writer(
      [&](Database& db) { return commit_staging(db, impl_->reads, tenant, scope, delta_link); });
}

Status Cache::abort_read(const std::string& tenant, ReadScope scope) {
  return db_->with_writer(
      [&](Database& db) { return abort_staging(db, impl_->reads, tenant, scope); });
}

Status Cache::replace_deleted_users(const std::string& tenant, const std::vector<User>& users) {
  std::string now = format_iso8601(db_->clock().now());
  Status st = db_->with_writer(
      [&](Database& db) { return replace_deleted_rows(db, impl_->reads, tenant, users, now); });
  if (!st.ok()) (void)abort_read(tenant, ReadScope::Deleted);
  return st;
}

// ---- sync state ----

Result<SyncState> Cache::sync_state(const std::string& tenant) {
  return read_tenant(*db_, tenant,
                     [&](Database& db, std::int64_t key) { return read_sync_state(db, key); });
}

namespace {

// Runs `sql` (?1 = tenant key, ?2... = `texts`) on the tenant's sync_state row. When
// `changes_plans` says, of the row as it was, that the update changes what may be planned
// for the tenant, its state version is bumped too, so a plan saved before no longer passes
// for current.
Status update_sync_columns(Database& db, std::int64_t key, const char* sql,
                           const std::vector<std::optional<std::string>>& texts,
                           const std::function<bool(const SyncState&)>& changes_plans) {
  Status st = cache_rows::ensure_sync_row(db, key);
  if (!st.ok()) return st;
  bool bump = false;
  if (changes_plans) {
    auto before = read_sync_state(db, key);
    if (!before.ok()) return before.error();
    bump = changes_plans(*before);
  }
  auto s = db.cached(sql);
  if (!s.ok()) return s.error();
  (*s)->bind(1, key);
  for (size_t i = 0; i < texts.size(); ++i) (*s)->bind(static_cast<int>(i) + 2, texts[i]);
  st = (*s)->run();
  if (st.ok() && bump) st = cache_rows::bump_state_version(db, key);
  return st;
}

// update_sync_columns() on the tenant's row, in one transaction.
Status update_sync_row(CacheDatabase& cdb, const std::string& tenant, const char* sql,
                       const std::vector<std::optional<std::string>>& texts,
                       const std::function<bool(const SyncState&)>& changes_plans = {}) {
  return write_tenant_rows(cdb, tenant, [&](Database& db, std::int64_t key, bool&) {
    return update_sync_columns(db, key, sql, texts, changes_plans);
  });
}

// Cache::mark_complete() on the tenant's row, `now` its time, `graph_host` its remote.
Status mark_complete_row(Database& db, std::int64_t key, ReadKind kind,
                         const std::optional<std::string>& delta_link, const std::string& now,
                         const std::string& graph_host) {
  // A tenant back from gone, or now read from another remote, plans differently.
  auto changes_plans = [&](const SyncState& before) {
    return !before.gone_since.empty() || (!graph_host.empty() && graph_host != before.graph_host);
  };
  return update_sync_columns(
      db, key,
      kind == ReadKind::Full
          ? "UPDATE sync_state SET outcome = 'complete', error = '', synced_at = ?2, "
            "last_full_sync = ?2, gone_since = NULL, gone_reason = '', "
            "graph_host = CASE WHEN ?3 = '' THEN graph_host ELSE ?3 END, "
            "delta_link = coalesce(?4, delta_link) WHERE tenant = ?1"
          : "UPDATE sync_state SET outcome = 'complete', error = '', synced_at = ?2, "
            "last_delta_sync = ?2, gone_since = NULL, gone_reason = '', "
            "graph_host = CASE WHEN ?3 = '' THEN graph_host ELSE ?3 END, "
            "delta_link = coalesce(?4, delta_link) WHERE tenant = ?1",
      {now, graph_host, delta_link}, changes_plans);
}

}  // namespace

Status Cache::set_delta_link(const std::string& tenant, const std::string& delta_link) {
  return update_sync_row(*db_, tenant, "UPDATE sync_state SET delta_link = ?2 WHERE tenant = ?1",
                         {delta_link});
}

Result<TenantCounts> Cache::mark_complete(const std::string& tenant, ReadKind kind,
                                          const std::optional<std::string>& delta_link,
                                          const ListRows& lists,
                                          const std::vector<User>* deleted_users) {
  std::string now = format_iso8601(db_->clock().now());
  TenantCounts counts;
  const RoundEnd round_end{.counts = &counts};
  Status written = write_tenant_rows(
      *db_, tenant,
      [&](Database& db, std::int64_t key, bool& changed) {
        Status st = write_list_rows(db, key, lists, changed);
        // The deleted users move the state version themselves, as replace_deleted_users() does.
        if (st.ok() && deleted_users) {
          st = replace_deleted_rows(db, impl_->reads, tenant, *deleted_users, now);
        }
        if (st.ok()) st = mark_complete_row(db, key, kind, delta_link, now, graph_host_);
        return st;
      },
      &round_end);
  if (!written.ok()) {
    if (deleted_users) (void)abort_read(tenant, ReadScope::Deleted);
    return written.error();
  }
  return counts;
}

namespace {

// The groups without a name that the tenant's users inherit licenses from, after a round
// that wrote `round`. When every one had a name at the version the round began from, only
// the users it wrote can have brought another (group names are never removed), and only
// theirs are looked up; otherwise every user's, from the index of their groups.
Result<std::vector<std::string>> unnamed_groups_after(Database& db, std::int64_t key,
                                                      const WholeDeltaRound& round,
                                                      bool named_before) {
  if (!named_before) return cache_rows::load_unnamed_group_ids(db, key);
  std::set<std::string> groups;
  for (const auto* users : {&round.changes.users, &round.deleted_users}) {
    for (const User& u : *users) {
      for (auto& id : license_group_ids(u.license_states)) groups.insert(std::move(id));
    }
  }
  return cache_rows::unnamed_among(db, key, groups);
}

}  // namespace

Result<WrittenDeltaRound> Cache::write_whole_delta_round(const std::string& tenant,
                                                         const WholeDeltaRound& round) {
  std::string now = format_iso8601(db_->clock().now());
  WrittenDeltaRound out;
  bool moved = false;
  bool all_named = false;
  const RoundEnd round_end{
      .users_moved = &moved, .counts = &out.counts, .groups_all_named = &all_named};
  Status written = write_tenant_rows(
      *db_, tenant,
      [&](Database& db, std::int64_t key, bool& changed) {
        // Before the round's writes move the version.
        auto named_before = cache_rows::groups_named_at_current_version(db, key);
        if (!named_before.ok()) return named_before.status();
        Status st = write_list_rows(db, key, round.lists, changed);
        if (st.ok()) st = apply_page_rows(db, key, round.changes, now, changed, &moved);
        // The deleted users and the completion move the state version themselves, as
        // replace_deleted_users() and mark_complete() do.
        if (st.ok()) {
          st = replace_deleted_rows(db, impl_->reads, tenant, round.deleted_users, now, &moved);
        }
        if (st.ok()) {
          st = mark_complete_row(db, key, ReadKind::Delta, round.delta_link, now, graph_host_);
        }
        // Here, where the writer's pages are current: a read connection drops its own
        // after every commit, and would read the tenant's rows again for this.
        if (st.ok()) {
          out.unnamed_group_ids = unnamed_groups_after(db, key, round, *named_before);
          all_named = out.unnamed_group_ids.ok() && out.unnamed_group_ids->empty();
        }
        return st;
      },
      &round_end);
  if (!written.ok()) {
    (void)abort_read(tenant, ReadScope::Deleted);
    return written.error();
  }
  return out;
}

Status Cache::mark_stale(const std::string& tenant, const std::string& error,
                         const ListRows& lists) {
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    Status st = write_list_rows(db, key, lists, changed);
    if (!st.ok()) return st;
    return update_sync_columns(
        db, key, "UPDATE sync_state SET outcome = 'stale', error = ?2 WHERE tenant = ?1", {error},
        {});
  });
}

Status Cache::mark_gone(const std::string& tenant, const std::string& reason) {
  std::string now = format_iso8601(db_->clock().now());
  return update_sync_row(
      *db_, tenant,
      "UPDATE sync_state SET gone_since = coalesce(gone_since, ?2), gone_reason = ?3, "
      "delta_link = '' WHERE tenant = ?1",
      {now, reason}, [](const SyncState& before) { return before.gone_since.empty(); });
}

Result<std::vector<CachedTenant>> Cache::mark_missing_from_contracts(
    const std::vector<Tenant>& customers) {
  std::unordered_set<std::string_view> contracted;
  for (const Tenant& c : customers) contracted.insert(c.id);
  // The ids of the cached tenants not among them, by domain, and whether each is marked
  // already: every round asks before any tenant is read, and reading every tenant whole
  // (tenants()) for the few gone was 8% of a delta round's instructions on 1,000 tenants.
  struct Missing {
    std::string id;
    bool marked = false;
  };
  auto missing = db_->with_reader([&](Database& db) -> Result<std::vector<Missing>> {
    auto s = db.cached(
        "SELECT t.id, s.gone_since, s.gone_reason FROM tenants t "
        "LEFT JOIN sync_state s ON s.tenant = t.key ORDER BY t.domain COLLATE NOCASE");
    if (!s.ok()) return s.error();
    std::vector<Missing> out;
    Status read = for_each_row(**s, [&](const Statement& r) {
      if (contracted.contains(r.column_view(0))) return;
      out.push_back(
          {r.column_text(0), !r.column_view(1).empty() && r.column_view(2) == kGoneFromContracts});
    });
    if (!read.ok()) return read.error();
    return out;
  });
  if (!missing.ok()) return missing.error();
  std::vector<CachedTenant> gone;
  for (const Missing& m : *missing) {
    if (!m.marked) {
      Status st = mark_gone(m.id, kGoneFromContracts);
      if (!st.ok()) return st.error();
    }
    auto tenant = find_tenant(m.id);
    if (!tenant.ok()) return tenant.error();
    auto state = sync_state(m.id);
    if (!state.ok()) return state.error();
    gone.push_back({std::move(tenant).value(), std::move(state).value()});
  }
  return gone;
}

// ---- executor results ----

Status Cache::fold_user(const std::string& tenant, const User& user) {
  User active = user;
  active.deleted_date_time.reset();
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    return write_user_row(db, key, active, changed);
  });
}

Status Cache::mark_deleted(const std::string& tenant, const std::string& user_id) {
  std::string now = format_iso8601(db_->clock().now());
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    return cache_rows::soft_delete_user(db, key, user_id, now, changed);
  });
}

Status Cache::remove_user(const std::string& tenant, const std::string& user_id) {
  return write_tenant_rows(*db_, tenant, [&](Database& db, std::int64_t key, bool& changed) {
    return remove_user_row(db, key, user_id, changed);
  });
}

// ---- reads ----

namespace {

// The users of one tenant as their rows hold them, active and deleted apart, and the
// users whose rows fail the content hash stored beside them (hash 0, "unknown", never
// verifies; nor does a row whose licenses do not decode).
struct LoadedUsers {
  std::vector<User> active;
  std::vector<User> deleted;
  std::vector<std::int64_t> damaged_keys;  // users.key of each failing user
  std::vector<std::string> damaged_upns;   // and its UPN
};

// One query, in the (tenant, id) index's order; each user's licenses are in its row.
Result<LoadedUsers> load_users(Database& db, std::int64_t tenant_key) {
  LoadedUsers loaded;
  // Both counts come from indexes (users_deleted is the deleted users' own).
  auto count = [&](const char* query) -> Result<size_t> {
    auto s = db.cached(query);
    if (!s.ok()) return s.error();
    (*s)->bind(1, tenant_key);
    auto stepped = (*s)->step();
    if (!stepped.ok()) return stepped.error();
    return static_cast<size_t>((*s)->column_int64(0));
  };
  auto n = count("SELECT count(*) FROM users WHERE tenant = ?1");
  if (!n.ok()) return n.error();
  auto deleted = count("SELECT count(*) FROM users WHERE tenant = ?1 AND deleted_at IS NOT NULL");
  if (!deleted.ok()) return deleted.error();
  loaded.active.reserve(*n - std::min(*n, *deleted));
  loaded.deleted.reserve(*deleted);

  static const std::string sql = std::string("SELECT ") + cache_rows::kUserColumns +
                                 ", u.content_hash FROM users u WHERE u.tenant = ?1";
  auto s = db.cached(sql.c_str());
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  Status read = for_each_row(**s, [&](const Statement& r) {
    User u;
    const bool decoded = cache_rows::read_user_columns(r, u);
    const std::int64_t stored_hash = r.column_int64(cache_rows::kUserColumnCount);
    if (!decoded || !content_hash_matches(stored_hash, u)) {
      loaded.damaged_keys.push_back(r.column_int64(0));
      loaded.damaged_upns.push_back(u.user_principal_name);
    }
    (u.deleted_date_time ? loaded.deleted : loaded.active).push_back(std::move(u));
  });
  if (!read.ok()) return read.error();
  return loaded;
}

// Sorts `users` by UPN as written, then id. The order is found on indexes and the users
// then moved once each: std::sort would move a User (a dozen strings) at every swap.
void sort_by_upn(std::vector<User>& users) {
  std::vector<std::uint32_t> order(users.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(users[a].user_principal_name, users[a].id) <
           std::tie(users[b].user_principal_name, users[b].id);
  });
  std::vector<User> sorted;
  sorted.reserve(users.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(users[i]));
  users = std::move(sorted);
}

}  // namespace

Result<TenantSnapshot> Cache::load_snapshot(const std::string& tenant) {
  std::int64_t tenant_key = 0;
  std::vector<std::int64_t> damaged_keys;
  auto snapshot = db_->with_reader([&](Database& db) -> Result<TenantSnapshot> {
    // One read transaction: every query sees the same committed state.
    auto tx = Transaction::begin(db, Transaction::Mode::Deferred);
    if (!tx.ok()) return tx.error();
    auto row = resolve_tenant(db, tenant);
    if (!row.ok()) return row.error();
    tenant_key = row->key;
    TenantSnapshot snap;
    snap.tenant = row->tenant;
    auto state = read_sync_state(db, row->key);
    if (!state.ok()) return state.error();
    snap.mirror = state->outcome;
    snap.stale_reason = state->outcome == MirrorState::Stale ? state->error : "";
    snap.synced_at = state->synced_at;
    snap.ever_complete = state->ever_complete();
    snap.gone_since = state->gone_since;
    snap.gone_reason = state->gone_since.empty() ? "" : state->gone_reason;
    if (!state->graph_host.empty() && !graph_host_.empty() && state->graph_host != graph_host_) {
      snap.other_graph_host = state->graph_host;
    }
    Status parts = cache_rows::load_skus(db, row->key).move_to(snap.skus);
    if (parts.ok()) {
      auto intact = cache_rows::skus_intact(db, row->key, snap.skus);
      if (!intact.ok()) return intact.error();
      snap.skus_fail_checksum = !*intact;
    }
    if (parts.ok()) parts = cache_rows::load_domains(db, row->key).move_to(snap.domains);
    if (parts.ok()) parts = cache_rows::load_role_definitions(db, row->key).move_to(snap.roles);
    if (parts.ok()) {
      parts = cache_rows::load_role_assignments(db, row->key).move_to(snap.role_assignments);
    }
    if (parts.ok()) parts = cache_rows::load_group_names(db, row->key).move_to(snap.group_names);
    if (!parts.ok()) return parts.error();
    auto loaded = load_users(db, row->key);
    if (!loaded.ok()) return loaded.error();
    damaged_keys = std::move(loaded->damaged_keys);
    snap.failing_checksum = std::move(loaded->damaged_upns);
    std::sort(snap.failing_checksum.begin(), snap.failing_checksum.end());
    snap.users = std::move(loaded->active);
    snap.deleted_users = std::move(loaded->deleted);
    sort_by_upn(snap.users);
    sort_by_upn(snap.deleted_users);
    Status st = tx->commit();
    if (!st.ok()) return st.error();
    return snap;
  });
  if (snapshot.ok() && snapshot->rows_fail_checksum()) {
    log_warn("cached rows fail their checksum; the next mirror re-reads the tenant fully",
             {{"tenant", snapshot->tenant.default_domain_name},
              {"users", std::to_string(damaged_keys.size())},
              {"first", damaged_keys.empty() ? "" : snapshot->failing_checksum.front()},
              {"skus", snapshot->skus_fail_checksum ? "damaged" : "intact"}});
    // Best effort: the snapshot says it cannot be trusted whether or not this lands, and
    // the next load asks again.
    Status marked = request_full_reread(tenant_key, damaged_keys, snapshot->skus_fail_checksum);
    if (!marked.ok()) {
      log_warn(
          "could not mark the tenant for a full re-read",
          {{"tenant", snapshot->tenant.default_domain_name}, {"error", marked.error().describe()}});
    }
  }
  return snapshot;
}

Status Cache::request_full_reread(std::int64_t tenant_key,
                                  const std::vector<std::int64_t>& user_keys, bool skus_damaged) {
  return db_->with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    // Hash 0 fails verification until a read writes the row again, and never equals the
    // hash of the user the service sends, so the re-read rewrites the row even when the
    // damage left the stored hash equal to the service's.
    auto unknown = db.cached("UPDATE users SET content_hash = 0 WHERE key = ?1 AND tenant = ?2");
    if (!unknown.ok()) return unknown.error();
    for (std::int64_t key : user_keys) {
      (*unknown)->reset();
      (*unknown)->bind_all(key, tenant_key);
      Status st = (*unknown)->run();
      if (!st.ok()) return st;
    }
    Status st = cache_rows::ensure_sync_row(db, tenant_key);
    if (!st.ok()) return st;
    // No delta link: the next mirror reads every user. Damaged SKUs get hash 0, which,
    // as a user's, fails every load and matches no list, so that read compares the SKU
    // rows with the service's and rewrites them.
    auto full = db.cached(
        "UPDATE sync_state SET delta_link = '', "
        "skus_hash = CASE WHEN ?2 THEN 0 ELSE skus_hash END WHERE tenant = ?1");
    if (!full.ok()) return full.error();
    (*full)->bind_all(tenant_key, skus_damaged);
    st = (*full)->run();
    if (!st.ok()) return st;
    return tx->commit();
  });
}

Result<TenantCounts> Cache::counts(const std::string& tenant) {
  return read_tenant(*db_, tenant, load_counts);
}

Result<std::string> Cache::fingerprint(const std::vector<std::string>& tenant_ids) {
  auto lines = db_->with_reader([&](Database& db) -> Result<std::vector<std::string>> {
    auto tx = Transaction::begin(db, Transaction::Mode::Deferred);
    if (!tx.ok()) return tx.error();
    std::vector<std::string> out;
    for (const auto& name : tenant_ids) {
      auto row = resolve_tenant(db, name);
      if (!row.ok() && row.error().kind != ErrorKind::NotFound) return row.error();
      std::int64_t version = 0;
      std::string id = name;
      if (row.ok()) {
        id = row->tenant.id;
        auto state = read_sync_state(db, row->key);
        if (!state.ok()) return state.error();
        version = state->state_version;
      }
      out.push_back(id + "\t" + std::to_string(version) + "\n");
    }
    return out;
  });
  if (!lines.ok()) return lines.error();
  std::sort(lines->begin(), lines->end());
  lines->erase(std::unique(lines->begin(), lines->end()), lines->end());
  std::string text;
  for (const auto& l : *lines) text += l;
  return sha256_text(text);
}

}  // namespace tenantsync
