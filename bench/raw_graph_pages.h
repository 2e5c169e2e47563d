// The Graph JSON pages a mirror reads, fetched once as raw text, for a baseline that
// parses and stores exactly what the connector receives (mirror_bench --graph (a)).
//
// Per customer tenant of the partner: the users delta round (GraphClient's URL and $select,
// the service's page size) and the soft-deleted users (GraphClient's $select and $top),
// following @odata.nextLink as given. Tokens come from the fake's token endpoint; the
// HTTP client is the tests' minimal one, `threads` tenants at a time.
#pragma once

#include <string>
#include <vector>

#include "bench/fake_graph_target.h"
#include "model/tenant.h"

namespace tenantsync::bench {

struct RawTenantPages {
  Tenant tenant;
  std::vector<std::string> user_pages;     // /users/delta, first round
  std::vector<std::string> deleted_pages;  // /directory/deletedItems/microsoft.graph.user
};

struct RawPages {
  std::vector<RawTenantPages> tenants;  // in /contracts order
  long long requests = 0;               // GETs and token requests made
  long long bytes = 0;                  // page bodies
};

// Throws std::runtime_error when a request fails.
RawPages fetch_raw_pages(FakeGraphTarget& fake, const std::string& partner_tenant,
                         const std::string& client_id, const std::string& secret, int threads);

}  // namespace tenantsync::bench
