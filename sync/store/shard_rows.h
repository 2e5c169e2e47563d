// What the cache knows about shards (docs/cli.md "Shards"; schema v8): which shard of the
// partner's tenants it mirrors, and every tenant the partner's /contracts lists, so a
// shard tells another shard's tenants from unknown ones without the network.
//
// A cache belongs to one shard for life: the first command that writes it claims it for
// its shard (or for every tenant, without --shard), and any other shard spec is refused,
// so no shard ever plans from another's half of a mirror. Owned by Cache; thread-safe
// like it (each call takes the connection it needs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/result.h"
#include "model/shard.h"
#include "model/tenant.h"

namespace tenantsync {

class CacheDatabase;

class ShardRows {
 public:
  explicit ShardRows(CacheDatabase& db) : db_(db) {}

  // Checks that the cache is `shard`'s (nullopt: every tenant's). A cache that records no
  // shard is claimed for `shard` when it holds no tenant yet, and counts as every
  // tenant's when it does (a cache from before shards). A mismatch is Invalid, code
  // "wrong-shard", naming both specs and what to do.
  Status claim(const std::optional<Shard>& shard);
  // The same check for a command that does not write: nothing is recorded.
  Status check(const std::optional<Shard>& shard) const;
  // The spec this cache was claimed for: "k/N", "" for every tenant, nullopt if unclaimed.
  Result<std::optional<std::string>> claimed() const;

  // Replaces the partner's tenant list with `customers` (all shards' alike).
  Status record_contracts(const std::vector<Tenant>& customers);
  // The id of the tenant the contracts list under this id or default domain (any case),
  // or "" when they list none.
  Result<std::string> contract_id(const std::string& tenant) const;

 private:
  CacheDatabase& db_;
};

// The shard that owns the tenant a desired state or a flag names (`name`: an id or a
// default domain): the owner of its contract's id, or of the name itself when no contract
// lists it, so an unknown tenant is still reported by exactly one shard.
Result<int> shard_owner(const Shard& shard, const ShardRows& rows, const std::string& name);

}  // namespace tenantsync
