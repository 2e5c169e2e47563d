#include "sync/store/group_rows.h"

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
  auto s = db.cached(
      "SELECT DISTINCT assigned_by_group FROM license_states WHERE tenant = ?1 "
      "AND assigned_by_group IS NOT NULL AND assigned_by_group <> '' ORDER BY 1");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  std::vector<std::string> out;
  Status read = for_each_row(**s, [&](const Statement& r) { out.push_back(r.column_text(0)); });
  if (!read.ok()) return read.error();
  return out;
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
