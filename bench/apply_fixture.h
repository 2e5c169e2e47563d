// apply_bench's workload (apply_workload.h) as a fake-graph fixture (docs/fake-graph.md,
// "Fixture format"), so the HTTP run starts the fake with exactly the tenants, SKUs, seats
// and users the plan was built for: a partner listing the workload's tenants, one client
// (kBenchClientId, `secret`, all roles), and the service's rule that Exchange Online
// plans 1 and 2 are mutually exclusive (the workload's swaps cross it).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "bench/apply_workload.h"

namespace tenantsync::bench {

nlohmann::json apply_workload_fixture(const ApplyWorkload& workload, const std::string& secret);

}  // namespace tenantsync::bench
