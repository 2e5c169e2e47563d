#include "sync/store/role_rows.h"

#include <algorithm>

namespace tenantsync::cache_rows {
namespace {

Status clear(Database& db, const char* sql, std::int64_t tenant_key) {
  auto s = db.cached(sql);
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  return (*s)->run();
}

// The same rows in any order (the service lists them in its own order).
template <typename Row>
bool same_rows(const std::vector<Row>& a, const std::vector<Row>& b) {
  return a.size() == b.size() && std::all_of(a.begin(), a.end(), [&](const Row& row) {
           return std::find(b.begin(), b.end(), row) != b.end();
         });
}

}  // namespace

Result<std::vector<RoleDefinition>> load_role_definitions(Database& db, std::int64_t tenant_key) {
  auto s = db.cached(
      "SELECT id, display_name, is_built_in, is_privileged FROM role_definitions "
      "WHERE tenant = ?1 ORDER BY display_name COLLATE NOCASE, id");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  std::vector<RoleDefinition> out;
  Status read = for_each_row(**s, [&](const Statement& r) {
    out.push_back({r.column_text(0), r.column_text(1), r.column_int(2) != 0, r.column_int(3) != 0});
  });
  if (!read.ok()) return read.error();
  return out;
}

Result<std::vector<RoleAssignment>> load_role_assignments(Database& db, std::int64_t tenant_key) {
  auto s = db.cached(
      "SELECT id, principal_id, role_definition_id FROM role_assignments WHERE tenant = ?1 "
      "ORDER BY principal_id, role_definition_id, id");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  std::vector<RoleAssignment> out;
  Status read = for_each_row(**s, [&](const Statement& r) {
    out.push_back({r.column_text(0), r.column_text(1), r.column_text(2)});
  });
  if (!read.ok()) return read.error();
  return out;
}

Status replace_role_definitions(Database& db, std::int64_t tenant_key,
                                const std::vector<RoleDefinition>& roles, bool& changed) {
  auto existing = load_role_definitions(db, tenant_key);
  if (!existing.ok()) return existing.error();
  if (same_rows(*existing, roles)) return {};
  changed = true;
  if (Status st = clear(db, "DELETE FROM role_definitions WHERE tenant = ?1", tenant_key); !st.ok())
    return st;
  return insert_rows(db,
                     "INSERT OR REPLACE INTO role_definitions (tenant, id, display_name, "
                     "is_built_in, is_privileged) VALUES (?1, ?2, ?3, ?4, ?5)",
                     roles, [&](Statement& s, std::int64_t, const RoleDefinition& d) {
                       s.bind_all(tenant_key, d.id, d.display_name, d.is_built_in, d.is_privileged);
                     });
}

Status replace_role_assignments(Database& db, std::int64_t tenant_key,
                                const std::vector<RoleAssignment>& assignments, bool& changed) {
  auto existing = load_role_assignments(db, tenant_key);
  if (!existing.ok()) return existing.error();
  if (same_rows(*existing, assignments)) return {};
  changed = true;
  if (Status st = clear(db, "DELETE FROM role_assignments WHERE tenant = ?1", tenant_key); !st.ok())
    return st;
  for (const RoleAssignment& a : assignments) {
    if (Status st = insert_role_assignment(db, tenant_key, a); !st.ok()) return st;
  }
  return {};
}

Status insert_role_assignment(Database& db, std::int64_t tenant_key, const RoleAssignment& a) {
  auto s = db.cached(
      "INSERT OR REPLACE INTO role_assignments (tenant, id, principal_id, role_definition_id) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!s.ok()) return s.error();
  Statement& st = **s;
  st.reset();
  st.bind_all(tenant_key, a.id, a.principal_id, a.role_definition_id);
  return st.run();
}

Status delete_role_assignment(Database& db, std::int64_t tenant_key, const std::string& id) {
  auto s = db.cached("DELETE FROM role_assignments WHERE tenant = ?1 AND id = ?2");
  if (!s.ok()) return s.error();
  (*s)->reset();
  (*s)->bind_all(tenant_key, id);
  return (*s)->run();
}

}  // namespace tenantsync::cache_rows
