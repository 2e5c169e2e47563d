// The workload of apply_bench, reusable by other apply benchmarks (e.g. the same changes
// against fake-graph over HTTP): tenants with SKUs and users, and the plan that changes
// them, built directly (no desired-state file, no planner), deterministically.
//
// Each user gets two license changes, by user index modulo 4:
//   0: exclusive swap: revoke EXCHANGESTANDARD, assign SPE_E3      (one call, frees + takes)
//   1: assign SPE_E3 and EMS                                       (one call, takes)
//   2: revoke SPE_E3 and EMS                                       (one call, frees)
//   3: update SPE_E3 (disable YAMMER_ENTERPRISE), assign VISIOCLIENT (one call, takes)
// Seats: enough for the end state (the executor frees before it takes). So the default
// 100 tenants x 500 users are 100,000 license changes in 50,000 assignLicense calls.
#pragma once

#include <string>
#include <vector>

#include "model/plan.h"
#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"
#include "sync/directory.h"

namespace tenantsync {

struct ApplyWorkloadSpec {
  int tenants = 100;
  int users_per_tenant = 500;
};

struct WorkloadTenant {
  Tenant tenant;
  std::vector<Sku> skus;
  std::vector<User> users;
};

struct ApplyWorkload {
  std::vector<WorkloadTenant> tenants;
  Plan plan;  // every operation ready
  int operations = 0;
};

ApplyWorkload make_apply_workload(const ApplyWorkloadSpec& spec);

// The naive way to carry the plan out: one request per user and SKU, sent one at a time,
// tenant after tenant (removals of a user before its additions). Requests in plan order.
std::vector<std::pair<std::string, WriteRequest>> naive_requests(const Plan& plan);

}  // namespace tenantsync
