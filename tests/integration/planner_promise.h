// The planner's promise (issue #6) checked against the service itself: every `ready`
// operation of a plan is accepted, and every `blocked` one would have been refused, for
// the reason the plan gives.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/plan.h"
#include "sync/apply/apply_result.h"
#include "sync/directory.h"

namespace tenantsync::test {

// How many operations of the tenant's plan are ready (apply would send them).
int ready_operations(const TenantPlan& tenant);

// One line per operation that was ready in the plan but is not `applied` in the report
// (report-mode tenants aside: apply never changes them).
std::vector<std::string> ready_operations_not_applied(const ApplyReport& report);

struct BlockedProbe {
  std::string tenant_id;
  std::string user;  // UPN
  WriteRequest request;
  std::vector<Operation> operations;  // what the request carries
  std::string reason;                 // the plan's reason, which must quote the service
};

// What to send for the blocked operations of `plan`: each on its own, except that a
// revocation held back for a blocked assignment ("kept until SPE_E5 can be assigned")
// goes in the same assignLicense call as that assignment, as apply would have sent them.
std::vector<BlockedProbe> blocked_probes(const Plan& plan);

struct ProbeOutcome {
  std::vector<std::string> problems;    // accepted, or refused for another reason
  std::map<std::string, int> refusals;  // by the kind of rule: "seats", "usage location", ...
};

// Sends every probe through `directory` and checks the service refuses it with a message
// the plan's reason quotes.
ProbeOutcome send_blocked_probes(Directory& directory, const std::vector<BlockedProbe>& probes);

}  // namespace tenantsync::test
