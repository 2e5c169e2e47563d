#include "sync/store/shard_rows.h"

#include "sync/ascii_case.h"
#include "sync/store/cache_database.h"
#include "sync/store/sqlite.h"

namespace tenantsync {

namespace {

std::string describe(const std::string& spec) {
  return spec.empty() ? "every tenant (no shard)" : "shard " + spec;
}

// The spec `db` was claimed for; a file that records none but holds tenants was mirrored
// before shards existed, so it is every tenant's; nullopt: not claimed yet.
Result<std::optional<std::string>> held_spec(Database& db) {
  auto get = db.cached("SELECT value FROM cache_identity WHERE key = 'shard'");
  if (!get.ok()) return get.error();
  std::optional<std::string> held;
  Status read = for_each_row(**get, [&](const Statement& r) -> Status {
    held = r.column_text(0);
    return {};
  });
  if (!read.ok()) return read.error();
  if (!held) {
    auto tenants = db.query_int("SELECT count(*) FROM tenants");
    if (!tenants.ok()) return tenants.error();
    if (*tenants > 0) held = "";
  }
  return held;
}

Status compare(const std::string& path, const std::optional<std::string>& held,
               const std::string& wanted) {
  if (!held || *held == wanted) return {};
  return make_error(ErrorKind::Invalid,
                    "cache " + path + " holds " + describe(*held) + ", and this command runs as " +
                        describe(wanted) +
                        ": each shard needs a cache of its own (config `cache`); start this "
                        "one with a new cache file",
                    "wrong-shard");
}

std::string spec_of(const std::optional<Shard>& shard) { return shard ? shard->spec() : ""; }

// The contracts rows `customers` make: by id in any case (the column's NOCASE), each as
// the last listing of it names it, as INSERT OR REPLACE leaves them.
IMap<const Tenant*> contract_rows(const std::vector<Tenant>& customers) {
  IMap<const Tenant*> rows;
  for (const Tenant& t : customers) rows[t.id] = &t;
  return rows;
}

// Whether the table holds exactly `rows`, spelled as they are.
Result<bool> contracts_hold(Database& db, const IMap<const Tenant*>& rows) {
  auto s = db.cached("SELECT tenant_id, default_domain FROM contracts");
  if (!s.ok()) return s.error();
  std::size_t held = 0;
  bool same = true;
  Status read = for_each_row(**s, [&](const Statement& r) -> Status {
    ++held;
    auto row = rows.find(r.column_view(0));
    same = same && row != rows.end() && row->second->id == r.column_view(0) &&
           row->second->default_domain_name == r.column_view(1);
    return {};
  });
  if (!read.ok()) return read.error();
  return same && held == rows.size();
}

}  // namespace

Result<std::optional<std::string>> ShardRows::claimed() const {
  return db_.with_reader([&](Database& db) { return held_spec(db); });
}

Status ShardRows::check(const std::optional<Shard>& shard) const {
  auto held = claimed();
  if (!held.ok()) return held.error();
  return compare(db_.path(), *held, spec_of(shard));
}

Status ShardRows::claim(const std::optional<Shard>& shard) {
  const std::string wanted = spec_of(shard);
  return db_.with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    auto held = held_spec(db);
    if (!held.ok()) return held.error();
    if (Status s = compare(db_.path(), *held, wanted); !s.ok()) return s;
    if (!*held) {
      auto put = db.cached("INSERT INTO cache_identity (key, value) VALUES ('shard', ?1)");
      if (!put.ok()) return put.error();
      (*put)->bind(1, wanted);
      if (Status s = (*put)->run(); !s.ok()) return s;
    }
    return tx->commit();
  });
}

Status ShardRows::record_contracts(const std::vector<Tenant>& customers) {
  return db_.with_writer([&](Database& db) -> Status {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    // Every round records them, and they seldom change: the same list writes nothing.
    auto same = contracts_hold(db, contract_rows(customers));
    if (!same.ok()) return same.error();
    if (*same) return tx->commit();
    if (Status s = db.exec("DELETE FROM contracts", "forget contracts"); !s.ok()) return s;
    Status put = insert_rows(
        db, "INSERT OR REPLACE INTO contracts (tenant_id, default_domain) VALUES (?1, ?2)",
        customers, [](Statement& s, std::int64_t, const Tenant& t) {
          s.bind_all(t.id, t.default_domain_name);
        });
    return put.ok() ? tx->commit() : put;
  });
}

Result<std::string> ShardRows::contract_id(const std::string& tenant) const {
  return db_.with_reader([&](Database& db) -> Result<std::string> {
    auto s = db.cached(
        "SELECT tenant_id FROM contracts WHERE tenant_id = ?1 OR default_domain = ?1 LIMIT 1");
    if (!s.ok()) return s.error();
    (*s)->bind(1, tenant);
    std::string id;
    Status read = for_each_row(**s, [&](const Statement& r) -> Status {
      id = r.column_text(0);
      return {};
    });
    if (!read.ok()) return read.error();
    return id;
  });
}

Result<int> shard_owner(const Shard& shard, const ShardRows& rows, const std::string& name) {
  auto id = rows.contract_id(name);
  if (!id.ok()) return id.error();
  return shard.owner_of(id->empty() ? name : *id);
}

}  // namespace tenantsync
