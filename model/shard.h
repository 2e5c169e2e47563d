// One shard of a partner's tenants (`--shard k/N`, config `shard`, docs/cli.md "Shards"):
// processes 0..N-1 each own the tenants whose id ranks them first (rendezvous hashing),
// so every tenant belongs to exactly one shard and its write budget is never shared, and
// going from N to N+1 shards moves about 1/(N+1) of the tenants, all to the new shard.
// Pure values; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenantsync {

struct Shard {
  int index = 0;  // k: 0..count-1, as a StatefulSet's ordinal
  int count = 1;  // N

  // "k/N".
  std::string spec() const;
  // The shard (0..count-1) that owns the tenant with this id (or, for a tenant no contract
  // names, this name), ignoring ASCII case.
  int owner_of(std::string_view tenant_id) const;
  bool owns(std::string_view tenant_id) const { return owner_of(tenant_id) == index; }

  bool operator==(const Shard&) const = default;
};

// "k/N" with 0 <= k < N <= 1024; nullopt (and `why` filled) otherwise.
std::optional<Shard> parse_shard(std::string_view text, std::string* why = nullptr);

}  // namespace tenantsync
