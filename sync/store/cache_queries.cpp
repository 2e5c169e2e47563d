// The CLI's queries over the cache (`users list`, `licenses`): Cache::list_users and
// Cache::sku_seats, with the translation of a UserFilter into SQL.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "sync/store/cache.h"
#include "sync/store/cache_rows.h"
#include "sync/unicode_case.h"

namespace tenantsync {

namespace {

constexpr int kRestoreWindowDays = 30;

// A WHERE clause over `users u` with its text parameters, numbered from ?2 (?1 is the
// tenant key).
struct FilterSql {
  std::string where;
  std::vector<std::string> params;

  std::string add(std::string value) {
    params.push_back(std::move(value));
    return "?" + std::to_string(params.size() + 1);
  }
  void bind(Statement& s, std::int64_t tenant_key) const {
    s.bind(1, tenant_key);
    for (size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 2), params[i]);
  }
};

// `*` -> `%`, `?` -> `_`, LIKE's own wildcards escaped with '\'.
std::string glob_to_like(const std::string& glob) {
  std::string out;
  for (char c : glob) {
    if (c == '*') {
      out += '%';
    } else if (c == '?') {
      out += '_';
    } else if (c == '%' || c == '_' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "]";
}

Result<std::string> sku_id_for(const std::string& name, const std::vector<Sku>& skus,
                               const Tenant& tenant, const char* key) {
  std::string id = resolve_sku_id(name, skus);
  if (!id.empty()) return id;
  std::string known;
  for (const auto& s : skus) known += (known.empty() ? "" : ", ") + s.sku_part_number;
  return make_error(ErrorKind::Invalid,
                    std::string(key) + ":" + name + ": tenant " + tenant.default_domain_name +
                        " has no SKU " + name + " (it has " + (known.empty() ? "none" : known) +
                        ")",
                    "unknown-sku");
}

Result<FilterSql> filter_sql(const UserFilter& f, bool deleted, const std::vector<Sku>& skus,
                             const Tenant& tenant) {
  FilterSql q;
  q.where = "u.tenant = ?1 AND u.deleted_at IS ";
  q.where += deleted ? "NOT NULL" : "NULL";
  if (f.unlicensed) {
    q.where += " AND u.assigned_licenses = '[]'";
  }
  if (f.account_enabled) {
    q.where += *f.account_enabled ? " AND u.account_enabled <> 0" : " AND u.account_enabled = 0";
  }
  for (bool holds : {true, false}) {
    for (const auto& name : holds ? f.skus : f.no_skus) {
      auto id = sku_id_for(name, skus, tenant, holds ? "sku" : "no-sku");
      if (!id.ok()) return id.error();
      q.where += holds ? " AND EXISTS" : " AND NOT EXISTS";
      q.where +=
          " (SELECT 1 FROM json_each(u.assigned_licenses) al WHERE json_extract(al.value, '$[0]') "
          "= " +
          q.add(*id) + ")";
    }
  }
  for (const auto& d : f.departments) {
    q.where += " AND u.department = " + q.add(d) + " COLLATE " + kAnyCaseCollation;
  }
  if (f.no_usage_location) q.where += " AND coalesce(u.usage_location, '') = ''";
  for (const auto& l : f.usage_locations) {
    q.where += " AND u.usage_location = " + q.add(l) + " COLLATE NOCASE";
  }
  for (const auto& p : f.upn_patterns) {
    q.where += " AND u.upn LIKE " + q.add(glob_to_like(p)) + " ESCAPE '\\'";
  }
  if (!f.users.empty()) {
    std::string list = q.add(json_array(f.users));
    q.where += " AND (u.id IN (SELECT value FROM json_each(" + list +
               ")) OR lower(u.upn) IN (SELECT lower(value) FROM json_each(" + list + ")))";
  }
  return q;
}

std::optional<int> days_left(const std::optional<std::string>& deleted_at, Clock::time_point now) {
  if (!deleted_at) return std::nullopt;
  Clock::time_point when;
  if (!parse_iso8601(*deleted_at, when)) return std::nullopt;
  auto age_days = std::chrono::duration_cast<std::chrono::hours>(now - when).count() / 24;
  // A deletion time ahead of our clock (skew) still leaves at most the whole window.
  return std::clamp<int>(kRestoreWindowDays - static_cast<int>(age_days), 0, kRestoreWindowDays);
}

// How many of the tenant's users `f` selects.
Result<int> count_users(Database& db, const FilterSql& f, std::int64_t tenant_key) {
  auto s = db.prepare("SELECT count(*) FROM users u WHERE " + f.where);
  if (!s.ok()) return s.error();
  f.bind(*s, tenant_key);
  auto r = s->step();
  if (!r.ok()) return r.error();
  return s->column_int(0);
}

// A tenant's row and SKUs, read in the caller's transaction: what a filter needs.
struct TenantWithSkus {
  cache_rows::TenantRow row;
  std::vector<Sku> skus;
};

Result<TenantWithSkus> tenant_with_skus(Database& db, const std::string& tenant) {
  auto row = cache_rows::resolve_tenant(db, tenant);
  if (!row.ok()) return row.error();
  auto skus = cache_rows::load_skus(db, row->key);
  if (!skus.ok()) return skus.error();
  // Licenses are named, and filtered by name, from these rows: damaged, they would mislead.
  auto intact = cache_rows::skus_intact(db, row->key, *skus);
  if (!intact.ok()) return intact.error();
  if (!*intact) {
    return make_error(ErrorKind::Io, "cache holds damaged SKU rows for tenant " +
                                         row->tenant.default_domain_name +
                                         "; `tenantsync plan` reports such rows, and the "
                                         "mirror after it re-reads the tenant");
  }
  return TenantWithSkus{*row, std::move(skus).value()};
}

Error damaged_licenses(const std::string& upn) {
  return make_error(ErrorKind::Io, "cache holds damaged licenses for user " + upn +
                                       "; `tenantsync plan` reports such rows, and the mirror "
                                       "after it re-reads their tenant");
}

// A query that looks inside users' licenses (json_each) would fail on a row whose
// licenses are not JSON with SQLite's bare "malformed JSON": this names the user instead.
Status licenses_readable(Database& db, std::int64_t tenant_key) {
  auto s = db.cached(
      "SELECT upn FROM users WHERE tenant = ?1 AND NOT json_valid(assigned_licenses) LIMIT 1");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  auto row = (*s)->step();
  if (!row.ok()) return row.error();
  if (*row) return damaged_licenses((*s)->column_text(0));
  return {};
}

}  // namespace

Result<UserListPage> Cache::list_users(const std::string& tenant, const UserListQuery& query) {
  if (query.page < 1) return make_error(ErrorKind::Invalid, "--page starts at 1");
  if (query.page_size < 1) return make_error(ErrorKind::Invalid, "--page-size must be at least 1");
  Clock::time_point now = db_->clock().now();
  return db_->with_reader([&](Database& db) -> Result<UserListPage> {
    auto tx = Transaction::begin(db, Transaction::Mode::Deferred);
    if (!tx.ok()) return tx.error();
    auto found = tenant_with_skus(db, tenant);
    if (!found.ok()) return found.error();
    const cache_rows::TenantRow& row = found->row;
    std::vector<Sku>& skus = found->skus;
    auto filter = filter_sql(query.filter, query.deleted, skus, row.tenant);
    if (!filter.ok()) return filter.error();
    if (!query.filter.skus.empty() || !query.filter.no_skus.empty()) {
      Status readable = licenses_readable(db, row.key);
      if (!readable.ok()) return readable.error();
    }

    UserListPage page;
    page.page = query.page;
    page.page_size = query.page_size;
    auto total = count_users(db, *filter, row.key);
    if (!total.ok()) return total.error();
    page.total = *total;
    page.page_count = std::max(1, (page.total + query.page_size - 1) / query.page_size);
    if (query.last_page) page.page = page.page_count;

    // Appended piece by piece: gcc 12 warns (-Warray-bounds, a false positive) on one
    // long chain of operator+ here.
    std::string sql = "SELECT ";
    sql += cache_rows::kUserColumns;
    sql += " FROM users u WHERE " + filter->where;
    sql += " ORDER BY u.upn COLLATE NOCASE, u.id LIMIT " + std::to_string(query.page_size);
    sql += " OFFSET " + std::to_string(static_cast<std::int64_t>(page.page - 1) * query.page_size);
    auto s = db.prepare(sql);
    if (!s.ok()) return s.error();
    filter->bind(*s, row.key);
    Status read = for_each_row(*s, [&](const Statement& r) -> Status {
      UserListRow out;
      if (!cache_rows::read_user_columns(r, out.user)) {
        return damaged_licenses(out.user.user_principal_name);
      }
      out.days_left = days_left(out.user.deleted_date_time, now);
      page.users.push_back(std::move(out));
      return {};
    });
    if (!read.ok()) return read.error();
    return page;
  });
}

Result<std::vector<SkuSeats>> Cache::sku_seats(const std::string& tenant,
                                               const UserFilter* selection) {
  return db_->with_reader([&](Database& db) -> Result<std::vector<SkuSeats>> {
    auto tx = Transaction::begin(db, Transaction::Mode::Deferred);
    if (!tx.ok()) return tx.error();
    auto found = tenant_with_skus(db, tenant);
    if (!found.ok()) return found.error();
    const cache_rows::TenantRow& row = found->row;
    std::vector<Sku>& skus = found->skus;
    Status readable = licenses_readable(db, row.key);
    if (!readable.ok()) return readable.error();

    // Holders per SKU among the users a WHERE clause selects.
    auto count_by_sku = [&](const FilterSql& f) -> Result<std::map<std::string, int>> {
      auto s = db.prepare(
          "SELECT json_extract(al.value, '$[0]'), count(DISTINCT u.key) FROM users u, "
          "json_each(u.assigned_licenses) al WHERE " +
          f.where + " GROUP BY 1");
      if (!s.ok()) return s.error();
      f.bind(*s, row.key);
      std::map<std::string, int> out;
      Status read =
          for_each_row(*s, [&](const Statement& r) { out[r.column_text(0)] = r.column_int(1); });
      if (!read.ok()) return read.error();
      return out;
    };

    auto all = filter_sql(UserFilter{}, false, skus, row.tenant);
    if (!all.ok()) return all.error();
    auto holders = count_by_sku(*all);
    if (!holders.ok()) return holders.error();

    std::map<std::string, int> selected_holding;
    int selected = 0;
    if (selection) {
      auto f = filter_sql(*selection, false, skus, row.tenant);
      if (!f.ok()) return f.error();
      auto count = count_users(db, *f, row.key);
      if (!count.ok()) return count.error();
      selected = *count;
      auto held = count_by_sku(*f);
      if (!held.ok()) return held.error();
      selected_holding = std::move(held).value();
    }

    std::vector<SkuSeats> out;
    for (auto& sku : skus) {
      SkuSeats line;
      line.holders = (*holders)[sku.sku_id];
      line.selected = selected;
      line.selected_holding = selection ? selected_holding[sku.sku_id] : 0;
      line.sku = std::move(sku);
      out.push_back(std::move(line));
    }
    return out;
  });
}

}  // namespace tenantsync
