#include "sync/store/cache_rows.h"

#include <algorithm>
#include <array>

#include "sync/store/cache_codec.h"
#include "sync/store/license_columns.h"

namespace tenantsync::cache_rows {

namespace {

// The tenant row `sql` finds for ?1, if any.
Result<std::optional<TenantRow>> find_tenant(Database& db, const char* sql,
                                             const std::string& tenant) {
  auto s = db.cached(sql);
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant);
  auto row = (*s)->step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<TenantRow>();
  TenantRow out;
  out.key = (*s)->column_int64(0);
  out.tenant.id = (*s)->column_text(1);
  out.tenant.default_domain_name = (*s)->column_text(2);
  out.tenant.display_name = (*s)->column_text(3);
  return std::optional<TenantRow>(std::move(out));
}

}  // namespace

Result<TenantRow> resolve_tenant(Database& db, const std::string& tenant) {
  // By id, else by domain: two index lookups (one query with OR sorts what it finds).
  auto found =
      find_tenant(db, "SELECT key, id, domain, display_name FROM tenants WHERE id = ?1", tenant);
  if (found.ok() && !*found) {
    found = find_tenant(db,
                        "SELECT key, id, domain, display_name FROM tenants "
                        "WHERE domain = ?1 COLLATE NOCASE LIMIT 1",
                        tenant);
  }
  if (!found.ok()) return found.error();
  if (!*found) {
    return make_error(ErrorKind::NotFound,
                      "tenant " + tenant + " is not in the cache; run `tenantsync mirror` first",
                      "unknown-tenant");
  }
  return std::move(**found);
}

namespace {

// Runs the cached statement `sql`, whose only parameter ?1 is the tenant's key.
Status run_for_tenant(Database& db, const char* sql, std::int64_t tenant_key) {
  auto s = db.cached(sql);
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  return (*s)->run();
}

}  // namespace

Result<std::unordered_map<std::string, KnownTenant>> load_known_tenants(Database& db) {
  auto s = db.cached(
      "SELECT t.id, t.domain, t.display_name, s.tenant IS NOT NULL "
      "FROM tenants t LEFT JOIN sync_state s ON s.tenant = t.key");
  if (!s.ok()) return s.error();
  std::unordered_map<std::string, KnownTenant> known;
  Status read = for_each_row(**s, [&](const Statement& r) {
    known.emplace(r.column_text(0),
                  KnownTenant{r.column_text(1), r.column_text(2), r.column_bool(3)});
  });
  if (!read.ok()) return read.error();
  return known;
}

// Every mirrored tenant has its row after its first read, so both look for it first: an
// INSERT that finds the row there costs several times the SELECT or UPDATE that does
// (callgrind: about 26,000 instructions against 1,500), once or twice a tenant a round.
Status ensure_sync_row(Database& db, std::int64_t tenant_key) {
  auto s = db.cached("SELECT 1 FROM sync_state WHERE tenant = ?1");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  auto found = (*s)->step();
  if (!found.ok()) return found.error();
  if (*found) return {};
  return run_for_tenant(db, "INSERT OR IGNORE INTO sync_state (tenant) VALUES (?1)", tenant_key);
}

Status bump_state_version(Database& db, std::int64_t tenant_key) {
  Status st = run_for_tenant(
      db, "UPDATE sync_state SET state_version = state_version + 1 WHERE tenant = ?1", tenant_key);
  if (!st.ok() || db.changes() > 0) return st;
  return run_for_tenant(db, "INSERT INTO sync_state (tenant, state_version) VALUES (?1, 1)",
                        tenant_key);
}

Result<UserCounts> count_user_rows(Database& db, std::int64_t tenant_key) {
  auto s = db.cached(
      "SELECT (SELECT count(*) FROM users WHERE tenant = ?1), "
      "(SELECT count(*) FROM users WHERE tenant = ?1 AND deleted_at IS NOT NULL)");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  auto r = (*s)->step();
  if (!r.ok()) return r.error();
  UserCounts c;
  c.deleted = (*s)->column_int(1);
  c.active = (*s)->column_int(0) - c.deleted;
  return c;
}

Result<bool> counts_current(Database& db, std::int64_t tenant_key) {
  auto current =
      db.cached("SELECT 1 FROM sync_state WHERE tenant = ?1 AND counted_version IS state_version");
  if (!current.ok()) return current.error();
  (*current)->bind(1, tenant_key);
  return (*current)->step();
}

Status keep_counts(Database& db, std::int64_t tenant_key) {
  return run_for_tenant(db,
                        "UPDATE sync_state SET counted_version = state_version "
                        "WHERE tenant = ?1 AND counted_version IS NOT state_version",
                        tenant_key);
}

Status count_users(Database& db, std::int64_t tenant_key) {
  auto current = counts_current(db, tenant_key);
  if (!current.ok()) return current.error();
  if (*current) return {};  // a round that changed nothing: still current
  auto counts = count_user_rows(db, tenant_key);
  if (!counts.ok()) return counts.error();
  auto s = db.cached(
      "UPDATE sync_state SET counted_version = state_version, active_users = ?2, "
      "deleted_users = ?3 WHERE tenant = ?1");
  if (!s.ok()) return s.error();
  (*s)->bind_all(tenant_key, counts->active, counts->deleted);
  return (*s)->run();
}

namespace {

// A tenant's SKU rows in the service's order (load_skus()), or as stored, each with its
// position (skus_unchanged(): ordering them by position sorted them in a temporary b-tree,
// in every round of every tenant).
constexpr const char* kSkusInOrder =
    "SELECT sku_id, object_id, part_number, applies_to, capability_status, consumed_units, "
    "enabled, suspended, warning, locked_out FROM skus WHERE tenant = ?1 ORDER BY position";
constexpr const char* kSkusAsStored =
    "SELECT sku_id, object_id, part_number, applies_to, capability_status, consumed_units, "
    "enabled, suspended, warning, locked_out, position FROM skus WHERE tenant = ?1";

// A SKU row's own fields (all but its plans), as both statements above select them.
Sku sku_of_row(const Statement& r) {
  Sku k;
  k.sku_id = r.column_text(0);
  k.id = r.column_text(1);
  k.sku_part_number = r.column_text(2);
  k.applies_to = r.column_text(3);
  k.capability_status = r.column_text(4);
  k.consumed_units = r.column_int(5);
  k.prepaid_units = {r.column_int(6), r.column_int(7), r.column_int(8), r.column_int(9)};
  return k;
}

// Walks the tenant's SKU rows (`skus_sql`), then all its plan rows in one pass of their
// key's order (each SKU's together, in theirs): two statements, not one a SKU.
template <class OnSku, class OnPlan>
Status walk_sku_rows(Database& db, std::int64_t tenant_key, const char* skus_sql, OnSku&& on_sku,
                     OnPlan&& on_plan) {
  auto s = db.cached(skus_sql);
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  if (Status read = for_each_row(**s, on_sku); !read.ok()) return read;
  auto p = db.cached(
      "SELECT sku_id, plan_id, name, provisioning_status, applies_to FROM service_plans "
      "WHERE tenant = ?1 ORDER BY sku_id, position");
  if (!p.ok()) return p.error();
  (*p)->bind(1, tenant_key);
  return for_each_row(**p, on_plan);
}

// The SKU of `skus` a plan row (sku_id first) belongs to, looked up only when the row's
// SKU is not `last`'s; null for plans of a SKU the tenant does not list.
template <class Skus, class SkuPointer>
SkuPointer sku_of_plan(Skus& skus, SkuPointer last, const Statement& r) {
  if (last && last->sku_id == r.column_view(0)) return last;
  for (auto& k : skus) {
    if (k.sku_id == r.column_view(0)) return &k;
  }
  return nullptr;
}

// Whether the tenant's SKUs are exactly `skus` (what load_skus() would give), compared
// as the rows are read: a quiet round compares them every time, and loading them built
// four strings a plan.
Result<bool> skus_unchanged(Database& db, std::int64_t tenant_key, const std::vector<Sku>& skus) {
  bool same = true;
  size_t rows = 0;
  std::vector<bool> seen(skus.size());
  auto on_sku = [&](const Statement& r) {
    ++rows;
    const std::int64_t at = r.column_int64(10);
    if (at < 0 || static_cast<size_t>(at) >= skus.size() || seen[static_cast<size_t>(at)]) {
      same = false;
      return;
    }
    seen[static_cast<size_t>(at)] = true;
    const Sku& k = skus[static_cast<size_t>(at)];
    same = same && r.column_view(0) == k.sku_id && r.column_view(1) == k.id &&
           r.column_view(2) == k.sku_part_number && r.column_view(3) == k.applies_to &&
           r.column_view(4) == k.capability_status && r.column_int(5) == k.consumed_units &&
           r.column_int(6) == k.prepaid_units.enabled &&
           r.column_int(7) == k.prepaid_units.suspended &&
           r.column_int(8) == k.prepaid_units.warning &&
           r.column_int(9) == k.prepaid_units.locked_out;
  };
  const Sku* sku = nullptr;
  size_t plan = 0, plans = 0;
  auto on_plan = [&](const Statement& r) {
    const Sku* of = sku_of_plan(skus, sku, r);
    if (of != sku) plan = 0;
    sku = of;
    if (!sku) return;  // as load_skus() passes it over
    ++plans;
    if (plan >= sku->service_plans.size()) {
      same = false;
      return;
    }
    const ServicePlan& p = sku->service_plans[plan++];
    same = same && r.column_view(1) == p.service_plan_id &&
           r.column_view(2) == p.service_plan_name && r.column_view(3) == p.provisioning_status &&
           r.column_view(4) == p.applies_to;
  };
  Status read = walk_sku_rows(db, tenant_key, kSkusAsStored, on_sku, on_plan);
  if (!read.ok()) return read.error();
  size_t listed = 0;
  for (const Sku& k : skus) listed += k.service_plans.size();
  return same && rows == skus.size() && plans == listed;
}

// The tenant's SKU rows without their plans, each at its position; nullopt unless there is
// one row for each of positions 0 to `count` - 1.
Result<std::optional<std::vector<Sku>>> sku_rows_by_position(Database& db, std::int64_t tenant_key,
                                                             std::size_t count) {
  auto s = db.cached(kSkusAsStored);
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  std::vector<Sku> rows(count);
  std::vector<bool> seen(count);
  bool whole = true;
  std::size_t read = 0;
  Status walked = for_each_row(**s, [&](const Statement& r) {
    ++read;
    const std::int64_t at = r.column_int64(10);
    if (at < 0 || static_cast<std::size_t>(at) >= count || seen[static_cast<std::size_t>(at)]) {
      whole = false;
      return;
    }
    seen[static_cast<std::size_t>(at)] = true;
    rows[static_cast<std::size_t>(at)] = sku_of_row(r);
  });
  if (!walked.ok()) return walked.error();
  if (!whole || read != count) return std::optional<std::vector<Sku>>();
  return std::optional<std::vector<Sku>>(std::move(rows));
}

// Whether two SKUs' own fields (all but their plans) are the same.
bool same_row(const Sku& a, const Sku& b) {
  return a.sku_id == b.sku_id && a.id == b.id && a.sku_part_number == b.sku_part_number &&
         a.applies_to == b.applies_to && a.capability_status == b.capability_status &&
         a.consumed_units == b.consumed_units && a.prepaid_units == b.prepaid_units;
}

// Writes `skus`' own fields into the SKU rows that hold others (`rows`, as
// sku_rows_by_position() read them); keys and plan rows stay. Whether any row differed.
Result<bool> update_sku_rows(Database& db, std::int64_t tenant_key, const std::vector<Sku>& skus,
                             const std::vector<Sku>& rows) {
  auto s = db.cached(
      "UPDATE skus SET object_id = ?3, part_number = ?4, applies_to = ?5, "
      "capability_status = ?6, consumed_units = ?7, enabled = ?8, suspended = ?9, "
      "warning = ?10, locked_out = ?11 WHERE tenant = ?1 AND sku_id = ?2");
  if (!s.ok()) return s.error();
  bool updated = false;
  for (std::size_t i = 0; i < skus.size(); ++i) {
    const Sku& k = skus[i];
    if (same_row(k, rows[i])) continue;
    updated = true;
    (*s)->reset();
    (*s)->bind_all(tenant_key, k.sku_id, k.id, k.sku_part_number, k.applies_to, k.capability_status,
                   k.consumed_units, k.prepaid_units.enabled, k.prepaid_units.suspended,
                   k.prepaid_units.warning, k.prepaid_units.locked_out);
    if (Status st = (*s)->run(); !st.ok()) return st.error();
  }
  return updated;
}

// The hash kept beside the tenant's SKU rows; nullopt when unknown.
Result<std::optional<std::int64_t>> stored_skus_hash(Database& db, std::int64_t tenant_key) {
  auto s = db.cached("SELECT skus_hash FROM sync_state WHERE tenant = ?1");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  auto found = (*s)->step();
  if (!found.ok()) return found.error();
  if (!*found || (*s)->column_is_null(0)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*s)->column_int64(0));
}

Status store_skus_hash(Database& db, std::int64_t tenant_key, std::int64_t hash) {
  auto s =
      db.cached("UPDATE sync_state SET skus_hash = ?2 WHERE tenant = ?1 AND skus_hash IS NOT ?2");
  if (!s.ok()) return s.error();
  (*s)->bind_all(tenant_key, hash);
  return (*s)->run();
}

}  // namespace

Result<std::vector<Sku>> load_skus(Database& db, std::int64_t tenant_key) {
  std::vector<Sku> skus;
  Sku* sku = nullptr;
  Status read = walk_sku_rows(
      db, tenant_key, kSkusInOrder, [&](const Statement& r) { skus.push_back(sku_of_row(r)); },
      [&](const Statement& r) {
        sku = sku_of_plan(skus, sku, r);
        if (!sku) return;  // plans of a SKU the tenant does not list
        ServicePlan p;
        p.service_plan_id = r.column_text(1);
        p.service_plan_name = r.column_text(2);
        p.provisioning_status = r.column_text(3);
        p.applies_to = r.column_text(4);
        sku->service_plans.push_back(std::move(p));
      });
  if (!read.ok()) return read.error();
  return skus;
}

Result<bool> skus_intact(Database& db, std::int64_t tenant_key, const std::vector<Sku>& loaded) {
  auto stored = stored_skus_hash(db, tenant_key);
  if (!stored.ok()) return stored.error();
  return !*stored || **stored == sku_list_hash(loaded);
}

namespace {

// Whether two of `skus` have the same id (the skus table's key, compared exactly).
bool repeats_an_id(const std::vector<Sku>& skus) {
  for (size_t i = 0; i < skus.size(); ++i) {
    for (size_t j = i + 1; j < skus.size(); ++j) {
      if (skus[i].sku_id == skus[j].sku_id) return true;
    }
  }
  return false;
}

}  // namespace

Status replace_skus(Database& db, std::int64_t tenant_key, const std::vector<Sku>& skus,
                    bool& changed) {
  // The rows were written from SKUs that hash the same: nothing to read or write. A load
  // checks the rows against the hash, so a damaged row is still found, and the full read it
  // asks for compares row by row (request_full_reread stores hash 0, which nothing has).
  const std::int64_t hash = sku_list_hash(skus);
  auto stored = stored_skus_hash(db, tenant_key);
  if (!stored.ok()) return stored.error();
  if (*stored == hash) return {};
  if (*stored) {
    // The same SKUs and plans with their seats counted anew (every round that assigned,
    // revoked or moved a license): the SKU rows, read back without their plans, hash as
    // stored when given the listed plans. Only the SKU rows that differ are written; the
    // plans' rows, many more, are neither read nor written.
    auto rows = sku_rows_by_position(db, tenant_key, skus.size());
    if (!rows.ok()) return rows.error();
    if (*rows && sku_list_hash(skus, **rows) == **stored &&
        std::equal(skus.begin(), skus.end(), (*rows)->begin(),
                   [](const Sku& a, const Sku& b) { return a.sku_id == b.sku_id; })) {
      auto updated = update_sku_rows(db, tenant_key, skus, **rows);
      if (!updated.ok()) return updated.error();
      if (*updated) changed = true;
      return store_skus_hash(db, tenant_key, hash);
    }
  }
  auto unchanged = skus_unchanged(db, tenant_key, skus);
  if (!unchanged.ok()) return unchanged.error();
  if (*unchanged) return store_skus_hash(db, tenant_key, hash);
  changed = true;
  for (const char* sql :
       {"DELETE FROM skus WHERE tenant = ?1", "DELETE FROM service_plans WHERE tenant = ?1"}) {
    if (Status st = run_for_tenant(db, sql, tenant_key); !st.ok()) return st;
  }
  Status st = insert_rows(
      db,
      "INSERT OR REPLACE INTO skus (tenant, sku_id, object_id, part_number, applies_to, "
      "capability_status, consumed_units, enabled, suspended, warning, locked_out, position) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      skus, [&](Statement& s, std::int64_t position, const Sku& sku) {
        s.bind_all(tenant_key, sku.sku_id, sku.id, sku.sku_part_number, sku.applies_to,
                   sku.capability_status, sku.consumed_units, sku.prepaid_units.enabled,
                   sku.prepaid_units.suspended, sku.prepaid_units.warning,
                   sku.prepaid_units.locked_out, position);
      });
  for (size_t i = 0; i < skus.size() && st.ok(); ++i) {
    st = insert_rows(db,
                     "INSERT OR REPLACE INTO service_plans (tenant, sku_id, position, plan_id, "
                     "name, provisioning_status, applies_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     skus[i].service_plans,
                     [&](Statement& s, std::int64_t position, const ServicePlan& p) {
                       s.bind_all(tenant_key, skus[i].sku_id, position, p.service_plan_id,
                                  p.service_plan_name, p.provisioning_status, p.applies_to);
                     });
  }
  if (!st.ok()) return st;
  // The rows load back as `skus` themselves, unless the list repeats an id: its rows keep
  // one, so their hash is taken from them, and differs from the next read's, which is then
  // compared again.
  if (!repeats_an_id(skus)) return store_skus_hash(db, tenant_key, hash);
  auto written = load_skus(db, tenant_key);
  if (!written.ok()) return written.error();
  return store_skus_hash(db, tenant_key, sku_list_hash(*written));
}

Result<std::optional<UserRowInfo>> find_user(Database& db, std::int64_t tenant_key,
                                             const std::string& user_id) {
  auto s = db.cached(
      "SELECT key, content_hash, deleted_at IS NOT NULL FROM users WHERE tenant = ?1 AND id = ?2");
  if (!s.ok()) return s.error();
  (*s)->bind_all(tenant_key, user_id);
  auto row = (*s)->step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<UserRowInfo>();
  return std::optional<UserRowInfo>(
      UserRowInfo{(*s)->column_int64(0), (*s)->column_int64(1), (*s)->column_bool(2)});
}

namespace {

// A user's license columns, encoded once for its INSERT or UPDATE.
struct LicenseColumns {
  explicit LicenseColumns(const User& u)
      : assigned(encode_assigned_licenses(u.assigned_licenses)),
        states(states_are_assigned(u.license_states, u.assigned_licenses)
                   ? std::string(kStatesAsAssigned)
                   : encode_license_states(u.license_states)),
        groups(encode_license_groups(u.license_states)) {}
  std::string assigned;
  std::string states;
  std::optional<std::string> groups;
};

// A user row's parameters, ?1..?16 in the INSERT and UPDATEs below; a multi-row INSERT
// numbers its n-th row's from `first` = 16 * n + 1.
constexpr int kUserParams = 16;

// The parameters but ?1 (tenant or key), ?2 (id) and the columns indexed besides
// (tenant, id), which bind_indexed_fields() binds. `u` and `licenses` outlive the run.
void bind_user_fields(Statement& s, const User& u, std::int64_t hash,
                      const LicenseColumns& licenses, int first = 1) {
  s.bind_borrowed(first + 3, u.display_name);
  s.bind_borrowed(first + 4, u.mail);
  s.bind_borrowed(first + 5, u.given_name);
  s.bind_borrowed(first + 6, u.surname);
  s.bind_borrowed(first + 7, u.job_title);
  s.bind_borrowed(first + 8, u.department);
  s.bind(first + 9, u.account_enabled);
  s.bind_borrowed(first + 10, u.usage_location);
  s.bind_borrowed(first + 11, u.deleted_date_time);
  s.bind(first + 12, hash);
  s.bind_borrowed(first + 13, licenses.assigned);
  s.bind_borrowed(first + 14, licenses.states);
}

void bind_indexed_fields(Statement& s, const User& u, const LicenseColumns& licenses,
                         int first = 1) {
  s.bind_borrowed(first + 2, u.user_principal_name);
  s.bind_borrowed(first + 11, u.deleted_date_time);
  s.bind_borrowed(first + 15, licenses.groups);
}

// Whether column `index` of the row holds `text` byte for byte (NULL for nullopt), as
// SQL's IS compares them.
bool column_is(const Statement& row, int index, const std::optional<std::string>& text) {
  if (row.column_is_null(index)) return !text;
  return text && row.column_view(index) == *text;
}

// A user's row as write_user() found it.
struct FoundUserRow {
  std::int64_t key = 0;
  bool deleted = false;
  // Its columns indexed besides (tenant, id), upn, deleted_at and license_groups, already
  // hold what the user writes. SQLite rewrites the entry of every index whose column an
  // UPDATE sets, changed or not, and most changes (licenses, names) leave these alone: an
  // UPDATE without them costs a changed user a page fewer (the upn index's).
  bool indexed_same = false;
};

}  // namespace

namespace {

// The user as the cache keeps it: of two assigned licenses for one SKU only the later
// (as the table they had before schema v10 was keyed by SKU; the service lists a SKU
// once). `u` itself unless a SKU repeats.
const User& as_stored(const User& u, std::optional<User>& copy) {
  const auto& licenses = u.assigned_licenses;
  bool repeated = false;
  for (size_t i = 0; i < licenses.size() && !repeated; ++i) {
    for (size_t j = i + 1; j < licenses.size() && !repeated; ++j) {
      repeated = licenses[i].sku_id == licenses[j].sku_id;
    }
  }
  if (!repeated) return u;
  copy = u;
  copy->assigned_licenses.clear();
  for (size_t i = 0; i < licenses.size(); ++i) {
    bool later = false;
    for (size_t j = i + 1; j < licenses.size(); ++j)
      later |= licenses[j].sku_id == licenses[i].sku_id;
    if (!later) copy->assigned_licenses.push_back(licenses[i]);
  }
  return *copy;
}

// Rows a multi-row INSERT takes. SQLite runs a statement's setup for every execution (the
// table's and its four indexes' cursors opened and closed, registers released): a tenth
// of a first read's instructions when each user was a statement of its own.
constexpr int kInsertBatch = 32;

// INSERT ... VALUES for `rows` users (1..kInsertBatch), DO NOTHING on (tenant, id) only:
// the probe of that index is the one the insert makes anyway, so a new user costs no
// lookup of its own. OR FAIL: a statement of several rows that may ABORT must be able to
// undo itself, so SQLite journals every page it touches (to a temporary file past 64 KiB:
// 3.6 times the writes of a first read); callers roll the whole transaction back on any
// error instead. Built once per size; Database::cached() keys statements by address.
const char* insert_users_sql(int rows) {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out(kInsertBatch + 1);
    for (int n = 1; n <= kInsertBatch; ++n) {
      std::string& sql = out[n];
      sql =
          "INSERT OR FAIL INTO users (tenant, id, upn, display_name, mail, given_name, "
          "surname, job_title, department, account_enabled, usage_location, deleted_at, "
          "content_hash, assigned_licenses, license_states, license_groups) VALUES ";
      for (int row = 0; row < n; ++row) {
        sql += row ? ",(" : "(";
        for (int p = 1; p <= kUserParams; ++p) {
          if (p > 1) sql += ',';
          sql += '?' + std::to_string(row * kUserParams + p);
        }
        sql += ')';
      }
      sql += " ON CONFLICT (tenant, id) DO NOTHING";
    }
    return out;
  }();
  return texts.at(static_cast<size_t>(rows)).c_str();
}

// What one row of a users INSERT is bound from: the user as stored, its hash and its
// license columns, which outlive the statement's run.
struct UserRow {
  const User* stored;
  std::int64_t hash;
  const LicenseColumns* licenses;
};

// Inserts rows[0, n), skipping any whose id the tenant has; how many were inserted.
Result<std::int64_t> insert_user_rows(Database& db, std::int64_t tenant_key, const UserRow* rows,
                                      int n) {
  auto s = db.cached(insert_users_sql(n));
  if (!s.ok()) return s.error();
  for (int i = 0; i < n; ++i) {
    const UserRow& r = rows[i];
    const int first = i * kUserParams + 1;
    (*s)->bind(first, tenant_key);
    (*s)->bind_borrowed(first + 1, r.stored->id);
    bind_user_fields(**s, *r.stored, r.hash, *r.licenses, first);
    bind_indexed_fields(**s, *r.stored, *r.licenses, first);
  }
  Status st = (*s)->run();
  if (!st.ok()) return st.error();
  return db.changes();
}

}  // namespace

Result<UserWrite> write_user(Database& db, std::int64_t tenant_key, const User& u) {
  std::optional<User> copy;
  const User& stored = as_stored(u, copy);
  const std::int64_t hash = user_content_hash(stored);
  std::optional<LicenseColumns> licenses;
  std::optional<FoundUserRow> existing;
  {
    // The row's indexed columns come with it, so a changed user needs no second look at
    // its row to choose its UPDATE.
    auto s = db.cached(
        "SELECT key, content_hash, deleted_at, upn, license_groups FROM users "
        "WHERE tenant = ?1 AND id = ?2");
    if (!s.ok()) return s.error();
    (*s)->bind_all(tenant_key, u.id);
    auto row = (*s)->step();
    if (!row.ok()) return row.error();
    if (*row && content_hash_matches((*s)->column_int64(1), hash, stored)) {
      return UserWrite::Kept;
    }
    licenses.emplace(stored);
    if (*row) {
      const Statement& r = **s;
      existing = FoundUserRow{r.column_int64(0), !r.column_is_null(2),
                              column_is(r, 2, stored.deleted_date_time) &&
                                  r.column_view(3) == stored.user_principal_name &&
                                  column_is(r, 4, licenses->groups)};
    }
  }  // the SELECT is reset before the row is written
  if (existing) {
    const std::int64_t key = existing->key;
    const bool indexed_same = existing->indexed_same;
    auto s = indexed_same
                 ? db.cached(
                       "UPDATE users SET display_name = ?4, mail = ?5, given_name = ?6, "
                       "surname = ?7, job_title = ?8, department = ?9, account_enabled = ?10, "
                       "usage_location = ?11, content_hash = ?13, assigned_licenses = ?14, "
                       "license_states = ?15 WHERE key = ?1 AND id = ?2")
                 : db.cached(
                       "UPDATE users SET upn = ?3, display_name = ?4, mail = ?5, given_name = ?6, "
                       "surname = ?7, job_title = ?8, department = ?9, account_enabled = ?10, "
                       "usage_location = ?11, deleted_at = ?12, content_hash = ?13, "
                       "assigned_licenses = ?14, license_states = ?15, license_groups = ?16 "
                       "WHERE key = ?1 AND id = ?2");
    if (!s.ok()) return s.error();
    (*s)->bind_all(key, u.id);
    bind_user_fields(**s, stored, hash, *licenses);
    if (!indexed_same) bind_indexed_fields(**s, stored, *licenses);
    Status st = (*s)->run();
    if (!st.ok()) return st.error();
    const bool was_deleted = existing->deleted;
    return was_deleted == stored.deleted_date_time.has_value() ? UserWrite::Rewritten
                                                               : UserWrite::Moved;
  }
  const UserRow row{&stored, hash, &*licenses};
  auto inserted = insert_user_rows(db, tenant_key, &row, 1);
  if (!inserted.ok()) return inserted.error();
  if (*inserted == 0) {
    return make_error(ErrorKind::Internal, "user " + u.id + " appeared while being written");
  }
  return UserWrite::Moved;
}

Status write_new_users(Database& db, std::int64_t tenant_key, const std::vector<const User*>& users,
                       bool& changed) {
  std::array<std::optional<User>, kInsertBatch> copies;  // as_stored()'s, when it needs one
  std::array<std::optional<LicenseColumns>, kInsertBatch> licenses;
  std::array<UserRow, kInsertBatch> rows;
  for (size_t from = 0; from < users.size(); from += kInsertBatch) {
    const int n = static_cast<int>(std::min<size_t>(users.size() - from, kInsertBatch));
    for (int i = 0; i < n; ++i) {
      const User& stored = as_stored(*users[from + i], copies[i]);
      licenses[i].emplace(stored);
      rows[i] = {&stored, user_content_hash(stored), &*licenses[i]};
    }
    auto inserted = insert_user_rows(db, tenant_key, rows.data(), n);
    if (!inserted.ok()) return inserted.error();
    if (*inserted > 0) changed = true;
    if (*inserted == n) continue;
    // Some were there already: each of the batch as write_user() takes it alone (those
    // just inserted match their rows and are left as they are).
    for (int i = 0; i < n; ++i) {
      auto written = write_user(db, tenant_key, *users[from + i]);
      if (!written.ok()) return written.error();
      if (*written != UserWrite::Kept) changed = true;
    }
  }
  return {};
}

Status delete_user(Database& db, std::int64_t user_key) {
  auto s = db.cached("DELETE FROM users WHERE key = ?1");
  if (!s.ok()) return s.error();
  (*s)->bind(1, user_key);
  return (*s)->run();
}

Status soft_delete_user(Database& db, std::int64_t tenant_key, const std::string& user_id,
                        const std::string& deleted_at, bool& changed) {
  auto s = db.prepare(std::string("SELECT ") + kUserColumns +
                      ", u.content_hash FROM users u "
                      "WHERE u.tenant = ?1 AND u.id = ?2 AND u.deleted_at IS NULL");
  if (!s.ok()) return s.error();
  s->bind_all(tenant_key, user_id);
  auto row = s->step();
  if (!row.ok()) return row.error();
  if (!*row) return {};
  std::int64_t user_key = s->column_int64(0);
  const std::int64_t stored_hash = s->column_int64(kUserColumnCount);
  User user;
  // A row that no longer verifies (damaged, or licenses that do not decode) gets hash 0,
  // which never verifies: it is re-read rather than blessed by a fresh hash.
  bool intact = read_user_columns(*s, user) && content_hash_matches(stored_hash, user);
  user.deleted_date_time = deleted_at;
  std::int64_t hash = intact ? user_content_hash(user) : 0;
  auto update = db.cached("UPDATE users SET deleted_at = ?2, content_hash = ?3 WHERE key = ?1");
  if (!update.ok()) return update.error();
  (*update)->bind_all(user_key, deleted_at, hash);
  Status st = (*update)->run();
  if (st.ok()) changed = true;
  return st;
}

bool read_user_columns(const Statement& s, User& u) {
  u.id = s.column_text(1);
  u.user_principal_name = s.column_text(2);
  u.display_name = s.column_text(3);
  u.mail = s.column_text(4);
  u.given_name = s.column_text(5);
  u.surname = s.column_text(6);
  u.job_title = s.column_text(7);
  u.department = s.column_text(8);
  u.account_enabled = s.column_bool(9);
  u.usage_location = s.column_optional_text(10);
  u.deleted_date_time = s.column_optional_text(11);
  auto assigned = decode_assigned_licenses(s.column_view(12));
  if (!assigned.ok()) return false;
  u.assigned_licenses = std::move(assigned).value();
  if (s.column_view(13) == kStatesAsAssigned) {
    u.license_states = states_of_assigned(u.assigned_licenses);
    return true;
  }
  auto states = decode_license_states(s.column_view(13));
  if (!states.ok()) return false;
  u.license_states = std::move(states).value();
  return true;
}

}  // namespace tenantsync::cache_rows
