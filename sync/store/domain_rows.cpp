#include "sync/store/domain_rows.h"

namespace tenantsync::cache_rows {

Result<std::vector<Domain>> load_domains(Database& db, std::int64_t tenant_key) {
  auto s = db.cached(
      "SELECT name, is_default, is_initial, is_verified FROM domains WHERE tenant = ?1 "
      "ORDER BY position");
  if (!s.ok()) return s.error();
  (*s)->bind(1, tenant_key);
  std::vector<Domain> out;
  Status read = for_each_row(**s, [&](const Statement& r) {
    out.push_back(
        {r.column_text(0), r.column_int(1) != 0, r.column_int(2) != 0, r.column_int(3) != 0});
  });
  if (!read.ok()) return read.error();
  return out;
}

Status replace_domains(Database& db, std::int64_t tenant_key, const std::vector<Domain>& domains,
                       bool& changed) {
  auto existing = load_domains(db, tenant_key);
  if (!existing.ok()) return existing.error();
  if (*existing == domains) return {};
  changed = true;
  auto clear = db.cached("DELETE FROM domains WHERE tenant = ?1");
  if (!clear.ok()) return clear.error();
  (*clear)->bind(1, tenant_key);
  if (Status st = (*clear)->run(); !st.ok()) return st;
  return insert_rows(db,
                     "INSERT INTO domains (tenant, position, name, is_default, is_initial, "
                     "is_verified) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     domains, [&](Statement& s, std::int64_t position, const Domain& d) {
                       s.bind_all(tenant_key, position, d.id, d.is_default, d.is_initial,
                                  d.is_verified);
                     });
}

}  // namespace tenantsync::cache_rows
