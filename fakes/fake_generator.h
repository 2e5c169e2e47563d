// --generate tenants=N,users=M,skus=K,seed=S: a deterministic estate of realistic tenants
// for benchmarks and load tests. The partner, the tenant list and the client exist at
// once; each tenant's SKUs and users are built on its first use (under its own lock), so
// 1,000 tenants x 1,000 users start instantly and only touched tenants take memory.
//
// Per tenant: K SKUs from the catalogue (SPE_E3 first), M users (every 100th of them
// soft-deleted a few days before `now`, every 50th without usage location), about 70% of
// users licensed, seats for about 90% of users on the main SKU and a little headroom on
// the others, EMS inherited from a group by some users, and the plan rules that apply to
// the SKUs present.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fakes/fake_estate.h"

namespace tenantsync::fake {

struct GenerateSpec {
  int tenants = 3;
  int users = 20;
  int skus = 4;
  uint64_t seed = 1;
};

// Parses "tenants=N,users=M,skus=K,seed=S" (any order, any subset). Throws
// std::invalid_argument with a one-line reason.
GenerateSpec parse_generate_spec(const std::string& text);

inline constexpr const char* kGeneratedClientId = "11111111-1111-1111-1111-111111111111";
inline constexpr const char* kGeneratedSecret = "generated-secret";
inline constexpr const char* kGeneratedNow = "2026-11-20T00:00:00Z";

std::unique_ptr<Estate> generate_estate(const GenerateSpec& spec);

// Fills one generated tenant (the loader generate_estate installs). Exposed for tests.
void populate_generated_tenant(TenantDirectory& tenant, const GenerateSpec& spec, int index,
                               double now);

}  // namespace tenantsync::fake
