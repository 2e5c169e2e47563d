#include "sync/store/group_rows.h"

#include <set>

#include "sync/store/cache_codec.h"

namespace tenantsync::cache_rows {

Result<std::map<std::string, std::string>> load_group_names(Database& db, std::int64_t tenant_key) {
  auto s = db.cached("SELECT id, display_name FROM group_names WHERE tenant = ?1");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  std::map<std::string, std::string> out;
  Status read = for_each_row(
      **s, [&](const Statement& r) { out.emplace(r.column_text(0), r.column_text(1)); });
  if (!read.ok()) return read.error();
  return out;
}

Result<std::vector<std::string>> load_inheriting_group_ids(Database& db, std::int64_t tenant_key) {
  // Each distinct set of groups once, from users_by_license_group (users that inherit no
  // license have no entry there). The ids only label groups in reports, so a damaged set
  // is passed over rather than failing the round that asks. Every round of every tenant
  // asks, and where licenses come through groups most users hold one of a few sets: the
  // index is searched once per set (from each set to the next), not read entry by entry
  // as SELECT DISTINCT would.
  auto s = db.cached(
      "WITH RECURSIVE sets(groups) AS ("
      " SELECT min(license_groups) FROM users"
      "  WHERE tenant = ?1 AND license_groups IS NOT NULL"
      " UNION ALL"
      " SELECT (SELECT min(license_groups) FROM users"
      "  WHERE tenant = ?1 AND license_groups IS NOT NULL AND license_groups > sets.groups)"
      " FROM sets WHERE sets.groups IS NOT NULL)"
      "SELECT groups FROM sets WHERE groups IS NOT NULL");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  std::set<std::string> groups;
  Status read = for_each_row(**s, [&](const Statement& r) {
    auto ids = decode_plan_list(r.column_view(0));
    if (ids.ok()) groups.insert(ids->begin(), ids->end());
  });
  if (!read.ok()) return read.error();
  return std::vector<std::string>(groups.begin(), groups.end());
}

Result<std::vector<std::string>> load_unnamed_group_ids(Database& db, std::int64_t tenant_key) {
  auto ids = load_inheriting_group_ids(db, tenant_key);
  if (!ids.ok()) return ids;
  auto names = load_group_names(db, tenant_key);
  if (!names.ok()) return names.error();
  std::erase_if(*ids, [&](const std::string& id) { return names->contains(id); });
  return ids;
}

Result<std::vector<std::string>> unnamed_among(Database& db, std::int64_t tenant_key,
                                               const std::set<std::string>& ids) {
  std::vector<std::string> out;
  if (ids.empty()) return out;
  auto s = db.cached("SELECT 1 FROM group_names WHERE tenant = ?1 AND id = ?2");
  if (!s.ok()) return s.error();
  for (const auto& id : ids) {
    (*s)->reset();
    (*s)->bind_all(tenant_key, id);
    auto named = (*s)->step();
    if (!named.ok()) return named.error();
    if (!*named) out.push_back(id);
  }
  return out;
}

Result<bool> groups_named_at_current_version(Database& db, std::int64_t tenant_key) {
  auto s = db.cached(
      "SELECT 1 FROM sync_state WHERE tenant = ?1 AND groups_named_version = state_version");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  return (*s)->step();
}

Status record_groups_named(Database& db, std::int64_t tenant_key, bool all_named) {
  auto s = db.cached(all_named ? "UPDATE sync_state SET groups_named_version = state_version "
                                 "WHERE tenant = ?1 AND groups_named_version IS NOT state_version"
                               : "UPDATE sync_state SET groups_named_version = NULL "
                                 "WHERE tenant = ?1 AND groups_named_version IS NOT NULL");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  return (*s)->run();
}

Status upsert_group_names(Database& db, std::int64_t tenant_key, const std::vector<Group>& groups) {
  return insert_rows(db,
                     "INSERT INTO group_names (tenant, id, display_name) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (tenant, id) DO UPDATE SET display_name = excluded.display_name",
                     groups, [&](Statement& s, std::int64_t, const Group& g) {
                       s.bind_all(tenant_key, g.id, g.display_name);
                     });
}

}  // namespace tenantsync::cache_rows
